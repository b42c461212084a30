package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// ReadOptions tune the read of a cluster's live state.
type ReadOptions struct {
	// Concurrency bounds the entries read at once (at least 1); the
	// client's limiter (eksapi.Limiter) decides how many of their requests
	// are in flight.
	Concurrency int
	// Progress, when set, is told after each entry: done of total.
	Progress func(done, total int)
	// Deleted, when set, is told of each entry that was listed but gone
	// by the time it was described (deleted meanwhile); it is left out.
	Deleted func(principal string)
}

// ReadLive reads a cluster's live state: every entry (every page) with its
// policies, in the order EKS lists them. See DescribeAll for partial failure.
func ReadLive(ctx context.Context, c *eksapi.Client, cluster access.ClusterName, o ReadOptions) ([]plan.Live, error) {
	arns, err := c.ListEntries(ctx, cluster, eksapi.ListOptions{})
	if err != nil {
		return nil, err
	}
	return DescribeAll(ctx, c, cluster, arns, o)
}

// DescribeAll describes each listed principal's entry and lists its
// policies, at most o.Concurrency entries at a time (the client's limiter
// decides how many requests are in flight), in arns's order.
//
// One entry's failure does not stop the others: an entry still throttled
// after its retries is reported and the rest go on, within ctx's deadline.
// A failure every entry would share (access denied, the cluster gone, the
// network) stops new work. Either way DescribeAll returns the entries it
// has and, when any are missing, an error naming each failed entry and
// then how many are missing and why (a *MissingError); errors.Is sees every
// cause, so the exit code follows them.
func DescribeAll(ctx context.Context, c *eksapi.Client, cluster access.ClusterName, arns []access.PrincipalARN, o ReadOptions) ([]plan.Live, error) {
	results := make([]*plan.Live, len(arns))
	failures := make([]error, len(arns))
	started := make([]bool, len(arns))
	var done atomic.Int64

	wctx, halt := context.WithCancelCause(ctx)
	defer halt(nil)
	// A pool of workers, each taking the next entry: a goroutine per entry
	// would grow a new stack, through the SDK's deep middleware, for each.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(max(1, o.Concurrency), len(arns)) {
		wg.Go(func() {
			for wctx.Err() == nil { // the deadline, Ctrl-C, or a failure every entry would share: start no more
				i := int(next.Add(1) - 1)
				if i >= len(arns) {
					return
				}
				started[i] = true
				l, err := describeOne(wctx, c, cluster, arns[i])
				switch {
				case errors.Is(err, eksapi.ErrNotFound):
					// deleted meanwhile: results[i] stays nil
				case err != nil:
					failures[i] = err
					if !perEntry(err) {
						halt(err)
					}
				default:
					results[i] = l
				}
				if o.Progress != nil {
					o.Progress(int(done.Add(1)), len(arns))
				}
			}
		})
	}
	wg.Wait()

	live := make([]plan.Live, 0, len(results))
	var errs []error
	m := MissingError{Cluster: cluster, Total: len(arns)}
	for i, r := range results {
		switch {
		case r != nil:
			live = append(live, *r)
		case !started[i]:
			m.Unfinished++
		case errors.Is(failures[i], eksapi.ErrThrottled):
			// Still throttled when the deadline ended its retries, or after
			// all of them: the cause (and exit 6), not a bare timeout.
			m.Failed++
			m.Throttled++
			errs = append(errs, failures[i])
		case isContextErr(failures[i]):
			m.Unfinished++
		case failures[i] != nil:
			m.Failed++
			errs = append(errs, failures[i])
		case o.Deleted != nil:
			o.Deleted(arns[i].String())
		}
	}
	if m.Failed == 0 && m.Unfinished == 0 {
		return live, nil
	}
	m.Cause = ctx.Err()
	errs = append(errs, &m)
	return live, errors.Join(errs...)
}

func describeOne(ctx context.Context, c *eksapi.Client, cluster access.ClusterName, p access.PrincipalARN) (l *plan.Live, err error) {
	defer func() {
		if r := recover(); r != nil { // no recover up the stack sees this goroutine
			l, err = nil, fmt.Errorf("describe access entry %s: internal error: %v", p, r)
		}
	}()
	e, err := c.DescribeEntry(ctx, cluster, p)
	if err != nil {
		return nil, err
	}
	policies, err := c.ListAssociatedPolicies(ctx, cluster, p)
	if err != nil {
		return nil, err
	}
	return &plan.Live{Entry: e, AssociatedAccessPolicies: policies}, nil
}

// perEntry reports whether err is about one entry only, so the others go
// on: throttling or a server error that outlasted the retries.
func perEntry(err error) bool { return errors.Is(err, eksapi.ErrThrottled) && !isContextErr(err) }

func isContextErr(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// MissingError says how many of a cluster's entries could not be read,
// and why.
type MissingError struct {
	Cluster                  access.ClusterName
	Total, Failed, Throttled int
	Unfinished               int   // not read: stopped first
	Cause                    error // the context's error when it ended the work
}

func (e *MissingError) Error() string {
	var why []string
	if e.Failed > 0 {
		reason := fmt.Sprintf("%d failed", e.Failed)
		if e.Throttled == e.Failed {
			reason = fmt.Sprintf("%d throttled after every retry", e.Failed)
		}
		why = append(why, reason)
	}
	if e.Unfinished > 0 {
		when := "after the first failure"
		switch {
		case errors.Is(e.Cause, context.DeadlineExceeded):
			when = "before --timeout"
		case e.Cause != nil:
			when = "before the interruption"
		}
		why = append(why, fmt.Sprintf("%d not described %s", e.Unfinished, when))
	}
	return fmt.Sprintf("%d of %d entries of cluster %s are missing (%s)", e.Failed+e.Unfinished, e.Total, e.Cluster, strings.Join(why, ", "))
}

// Unwrap gives the context's error, for the exit code and the --timeout hint.
func (e *MissingError) Unwrap() error { return e.Cause }
