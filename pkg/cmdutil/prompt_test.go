package cmdutil

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestConfirm: how each outcome of a prompt ends the command. Only yes
// goes on; declining, end of input and --timeout are exit 2 (nothing was
// sent), Ctrl-C is the interruption, a broken terminal an error.
func TestConfirm(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		ok       bool
		err      error
		wantCode int
		wantMsg  string
	}{
		{name: "yes", ok: true},
		{name: "no", wantCode: ExitUsage, wantMsg: "not deleted: declined at the prompt"},
		{name: "end of input", err: io.EOF, wantCode: ExitUsage, wantMsg: "not deleted: declined at the prompt"},
		{name: "--timeout", err: context.DeadlineExceeded, wantCode: ExitUsage, wantMsg: "not deleted: --timeout ran out before the question"},
		{name: "Ctrl-C", err: context.Canceled, wantCode: ExitInterrupted, wantMsg: "not deleted: context canceled"},
		{name: "broken terminal", err: errors.New("input/output error"), wantCode: ExitFailure, wantMsg: "not deleted: read confirmation: input/output error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ask := func(context.Context, string) (bool, error) { return tc.ok, tc.err }
			err := Confirm(t.Context(), ask, "Delete?", "not deleted")
			if got := ExitCode(err); got != tc.wantCode {
				t.Fatalf("exit %d (%v), want %d", got, err, tc.wantCode)
			}
			if tc.wantMsg != "" && (err == nil || err.Error() != tc.wantMsg) {
				t.Errorf("err = %v, want %q", err, tc.wantMsg)
			}
		})
	}
}

// TestTerminalConfirmEndsWithTheContext: Ctrl-C (or --timeout) at the
// prompt ends the wait instead of leaving the process blocked on stdin.
func TestTerminalConfirmEndsWithTheContext(t *testing.T) {
	t.Parallel()
	in, never := io.Pipe() // stdin that never answers
	defer func() { _ = never.Close() }()
	ios := &IOStreams{In: in, Out: io.Discard, ErrOut: io.Discard}
	ctx, cancel := context.WithCancel(t.Context())
	ios.ErrOut = writerFunc(func(p []byte) (int, error) { cancel(); return len(p), nil }) // Ctrl-C once the prompt shows
	ok, err := TerminalConfirm(ios)(ctx, "Delete?")
	if ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("confirm = %v, %v; want false, context.Canceled", ok, err)
	}

	yes := &IOStreams{In: strings.NewReader("yes\n"), Out: io.Discard, ErrOut: io.Discard}
	if ok, err := TerminalConfirm(yes)(t.Context(), "Delete?"); !ok || err != nil {
		t.Errorf("answer yes: %v, %v", ok, err)
	}
	no := &IOStreams{In: strings.NewReader("\n"), Out: io.Discard, ErrOut: io.Discard}
	if ok, err := TerminalConfirm(no)(t.Context(), "Delete?"); ok || err != nil {
		t.Errorf("empty answer: %v, %v", ok, err)
	}
}

// TestTerminalConfirmEndsThePromptLineAtEOF: Ctrl-D at the prompt (end of
// input, no newline typed) ends the prompt line, so the error that follows
// starts a line of its own; an answer typed with Enter adds nothing (the
// terminal echoed the newline).
func TestTerminalConfirmEndsThePromptLineAtEOF(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, in, want string
		ok             bool
		eof            bool
	}{
		{"Ctrl-D", "", "Delete? [y/N]: \n", false, true},
		{"y then Ctrl-D", "y", "Delete? [y/N]: \n", true, false},
		{"y and Enter", "y\n", "Delete? [y/N]: ", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var errOut strings.Builder
			ios := &IOStreams{In: strings.NewReader(tt.in), Out: io.Discard, ErrOut: &errOut}
			ok, err := TerminalConfirm(ios)(t.Context(), "Delete?")
			if ok != tt.ok || errors.Is(err, io.EOF) != tt.eof {
				t.Errorf("confirm = %v, %v; want %v, EOF %v", ok, err, tt.ok, tt.eof)
			}
			if errOut.String() != tt.want {
				t.Errorf("stderr %q, want %q", errOut.String(), tt.want)
			}
		})
	}
}

// writerFunc is an io.Writer made of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
