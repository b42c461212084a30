package eksapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/smithy-go/middleware"

	"github.com/eksaccess/eksaccess/pkg/output"
)

// attemptLog records the outcome of every attempt the SDK's retryer makes
// for one API call. A write whose first attempt took effect but was
// answered with a 5xx, or whose connection broke before the answer came,
// is retried by the SDK; for a delete the retry then finds nothing and
// answers 404. The log tells that case from a plain 404.
type attemptLog struct {
	mu   sync.Mutex
	errs []error // one per attempt, nil for an attempt that succeeded
}

// option adds the log's middleware to one call (pass it as an optFns
// argument of an eks.Client method). It sits right after the SDK's
// "Retry" finalize middleware, inside the retry loop, so it sees each
// attempt's result, already deserialized into its API error.
func (l *attemptLog) option(o *eks.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("eksaccessAttemptLog",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleFinalize(ctx, in)
				l.mu.Lock()
				l.errs = append(l.errs, err)
				l.mu.Unlock()
				return out, md, err
			}), "Retry", middleware.After)
	})
}

// retriedFailure returns the error of the first attempt that failed before
// the last attempt, or nil when the last attempt was the only one or
// every earlier one succeeded. An attempt was made after it, so the
// retryer judged that failure retryable.
func (l *attemptLog) retriedFailure() (attempt int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, e := range l.errs[:max(len(l.errs)-1, 0)] {
		if e != nil {
			return i + 1, e
		}
	}
	return 0, nil
}

// alreadyApplied decides a write that removes something (DeleteAccessEntry,
// DisassociateAccessPolicy) and failed with err (translated by wrapIn):
// when an earlier attempt of the same call failed retryably and the retry
// answered not found, the earlier attempt took effect and the write is
// done. It says so on the debug log, and returns nil; otherwise it returns
// err.
func (c *Client) alreadyApplied(op string, log *attemptLog, err error) error {
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	n, first := log.retriedFailure()
	if first == nil {
		return err
	}
	c.debugf("%s: attempt %d failed (%v) and a later attempt found nothing to remove: the earlier attempt took effect, so this is done", op, n, first)
	return nil
}

// debugf writes one --debug line.
func (c *Client) debugf(format string, args ...any) {
	if c.debug != nil {
		writeDebug(c.debug, format, args...)
	}
}

// writeDebug writes one --debug line to w. The line carries what the
// server sent (error messages, request ids), so it is made safe for a
// terminal as output.Sanitize does (no ESC, OSC, BEL, C1 or bidi control
// reaches it), and a newline inside it is shown as \n: one write is one
// line, which a server cannot split to forge another.
func writeDebug(w io.Writer, format string, args ...any) {
	line := strings.ReplaceAll(output.Sanitize(fmt.Sprintf(format, args...)), "\n", `\n`)
	_, _ = io.WriteString(w, "debug: "+line+"\n")
}
