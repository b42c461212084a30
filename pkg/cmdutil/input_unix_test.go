//go:build unix

package cmdutil

import (
	"fmt"
	"io/fs"
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

// TestReadInputPipeByDescriptor: -f /dev/stdin or -f <(cmd) (/dev/fd/N)
// on a pipe is refused with a hint to pipe the content to -f -, never to
// redirect from that path again (-f - < /dev/fd/63 means nothing).
func TestReadInputPipeByDescriptor(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close(); _ = w.Close() })
	var paths []string
	for _, p := range []string{fmt.Sprintf("/dev/fd/%d", r.Fd()), fmt.Sprintf("/proc/self/fd/%d", r.Fd())} {
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		t.Skip("neither /dev/fd nor /proc/self/fd here")
	}
	for _, path := range paths {
		_, _, err := ReadInput(t.Context(), path, nil)
		if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "is a named pipe (FIFO), not a regular file") {
			t.Errorf("readInput(%s): err = %v, want the FIFO usage error", path, err)
		}
		h := Hints(err)
		if len(h) != 1 || !strings.Contains(h[0], "| eksaccess ... -f -") || strings.Contains(h[0], "< ") {
			t.Errorf("readInput(%s): hints = %q", path, h)
		}
	}
	// /dev/stdin and the other forms, as regular sees them
	for _, path := range []string{"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "/proc/4242/fd/63"} {
		err := regular(path, fifoInfo{})
		if h := Hints(err); len(h) != 1 || strings.Contains(h[0], "< ") {
			t.Errorf("regular(%s): hints = %q", path, h)
		}
	}
	// a path that only looks like one keeps the redirect hint
	if h := Hints(regular("/tmp/dev/fd/3", fifoInfo{})); len(h) != 1 || !strings.Contains(h[0], "-f - < /tmp/dev/fd/3") {
		t.Errorf("regular(/tmp/dev/fd/3): hints = %q", h)
	}
}

// fifoInfo is the fs.FileInfo of a named pipe.
type fifoInfo struct{ fs.FileInfo }

func (fifoInfo) Mode() fs.FileMode { return fs.ModeNamedPipe | 0o600 }
