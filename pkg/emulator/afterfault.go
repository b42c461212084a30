package emulator

import (
	"net"
	"net/http"
	"sync"
)

// afterFaults queues faults that strike after an operation took effect:
// the state changes, but the client hears of a failure (FailAfter) or of
// nothing at all (ResetAfter), as when EKS applies a write and the
// response is lost. A client that retries then meets the state its first
// attempt made (a delete that finds nothing to delete).
type afterFaults struct {
	mu sync.Mutex
	q  map[string][]afterFault
}

type afterFault struct {
	err   *apiError // answered instead of the success; nil for a reset
	reset bool
}

// FailAfter makes the next request of operation op take effect as usual
// and then be answered with the error status/code/message instead of its
// success. Queued faults are used in FIFO order, one per request of op; a
// request that fails on its own (not found, say) uses one up and keeps
// its own answer.
func (s *Server) FailAfter(op string, status int, code, message string) {
	s.after.push(op, afterFault{err: &apiError{status: status, code: code, message: message}})
}

// ResetAfter makes the next request of operation op take effect and then
// resets the TCP connection instead of answering (an HTTP/1 connection;
// where the connection cannot be taken over, the answer is a 500
// ServerException instead).
func (s *Server) ResetAfter(op string) {
	s.after.push(op, afterFault{reset: true})
}

func (f *afterFaults) push(op string, fault afterFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.q == nil {
		f.q = map[string][]afterFault{}
	}
	f.q[op] = append(f.q[op], fault)
}

// strike applies the fault queued for op, if any, to a request that has
// been handled with result *err. A success becomes the queued error, or a
// reset connection: then strike returns true and nothing may be written
// to w any more.
func (f *afterFaults) strike(w http.ResponseWriter, op string, err *error) (hijacked bool) {
	f.mu.Lock()
	q := f.q[op]
	if len(q) == 0 {
		f.mu.Unlock()
		return false
	}
	fault := q[0]
	f.q[op] = q[1:]
	f.mu.Unlock()
	if *err != nil {
		return false
	}
	if !fault.reset {
		*err = fault.err
		return false
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		*err = serverError()
		return false
	}
	conn, _, herr := hj.Hijack()
	if herr != nil {
		*err = serverError()
		return false
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close with RST: "connection reset by peer"
	}
	_ = conn.Close()
	return true
}
