package cmdutil

import (
	"fmt"
	"io"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// ReportPanic turns a panic that reached run into one error line and an
// exit code, instead of a stack trace and Go's exit 2 (which the contract
// reserves for "usage error, nothing was sent"): exit 1 once anything was
// sent, with a hint to check the result when that was a write; exit 2 when
// nothing was sent, since only the input (flags, --query, a file) can have
// led there.
func ReportPanic(w io.Writer, r any, sent *eksapi.Activity) int {
	fmt.Fprintf(w, "eksaccess: internal error: %s\n", output.Sanitize(fmt.Sprint(r)))
	switch {
	case sent.Writes() > 0:
		fmt.Fprintf(w, "hint: a change was sent before the failure: check the result (eksaccess describe, eksaccess list); please report this bug\n")
		return ExitFailure
	case sent.Sent() > 0:
		fmt.Fprintf(w, "hint: nothing was changed; please report this bug\n")
		return ExitFailure
	default:
		fmt.Fprintf(w, "hint: nothing was sent; please report this bug\n")
		return ExitUsage
	}
}
