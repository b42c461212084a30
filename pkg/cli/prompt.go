package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// confirm asks question on the terminal and returns nil for yes. The
// --timeout clock stops while the question waits for its answer: the time
// a person takes never counts against the deadline. Any other outcome is
// an error that starts with refusal ("not deleted") and says why, with
// nothing sent:
//
//   - no (or end of input): exit 2, "declined at the prompt", as gh does
//     for a cancelled prompt: exit 1 stays for API errors;
//   - --timeout had run out before the question: exit 2;
//   - Ctrl-C: the interruption (Main exits 130).
func confirm(ctx context.Context, deps *Deps, question, refusal string) error {
	resume := pauseDeadline(ctx)
	ok, err := deps.Confirm(ctx, question)
	resume()
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return cmdutil.WithCode(cmdutil.WithHint(fmt.Errorf("%s: --timeout ran out before the question", refusal),
			"raise --timeout, or pass --yes to skip the question"), cmdutil.ExitUsage)

	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w", refusal, err)
	case err == nil && ok:
		return nil
	case err == nil, errors.Is(err, io.EOF):
		return cmdutil.WithCode(fmt.Errorf("%s: declined at the prompt", refusal), cmdutil.ExitUsage)
	}
	return fmt.Errorf("%s: read confirmation: %w", refusal, err)
}
