package cmdutil

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/cmdutil/cmdutiltest"
)

// done reports whether ctx has ended, without waiting.
func done(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

// TestDeadlineStopsAtQuestions: --timeout counts the time before and
// after a question, never the time at it; once out, it ends the context
// (and those derived from it) with context.DeadlineExceeded.
func TestDeadlineStopsAtQuestions(t *testing.T) {
	t.Parallel()
	clk := cmdutiltest.NewFakeClock()
	ctx, cancel := WithDeadline(t.Context(), 20*time.Second, clk)
	defer cancel()
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()

	clk.Advance(16 * time.Second) // reading the live state
	if done(ctx) {
		t.Fatal("ended after 16s of 20s")
	}
	resume := pauseDeadline(child) // the question; found through a derived context
	if _, ok := ctx.Deadline(); ok {
		t.Error("a deadline while the clock is stopped")
	}
	clk.Advance(time.Hour) // someone reads the plan
	if done(ctx) {
		t.Fatal("the time at the question counted")
	}
	resume()
	resume() // a second call changes nothing
	if dl, ok := ctx.Deadline(); !ok || !dl.Equal(clk.Now().Add(4*time.Second)) {
		t.Errorf("deadline %v, %v; want 4s from now", dl, ok)
	}
	clk.Advance(3 * time.Second)
	if done(ctx) {
		t.Fatal("ended after 19s of 20s")
	}
	clk.Advance(time.Second)
	<-child.Done()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || !errors.Is(child.Err(), context.DeadlineExceeded) {
		t.Errorf("errors %v, %v; want context.DeadlineExceeded", ctx.Err(), child.Err())
	}
	if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		t.Errorf("cause %v", context.Cause(ctx))
	}
}

// TestDeadlineEndsWithItsParent: Ctrl-C ends the context at a question
// too, as context.Canceled, never as a timeout.
func TestDeadlineEndsWithItsParent(t *testing.T) {
	t.Parallel()
	clk := cmdutiltest.NewFakeClock()
	parent, stop := context.WithCancel(t.Context())
	ctx, cancel := WithDeadline(parent, time.Minute, clk)
	defer cancel()
	resume := pauseDeadline(ctx)
	stop()
	<-ctx.Done()
	resume()
	clk.Advance(2 * time.Minute)
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("err %v, want context.Canceled", ctx.Err())
	}
}
