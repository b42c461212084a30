package cli

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// expiringContext is a context whose deadline passes when the test says
// (expire), not after a time: "--timeout ran out while the write was on
// its way" happens at that event however slowly a loaded machine got
// there. Err is then context.DeadlineExceeded, as for a real deadline.
type expiringContext struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func withExpiry(parent context.Context) *expiringContext {
	return &expiringContext{Context: parent, done: make(chan struct{})}
}

// expire makes the deadline pass (idempotent).
func (c *expiringContext) expire() { c.once.Do(func() { close(c.done) }) }

func (c *expiringContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *expiringContext) Done() <-chan struct{}       { return c.done }

func (c *expiringContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// TestExpiringContext: what derives from it sees the deadline pass.
func TestExpiringContext(t *testing.T) {
	t.Parallel()
	ctx := withExpiry(t.Context())
	child, cancel := context.WithCancel(ctx)
	defer cancel()
	if ctx.Err() != nil || child.Err() != nil {
		t.Fatal("expired before expire")
	}
	ctx.expire()
	<-child.Done()
	if !errors.Is(child.Err(), context.DeadlineExceeded) || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("errors %v, %v; want context.DeadlineExceeded", ctx.Err(), child.Err())
	}
}
