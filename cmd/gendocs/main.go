// Command gendocs writes the generated artefacts from the commands
// themselves: the Markdown command reference (docs/reference/) and shell
// completions (completions/), both committed; with -man DIR also man pages
// (built at release time, not committed: they carry a date). Run it from
// the repository root: go run ./cmd/gendocs
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/eksaccess/eksaccess/pkg/cli"
)

func main() {
	manDir := flag.String("man", "", "also write man pages into `dir`")
	flag.Parse()
	err := generate(".")
	if err == nil && *manDir != "" {
		err = genMan(*manDir)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

// generate writes every artefact under root.
func generate(root string) error {
	cmd := cli.Command(cli.BuildInfo{})
	cmd.DisableAutoGenTag = true

	ref := filepath.Join(root, "docs", "reference")
	if err := freshDir(ref); err != nil {
		return err
	}
	if err := doc.GenMarkdownTree(cmd, ref); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}

	comp := filepath.Join(root, "completions")
	if err := os.MkdirAll(comp, 0o755); err != nil {
		return err
	}
	for name, gen := range map[string]func(*cobra.Command, *bytes.Buffer) error{
		"eksaccess.bash": func(c *cobra.Command, b *bytes.Buffer) error { return c.GenBashCompletionV2(b, true) },
		"eksaccess.zsh":  func(c *cobra.Command, b *bytes.Buffer) error { return c.GenZshCompletion(b) },
		"eksaccess.fish": func(c *cobra.Command, b *bytes.Buffer) error { return c.GenFishCompletion(b, true) },
		"eksaccess.ps1":  func(c *cobra.Command, b *bytes.Buffer) error { return c.GenPowerShellCompletionWithDesc(b) },
	} {
		var b bytes.Buffer
		if err := gen(cmd, &b); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(comp, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// genMan writes a man page per command into dir.
func genMan(dir string) error {
	if err := freshDir(dir); err != nil {
		return err
	}
	cmd := cli.Command(cli.BuildInfo{})
	cmd.DisableAutoGenTag = true
	header := &doc.GenManHeader{Title: "EKSACCESS", Section: "1", Source: "eksaccess", Manual: "eksaccess manual"}
	if err := doc.GenManTree(cmd, header, dir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}

// freshDir empties dir of generated files so a removed command leaves no page behind.
func freshDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") || strings.HasSuffix(e.Name(), ".1") {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.MkdirAll(dir, 0o755)
}
