package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// confirm asks question on the terminal and returns nil for yes. Any
// other outcome is an error that starts with refusal ("not deleted") and
// says why, with nothing sent:
//
//   - no (or end of input): exit 2, "declined at the prompt", as gh does
//     for a cancelled prompt: exit 1 stays for API errors;
//   - --timeout ran out first: exit 2, "no answer before --timeout";
//   - Ctrl-C: the interruption (Main exits 130).
func confirm(ctx context.Context, deps *Deps, question, refusal string) error {
	ok, err := deps.Confirm(ctx, question)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &exitCodeError{code: exitUsage, err: withHint(fmt.Errorf("%s: no answer before --timeout", refusal),
			"answer within --timeout (raise it for more time), or pass --yes to skip the question")}
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w", refusal, err)
	case err == nil && ok:
		return nil
	case err == nil, errors.Is(err, io.EOF):
		return &exitCodeError{code: exitUsage, err: fmt.Errorf("%s: declined at the prompt", refusal)}
	}
	return fmt.Errorf("%s: read confirmation: %w", refusal, err)
}
