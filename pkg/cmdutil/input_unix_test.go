//go:build unix

package cmdutil

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadInputRefusesFIFOs: a FIFO, or a symlink to one, is refused at
// once (exit 2), never opened for a read that would wait for a writer.
// openRegular, which opens what was checked, does not wait either: the
// path may have become a FIFO in between.
func TestReadInputRefusesFIFOs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "access.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "is a named pipe (FIFO), not a regular file") {
			t.Errorf("%s: err = %v, want the FIFO usage error", what, err)
		}
		if h := Hints(err); len(h) != 1 || !strings.Contains(h[0], "-f - < ") {
			t.Errorf("%s: hints = %q", what, h)
		}
	}
	for _, path := range []string{fifo, link} {
		_, _, err := ReadInput(t.Context(), path, nil)
		check("ReadInput("+path+")", err)
		f, err := openRegular(path)
		if f != nil {
			_ = f.Close()
		}
		check("openRegular("+path+")", err)
	}
}
