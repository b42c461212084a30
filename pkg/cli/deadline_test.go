package cli

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// fakeClock is a clock that moves only when a test says so.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
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
func (c *fakeClock) Advance(d time.Duration) {
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
	clk := newFakeClock()
	ctx, cancel := withDeadline(t.Context(), 20*time.Second, clk)
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
	clk := newFakeClock()
	parent, stop := context.WithCancel(t.Context())
	ctx, cancel := withDeadline(parent, time.Minute, clk)
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

// TestPromptTimeDoesNotCount: through the root command, an hour at the
// prompt of apply, delete and auth-mode --set is not held against
// --timeout: the change is made after the answer. (Without the pause the
// fake hour would end the deadline and the write would not be sent.)
func TestPromptTimeDoesNotCount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		args  func(t *testing.T) []string
		write string
	}{
		{name: "apply", write: "CreateAccessEntry", args: func(t *testing.T) []string {
			file := writeFile(t, "access.yaml", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\nentries:\n  - principalArn: arn:aws:iam::111122223333:role/ops\n")
			return []string{"apply", "-f", file}
		}},
		{name: "delete", write: "DeleteAccessEntry", args: func(*testing.T) []string {
			return []string{"delete", "--cluster", "demo", "--principal", devRole}
		}},
		{name: "auth-mode", write: "UpdateClusterConfig", args: func(*testing.T) []string {
			return []string{"auth-mode", "--cluster", "legacy", "--set", "API_AND_CONFIG_MAP"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDepsWith(t, emulator.Options{})
			seedEntry(t, td, devRole)
			td.IO.SetTTY(true, true, true)
			clk := newFakeClock()
			asked := 0
			td.Confirm = func(ctx context.Context, q string) (bool, error) {
				asked++
				clk.Advance(time.Hour) // far past --timeout
				if err := ctx.Err(); err != nil {
					t.Errorf("at the prompt: %v", err)
				}
				return true, nil
			}
			g := &globalOptions{clock: clk}
			args := append(tc.args(t), "--timeout", "20s")
			code := execute(t.Context(), newRootCmd(td.Deps, g, BuildInfo{}), g, args, td.IO)
			if code != cmdutil.ExitOK || asked != 1 {
				t.Fatalf("exit %d after %d questions\n%s", code, asked, td.errOut)
			}
			if n := opCount(td, tc.write); n != 1 {
				t.Errorf("%d %s sent", n, tc.write)
			}
			if strings.Contains(td.errOut.String(), "timeout") {
				t.Errorf("stderr: %s", td.errOut)
			}
		})
	}
}
