package eksapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The client's own controller of how hard it calls EKS. Every attempt of
// every EKS call a Client makes (retries included) passes its Limiter,
// shared by all the workers of a command, so that a bulk command is fast on
// an idle API and polite on a busy one. It keeps:
//
//   - a window: how many attempts may be in flight. It starts at
//     startWindow and, while the window is what holds the client back,
//     grows by one per answer (so it doubles every round trip) until the
//     latency first grows, then by one per window of answers. When the
//     smoothed latency (and the answer's own) passes twice the lowest seen
//     lately, plus latencySlack, requests queue somewhere: the window
//     shrinks by a quarter, once per round trip. A command's --concurrency
//     bounds its workers, so it bounds the window too.
//   - a rate, for when EKS throttles (429, ThrottlingException): none at
//     first. On a throttled answer to an attempt sent since the last cut,
//     the rate becomes 90% of what EKS admitted over the last second (in
//     the first second after the first throttle, of the attempts sent
//     since it), never less than half the rate before. Attempts then take
//     turns at that rate: taken when an attempt goes, not booked ahead, so
//     that a cut applies at once to all not yet sent. While paced attempts
//     succeed the rate climbs back toward what was admitted, slowly near
//     it, then beyond it, faster the longer no throttle comes. A new cut
//     waits for the answers to the last one's first probeSize attempts (or
//     probeTime), and minCutInterval, unless a third of them are throttled.
//
// Throttling that does not follow the client's rate (a share of requests
// throttled whatever the rate) would make cut follow cut down to nothing:
// when three cuts in a row, once settleTime has passed since the first
// throttle, were followed by throttled answers all the same, the limiter
// stops pacing and leaves the throttled attempts to the retryer's backoff,
// until the throttled share grows well beyond what it was.
//
// The retryer (retry.go) still backs off each call on its own: the limiter
// decides when an attempt may go, the retryer whether another one is made.
// docs/performance.md has the figures; limiter_internal_test.go drives the
// controller against simulated token buckets and random throttling.
const (
	startWindow    = 16
	maxWindow      = 1024
	latencySlack   = 5 * time.Millisecond
	minCutInterval = 100 * time.Millisecond
	probeSize      = 60
	probeTime      = time.Second

	cutFactor     = 0.9  // of the admitted rate
	minRate       = 2.0  // requests a second
	growth        = 0.05 // requests a second gained per paced success
	growthRamp    = 2 * time.Second
	shrinkFactor  = 0.75 // of the window, when latency grows
	latencyFactor = 2
	settleTime    = 500 * time.Millisecond // after the first throttle, before cuts count toward insensitivity
	uselessCuts   = 3
	baseWindow    = 10 * time.Second // the lowest latency is the lowest of the last 10-20 s
	bucketWidth   = 50 * time.Millisecond
	buckets       = 20 // one second
)

// Limiter paces and bounds a client's attempts. It is safe for concurrent
// use. The zero value is not usable: see NewLimiter.
type Limiter struct {
	mu       sync.Mutex
	now      func() time.Time
	c        control
	inflight int
	queue    []chan struct{}
	notify   func(string) // --debug lines; nil = none
}

// NewLimiter returns a Limiter in its starting state: no rate, a window of
// 16 attempts.
func NewLimiter() *Limiter {
	return &Limiter{now: time.Now, c: newControl()}
}

// state is a Limiter's current window and rate (0: not paced), and the
// throttled answers it has seen.
type state struct {
	window    int
	rate      float64
	throttled int
}

func (l *Limiter) state() state {
	l.mu.Lock()
	defer l.mu.Unlock()
	return state{window: int(l.c.window), rate: l.c.rate, throttled: l.c.throttled}
}

// ticket is one admitted attempt.
type ticket struct {
	sent  time.Time
	paced bool // it waited for the rate
}

// acquire waits until an attempt may be sent: a slot in the window, then
// its turn at the rate. ctx ending abandons the wait.
func (l *Limiter) acquire(ctx context.Context) (ticket, error) {
	l.mu.Lock()
	for !l.c.admit(l.inflight) {
		ch := make(chan struct{})
		l.queue = append(l.queue, ch)
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			l.mu.Lock()
			l.dequeue(ch)
			l.mu.Unlock()
			return ticket{}, ctx.Err()
		}
		l.mu.Lock()
	}
	l.inflight++
	paced := false
	for {
		now := l.now()
		wait := l.c.turn(now)
		if wait == 0 {
			l.mu.Unlock()
			return ticket{sent: now, paced: paced}, nil
		}
		// Not yet: wait for the next turn, then try again (the rate may
		// have changed meanwhile, and another attempt may take the turn).
		paced = true
		l.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			l.release()
			return ticket{}, ctx.Err()
		}
		l.mu.Lock()
	}
}

// dequeue removes a waiter that gave up; if it had been woken already, the
// wake goes to the next one.
func (l *Limiter) dequeue(ch chan struct{}) {
	for i, c := range l.queue {
		if c == ch {
			l.queue = append(l.queue[:i], l.queue[i+1:]...)
			return
		}
	}
	l.wake()
}

// wake lets as many waiters try as the window has free slots.
func (l *Limiter) wake() {
	free := max(1, int(l.c.window)) - l.inflight
	for ; free > 0 && len(l.queue) > 0; free-- {
		close(l.queue[0])
		l.queue = l.queue[1:]
	}
}

func (l *Limiter) release() {
	l.mu.Lock()
	l.inflight--
	l.wake()
	l.mu.Unlock()
}

// done records an attempt's outcome (err is its error, nil on success).
func (l *Limiter) done(t ticket, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		l.release() // says nothing of the API
		return
	}
	throttled := isThrottle(err)
	l.mu.Lock()
	limited := l.inflight >= int(l.c.window) || len(l.queue) > 0
	l.inflight--
	before := l.c.rate
	l.c.observe(attempt{sent: t.sent, done: l.now(), paced: t.paced, limited: limited, throttled: throttled})
	after, window, note := l.c.rate, int(l.c.window), l.c.takeNote()
	l.wake()
	notify := l.notify
	l.mu.Unlock()
	if notify != nil && (note != "" || throttled && after != before) {
		notify(fmt.Sprintf("limiter: %s; pacing at %s, %d in flight at most", note, rateText(after), window))
	}
}

func rateText(r float64) string {
	if r == 0 {
		return "no set rate"
	}
	return fmt.Sprintf("%.1f requests/s", r)
}

// isThrottle reports whether an attempt's error is EKS throttling it.
func isThrottle(err error) bool {
	if err == nil {
		return false
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() {
		return true
	}
	var re *smithyhttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusTooManyRequests
}

// middleware puts every attempt of an operation through l: it sits right
// after the SDK's retry middleware, inside the retry loop and before
// signing, so an attempt that waits is signed when it goes.
func (l *Limiter) middleware(stack *middleware.Stack) error {
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("eksaccessLimiter",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			t, err := l.acquire(ctx)
			if err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			out, md, err := next.HandleFinalize(ctx, in)
			l.done(t, err)
			return out, md, err
		}), "Retry", middleware.After)
}

// attempt is one attempt's outcome, as the controller sees it.
type attempt struct {
	sent, done time.Time
	paced      bool
	limited    bool // when it was answered, the window was full
	throttled  bool
}

// control is the Limiter's arithmetic, without locks or clocks: every
// method is given the time, so tests drive it with a simulated one.
type control struct {
	window     float64
	slowStart  bool
	lastShrink time.Time
	base       [2]time.Duration // lowest latency of this and the previous baseWindow
	smooth     time.Duration    // smoothed latency
	baseSince  time.Time

	rate   float64   // requests a second; 0: not paced
	target float64   // what EKS admitted at the last cut
	above  time.Time // since when the rate is beyond target
	next   time.Time // when the next paced attempt may go
	first  time.Time // the first attempt
	epoch  time.Time // the last cut (or the first attempt)

	firstThrottle time.Time
	sinceThrottle int // answers admitted to attempts sent since
	throttled     int

	// the probe of the last cut: the answers to attempts sent after it
	probing                bool
	probeN, probeThrottled int
	counted                bool // the cut was made after settleTime
	streak                 int  // counted cuts in a row whose probe was throttled
	runN, runThrottled     int  // the answers of their probes
	insensitive            bool
	baseShare              float64

	win  [buckets]bucket
	note string
}

type bucket struct {
	slot                      int64 // which bucketWidth of time it counts
	sent, admitted, throttled int
}

func newControl() control {
	return control{window: startWindow, slowStart: true}
}

func (c *control) takeNote() string {
	n := c.note
	c.note = ""
	return n
}

// admit reports whether another attempt may start with inflight in flight.
func (c *control) admit(inflight int) bool { return inflight < max(1, int(c.window)) }

// turn returns 0 when an attempt may be sent at now, and takes the turn;
// otherwise how long until the next turn. Turns are taken as they come,
// not booked ahead, so that a cut of the rate applies to every attempt
// not yet sent.
func (c *control) turn(now time.Time) time.Duration {
	if c.first.IsZero() {
		c.first, c.epoch = now, now
	}
	if c.rate > 0 {
		if wait := c.next.Sub(now); wait > 0 {
			return wait
		}
		c.next = now.Add(time.Duration(float64(time.Second) / c.rate))
	}
	c.bucketAt(now).sent++
	return 0
}

// observe takes in one attempt's outcome.
func (c *control) observe(a attempt) {
	c.count(a)
	if !c.firstThrottle.IsZero() && !a.throttled && !a.sent.Before(c.firstThrottle) {
		c.sinceThrottle++
	}
	c.latency(a)
	if a.throttled {
		c.throttled++
	}
	c.probe(a)
	switch {
	case a.throttled:
		c.onThrottle(a)
	case c.rate > 0 && a.paced:
		c.grow(a.done)
	}
}

// grow raises the rate after a paced success: toward what EKS admitted at
// the last cut, quickly at first and slowly near it (where the limit
// probably is), then beyond it, faster the longer it lasts (the limit may
// have risen).
func (c *control) grow(now time.Time) {
	if c.rate < c.target {
		gap := (c.target - c.rate) / c.target
		c.rate += growth * max(gap/(1-cutFactor), 0.1)
		c.above = time.Time{}
		return
	}
	if c.above.IsZero() {
		c.above = now
	}
	c.rate += growth * (1 + float64(now.Sub(c.above))/float64(growthRamp))
}

// bucketAt returns the bucket of the one-second window that counts at.
func (c *control) bucketAt(at time.Time) *bucket {
	slot := at.UnixNano() / int64(bucketWidth)
	b := &c.win[slot%buckets]
	if b.slot != slot {
		*b = bucket{slot: slot}
	}
	return b
}

// count adds the answer to the one-second window of answers.
func (c *control) count(a attempt) {
	b := c.bucketAt(a.done)
	if a.throttled {
		b.throttled++
	} else {
		b.admitted++
	}
}

// lastSecond returns the attempts sent, and the answers admitted and
// throttled, in the second before now.
func (c *control) lastSecond(now time.Time) (sent, admitted, throttled int) {
	slot := now.UnixNano() / int64(bucketWidth)
	for _, b := range c.win {
		if b.slot > slot-buckets && b.slot <= slot {
			sent += b.sent
			admitted += b.admitted
			throttled += b.throttled
		}
	}
	return sent, admitted, throttled
}

// latency adjusts the window to the attempt's latency.
func (c *control) latency(a attempt) {
	d := a.done.Sub(a.sent)
	if c.baseSince.IsZero() || a.done.Sub(c.baseSince) > baseWindow {
		c.base[1], c.base[0], c.baseSince = c.base[0], 0, a.done
	}
	if c.base[0] == 0 || d < c.base[0] {
		c.base[0] = d
	}
	base := c.base[0]
	if c.base[1] > 0 && c.base[1] < base {
		base = c.base[1]
	}
	// The smoothed latency (as TCP's: 7/8 of the last one and 1/8 of this
	// one), so that one slow answer (a new connection, a pause) does not
	// shrink the window; queueing raises every answer's latency. This
	// answer must be slow too: the smoothed latency lags when it falls.
	if c.smooth == 0 {
		c.smooth = d
	} else {
		c.smooth += (d - c.smooth) / 8
	}
	switch {
	case min(c.smooth, d) > latencyFactor*base+latencySlack:
		if !a.sent.Before(c.lastShrink) { // one cut per round trip
			c.window = max(1, c.window*shrinkFactor)
			c.slowStart = false
			c.lastShrink = a.done
			c.note = fmt.Sprintf("latency %s (lowest %s)", c.smooth.Round(time.Millisecond), base.Round(time.Millisecond))
		}
	case a.limited && !a.throttled: // the window is what holds the client back
		if c.slowStart {
			c.window++
		} else {
			c.window += 1 / c.window
		}
		c.window = min(c.window, maxWindow)
	}
}

// probe follows the answers to the attempts sent after the last cut.
func (c *control) probe(a attempt) {
	if c.insensitive || !c.probing || a.sent.Before(c.epoch) {
		return
	}
	c.probeN++
	if a.throttled {
		c.probeThrottled++
	}
	if c.probeN >= probeSize || a.done.Sub(c.epoch) >= probeTime {
		c.endProbe()
	}
}

// endProbe judges the last cut by its probe: a clean one (nothing
// throttled) shows that the throttling follows the rate.
func (c *control) endProbe() {
	c.probing = false
	if c.probeThrottled == 0 {
		c.streak = 0
		c.runN, c.runThrottled = 0, 0
		return
	}
	c.runN += c.probeN
	c.runThrottled += c.probeThrottled
	if !c.counted {
		return
	}
	c.streak++
	if c.streak >= uselessCuts {
		c.insensitive = true
		c.baseShare = float64(c.runThrottled) / float64(max(1, c.runN))
		c.rate = 0
		c.streak = 0
		c.runN, c.runThrottled = 0, 0
		c.note = fmt.Sprintf("%.0f%% of requests throttled whatever the rate: leaving them to the retries", 100*c.baseShare)
	}
}

func (c *control) onThrottle(a attempt) {
	if a.sent.Before(c.epoch) {
		return // sent before the last cut: it tells of the old rate
	}
	if c.firstThrottle.IsZero() {
		c.firstThrottle = a.done
	}
	if c.insensitive {
		_, admitted, throttled := c.lastSecond(a.done)
		n := admitted + throttled
		if n < probeSize || float64(throttled)/float64(n) <= 2*c.baseShare+0.1 {
			return
		}
		c.insensitive = false // it got worse: back off again
	}
	heavy := c.probeN >= 4 && 3*c.probeThrottled >= c.probeN // a third throttled: far above the limit
	if c.probing && !heavy {
		return // the last cut's probe is not over
	}
	if !heavy && !c.epoch.Equal(c.first) && a.done.Sub(c.epoch) < minCutInterval {
		return
	}
	c.cut(a.done)
}

// cut lowers the rate to what EKS admits.
func (c *control) cut(now time.Time) {
	if c.probing { // a heavy cut ends the probe early: it was throttled
		c.endProbe()
		if c.insensitive {
			return
		}
	}
	sent, admitted, _ := c.lastSecond(now)
	span := min(max(now.Sub(c.first), 10*time.Millisecond), time.Second).Seconds()
	current := c.rate
	if current == 0 {
		current = float64(sent) / span
	}
	goodput := float64(admitted) / span
	if since := now.Sub(c.firstThrottle); since > 0 && since < time.Second {
		// Within a second of the first throttle, the last second's count
		// may hold the burst a token bucket admits while full (and answers
		// to attempts sent before it throttled): what it admitted of the
		// attempts sent since is its rate. Those answered by now were sent
		// a latency ago at the latest.
		goodput = float64(c.sinceThrottle) / max(since-c.smooth, 10*time.Millisecond).Seconds()
	}
	c.rate = max(cutFactor*min(current, goodput), current/2, minRate)
	c.target = max(goodput, c.rate)
	c.epoch = now
	c.probing, c.probeN, c.probeThrottled = true, 0, 0
	c.counted = now.Sub(c.firstThrottle) >= settleTime
	if math.IsInf(c.rate, 0) || math.IsNaN(c.rate) {
		c.rate = minRate
	}
	c.note = "throttled"
}
