package eksapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
)

// The retry policy. EKS throttles per account and region, and a bulk read
// (list --details describes every entry, two calls each) meets it far more
// often than a single write does. So:
//
//   - Each call has its own attempt budget, and nothing is shared between
//     calls: the SDK's standard retryer keeps a client-wide retry quota (a
//     token bucket of 500, 5 a throttled retry) that one bad minute empties,
//     after which no call is retried at all. It is off here.
//   - A read (Describe*, List*, Get*: safe to repeat) gets ReadAttempts, a
//     write WriteAttempts, unless the user set a number (--max-attempts,
//     AWS_MAX_ATTEMPTS, max_attempts in the profile): that applies to every
//     call, exactly.
//   - The backoff is the SDK's: exponential with full jitter, from 1s for
//     throttling (50ms otherwise), at most MaxBackoff; --timeout bounds it
//     all, and each attempt has its own deadline (Config.AttemptTimeout) so
//     one black-holed connection cannot take the whole of it.
//   - Standard mode unless the user asks for adaptive (AWS_RETRY_MODE,
//     retry_mode): adaptive adds a client-side send-rate limiter that, under
//     random throttling, slows a bulk read to a crawl (see
//     BenchmarkListDetailsThrottled in pkg/cli/details_bench_test.go).
const (
	ReadAttempts          = 10
	WriteAttempts         = retry.DefaultMaxAttempts // 3
	MaxBackoff            = 20 * time.Second
	defaultAttemptTimeout = 30 * time.Second
)

// newRetryer returns the retryer for mode ("" = standard) and attempts
// (0 = the per-operation defaults above; otherwise every call gets exactly
// that many).
func newRetryer(mode aws.RetryMode, attempts int) aws.Retryer {
	reads, writes := ReadAttempts, WriteAttempts
	if attempts > 0 {
		reads, writes = attempts, attempts
	}
	std := func(o *retry.StandardOptions) {
		o.MaxAttempts = max(reads, writes)
		o.MaxBackoff = MaxBackoff
		o.RateLimiter = ratelimit.None
	}
	var base aws.RetryerV2
	if mode == aws.RetryModeAdaptive {
		base = retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, std)
		})
	} else {
		base = retry.NewStandard(std)
	}
	return &budgetRetryer{RetryerV2: base, reads: reads, writes: writes}
}

// budgetRetryer gives each operation the attempts its kind allows. The SDK
// asks a retryer for one MaxAttempts for every operation; this one answers
// the larger budget and refuses a retry (GetRetryToken) once the operation
// has used its own, counted by the attemptBudget that opBudget puts in the
// operation's context.
type budgetRetryer struct {
	aws.RetryerV2
	reads, writes int
}

// errBudgetSpent ends an operation's retries; the SDK joins it to the
// operation's last error, which is what the caller sees classified.
var errBudgetSpent = errors.New("no attempts left for this operation")

// IsErrorRetryable never retries a call whose credentials could not be
// found: each attempt would ask the credential chain again (the metadata
// service, with its own short deadline, once per attempt), and whether
// that failure looks retryable (a connection timeout) or not (the
// deadline) depends only on how loaded the machine is. The providers that
// call services (SSO, STS) retry inside themselves.
func (r *budgetRetryer) IsErrorRetryable(err error) bool {
	var ce *credentialsError
	if errors.As(err, &ce) {
		return false
	}
	return r.RetryerV2.IsErrorRetryable(err)
}

func (r *budgetRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if b := budgetOf(ctx); b != nil {
		b.used.Add(1)
	}
	return r.RetryerV2.GetAttemptToken(ctx)
}

func (r *budgetRetryer) GetRetryToken(ctx context.Context, opErr error) (func(error) error, error) {
	if b := budgetOf(ctx); b != nil {
		limit := r.writes
		if b.read {
			limit = r.reads
		}
		if int(b.used.Load()) >= limit {
			return nil, fmt.Errorf("%w (%d)", errBudgetSpent, limit)
		}
	}
	return r.RetryerV2.GetRetryToken(ctx, opErr)
}

// attemptBudget is one operation's count of attempts.
type attemptBudget struct {
	read bool
	used atomic.Int32
}

type budgetKey struct{}

func budgetOf(ctx context.Context) *attemptBudget {
	b, _ := middleware.GetStackValue(ctx, budgetKey{}).(*attemptBudget)
	return b
}

// opBudget starts each operation's attempt count; the stack's id is the
// operation's name.
func opBudget(stack *middleware.Stack) error {
	read := isRead(stack.ID())
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("eksaccessAttemptBudget",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			ctx = middleware.WithStackValue(ctx, budgetKey{}, &attemptBudget{read: read})
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

// isRead reports whether an operation only reads, so that repeating it is
// always safe.
func isRead(op string) bool {
	for _, verb := range []string{"Describe", "List", "Get"} {
		if strings.HasPrefix(op, verb) {
			return true
		}
	}
	return false
}
