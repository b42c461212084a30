package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sync"
)

// maxInputSize bounds what ReadInput reads: the loaders refuse more than
// 4 MiB (plan.MaxFileSize, awsauth.MaxFileSize) with their own message,
// so one byte more is all they need to see.
const maxInputSize = 4<<20 + 1

// stdinName is what every message calls the file read from stdin (-f -):
// "<stdin>:3: entries[0]...".
const stdinName = "<stdin>"

// ReadInput reads the -f file of apply, diff and import whole, or stdin
// for "-". name is what messages call it (stdinName for stdin).
//
// Only a regular file (or a symlink to one) is read: a FIFO would block
// the command in open(2) until a writer came, deaf to Ctrl-C, SIGTERM and
// --timeout, and a device or socket is no file to apply; they are usage
// errors, with a hint to pipe the content to -f - instead. The read, of
// stdin above all, runs aside and ends with ctx: Ctrl-C, SIGTERM and
// --timeout stop a stdin that never closes.
func ReadInput(ctx context.Context, path string, stdin io.Reader) (name string, data []byte, err error) {
	if path == "-" {
		data, err := readAside(ctx, stdin)
		if errors.Is(err, context.DeadlineExceeded) {
			// Exit 1, as any --timeout; the hint is about stdin, not the network.
			return "", nil, WithHint(errors.New("read -f - (stdin): no end of input before --timeout"),
				"give the file on stdin (-f - < FILE), or check that the command piping it to eksaccess ends")
		}
		if err != nil {
			return "", nil, fmt.Errorf("read -f - (stdin): %w", err)
		}
		return stdinName, data, nil
	}
	// Stat first: opening a FIFO for reading blocks until a writer opens it.
	st, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Op = "open" // what the user asked for: "open x: no such file or directory"
		}
		return "", nil, UsageError(fmt.Errorf("-f: %w", err))
	}
	if err := regular(path, st); err != nil {
		return "", nil, err
	}
	f, err := openRegular(path)
	if err != nil {
		return "", nil, err
	}
	defer func() { _ = f.Close() }()
	data, err = readAside(ctx, f)
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, fmt.Errorf("read %s: %w", path, err)
		}
		return "", nil, UsageError(fmt.Errorf("-f: read %s: %w", path, err))
	}
	return path, data, nil
}

// openRegular opens path for reading without blocking and checks, on what
// it opened, that it is a regular file: path may have been replaced by a
// FIFO since it was checked. O_NONBLOCK (where there is one) makes open(2)
// of a FIFO return at once; it changes nothing for a regular file.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, UsageError(fmt.Errorf("-f: %w", err))
	}
	st, err := f.Stat()
	if err == nil {
		err = regular(path, st)
	}
	if err != nil {
		_ = f.Close()
		if ExitCode(err) != ExitUsage {
			err = UsageError(fmt.Errorf("-f: %w", err))
		}
		return nil, err
	}
	return f, nil
}

// regular refuses what is not a regular file, saying what it is.
func regular(path string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		return UsageError(fmt.Errorf("-f: %s is a directory", path))
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	hint := fmt.Sprintf("give a regular file, or send the content through stdin: -f - < %s", ShellQuote(path))
	if descriptorPath().MatchString(path) {
		// The shell's pipe (cat f | ... -f /dev/stdin) or process
		// substitution (-f <(cmd)): redirecting from it again is no help.
		hint = "pipe the content to -f - instead (COMMAND | eksaccess ... -f -), or give a regular file"
	}
	return UsageError(WithHint(fmt.Errorf("-f: %s is %s, not a regular file", path, what), "%s", hint))
}

// descriptorPath matches the paths that name one of the process's open
// files: /dev/stdin, /dev/fd/N, /proc/self/fd/N (a shell's pipe or
// process substitution, <(cmd)).
var descriptorPath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^/dev/std(in|out|err)$|^/dev/fd/[0-9]+$|^/proc/(self|thread-self|[0-9]+)/fd/[0-9]+$`)
})

// readAside reads r to its end, or to maxInputSize bytes, in a goroutine of
// its own, and returns early with ctx's error when ctx ends first. The
// goroutine then stays blocked in Read until r yields; the command is
// ending anyway.
func readAside(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(io.LimitReader(r, maxInputSize))
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
