package apply

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// TestDoCreatesThenAssociates: a single command's create is a one-entry
// change on the executor's path: the entry, then each policy, with what
// EKS answered in the outcome for the command to print; a policy that
// fails stops the rest, and the outcome says what exists (the entry and
// the policies before it).
func TestDoCreatesThenAssociates(t *testing.T) {
	t.Parallel()
	srv, hs := emutest.Start(t, emulator.Options{})
	client := eksapi.NewFromConfig(emutest.Config(hs.URL), "")
	x := Executor{Client: client, Concurrency: 1}
	create := func(p string) plan.Change {
		w := access.CreateEntry{Cluster: "demo", Principal: mustPrincipal(t, p), Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSViewPolicy"), assoc(t, "AmazonEKSEditPolicy")}}
		return plan.Change{Principal: w.Principal, Action: plan.ActionCreate, Want: &w}
	}

	o := x.Do(t.Context(), "demo", create(dev))
	if o.Err != nil {
		t.Fatal(o.Err)
	}
	if want := []string{"create entry", "associate AmazonEKSViewPolicy", "associate AmazonEKSEditPolicy"}; !slices.Equal(o.Done, want) {
		t.Errorf("done %q, want %q", o.Done, want)
	}
	if o.Entry.PrincipalARN.String() != dev || len(o.Policies) != 2 {
		t.Errorf("outcome entry %v, policies %v", o.Entry.PrincipalARN, o.Policies)
	}

	srv.FailNext("AssociateAccessPolicy", 400, "InvalidParameterException", "Refused.")
	o = x.Do(t.Context(), "demo", create(ops))
	if o.Err == nil || o.Entry.PrincipalARN.String() != ops || len(o.Done) == 0 || o.Done[0] != "create entry" || len(o.Done) != 1+len(o.Policies) {
		t.Errorf("half-way: err %v, entry %v, done %q, policies %v", o.Err, o.Entry.PrincipalARN, o.Done, o.Policies)
	}
}

// TestDoWaitsOnlyWhileTheEntryExists: a single command's write to an
// entry EKS does not see yet (eventual consistency) waits for it, but
// stops at once when the entry is deleted meanwhile: the command read it
// a moment ago, so a not-found is propagation only while it still exists.
// The entry is deleted as the write tried in the wait arrives (policy
// associate tries once before it waits, and waits only when
// DescribeAccessEntry finds the entry); without the check between tries
// the write is tried again until the wait runs out.
func TestDoWaitsOnlyWhileTheEntryExists(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		op   string
		n    int // the request the entry is deleted at, and the last
		c    func(p access.PrincipalARN, e access.Entry) plan.Change
	}{
		{"update", "UpdateAccessEntry", 1, func(p access.PrincipalARN, e access.Entry) plan.Change {
			w := access.CreateEntry{Cluster: "demo", Principal: p, Groups: []string{"ops"}}
			return plan.Change{Principal: p, Action: plan.ActionUpdate, Want: &w, Have: &plan.Live{Entry: e},
				Diff: access.Diff{Changes: []access.Change{{Field: access.FieldGroups}}}}
		}},
		{"policy associate", "AssociateAccessPolicy", 2, func(p access.PrincipalARN, _ access.Entry) plan.Change {
			a := assoc(t, "AmazonEKSViewPolicy")
			pc := access.PolicyChange{Action: access.PolicyAdd, Policy: a.Policy, PolicyARN: p.PolicyARN(a.Policy), Want: a.Scope}
			return plan.Change{Principal: p, Action: plan.ActionPolicies, Diff: access.Diff{Policies: []access.PolicyChange{pc}}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, hs := emutest.Start(t, emulator.Options{PropagationDelay: time.Hour})
			client := eksapi.NewFromConfig(emutest.Config(hs.URL), "")
			p := mustPrincipal(t, dev)
			e, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p})
			if err != nil {
				t.Fatal(err)
			}
			var deleteErr error
			srv.OnCall(tc.op, tc.n, func() { deleteErr = client.DeleteEntry(t.Context(), "demo", p) })
			x := Executor{Client: client, Concurrency: 1}
			o := x.Do(t.Context(), "demo", tc.c(p, e))
			if deleteErr != nil {
				t.Fatal(deleteErr)
			}
			if !errors.Is(o.Err, eksapi.ErrNotFound) || !strings.Contains(o.Err.Error(), "it was deleted while eksaccess waited for it") {
				t.Errorf("err = %v, want the not-found of an entry deleted during the wait", o.Err)
			}
			var n int
			for _, r := range srv.Requests() {
				if r.Op == tc.op {
					n++
				}
			}
			if n != tc.n {
				t.Errorf("%d %s requests, want %d: the wait went on for a deleted entry", n, tc.op, tc.n)
			}
		})
	}
}
