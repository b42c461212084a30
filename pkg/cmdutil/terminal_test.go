package cmdutil

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestStderrIsSanitized: errors, hints, warnings and prompts never carry a
// raw control character to the terminal; a CR in a server message cannot
// forge a "hint:" line.
func TestStderrIsSanitized(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := WithHint(fmt.Errorf("describe: InvalidParameterException: %s", "\x1b]0;pwned\x07bad\rhint: run evil"), "retry \x1b[31mnow")
	PrintError(&buf, err)
	want := "eksaccess: describe: InvalidParameterException: \\x1b]0;pwned\\x07bad\\rhint: run evil\nhint: retry \\x1b[31mnow\n"
	if buf.String() != want {
		t.Errorf("printError wrote %q, want %q", buf.String(), want)
	}

	// each line of a multi-line error is its own "eksaccess:" line
	buf.Reset()
	PrintError(&buf, errors.Join(errors.New("one\u202e"), errors.New("two")))
	if want := "eksaccess: one\\u202e\neksaccess: two\n"; buf.String() != want {
		t.Errorf("printError wrote %q, want %q", buf.String(), want)
	}

	var errOut bytes.Buffer
	Warn(&errOut, "arn:aws:iam::111122223333:role/x\x1b[2J was deleted")
	if got := errOut.String(); got != "warning: arn:aws:iam::111122223333:role/x\\x1b[2J was deleted\n" {
		t.Errorf("warn wrote %q", got)
	}

	var prompt bytes.Buffer
	ios := &IOStreams{In: strings.NewReader("n\n"), ErrOut: &prompt}
	if _, err := TerminalConfirm(ios)(t.Context(), "Delete \x1b]0;x\x07?"); err != nil {
		t.Fatal(err)
	}
	if got := prompt.String(); got != "Delete \\x1b]0;x\\x07? [y/N]: " {
		t.Errorf("prompt %q", got)
	}
}
