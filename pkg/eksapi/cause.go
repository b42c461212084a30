package eksapi

import (
	"context"
	"errors"
	"net/url"
	"sync"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// keepCause keeps the real cause when --timeout (or Ctrl-C) ends a call
// while the SDK's retryer waits between attempts: the SDK then returns
// only the context's error, and a call throttled until the deadline would
// read as a timeout (exit 1) rather than as throttled (exit 6). One
// middleware inside the retry loop remembers each attempt's error; one
// outside it joins the last API error to the context's.
func keepCause(stack *middleware.Stack) error {
	if _, ok := stack.Finalize.Get("Retry"); !ok {
		return nil // a client without the SDK's retryer: nothing to keep
	}
	err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("eksaccessKeepCause",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			last := &lastAttempt{}
			out, md, err := next.HandleInitialize(context.WithValue(ctx, lastAttemptKey{}, last), in)
			if err == nil || ctx.Err() == nil {
				return out, md, err
			}
			var api smithy.APIError
			var transport *url.Error
			cause := last.get()
			switch {
			case cause == nil || errors.As(err, &api):
			case errors.As(cause, &api), errors.As(cause, &transport):
				err = &stoppedRetrying{ctxErr: err, cause: cause}
			}
			return out, md, err
		}), middleware.Before)
	if err != nil {
		return err
	}
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("eksaccessLastAttempt",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleFinalize(ctx, in)
			if last, ok := ctx.Value(lastAttemptKey{}).(*lastAttempt); ok && err != nil {
				last.set(err)
			}
			return out, md, err
		}), "Retry", middleware.After)
}

type lastAttemptKey struct{}

// lastAttempt is the error of a call's last failed attempt.
type lastAttempt struct {
	mu  sync.Mutex
	err error
}

func (l *lastAttempt) set(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.err = err
}

func (l *lastAttempt) get() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// stoppedRetrying is a call the context ended between attempts: the last
// attempt's API error (the cause, which wrapIn classifies) and the
// context's error, both visible to errors.Is and errors.As.
type stoppedRetrying struct {
	ctxErr, cause error
}

func (e *stoppedRetrying) Error() string {
	return e.cause.Error() + " (still failing when the command's deadline ended the retries)"
}

func (e *stoppedRetrying) Unwrap() []error { return []error{e.cause, e.ctxErr} }
