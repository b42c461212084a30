// Command gendocs writes the generated artefacts from the commands
// themselves: the Markdown command reference (docs/reference/) and shell
// completions (completions/), both committed; with -man DIR also man pages,
// gzip-compressed (`make docs` and the release write them to manpages/,
// which is git-ignored: they carry a date). Run it from the repository
// root: go run ./cmd/gendocs [-man manpages]. It also writes docs/iam-policy.json
// and the tables of docs/guides/iam-policy.md from pkg/cli/apicalls.go.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
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

	if err := writeIAMDocs(root); err != nil {
		return err
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

// writeIAMDocs writes docs/iam-policy.json and the generated tables of
// docs/guides/iam-policy.md from the commands' declared API calls
// (pkg/cli/apicalls.go). A root without that guide (a test's temporary
// directory) gets neither.
func writeIAMDocs(root string) error {
	guide := filepath.Join(root, "docs", "guides", "iam-policy.md")
	md, err := os.ReadFile(guide)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	out, err := cli.IAMGuide(string(md))
	if err != nil {
		return fmt.Errorf("%s: %w", guide, err)
	}
	if err := os.WriteFile(guide, []byte(out), 0o644); err != nil {
		return err
	}
	policy, err := cli.IAMPolicyJSON()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, "docs", "iam-policy.json"), policy, 0o644)
}

// genMan writes a gzip-compressed man page (section 1) per command into
// dir, named as man looks them up: eksaccess-policy-associate.1.gz for
// `eksaccess policy associate`. Debian policy wants man pages compressed
// (lintian: uncompressed-manual-page); man and mandb read them as they are.
// The date in each page comes from SOURCE_DATE_EPOCH when it is set (the
// release sets it to the commit's time), so a release rebuilds them byte
// for byte.
func genMan(dir string) error {
	if err := freshDir(dir); err != nil {
		return err
	}
	cmd := cli.Command(cli.BuildInfo{})
	cmd.DisableAutoGenTag = true
	return writeMan(cmd, dir)
}

func writeMan(cmd *cobra.Command, dir string) error {
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := writeMan(c, dir); err != nil {
			return err
		}
	}
	// A fresh header per page: GenMan fills in the title (EKSACCESS\-CREATE).
	header := &doc.GenManHeader{Section: "1", Source: "eksaccess", Manual: "eksaccess manual"}
	var page bytes.Buffer
	if err := doc.GenMan(cmd, header, &page); err != nil {
		return fmt.Errorf("man page for %s: %w", cmd.CommandPath(), err)
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(page.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, manPageName(cmd)), gz.Bytes(), 0o644)
}

// manPageName is the file name of cmd's man page.
func manPageName(cmd *cobra.Command) string {
	return strings.ReplaceAll(cmd.CommandPath(), " ", "-") + ".1.gz"
}

// freshDir empties dir of generated files so a removed command leaves no page behind.
func freshDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".1") || strings.HasSuffix(n, ".1.gz") {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.MkdirAll(dir, 0o755)
}
