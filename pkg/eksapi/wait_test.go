package eksapi

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock advances by the delay asked for, at once.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

var (
	errNotFoundAPI  = fmt.Errorf("associate: %w", &APIError{Code: "ResourceNotFoundException", kind: ErrNotFound})
	errUnknownPrinc = fmt.Errorf("create: %w", &APIError{Code: "InvalidParameterException", Message: "The specified principalArn is invalid: invalid principal.", kind: ErrInvalidParameter})
	errThrottledAPI = fmt.Errorf("associate: %w", &APIError{Code: "TooManyRequestsException", kind: ErrThrottled})
)

func TestWaiterForEntry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		failures  []error // call's results before it succeeds
		exists    func(context.Context) (bool, error)
		wantErr   error
		wantCalls int
		wantNote  bool
	}{
		{name: "succeeds at once", wantCalls: 1},
		{name: "succeeds after two not-founds", failures: []error{errNotFoundAPI, errNotFoundAPI}, wantCalls: 3, wantNote: true},
		{name: "another error is final", failures: []error{errThrottledAPI}, wantErr: ErrThrottled, wantCalls: 1},
		{name: "bounded by EntryPropagationWait", failures: repeat(errNotFoundAPI, 100), wantErr: ErrNotFound, wantCalls: 11, wantNote: true},
		{name: "stops at once when the entry was deleted", failures: repeat(errNotFoundAPI, 100),
			exists: func(context.Context) (bool, error) { return false, nil }, wantErr: ErrNotFound, wantCalls: 1},
		{name: "keeps waiting while the entry exists", failures: []error{errNotFoundAPI},
			exists: func(context.Context) (bool, error) { return true, nil }, wantCalls: 2, wantNote: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{now: time.Unix(0, 0)}
			var notes []string
			w := Waiter{Clock: clock, Notify: func(s string) { notes = append(notes, s) }}
			calls := 0
			err := w.ForEntry(t.Context(), "the entry", tt.exists, func() error {
				calls++
				if calls <= len(tt.failures) {
					return tt.failures[calls-1]
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if (len(notes) == 1) != tt.wantNote || len(notes) > 1 {
				t.Errorf("notices %q, want one: %v", notes, tt.wantNote)
			}
			var total time.Duration
			for _, d := range clock.slept {
				total += d
			}
			if total > EntryPropagationWait {
				t.Errorf("waited %s, more than %s", total, EntryPropagationWait)
			}
		})
	}
}

func TestWaiterForPrincipal(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(0, 0)}
	calls := 0
	err := Waiter{Clock: clock}.ForPrincipal(t.Context(), "arn:aws:iam::111122223333:role/new", func() error {
		calls++
		if calls < 3 {
			return errUnknownPrinc
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("err = %v after %d calls, want success after 3", err, calls)
	}
	calls = 0
	err = Waiter{Clock: clock}.ForPrincipal(t.Context(), "p", func() error { calls++; return errNotFoundAPI })
	if !errors.Is(err, ErrNotFound) || calls != 1 {
		t.Errorf("a not-found is not retried: err = %v after %d calls", err, calls)
	}
}

// When the context ends during a wait, the error keeps the call's own kind
// (and so its exit code) next to the context's.
func TestWaiterKeepsCauseWhenContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := Waiter{}.ForEntry(ctx, "the entry", nil, func() error { return errNotFoundAPI })
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want both ErrNotFound and context.Canceled", err)
	}
}

func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}
