package cmdutil

import (
	"context"
	"sync"
	"time"
)

// Clock is time as the --timeout deadline reads it; tests drive a fake
// one (cmdutiltest.FakeClock), so that an hour at a prompt takes no time.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once d has passed; stop cancels it and reports
	// whether it did so before f was called.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// deadlineCtx is --timeout: a context that ends timeout after it starts,
// like context.WithTimeout, except that its clock stops while a person is
// asked a question (pauseDeadline): the time someone takes to read a plan
// and answer never counts against the deadline, the work before and after
// the question does. Its parent ending (Ctrl-C, SIGTERM) ends it at any
// time, at a question too.
//
// Err is context.DeadlineExceeded once the time has run out, as with
// context.WithTimeout, so that errors.Is finds it through the SDK's
// errors, and contexts derived from it end with it.
type deadlineCtx struct {
	context.Context // the inner context: values, and the cause of its end
	cancel          context.CancelCauseFunc
	done            chan struct{} // closed once the inner context is done
	clock           Clock

	mu      sync.Mutex
	expired bool          // the time ran out
	left    time.Duration // time left when the clock last stopped
	end     time.Time     // when it runs out, while the clock runs
	stop    func() bool   // the running timer; nil while paused
	gen     int           // which timer is current
	paused  int           // questions open (they may nest)
}

// deadlineKey finds the deadlineCtx among a context's ancestors.
type deadlineKey struct{}

// WithDeadline returns a context that ends once timeout has passed on
// clk (nil: the wall clock) outside questions, or when parent ends, and
// its cancel function.
func WithDeadline(parent context.Context, timeout time.Duration, clk Clock) (context.Context, context.CancelFunc) {
	if clk == nil {
		clk = realClock{}
	}
	inner, cancel := context.WithCancelCause(parent)
	d := &deadlineCtx{Context: inner, cancel: cancel, done: make(chan struct{}), clock: clk, left: timeout}
	// Done is a channel of d's own, not the inner context's: so the
	// context package does not attach derived contexts to the inner one
	// (they would end with its context.Canceled) but watches d, whose Err
	// says why it ended.
	context.AfterFunc(inner, func() { close(d.done) })
	d.start()
	return d, func() {
		d.mu.Lock()
		if d.stop != nil {
			d.stop()
		}
		d.mu.Unlock()
		cancel(context.Canceled)
	}
}

// start runs the clock; d.mu is held or d is not shared yet.
func (d *deadlineCtx) start() {
	d.gen++
	gen := d.gen
	d.end = d.clock.Now().Add(d.left)
	d.stop = d.clock.AfterFunc(d.left, func() { d.expire(gen) })
}

// expire ends d, unless the timer that calls it was stopped meanwhile
// (the clock paused: pause counts the time that was left).
func (d *deadlineCtx) expire(gen int) {
	d.mu.Lock()
	if gen != d.gen || d.paused > 0 || d.Context.Err() != nil {
		d.mu.Unlock()
		return
	}
	d.expired = true
	d.mu.Unlock()
	d.cancel(context.DeadlineExceeded)
}

// pause stops the clock until the returned function is called.
func (d *deadlineCtx) pause() (resume func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.expired {
		return func() {}
	}
	if d.paused == 0 {
		d.stop()
		d.stop = nil
		d.left = max(0, d.end.Sub(d.clock.Now()))
	}
	d.paused++
	var once sync.Once
	return func() {
		once.Do(func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.paused--
			if d.paused == 0 {
				d.start()
			}
		})
	}
}

func (d *deadlineCtx) Done() <-chan struct{} { return d.done }

func (d *deadlineCtx) Err() error {
	select {
	case <-d.done:
	default:
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.expired {
		return context.DeadlineExceeded
	}
	return d.Context.Err()
}

// Deadline is when the time runs out; while the clock is stopped there is
// no such time yet.
func (d *deadlineCtx) Deadline() (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.paused > 0 {
		return time.Time{}, false
	}
	return d.end, true
}

func (d *deadlineCtx) Value(key any) any {
	if key == (deadlineKey{}) {
		return d
	}
	return d.Context.Value(key)
}

// pauseDeadline stops the --timeout clock of ctx, if it has one, while a
// person is asked something; call the returned function once they have
// answered.
func pauseDeadline(ctx context.Context) (resume func()) {
	if d, ok := ctx.Value(deadlineKey{}).(*deadlineCtx); ok {
		return d.pause()
	}
	return func() {}
}
