//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteFileAtomicMode: an exported file has the mode the umask gives a
// new file (0644 under 022), as export > FILE would, not os.CreateTemp's
// 0600. Not parallel: it sets the process's umask.
func TestWriteFileAtomicMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "111122223333", "us-east-1", "prod.yaml")
	if err := writeFileAtomic(path, []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o644 {
		t.Errorf("mode %o, want 644", got)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".export-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
