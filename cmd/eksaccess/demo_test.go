package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeDemoSaysWhatItBuilds: `make demo` says what it builds, and that
// a first build takes minutes, before it builds: a fresh clone otherwise
// compiles for minutes without a word. (make -n prints the commands, the
// sub-make's too, without running them.)
func TestMakeDemoSaysWhatItBuilds(t *testing.T) {
	t.Parallel()
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("no make")
	}
	cmd := exec.CommandContext(t.Context(), mk, "-n", "demo")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n demo: %v\n%s", err, out)
	}
	say, build := -1, -1
	for i, line := range strings.Split(string(out), "\n") {
		switch {
		case say < 0 && strings.HasPrefix(line, "echo ") && strings.Contains(line, "building eksaccess and eks-emulator") &&
			strings.Contains(line, "the first build downloads modules and takes a few minutes"):
			say = i
		case build < 0 && strings.Contains(line, " build ") && strings.Contains(line, "./cmd/eksaccess"):
			build = i
		}
	}
	if say < 0 || build < 0 || say > build {
		t.Errorf("make demo does not say what it builds before building (message at line %d, build at line %d):\n%s", say, build, out)
	}
}
