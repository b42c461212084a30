package cmdutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/output"
)

// Confirm asks question through ask (TerminalConfirm, or a test's fake)
// and returns nil for yes: the one prompt of every command that asks. The
// --timeout clock stops while the question waits for its answer: the time
// a person takes never counts against the deadline. Any other outcome is
// an error that starts with refusal ("not deleted") and says why, with
// nothing sent:
//
//   - no (or end of input): exit 2, "declined at the prompt", as gh does
//     for a cancelled prompt: exit 1 stays for API errors;
//   - --timeout had run out before the question: exit 2;
//   - Ctrl-C: the interruption (Main exits 130).
func Confirm(ctx context.Context, ask func(context.Context, string) (bool, error), question, refusal string) error {
	resume := pauseDeadline(ctx)
	ok, err := ask(ctx, question)
	resume()
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return WithCode(WithHint(fmt.Errorf("%s: --timeout ran out before the question", refusal),
			"raise --timeout, or pass --yes to skip the question"), ExitUsage)

	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w", refusal, err)
	case err == nil && ok:
		return nil
	case err == nil, errors.Is(err, io.EOF):
		return WithCode(fmt.Errorf("%s: declined at the prompt", refusal), ExitUsage)
	}
	return fmt.Errorf("%s: read confirmation: %w", refusal, err)
}

// TerminalConfirm asks on stderr and reads a line from stdin. The read
// runs aside, so that Ctrl-C or --timeout ends the wait at once.
func TerminalConfirm(ios *IOStreams) func(context.Context, string) (bool, error) {
	return func(ctx context.Context, q string) (bool, error) {
		fmt.Fprintf(ios.ErrOut, "%s [y/N]: ", output.Sanitize(q))
		type answer struct {
			line string
			err  error
		}
		read := make(chan answer, 1)
		go func() {
			line, err := bufio.NewReader(ios.In).ReadString('\n')
			read <- answer{line, err}
		}()
		select {
		case <-ctx.Done():
			fmt.Fprintln(ios.ErrOut)
			return false, ctx.Err()
		case a := <-read:
			if a.err != nil {
				// End of input (Ctrl-D) without a newline: end the
				// prompt line, so what follows starts a line of its own.
				fmt.Fprintln(ios.ErrOut)
			}
			if a.err != nil && a.line == "" {
				return false, a.err
			}
			v := strings.ToLower(strings.TrimSpace(a.line))
			return v == "y" || v == "yes", nil
		}
	}
}
