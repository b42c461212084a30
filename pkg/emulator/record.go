package emulator

import (
	"bytes"
	"cmp"
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
