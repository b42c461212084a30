package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMakeFuzzFindsEveryTarget checks that `make fuzz` runs every fuzz
// target in the module: each func FuzzXxx(*testing.F) in any *_test.go,
// whatever the file is called.
func TestMakeFuzzFindsEveryTarget(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	root := filepath.Join("..", "..")
	out, err := exec.CommandContext(t.Context(), "make", "-s", "-C", root, "fuzz-list").Output()
	if err != nil {
		t.Fatalf("make fuzz-list: %v", err)
	}
	got := strings.Fields(string(out))

	var want []string
	for _, dir := range []string{"pkg", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, decl := range f.Decls {
				if fn, ok := decl.(*ast.FuncDecl); ok && isFuzzTarget(fn) {
					pkg, _ := filepath.Rel(root, filepath.Dir(path))
					want = append(want, filepath.ToSlash(pkg)+":"+fn.Name.Name)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if len(want) == 0 {
		t.Fatal("found no fuzz target at all")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("make fuzz-list (-func Fuzz in the sources +make's list):\n%s", diff)
	}
}

// isFuzzTarget reports whether fn is what go test -fuzz runs: a top-level
// func FuzzXxx(f *testing.F).
func isFuzzTarget(fn *ast.FuncDecl) bool {
	if fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") || fn.Type.Params.NumFields() != 1 {
		return false
	}
	star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "F" && fmtIdent(sel.X) == "testing"
}

func fmtIdent(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
