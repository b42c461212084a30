package apply

import (
	"slices"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
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
