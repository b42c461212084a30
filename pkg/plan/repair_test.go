package plan_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

func TestRepair(t *testing.T) {
	t.Parallel()
	mustP := func(s string) access.PrincipalARN {
		p, err := access.ParsePrincipalARN(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	const app = "arn:aws:iam::111122223333:role/app"
	edit := access.AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", AccessScope: access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"dev"}}}
	view := access.AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", AccessScope: access.Scope{Type: access.ScopeCluster, Namespaces: []string{}}}
	have := plan.Live{
		Entry: access.Entry{PrincipalARN: mustP(app), Type: access.TypeStandard, KubernetesGroups: []string{"devs"}, Username: "app-user",
			Tags: map[string]string{"team": "platform", plan.ManagedTagKey: plan.ManagedTagValue, plan.OwnerTagKey: "web", "aws:cloudformation:stack-name": "s"}},
		AssociatedAccessPolicies: []access.AssociatedPolicy{edit, view},
	}

	// the same ARN: delete, then create with everything but AWS's tags
	got := plan.Repair("prod", have, mustP(app), plan.Options{})
	if len(got) != 2 || got[0].Action != plan.ActionDelete || got[1].Action != plan.ActionCreate {
		t.Fatalf("changes %+v, want delete then create", got)
	}
	want := access.CreateEntry{Cluster: "prod", Principal: mustP(app), Type: access.TypeStandard, Groups: []string{"devs"}, Username: "app-user",
		Tags: access.Tags{"team": "platform", plan.ManagedTagKey: plan.ManagedTagValue, plan.OwnerTagKey: "web"},
		Policies: []access.PolicyAssociation{
			{Policy: mustRef(t, "AmazonEKSEditPolicy"), Scope: access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"dev"}}},
			{Policy: mustRef(t, "AmazonEKSViewPolicy"), Scope: access.Scope{Type: access.ScopeCluster}},
		}}
	if diff := cmp.Diff(want, *got[1].Want, cmp.AllowUnexported(access.PrincipalARN{}, access.PolicyRef{})); diff != "" {
		t.Errorf("create (-want +got):\n%s", diff)
	}
	if got[0].Principal.String() != app || got[0].Have == nil {
		t.Errorf("delete %+v", got[0])
	}

	// a new role: EKS's own username for the old ARN is not carried over
	gen := have
	gen.Username = access.DefaultUsername(mustP(app))
	const next = "arn:aws:iam::111122223333:role/app2"
	got = plan.Repair("prod", gen, mustP(next), plan.Options{})
	if got[1].Principal.String() != next || got[1].Want.Username != "" {
		t.Errorf("create for the new role %+v, want no username", got[1].Want)
	}

	// a node entry: no groups nor username (EKS sets them)
	node := have
	node.Type = access.TypeEC2Linux
	got = plan.Repair("prod", node, mustP(app), plan.Options{})
	if got[1].Want.Groups != nil || got[1].Want.Username != "" {
		t.Errorf("node create %+v", got[1].Want)
	}

	// the caller's own entry, without cluster admin, where aws-auth counts:
	// one refused change, nothing made; --force (no caller) makes it
	caller := "arn:aws:sts::111122223333:assumed-role/app/alice"
	got = plan.Repair("prod", have, mustP(app), plan.Options{Caller: caller, ConfigMap: true})
	if len(got) != 1 || got[0].Action != plan.ActionRefuse || !strings.Contains(got[0].Reason, "--force overrides") {
		t.Errorf("own entry without admin where aws-auth counts: %+v, want one refusal", got)
	}
	if got = plan.Repair("prod", have, mustP(app), plan.Options{Caller: caller}); len(got) != 2 {
		t.Errorf("own entry in API mode: %+v, want delete and create (the old one grants nothing)", got)
	}
}

func mustRef(t *testing.T, s string) access.PolicyRef {
	t.Helper()
	r, err := access.ParsePolicyRef(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
