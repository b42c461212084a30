package cmdutil

import (
	"context"
	"errors"
)

// MayHaveApplied adds a hint to the error of a write that Ctrl-C or
// --timeout ended on its way: the request may have reached EKS and taken
// effect, with the answer lost, so the user is told so and how to check
// (contract: nothing is left half-done without saying so on stderr). what
// names the write ("the deletion"), check is the command that shows the
// state.
func MayHaveApplied(err error, what, check string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return WithHint(err, "%s may have been applied before eksaccess stopped waiting for the answer: check with %s", what, check)
	}
	return err
}

// StoppedBy reports whether err, a read after a write, ended because the
// command was stopped (Ctrl-C, SIGTERM, --timeout): the check it was for
// did not run, and the command must not exit 0 as if it had.
func StoppedBy(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// StopErr is the context's error behind a read that StoppedBy: the one
// that picks the exit code (130, 143, or 1 for --timeout).
func StopErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
