package access_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// TestCompareStructure: Compare's changes carry the field or action, the
// key and both values, for diff and apply to act on; String() is the line
// TestCreateEntryCompare pins.
func TestCompareStructure(t *testing.T) {
	t.Parallel()
	const (
		editARN  = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
		adminARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"
	)
	req := access.CreateEntry{
		Cluster: "demo", Principal: mustPrincipal(t, roleARN), Type: access.TypeStandard,
		Username: "x", Groups: []string{"b", "a"}, Tags: access.Tags{"team": "a", "new": ""},
		Policies: mustAssocs(t, "AmazonEKSViewPolicy:namespace=dev", editARN, "AmazonEKSClusterAdminPolicy"),
	}
	entry := access.Entry{
		ClusterName: "prod", PrincipalARN: access.UncheckedPrincipalARN(userARN), Type: "EC2", Username: "y",
		KubernetesGroups: []string{"c"}, Tags: map[string]string{"team": "b", "old": "1", "aws:x": "y"},
	}
	have := []access.AssociatedPolicy{
		{PolicyARN: viewARN, AccessScope: clusterScope},
		{PolicyARN: adminARN, AccessScope: nsScope("dev")},
		{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", AccessScope: access.Scope{Type: access.ScopeCluster, Namespaces: []string{}}},
	}
	d := req.Compare(entry, have)

	wantChanges := []access.Change{
		{Field: access.FieldCluster, Want: "demo", Have: "prod"},
		{Field: access.FieldPrincipal, Want: roleARN, Have: userARN},
		{Field: access.FieldType, Want: "STANDARD", Have: "EC2"},
		{Field: access.FieldUsername, Want: "x", Have: "y"},
		{Field: access.FieldGroups, Want: []string{"a", "b"}, Have: []string{"c"}},
		{Field: access.FieldTag, Key: "new", Want: ""},
		{Field: access.FieldTag, Key: "old", Have: "1"},
		{Field: access.FieldTag, Key: "team", Want: "a", Have: "b"},
	}
	if diff := cmp.Diff(wantChanges, d.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	type pc struct {
		Action    access.PolicyAction
		Policy    string // as given
		PolicyARN string
		Want      access.Scope
		Have      access.Scope
	}
	var gotPolicies []pc
	for _, p := range d.Policies {
		gotPolicies = append(gotPolicies, pc{p.Action, p.Policy.String(), p.PolicyARN, p.Want, p.Have})
	}
	wantPolicies := []pc{
		{access.PolicyRescope, "AmazonEKSViewPolicy", viewARN, nsScope("dev"), clusterScope},
		{access.PolicyAdd, editARN, editARN, clusterScope, access.Scope{}},
		{access.PolicyRemove, adminARN, adminARN, access.Scope{}, nsScope("dev")},
	}
	if diff := cmp.Diff(wantPolicies, gotPolicies); diff != "" {
		t.Errorf("policies (-want +got):\n%s", diff)
	}

	wantLines := []string{
		`cluster: want "demo", have "prod"`,
		`principal: want "` + roleARN + `", have "` + userARN + `"`,
		"type: want STANDARD, have EC2",
		`username: want "x", have "y"`,
		`groups: want ["a" "b"], have ["c"]`,
		`tag "new": want "", have none`,
		`tag "old": want none, have "1"`,
		`tag "team": want "a", have "b"`,
		"policy AmazonEKSViewPolicy: want scope namespace=dev, have cluster",
		"policy AmazonEKSEditPolicy: want scope cluster, have none",
		"policy AmazonEKSAdminPolicy: not requested, have scope namespace=dev",
	}
	if diff := cmp.Diff(wantLines, d.Lines()); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if got, want := d.String(), strings.Join(wantLines, "\n"); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}

	// Conflicts drops the additions, Missing keeps only them, as requested
	c := d.Conflicts()
	if len(c.Policies) != 2 || c.Policies[0].Action != access.PolicyRescope || c.Policies[1].Action != access.PolicyRemove || len(c.Changes) != len(d.Changes) {
		t.Errorf("Conflicts() = %v", c)
	}
	if got := d.Missing(); len(got) != 1 || got[0].String() != editARN+":cluster" {
		t.Errorf("Missing() = %v", got)
	}
	for f, want := range map[access.Field]bool{
		access.FieldType: true, access.FieldTag: true, access.FieldGroups: true, access.FieldUsername: true, access.FieldCluster: true,
	} {
		if d.Has(f) != want {
			t.Errorf("Has(%s) = %v", f, !want)
		}
	}
}

func TestDiffEmpty(t *testing.T) {
	t.Parallel()
	req := access.CreateEntry{Cluster: "demo", Principal: mustPrincipal(t, roleARN), Policies: mustAssocs(t, "AmazonEKSViewPolicy")}
	entry := access.Entry{ClusterName: "demo", PrincipalARN: access.UncheckedPrincipalARN(roleARN), Type: "STANDARD"}
	tests := []struct {
		name                  string
		have                  []access.AssociatedPolicy
		empty, conflictsEmpty bool
	}{
		{name: "identical", have: []access.AssociatedPolicy{{PolicyARN: viewARN, AccessScope: clusterScope}}, empty: true, conflictsEmpty: true},
		{name: "only an addition", conflictsEmpty: true},
		{name: "a re-scope", have: []access.AssociatedPolicy{{PolicyARN: viewARN, AccessScope: nsScope("a")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := req.Compare(entry, tt.have)
			if d.Empty() != tt.empty || d.Conflicts().Empty() != tt.conflictsEmpty {
				t.Errorf("Empty() = %v, Conflicts().Empty() = %v for %v", d.Empty(), d.Conflicts().Empty(), d)
			}
			if d.Has(access.FieldGroups) {
				t.Errorf("Has(groups) on %v", d)
			}
		})
	}
}
