package emulator

import (
	"cmp"
	"fmt"
	"math"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fault injection. Every knob applies after authentication, in this order:
// the FailNext queue, the faults scheduled for the request's number
// (FailCall, Options.Failures), a hang (SetHang, Options.Hang), the rate
// limit (SetRateLimit), then the random throttle and server error
// (SetFaults). The first that applies answers the request.

// AllOperations, in place of an operation name, stands for every operation.
const AllOperations = "all"

// A Fault is what a request gets instead of its answer: an AWS error
// (Status, Code, Message), a reset connection, or no answer at all.
type Fault struct {
	Status  int    // HTTP status of the error, e.g. 500
	Code    string // error code sent in X-Amzn-Errortype, e.g. "ServerException"
	Message string // default: the usual message for Code
	// Reset closes the connection without an answer (TCP RST where
	// possible): the client sees "connection reset by peer" or EOF.
	Reset bool
	// Hang holds the request until the client gives up or
	// Options.HangMax passes, then drops the connection.
	Hang bool
}

// A CallFault makes the Call-th request of Op (1: the first) fail with Fault.
type CallFault struct {
	Op    string // an operation name (see Operations), or AllOperations
	Call  int
	Fault Fault
}

// faultState holds the knobs besides FailNext and the random rates.
type faultState struct {
	hangMax time.Duration
	// seen counts the authenticated requests of each operation, and of all
	// of them under AllOperations: the numbers FailCall refers to.
	seen      map[string]int
	scheduled map[string]map[int]Fault // by operation, then request number
	hang      map[string]bool
	repeat    map[string]bool // Options.RepeatPageToken
	bucket    *tokenBucket    // nil: no rate limit
}

// newFaultState applies the fault options. Like AddCluster it panics on a
// typo (an unknown operation name), which would otherwise never fire.
func newFaultState(opts Options) faultState {
	f := faultState{
		hangMax:   opts.HangMax,
		seen:      map[string]int{},
		scheduled: map[string]map[int]Fault{},
		hang:      map[string]bool{},
		repeat:    map[string]bool{},
		bucket:    newTokenBucket(opts.RateLimit, opts.RateBurst, opts.Now()),
	}
	for _, op := range opts.Hang {
		mustBeOperation("Options.Hang", op)
		f.hang[op] = true
	}
	for _, op := range opts.RepeatPageToken {
		mustBeOperation("Options.RepeatPageToken", op)
		f.repeat[op] = true
	}
	for _, cf := range opts.Failures {
		f.schedule("Options.Failures", cf.Op, cf.Call, cf.Fault)
	}
	return f
}

func (f *faultState) schedule(who, op string, n int, fault Fault) {
	mustBeOperation(who, op)
	if n < 1 {
		panic(fmt.Sprintf("emulator: %s: request number %d of %s: numbers start at 1", who, n, op))
	}
	if err := fault.check(); err != nil {
		panic(fmt.Sprintf("emulator: %s: %v", who, err))
	}
	if f.scheduled[op] == nil {
		f.scheduled[op] = map[int]Fault{}
	}
	f.scheduled[op][n] = fault
}

func mustBeOperation(who, op string) {
	if op != AllOperations && !slices.Contains(Operations(), op) {
		panic(fmt.Sprintf("emulator: %s: unknown operation %q", who, op))
	}
}

// FailCall makes the n-th request of op from now on (1: the next one) fail
// with f. Requests are numbered as they pass authentication, whatever they
// are answered, so a retry is the next number. op is an operation name (see
// Operations) or AllOperations. It panics on an unknown operation or an n
// below 1.
func (s *Server) FailCall(op string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.schedule("FailCall", op, s.faults.seen[op]+n, f)
}

// SetHang makes every request of op (or AllOperations) hang, or stops it.
// A hung request is held until its client gives up or Options.HangMax
// passes, then its connection is dropped without an answer.
func (s *Server) SetHang(op string, on bool) {
	mustBeOperation("SetHang", op)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.hang[op] = on
}

// SetRepeatPageToken makes the list operation op (or AllOperations) always
// answer the same nextToken, or stops it: the first page carries a token
// (even when it holds the whole list) and every page asked for with a token
// carries that very token again. A client that does not notice asks for
// the same page forever.
func (s *Server) SetRepeatPageToken(op string, on bool) {
	mustBeOperation("SetRepeatPageToken", op)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.repeat[op] = on
}

// SetRateLimit admits rps requests per second, with bursts of up to burst
// requests (0: rps rounded up), and answers the others 429
// TooManyRequestsException, as EKS's API throttling does. rps 0 removes the
// limit. The bucket starts full.
func (s *Server) SetRateLimit(rps float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.bucket = newTokenBucket(rps, burst, s.opts.Now())
}

// injectedFault returns the fault the call gets, if any (see the order at
// the top of this file). It runs under s.mu.
func (s *Server) injectedFault(c *call) error {
	f := &s.faults
	f.seen[c.op]++
	f.seen[AllOperations]++
	c.repeatToken = f.repeat[c.op] || f.repeat[AllOperations]

	if q := s.failures[c.op]; len(q) > 0 {
		s.failures[c.op] = q[1:]
		return q[0]
	}
	for _, op := range []string{c.op, AllOperations} {
		n := f.seen[op]
		if fault, ok := f.scheduled[op][n]; ok {
			delete(f.scheduled[op], n)
			return fault.err()
		}
	}
	if f.hang[c.op] || f.hang[AllOperations] {
		return &connFault{hang: true}
	}
	if f.bucket != nil && !f.bucket.take(s.opts.Now()) {
		return tooManyRequests()
	}
	// A region's limit is its regional endpoints' (EKS, STS); IAM is
	// global, as on AWS: its requests, signed for us-east-1, do not take
	// that region's tokens.
	if rs := c.regionState; rs != nil && rs.bucket != nil && c.service != "iam" && !rs.bucket.take(s.opts.Now()) {
		return tooManyRequests()
	}
	if s.throttleRate > 0 && s.faultRNG.Float64() < s.throttleRate {
		return tooManyRequests()
	}
	if s.errorRate > 0 && s.faultRNG.Float64() < s.errorRate {
		return serverError()
	}
	return nil
}

// connFault is a fault answered by breaking the connection rather than by
// an HTTP response.
type connFault struct{ hang bool }

func (f *connFault) Error() string {
	if f.hang {
		return "hang"
	}
	return "connection reset"
}

// breakConnection carries out a connection fault and returns what happened,
// for the request log.
func (s *Server) breakConnection(w http.ResponseWriter, r *http.Request, f *connFault) string {
	if f.hang {
		begin := time.Now()
		t := time.NewTimer(s.faults.hangMax)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			dropConnection(w, r)
			return "hung until the client gave up after " + time.Since(begin).Round(time.Millisecond).String()
		case <-t.C:
			dropConnection(w, r)
			return "hung for " + s.faults.hangMax.String() + ", then dropped the connection"
		}
	}
	dropConnection(w, r)
	return "connection reset"
}

// dropConnection closes the request's connection without an answer: with
// a TCP RST where the connection can be taken over, else by aborting the
// handler (HTTP/2 resets the stream), unless the request is over anyway.
func dropConnection(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		if r.Context().Err() != nil {
			return // a ResponseRecorder whose client gave up: nothing to drop
		}
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// tokenBucket is a rate limiter: rate tokens a second, up to burst, one
// per request.
type tokenBucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newTokenBucket(rps float64, burst int, now time.Time) *tokenBucket {
	if rps <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = max(1, int(math.Ceil(rps)))
	}
	return &tokenBucket{rate: rps, burst: float64(burst), tokens: float64(burst), last: now}
}

func (b *tokenBucket) take(now time.Time) bool {
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// err is the answer f stands for.
func (f Fault) err() error {
	switch {
	case f.Hang:
		return &connFault{hang: true}
	case f.Reset:
		return &connFault{}
	}
	return &apiError{status: f.Status, code: f.Code, message: cmp.Or(f.Message, defaultMessages[f.Code], f.Code)}
}

var codeRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

func (f Fault) check() error {
	switch {
	case f.Hang || f.Reset:
		return nil
	case f.Status < 400 || f.Status > 599:
		return fmt.Errorf("fault status %d: an error status is 400-599", f.Status)
	case !codeRE.MatchString(f.Code):
		return fmt.Errorf("fault code %q: an AWS error code such as ServerException", f.Code)
	}
	return nil
}

// shortFaults are the faults ParseFault knows by a single word.
var shortFaults = map[string]Fault{
	"500":   {Status: http.StatusInternalServerError, Code: "ServerException"},
	"503":   {Status: http.StatusServiceUnavailable, Code: "ServiceUnavailableException"},
	"429":   {Status: http.StatusTooManyRequests, Code: "TooManyRequestsException"},
	"reset": {Reset: true},
	"hang":  {Hang: true},
}

// defaultMessages are the messages of injected errors that name none.
var defaultMessages = map[string]string{
	"ServerException":             serverError().message,
	"TooManyRequestsException":    tooManyRequests().message,
	"ServiceUnavailableException": "Service Unavailable",
	"ThrottlingException":         "Rate exceeded",
}

// ParseFault reads a fault as the eks-emulator flags write it:
//
//	500                       500 ServerException
//	429                       429 TooManyRequestsException
//	503                       503 ServiceUnavailableException
//	reset                     the connection is reset
//	hang                      no answer until the client gives up
//	STATUS:CODE[:MESSAGE]     any AWS error, e.g. 400:InvalidParameterException:bad
func ParseFault(s string) (Fault, error) {
	if f, ok := shortFaults[s]; ok {
		return f, nil
	}
	status, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Fault{}, fmt.Errorf("fault %q: use 500, 429, 503, reset, hang or STATUS:CODE[:MESSAGE]", s)
	}
	n, err := strconv.Atoi(status)
	if err != nil {
		return Fault{}, fmt.Errorf("fault %q: %q is not an HTTP status", s, status)
	}
	code, msg, _ := strings.Cut(rest, ":")
	f := Fault{Status: n, Code: code, Message: msg}
	if err := f.check(); err != nil {
		return Fault{}, fmt.Errorf("fault %q: %w", s, err)
	}
	return f, nil
}

// ParseCallFault reads OP:N:FAULT, as in
// "DescribeAccessEntry:3:500" (the 3rd DescribeAccessEntry answers 500
// ServerException); FAULT is what ParseFault reads, OP an operation name
// or "all".
func ParseCallFault(s string) (CallFault, error) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return CallFault{}, fmt.Errorf("%q: want OP:N:FAULT, e.g. DescribeAccessEntry:3:500", s)
	}
	op, err := ParseOperation(parts[0])
	if err != nil {
		return CallFault{}, err
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 {
		return CallFault{}, fmt.Errorf("%q: the request number %q must be 1 or more", s, parts[1])
	}
	f, err := ParseFault(parts[2])
	if err != nil {
		return CallFault{}, err
	}
	return CallFault{Op: op, Call: n, Fault: f}, nil
}

// ParseOperation checks an operation name (or "all") the fault knobs take.
func ParseOperation(s string) (string, error) {
	if s == AllOperations || slices.Contains(Operations(), s) {
		return s, nil
	}
	return "", fmt.Errorf("unknown operation %q: use all or one of %s", s, strings.Join(Operations(), ", "))
}
