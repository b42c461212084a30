package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/cli"
)

// TestGeneratedArtefactsAreCurrent fails when docs/reference or
// completions/ differ from what the commands generate: run `make docs`.
func TestGeneratedArtefactsAreCurrent(t *testing.T) {
	tmp := t.TempDir()
	if err := generate(tmp); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join("..", "..")
	for _, dir := range []string{"docs/reference", "completions"} {
		want, err := os.ReadDir(filepath.Join(tmp, dir))
		if err != nil {
			t.Fatal(err)
		}
		have, err := os.ReadDir(filepath.Join(repo, dir))
		if err != nil {
			t.Fatalf("%s: %v (run `make docs`)", dir, err)
		}
		names := map[string]bool{}
		for _, e := range have {
			names[e.Name()] = true
		}
		for _, e := range want {
			gen, err := os.ReadFile(filepath.Join(tmp, dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			cur, err := os.ReadFile(filepath.Join(repo, dir, e.Name()))
			if err != nil || string(cur) != string(gen) {
				t.Errorf("%s/%s is out of date: run `make docs`", dir, e.Name())
			}
			delete(names, e.Name())
		}
		for n := range names {
			t.Errorf("%s/%s is no longer generated: run `make docs`", dir, n)
		}
	}
}

// TestManPages checks that -man writes one gzip-compressed page per command,
// named as `man eksaccess-create` looks it up, whose NAME section is the
// "name - summary" line that mandb's whatis parser reads, and that a fixed
// SOURCE_DATE_EPOCH makes the pages byte for byte repeatable.
func TestManPages(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "eksaccess-gone.1.gz"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := genMan(dir); err != nil {
		t.Fatal(err)
	}

	want := map[string]*cobra.Command{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		want[strings.ReplaceAll(c.CommandPath(), " ", "-")+".1.gz"] = c
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
				walk(sub)
			}
		}
	}
	walk(cli.Command(cli.BuildInfo{}))
	for _, n := range []string{"eksaccess.1.gz", "eksaccess-create.1.gz", "eksaccess-policy-associate.1.gz"} {
		if want[n] == nil {
			t.Fatalf("no command for %s: the walk is wrong", n)
		}
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range entries {
		got[e.Name()] = true
		if want[e.Name()] == nil {
			t.Errorf("%s: no command has this page (a stale page left behind?)", e.Name())
		}
	}
	for name, c := range want {
		if !got[name] {
			t.Errorf("%s: missing", name)
			continue
		}
		page := gunzip(t, filepath.Join(dir, name))
		dashed := strings.TrimSuffix(name, ".1.gz")
		th := fmt.Sprintf(".TH %q \"1\" \"Jan 2026\" \"eksaccess\" \"eksaccess manual\"", strings.ToUpper(dashed))
		if !strings.Contains(page, th+"\n") {
			t.Errorf("%s: no header line %s in:\n%.300s", name, th, page)
		}
		if nameLine := sectionLine(page, "NAME"); nameLine != dashed+" - "+c.Short {
			t.Errorf("%s: NAME is %q, want %q", name, nameLine, dashed+" - "+c.Short)
		}
	}

	again := t.TempDir()
	if err := genMan(again); err != nil {
		t.Fatal(err)
	}
	for name := range want {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same SOURCE_DATE_EPOCH", name)
		}
	}
}

func gunzip(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(b)
}

// sectionLine returns the first text line of the roff section .SH NAME.
func sectionLine(page, section string) string {
	lines := strings.Split(page, "\n")
	for i, l := range lines {
		if l != ".SH "+section {
			continue
		}
		for _, next := range lines[i+1:] {
			if next != "" && !strings.HasPrefix(next, ".") {
				return next
			}
		}
	}
	return ""
}
