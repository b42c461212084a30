package main

import (
	"os"
	"path/filepath"
	"testing"
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
