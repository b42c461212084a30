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
