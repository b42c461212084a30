package cmdutil

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadInputFiles: a regular file, or a symlink to one, is read; a
// directory, a device or a missing file is a usage error (exit 2) that
// names it.
func TestReadInputFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "access.yaml")
	if err := os.WriteFile(file, []byte("apiVersion: eksaccess/v1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{file, link} {
		name, data, err := ReadInput(t.Context(), path, nil)
		if err != nil || name != path || string(data) != "apiVersion: eksaccess/v1\n" {
			t.Errorf("ReadInput(%s) = %q, %q, %v", path, name, data, err)
		}
	}
	cases := []struct{ path, want string }{
		{dir, "is a directory"},
		{filepath.Join(dir, "missing.yaml"), "no such file"},
	}
	if _, err := os.Stat(os.DevNull); err == nil && os.DevNull == "/dev/null" {
		cases = append(cases, struct{ path, want string }{os.DevNull, "/dev/null is a device, not a regular file"})
	}
	for _, tc := range cases {
		_, _, err := ReadInput(t.Context(), tc.path, nil)
		if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadInput(%s) = %v, want a usage error containing %q", tc.path, err, tc.want)
		}
	}
}

// TestReadInputLimit: at most one byte more than the loaders accept is
// read, so that they can say the file is too large.
func TestReadInputLimit(t *testing.T) {
	t.Parallel()
	_, data, err := ReadInput(t.Context(), "-", strings.NewReader(strings.Repeat("x", 2*maxInputSize)))
	if err != nil || len(data) != maxInputSize {
		t.Errorf("read %d bytes, %v; want %d", len(data), err, maxInputSize)
	}
}

// TestReadInputStdinEndsWithContext: stdin that never closes does not
// hold the command: Ctrl-C or SIGTERM (the context cancelled) and
// --timeout (its deadline) end the read.
func TestReadInputStdinEndsWithContext(t *testing.T) {
	t.Parallel()
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		r, w := io.Pipe() // never written to, closed only at the end
		t.Cleanup(func() { _ = w.Close() })
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, _, err := ReadInput(ctx, "-", r)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled (exit 130 or 143)", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		r, w := io.Pipe()
		t.Cleanup(func() { _ = w.Close() })
		ctx, cancel := context.WithDeadline(t.Context(), time.Unix(0, 0)) // already passed
		defer cancel()
		_, _, err := ReadInput(ctx, "-", r)
		if err == nil || ExitCode(err) == ExitUsage || !strings.Contains(err.Error(), "no end of input before --timeout") {
			t.Fatalf("err = %v, want the stdin timeout (exit 1)", err)
		}
		if h := Hints(err); len(h) != 1 || !strings.Contains(h[0], "-f - < FILE") {
			t.Errorf("hints = %q, want the one about stdin", h)
		}
	})
}
