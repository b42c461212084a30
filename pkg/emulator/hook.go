package emulator

import (
	"fmt"
	"sync"
)

// Hooks make a race deterministic: another writer's change lands exactly
// inside a client's read-then-write window, not by luck of timing. EKS has
// no conditional write, so a client that reads an entry, decides, and
// writes it back can undo a change made in between; a test registers the
// other writer's change to run right after one numbered request of the
// client, and so knows where it lands.

// OnCall runs fn once, right after the n-th request of operation op from
// now on (1: the next one) has been handled, and before that request is
// answered. The client that sent it is still waiting for its answer, so
// whatever fn changes lands after that request took effect and before the
// client's next request: "another writer changed the entry between your
// read and your write".
//
// Requests are numbered as for FailCall: per operation (or across all of
// them, for AllOperations), as they pass authentication, whatever they are
// answered. fn runs without the emulator's lock, in the goroutine serving
// the request: it may call the Server's methods and send it requests of
// its own (ServeHTTP), as another client would; those are recorded and
// numbered like any other. It panics on an unknown operation or an n below
// 1, as FailCall does.
func (s *Server) OnCall(op string, n int, fn func()) {
	if n < 1 {
		panic(fmt.Sprintf("emulator: OnCall: request number %d of %s: numbers start at 1", n, op))
	}
	mustBeOperation("OnCall", op)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.add(op, s.faults.seen[op]+n, fn)
}

// callHooks holds the OnCall functions by operation and request number.
type callHooks struct {
	mu sync.Mutex
	m  map[string]map[int][]func()
}

func (h *callHooks) add(op string, n int, fn func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]map[int][]func(){}
	}
	if h.m[op] == nil {
		h.m[op] = map[int][]func(){}
	}
	h.m[op][n] = append(h.m[op][n], fn)
}

// take removes and returns the functions due after request number n of
// op and request number all of every operation.
func (h *callHooks) take(op string, n, all int) []func() {
	if n == 0 {
		return nil // not authenticated: not numbered
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var due []func()
	for _, k := range []struct {
		op string
		n  int
	}{{op, n}, {AllOperations, all}} {
		if fns, ok := h.m[k.op][k.n]; ok {
			due = append(due, fns...)
			delete(h.m[k.op], k.n)
		}
	}
	return due
}
