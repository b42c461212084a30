package eksapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// EKS is eventually consistent (docs/design/access-entry-api.md §5.1): for a
// few seconds after CreateAccessEntry, AssociateAccessPolicy and
// UpdateAccessEntry may answer 404 for the new entry; right after IAM
// creates a role or user, CreateAccessEntry may call it an invalid
// principal. A Waiter retries such calls, with backoff, for a bounded time.
const (
	// EntryPropagationWait bounds the wait for a new entry to be seen.
	EntryPropagationWait = 30 * time.Second
	// principalPropagationWait bounds the wait for IAM to propagate a new principal.
	principalPropagationWait = 15 * time.Second

	firstRetryDelay = 250 * time.Millisecond
	maxRetryDelay   = 4 * time.Second
)

// Clock is the time a Waiter reads and sleeps on; tests inject a fake.
type Clock interface {
	Now() time.Time
	// After is time.After.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Waiter retries calls that fail only because EKS has not caught up yet.
// The zero value waits in real time and tells nobody.
type Waiter struct {
	// Notify is told once per wait, before the first retry, what it waits
	// for (the CLI prints it on stderr). nil: silent.
	Notify func(msg string)
	// Clock is the time source; nil: real time.
	Clock Clock
}

// ForEntry calls call until it succeeds or fails with anything but
// ErrNotFound, for at most EntryPropagationWait (and never past ctx).
// what names the entry in the notice. exists, when not nil, is asked
// between tries whether the entry is still there: when it is gone (deleted
// meanwhile), the wait stops at once with call's not-found error.
func (w Waiter) ForEntry(ctx context.Context, what string, exists func(context.Context) (bool, error), call func() error) error {
	check := func(err error) (retry bool, final error) {
		if !errors.Is(err, ErrNotFound) {
			return false, err
		}
		if exists == nil {
			return true, err
		}
		ok, xerr := exists(ctx)
		switch {
		case xerr != nil:
			return false, errors.Join(err, xerr)
		case !ok:
			return false, fmt.Errorf("%w (the entry no longer exists: it was deleted while eksaccess waited for it)", err)
		}
		return true, err
	}
	notice := fmt.Sprintf("waiting up to %s for EKS to see %s", EntryPropagationWait, what)
	return w.retry(ctx, EntryPropagationWait, notice, check, call)
}

// ForPrincipal calls call until it succeeds or fails with anything but
// EKS's "invalid principal", for at most principalPropagationWait: IAM may
// still be propagating a role or user created moments ago.
func (w Waiter) ForPrincipal(ctx context.Context, principal string, call func() error) error {
	check := func(err error) (bool, error) { return IsUnknownPrincipal(err), err }
	notice := fmt.Sprintf("EKS does not know the principal %s yet; waiting up to %s for IAM to propagate it", principal, principalPropagationWait)
	return w.retry(ctx, principalPropagationWait, notice, check, call)
}

// retry runs call until check says stop or wait has passed. When ctx ends
// first, the error keeps call's last error (and so its kind and exit code)
// next to the context's.
func (w Waiter) retry(ctx context.Context, wait time.Duration, notice string, check func(error) (bool, error), call func() error) error {
	clock := w.Clock
	if clock == nil {
		clock = realClock{}
	}
	deadline := clock.Now().Add(wait)
	delay := firstRetryDelay
	for {
		err := call()
		if err == nil {
			return nil
		}
		retry, final := check(err)
		if !retry || clock.Now().Add(delay).After(deadline) {
			return final
		}
		if w.Notify != nil && notice != "" {
			w.Notify(notice)
			notice = ""
		}
		select {
		case <-ctx.Done():
			return errors.Join(final, ctx.Err())
		case <-clock.After(delay):
		}
		delay = min(delay*2, maxRetryDelay)
	}
}

// EntryExists reports whether DescribeAccessEntry finds the entry. A
// not-found is (false, nil); any other failure is returned.
func (c *Client) EntryExists(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN) (bool, error) {
	_, err := c.DescribeEntry(ctx, cluster, principal)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	default:
		return false, err
	}
}
