package apply

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// TestPutBack: the one lockout re-check after a write that took something
// from the caller's own entry (update, policy disassociate, apply). The
// write took AmazonEKSViewPolicy; another writer took the entry's other
// policy at the same time, so the caller has nothing left: putBack
// associates the view policy again and says so. The same write on someone
// else's entry, or with --force (no caller), is left alone.
func TestPutBack(t *testing.T) {
	t.Parallel()
	_, hs := emutest.Start(t, emulator.Options{})
	c := eksapi.NewFromConfig(emutest.Config(hs.URL), "")
	const caller = "arn:aws:sts::111122223333:assumed-role/dev/alice"
	p := mustPrincipal(t, dev)
	mustCreate(t, c, access.CreateEntry{Principal: p}) // no groups, no policies left: the other writer's and this write's changes made
	view := access.AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", AccessScope: access.Scope{Type: access.ScopeCluster, Namespaces: []string{}}}
	taken := takenAway{Policies: []access.AssociatedPolicy{view}}

	for _, who := range []string{"", "arn:aws:sts::111122223333:assumed-role/ops/bob"} {
		if l, err := putBack(t.Context(), c, who, "demo", p, taken, nil); l != nil || err != nil {
			t.Errorf("caller %q: %+v, %v; want nothing", who, l, err)
		}
	}
	l, err := putBack(t.Context(), c, caller, "demo", p, taken, nil)
	if err != nil || l == nil || l.Refusal == nil || len(l.Failed) != 0 || !slices.Equal(l.Restored, []string{"AmazonEKSViewPolicy at scope cluster"}) {
		t.Fatalf("putBack: %+v, %v", l, err)
	}
	have, err := c.ListAssociatedPolicies(t.Context(), "demo", p)
	if err != nil || len(have) != 1 || have[0].PolicyARN != view.PolicyARN {
		t.Errorf("after putBack the entry has %v (%v)", have, err)
	}

}

// staleRead answers the first DescribeAccessEntry after an
// UpdateAccessEntry with the entry as the DescribeAccessEntry before it
// read it: EKS's eventual consistency, a read-back answered from before
// the write.
type staleRead struct {
	mu    sync.Mutex
	next  http.Client
	last  []byte // the last DescribeAccessEntry answered
	stale bool   // an UpdateAccessEntry came since
}

func (s *staleRead) Do(r *http.Request) (*http.Response, error) {
	resp, err := s.next.Do(r)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(r.URL.Path, "/access-entries/") || strings.Contains(r.URL.Path, "/access-policies") {
		return resp, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodPost: // UpdateAccessEntry
		s.stale = true
	case http.MethodGet: // DescribeAccessEntry
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if s.stale {
			body, s.stale = s.last, false
		} else {
			s.last = body
		}
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return resp, nil
}

// TestPutBackThroughAStaleReadBack: an update of the caller's own entry
// removes its groups while another writer removes its last policy; the
// read after the write is answered from before it (eventual consistency),
// groups and all. The lockout re-check takes the entry as the write left
// it, finds the caller with nothing, and puts the groups back, for a
// single command (Do, which re-checks from its read-back) and for apply
// (which reads for it). Taken as read, the stale groups hid the lockout.
func TestPutBackThroughAStaleReadBack(t *testing.T) {
	t.Parallel()
	for _, single := range []bool{true, false} {
		t.Run(fmt.Sprintf("single=%v", single), func(t *testing.T) {
			t.Parallel()
			var tick atomic.Int64
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			srv, hs := emutest.Start(t, emulator.Options{Now: func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }})
			other := eksapi.NewFromConfig(emutest.Config(hs.URL), "")
			cfg := emutest.Config(hs.URL)
			cfg.HTTPClient = &staleRead{}
			c := eksapi.NewFromConfig(cfg, "")
			const caller = "arn:aws:sts::111122223333:assumed-role/dev/alice"
			p := mustPrincipal(t, dev)
			mustCreate(t, other, access.CreateEntry{Principal: p, Groups: []string{"team"}})
			view := "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
			if _, err := other.AssociatePolicy(t.Context(), "demo", p, view, access.Scope{Type: access.ScopeCluster}); err != nil {
				t.Fatal(err)
			}
			e, err := c.DescribeEntry(t.Context(), "demo", p)
			if err != nil {
				t.Fatal(err)
			}
			var otherErr error
			srv.OnCall("UpdateAccessEntry", 1, func() { otherErr = other.DisassociatePolicy(t.Context(), "demo", p, view) })
			ch := plan.Change{Principal: p, Action: plan.ActionUpdate, Want: &access.CreateEntry{Cluster: "demo", Principal: p}, Have: &plan.Live{Entry: e},
				Diff: access.Diff{Changes: []access.Change{{Field: access.FieldGroups, Want: []string{}, Have: e.KubernetesGroups}}}}
			x := Executor{Client: c, Concurrency: 1, Caller: caller}
			var o Outcome
			if single {
				o = x.Do(t.Context(), "demo", ch)
			} else {
				o = x.Apply(t.Context(), plan.Plan{Cluster: "demo", Changes: []plan.Change{ch}}).Outcomes[0]
			}
			if otherErr != nil {
				t.Fatal(otherErr)
			}
			if o.LockedOut == nil || !errors.Is(o.Err, ErrChangedMeanwhile) {
				t.Fatalf("outcome: err %v, locked out %+v; want the groups put back", o.Err, o.LockedOut)
			}
			if now, err := other.DescribeEntry(t.Context(), "demo", p); err != nil || !slices.Equal(now.KubernetesGroups, []string{"team"}) {
				t.Errorf("the entry's groups are %v (%v), want [team] put back", now.KubernetesGroups, err)
			}
		})
	}
}
