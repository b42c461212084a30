package apply

import (
	"slices"
	"testing"

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
