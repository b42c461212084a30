// Package cmdutiltest is test support for the commands' plumbing: a fake
// --timeout clock. Only tests import it.
package cmdutiltest

import (
	"slices"
	"sync"
	"time"
)

// FakeClock is a cmdutil.Clock that moves only when a test says so.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

// NewFakeClock returns a FakeClock at a fixed time.
func NewFakeClock() *FakeClock {
	return &FakeClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
}

// Now is the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc calls f once Advance has moved the clock by d.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	if d <= 0 {
		c.Advance(0)
	}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// Advance moves the clock by d and calls the timers now due.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	c.timers = slices.DeleteFunc(c.timers, func(t *fakeTimer) bool {
		if !t.stopped && !t.at.After(c.now) {
			t.stopped = true
			due = append(due, t)
			return true
		}
		return t.stopped
	})
	c.mu.Unlock()
	for _, t := range due {
		t.f()
	}
}
