package eksapi

import (
	"container/heap"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// The controller is driven here by a simulated clock, so every figure is
// deterministic and a minute of traffic takes milliseconds.

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestControlBacksOffOnThrottlesAndGrowsOnSuccess(t *testing.T) {
	t.Parallel()
	c := newControl()
	now := t0
	send := func(throttled bool, latency time.Duration) attempt {
		paced := false
		for {
			wait := c.turn(now)
			if wait == 0 {
				break
			}
			paced = true
			now = now.Add(wait)
		}
		a := attempt{sent: now, done: now.Add(latency), paced: paced, limited: true, throttled: throttled}
		c.observe(a)
		now = a.done
		return a
	}

	// Successes at 20ms each: no rate, and the window grows (slow start).
	for range 50 {
		send(false, 20*time.Millisecond)
	}
	if c.rate != 0 {
		t.Fatalf("rate after successes only = %v, want none (0)", c.rate)
	}
	if c.window <= startWindow {
		t.Fatalf("window after 50 successes = %v, want more than %d", c.window, startWindow)
	}
	grown := c.window

	// A throttled answer: paced at 90% of what was admitted over the last
	// second (50 answers in one second).
	send(true, 20*time.Millisecond)
	if c.rate <= 0 || c.rate > cutFactor*51 {
		t.Fatalf("rate after a throttle = %v, want at most %v", c.rate, cutFactor*51)
	}
	cut := c.rate

	// Attempts now wait their turn at that rate...
	if wait := c.turn(now); wait != 0 {
		t.Fatalf("first attempt after the cut waits %v", wait)
	}
	if wait := c.turn(now); wait < time.Duration(float64(time.Second)/cut)-time.Microsecond {
		t.Errorf("second attempt at once waits %v, want 1/%v s", wait, cut)
	}
	now = c.next

	// ...and the rate grows while they succeed: toward what was admitted
	// at the cut, slowly near it...
	for range 100 {
		send(false, 20*time.Millisecond)
	}
	if c.rate <= cut || c.rate > c.target {
		t.Fatalf("rate after 100 paced successes = %v, want above the cut (%v), at most what was admitted (%v)", c.rate, cut, c.target)
	}
	// ...then beyond it, faster the longer it lasts (answers now come
	// sooner than the rate lets attempts go: it is the rate that binds).
	for c.rate < c.target {
		send(false, time.Millisecond)
	}
	var gains []float64
	for range 3 {
		r := c.rate
		for range 100 {
			send(false, time.Millisecond)
		}
		gains = append(gains, c.rate-r)
	}
	if gains[0] <= 0 || gains[1] <= gains[0] || gains[2] <= gains[1] {
		t.Errorf("gains of the rate beyond the cut, per 100 successes: %v, want growing", gains)
	}

	// A throttle answered for an attempt sent before the last cut does not
	// cut again; a later one does, to at least half the rate.
	early := attempt{sent: c.epoch.Add(-time.Millisecond), done: now, throttled: true}
	r := c.rate
	c.observe(early)
	if c.rate != r {
		t.Errorf("rate after a throttle of an attempt sent before the cut = %v, want %v", c.rate, r)
	}
	send(true, 20*time.Millisecond)
	if c.rate >= r || c.rate < r/2 {
		t.Errorf("rate after a second throttle = %v, want below %v and at least half of it", c.rate, r)
	}

	// (The latency rules, with a controller of their own, below.)
	w := c.window
	if w < grown*shrinkFactor {
		t.Errorf("window shrank to %v before any slow answer", w)
	}
}

func TestControlShrinksTheWindowWhenLatencyGrows(t *testing.T) {
	t.Parallel()
	c := newControl()
	now := t0
	answer := func(latency time.Duration) {
		c.observe(attempt{sent: now, done: now.Add(latency), limited: true})
		now = now.Add(latency)
	}
	for range 50 {
		answer(20 * time.Millisecond)
	}
	w := c.window
	// One slow answer (a new connection, a pause) leaves it alone...
	answer(60 * time.Millisecond)
	if c.window < w {
		t.Fatalf("window after one slow answer = %v, want at least %v", c.window, w)
	}
	w = c.window
	// ...answers that stay slow (more than twice the lowest latency) shrink
	// it by a quarter each round trip, and end the slow start.
	for range 10 {
		answer(100 * time.Millisecond)
	}
	if c.window >= w*shrinkFactor || c.window < 1 {
		t.Errorf("window after slow answers = %v, want below %v", c.window, w*shrinkFactor)
	}
	if c.slowStart {
		t.Error("slow start still on after the latency grew")
	}
	// Back to fast answers: it grows again, by about one a window of
	// answers.
	w = c.window
	for range 4 * int(w) {
		answer(20 * time.Millisecond)
	}
	if c.window < w+2 || c.window > w+4 {
		t.Errorf("window after %d fast answers = %v, want %v plus 2 to 4", 4*int(w), c.window, w)
	}
}

func TestLimiterWindowBoundsInFlight(t *testing.T) {
	t.Parallel()
	l := NewLimiter()
	var tickets []ticket
	for range startWindow {
		tk, err := l.acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	// The window is full: the next attempt waits, until ctx ends...
	ctx, cancel := contextWithTimeout(t, 20*time.Millisecond)
	defer cancel()
	if _, err := l.acquire(ctx); err == nil {
		t.Fatal("acquire beyond the window did not wait")
	}
	// ...or a slot frees.
	got := make(chan error, 1)
	go func() {
		_, err := l.acquire(t.Context())
		got <- err
	}()
	l.done(tickets[0], nil)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if s := l.state(); s.window < startWindow || s.rate != 0 {
		t.Errorf("state after successes = %+v", s)
	}
}

// simServer decides whether an attempt arriving at a time is admitted.
type simServer interface{ admit(at time.Time) bool }

// tokenBucket throttles like the emulator's --rate-limit (and EKS).
type tokenBucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func (b *tokenBucket) admit(at time.Time) bool {
	if b.last.IsZero() {
		b.tokens, b.last = b.burst, at
	}
	if at.After(b.last) {
		b.tokens = min(b.burst, b.tokens+at.Sub(b.last).Seconds()*b.rate)
		b.last = at
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// randomThrottle throttles a share of attempts, whatever the rate.
type randomThrottle struct {
	share float64
	rng   *rand.Rand
}

func (r *randomThrottle) admit(time.Time) bool { return r.rng.Float64() >= r.share }

type simResult struct {
	elapsed                    time.Duration
	requests, throttled        int
	settledN, settledThrottled int // after the first 2s
	admitted                   int
	// failed counts the calls throttled WriteAttempts times in a row: with
	// a write's budget, they would have failed.
	failed int
}

type event struct {
	at     time.Time
	worker int
	done   *attempt // nil: the worker starts its next attempt
	seq    int
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// simulate runs jobs calls through a controller with workers workers, each
// taking latency, against srv; a throttled call is retried after the
// SDK's backoff (full jitter up to 1s, then 2s, 4s...).
var simTrace func(format string, args ...any)

func simulate(srv simServer, jobs, workers int, latency time.Duration, seed uint64) simResult {
	return simulateWith(true, srv, jobs, workers, latency, seed)
}

// simulateWith(false, ...) is eksaccess before the Limiter: every worker
// sends at once.
func simulateWith(controlled bool, srv simServer, jobs, workers int, latency time.Duration, seed uint64) simResult {
	c := newControl()
	if !controlled {
		c.window = maxWindow
	}
	nextTrace := t0
	rng := rand.New(rand.NewPCG(seed, seed))
	var q events
	seq := 0
	push := func(e event) {
		seq++
		e.seq = seq
		heap.Push(&q, e)
	}
	for w := range workers {
		push(event{at: t0, worker: w})
	}
	var res simResult
	var waiting []int
	retries := make([]int, workers)
	busy := make([]bool, workers)  // the worker has a call to make
	paced := make([]bool, workers) // its attempt waited for its turn
	slot := make([]bool, workers)  // it holds a slot of the window
	isBlocked := make([]bool, workers)
	blocked := 0 // workers waiting for a slot
	inflight, started, finished := 0, 0, 0
	var end time.Time
	for q.Len() > 0 && finished < jobs {
		e := heap.Pop(&q).(event)
		now := e.at
		if simTrace != nil && now.After(nextTrace) {
			nextTrace = nextTrace.Add(500 * time.Millisecond)
			simTrace("t=%v rate=%.1f window=%.1f insensitive=%v streak=%d probing=%v thr=%d/%d", now.Sub(t0).Round(time.Millisecond), c.rate, c.window, c.insensitive, c.streak, c.probing, res.throttled, res.requests)
		}
		if e.done != nil {
			a := *e.done
			a.limited = inflight >= int(c.window) || blocked > 0
			inflight--
			if controlled {
				c.observe(a)
			}
			res.requests++
			settled := a.done.Sub(t0) >= 2*time.Second
			if settled {
				res.settledN++
			}
			if a.throttled {
				res.throttled++
				if settled {
					res.settledThrottled++
				}
				retries[e.worker]++
				if retries[e.worker] == WriteAttempts {
					res.failed++
				}
				backoff := time.Duration(rng.Float64() * float64(time.Second<<min(retries[e.worker]-1, 4)))
				push(event{at: now.Add(backoff), worker: e.worker})
			} else {
				res.admitted++
				finished++
				busy[e.worker] = false
				end = now
				retries[e.worker] = 0
				push(event{at: now, worker: e.worker})
			}
			for _, w := range waiting {
				push(event{at: now, worker: w})
			}
			waiting = waiting[:0]
			continue
		}
		if !busy[e.worker] {
			if started >= jobs {
				continue
			}
			started++
			busy[e.worker] = true
		}
		if !slot[e.worker] {
			if !c.admit(inflight) {
				if !isBlocked[e.worker] {
					isBlocked[e.worker] = true
					blocked++
				}
				waiting = append(waiting, e.worker)
				continue
			}
			if isBlocked[e.worker] {
				isBlocked[e.worker] = false
				blocked--
			}
			inflight++ // the slot is held while the attempt waits its turn, as in Limiter.acquire
			slot[e.worker] = true
		}
		if wait := c.turn(now); wait > 0 && controlled {
			paced[e.worker] = true
			push(event{at: now.Add(wait), worker: e.worker})
			continue
		}
		done := now.Add(time.Duration(float64(latency) * (0.8 + 0.4*rng.Float64()))) // +-20%
		a := attempt{sent: now, done: done, paced: paced[e.worker], throttled: !srv.admit(done)}
		paced[e.worker], slot[e.worker] = false, false
		push(event{at: done, worker: e.worker, done: &a})
	}
	res.elapsed = end.Sub(t0)
	return res
}

func TestLimiterRidesATokenBucket(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		limit, burst float64
		latency      time.Duration
		calls        int
		maxShare     float64 // throttled once settled
	}{
		{50, 10, 100 * time.Microsecond, 2000, 0.02},
		{50, 10, 20 * time.Millisecond, 2000, 0.02},
		{50, 10, 80 * time.Millisecond, 2000, 0.02},
		{50, 200, 20 * time.Millisecond, 2000, 0.02},
		{200, 50, 20 * time.Millisecond, 8000, 0.02},
		{10, 20, 20 * time.Millisecond, 400, 0.03},
	} {
		t.Run(fmt.Sprintf("%g-per-second/burst-%g/latency-%v", tc.limit, tc.burst, tc.latency), func(t *testing.T) {
			t.Parallel()
			r := simulate(&tokenBucket{rate: tc.limit, burst: tc.burst}, tc.calls, 64, tc.latency, 1)
			fraction := (float64(r.admitted) - tc.burst) / (r.elapsed.Seconds() * tc.limit)
			share := float64(r.settledThrottled) / float64(r.settledN)
			t.Logf("%d calls in %v: %.1f%% of the limit; %d of %d attempts throttled, %.2f%% once settled; %d calls throttled %d times",
				r.admitted, r.elapsed.Round(time.Millisecond), 100*fraction, r.throttled, r.requests, 100*share, r.failed, WriteAttempts)
			if fraction < 0.9 {
				t.Errorf("reached %.1f%% of the limit, want at least 90%%", 100*fraction)
			}
			if share > tc.maxShare {
				t.Errorf("%.2f%% of attempts throttled once settled, want at most %.0f%%", 100*share, 100*tc.maxShare)
			}
			if r.failed > 0 {
				t.Errorf("%d calls throttled %d times in a row: writes would have failed", r.failed, WriteAttempts)
			}
			// Without the limiter, the same workers against the same bucket.
			u := simulateWith(false, &tokenBucket{rate: tc.limit, burst: tc.burst}, tc.calls, 64, tc.latency, 1)
			if u.throttled <= r.throttled {
				t.Errorf("throttled attempts: %d with the limiter, %d without", r.throttled, u.throttled)
			}
		})
	}
}

// Throttling that does not follow the client's rate (a share of requests
// throttled whatever the rate) is left to the retries: the limiter costs
// little over sending as fast as the workers can.
func TestLimiterLeavesRandomThrottlingToTheRetries(t *testing.T) {
	t.Parallel()
	for _, latency := range []time.Duration{100 * time.Microsecond, 20 * time.Millisecond, 80 * time.Millisecond} {
		for _, share := range []float64{0, 0.05, 0.1, 0.3} {
			t.Run(fmt.Sprintf("%v/%.0f%%", latency, 100*share), func(t *testing.T) {
				t.Parallel()
				r := simulate(&randomThrottle{share: share, rng: rand.New(rand.NewPCG(2, 2))}, 4000, 64, latency, 2)
				u := simulateWith(false, &randomThrottle{share: share, rng: rand.New(rand.NewPCG(2, 2))}, 4000, 64, latency, 2)
				t.Logf("%v with the limiter, %v without", r.elapsed.Round(time.Millisecond), u.elapsed.Round(time.Millisecond))
				if r.elapsed.Seconds() > 1.6*u.elapsed.Seconds() {
					t.Errorf("%v with the limiter, more than 1.6x the %v without", r.elapsed, u.elapsed)
				}
			})
		}
	}
}

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	t.Helper()
	return context.WithTimeout(t.Context(), d)
}
