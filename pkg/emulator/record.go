package emulator

import (
	"bytes"
	"cmp"
	"maps"
	"net/http"
)

// The request log is bounded: a long-running emulator (eks-emulator in a CI
// job, a soak test) must not grow with every request it answers.

const (
	defaultRecordLimit     = 10000
	defaultRecordBodyLimit = 16 << 10
	defaultRecordBytes     = 16 << 20
	// recordOverhead approximates what a Request costs besides its strings
	// and body: the struct, the query map, the slice slot.
	recordOverhead = 256
)

// requestLog keeps the most recent requests within a count and a byte
// budget, oldest first.
type requestLog struct {
	limit     int // requests kept; 0 keeps none
	bodyLimit int // bytes of each body kept
	byteLimit int // bytes of all requests kept
	reqs      []Request
	head      int // reqs[head:] are kept; reqs[:head] were dropped
	bytes     int // size of reqs[head:]
}

func newRequestLog(limit, bodyLimit, byteLimit int) requestLog {
	switch {
	case limit < 0:
		limit = 0
	case limit == 0:
		limit = defaultRecordLimit
	}
	return requestLog{
		limit:     limit,
		bodyLimit: cmp.Or(bodyLimit, defaultRecordBodyLimit),
		byteLimit: cmp.Or(byteLimit, defaultRecordBytes),
	}
}

// add records the call. A call that failed authentication keeps no body:
// anyone who can reach the port can send those, and they prove nothing
// about what a client sent to EKS.
func (l *requestLog) add(c *call) {
	if l.limit == 0 {
		return
	}
	r := Request{
		Op:       c.op,
		Method:   c.req.Method,
		Path:     c.req.URL.Path,
		Query:    cloneValues(c.req.URL.Query()),
		BodySize: len(c.body),
		Region:   c.signedRegion,
	}
	if c.authErr == nil {
		r.Body = bytes.Clone(c.body[:min(len(c.body), l.bodyLimit)])
	}
	l.reqs = append(l.reqs, r)
	l.bytes += size(r)
	for len(l.reqs)-l.head > l.limit || (l.bytes > l.byteLimit && len(l.reqs)-l.head > 1) {
		l.bytes -= size(l.reqs[l.head])
		l.reqs[l.head] = Request{} // let the collector have it
		l.head++
	}
	// Compact once the dropped prefix outweighs what is kept, so the
	// backing array stays within twice the kept requests.
	if l.head > 0 && l.head >= len(l.reqs)-l.head {
		n := copy(l.reqs, l.reqs[l.head:])
		clear(l.reqs[n:])
		l.reqs = l.reqs[:n]
		l.head = 0
	}
}

// size is what a recorded request weighs against the byte budget.
func size(r Request) int {
	n := recordOverhead + len(r.Method) + len(r.Path) + len(r.Body)
	for k, vs := range r.Query {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// list returns deep copies of the kept requests.
func (l *requestLog) list() []Request {
	out := make([]Request, 0, len(l.reqs)-l.head)
	for _, r := range l.reqs[l.head:] {
		r.Query = cloneValues(r.Query)
		r.Body = bytes.Clone(r.Body)
		out = append(out, r)
	}
	return out
}

func (l *requestLog) reset() {
	l.reqs, l.head, l.bytes = nil, 0, 0
}

// RegionStats counts the requests signed for one region.
type RegionStats struct {
	Requests  int // received, whatever their answer
	Throttled int // answered 429 TooManyRequestsException
}

type regionStats map[string]RegionStats

// maxStatsRegions bounds the regions counted: the region is the client's
// to choose, and the binary must stay bounded if left running.
const maxStatsRegions = 1000

func (st *regionStats) count(region string, requests, throttled int) {
	if *st == nil {
		*st = regionStats{}
	}
	r, ok := (*st)[region]
	if !ok && len(*st) >= maxStatsRegions {
		return
	}
	r.Requests += requests
	r.Throttled += throttled
	(*st)[region] = r
}

// countAnswer counts a throttled answer to c.
func (s *Server) countAnswer(c *call, status int) {
	if status != http.StatusTooManyRequests {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.count(c.signedRegion, 0, 1)
}

// RegionStats returns the requests received since New or ResetRequests,
// by the region they were signed for ("" for none), with how many were
// answered 429: a fleet benchmark's request counts and throttling per
// region. Unlike Requests it is not bounded by Options.RecordLimit. Other
// accounts count on their own Server (see Account).
func (s *Server) RegionStats() map[string]RegionStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(map[string]RegionStats(s.stats))
}
