package access_test

import (
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// FuzzPolicyRef feeds policy names and ARNs to ParsePolicyRef. An accepted
// reference parses back to itself, has a letters-and-digits name, and its
// ARN in any partition is an access-policy ARN of that name.
func FuzzPolicyRef(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := access.ParsePolicyRef(s)
		if err != nil {
			wantValidationError(t, err)
			if ref != (access.PolicyRef{}) {
				t.Fatalf("ParsePolicyRef(%q) failed but returned %q", s, ref)
			}
			return
		}
		checkPolicyRef(t, s, ref)
	})
}

func checkPolicyRef(t *testing.T, s string, ref access.PolicyRef) {
	t.Helper()
	if ref.String() != s {
		t.Fatalf("ParsePolicyRef(%q).String() = %q", s, ref)
	}
	if again, err := access.ParsePolicyRef(ref.String()); err != nil || again != ref {
		t.Fatalf("%q does not parse back to itself: %q, %v", s, again, err)
	}
	name := ref.Name()
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		t.Fatalf("ParsePolicyRef(%q).Name() = %q, want letters and digits", s, name)
	}
	for _, partition := range []string{"", "aws", "aws-cn"} {
		arn := ref.ARN(partition)
		if !strings.HasSuffix(arn, ":eks::aws:cluster-access-policy/"+name) {
			t.Errorf("ParsePolicyRef(%q).ARN(%q) = %q, not the ARN of %s", s, partition, arn, name)
		}
		if got, err := access.ParsePolicyRef(arn); err != nil || got.Name() != name {
			t.Errorf("ARN %q of %q does not parse back to %s: %q, %v", arn, s, name, got.Name(), err)
		}
		if got := access.PolicyName(arn); got != name {
			t.Errorf("PolicyName(%q) = %q, want %q", arn, got, name)
		}
	}
	if !strings.HasPrefix(s, "arn:") && ref.ARN("") != "arn:aws:eks::aws:cluster-access-policy/"+s {
		t.Errorf("short name %q has ARN %q in the default partition", s, ref.ARN(""))
	}
}

// FuzzScope feeds --policy scopes to ParseScope: an accepted scope is
// valid, and its String() parses back to an Equal scope with the same
// String(); a rejected one is an *access.Error and the zero Scope.
func FuzzScope(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		scope, err := access.ParseScope(s)
		if err != nil {
			wantValidationError(t, err)
			if scope.Type != "" || scope.Namespaces != nil {
				t.Fatalf("ParseScope(%q) failed but returned %+v", s, scope)
			}
			return
		}
		checkScope(t, s, scope)
	})
}

func checkScope(t *testing.T, from string, scope access.Scope) {
	t.Helper()
	if err := scope.Validate(); err != nil {
		t.Fatalf("scope %+v of %q does not validate: %v", scope, from, err)
	}
	again, err := access.ParseScope(scope.String())
	if err != nil {
		t.Fatalf("scope %+v of %q: String() %q does not parse: %v", scope, from, scope.String(), err)
	}
	if !again.Equal(scope) || !scope.Equal(again) || again.String() != scope.String() {
		t.Fatalf("scope of %q: %q parses back to %+v, want %+v", from, scope.String(), again, scope)
	}
	if scope.Type == access.ScopeCluster && len(scope.Namespaces) > 0 ||
		scope.Type == access.ScopeNamespace && len(scope.Namespaces) == 0 {
		t.Fatalf("scope of %q is %+v", from, scope)
	}
}

// FuzzScopeValidate builds scopes that did not come from ParseScope (as
// from a desired-state file or the API): whatever Validate accepts must
// render as a scope ParseScope reads back Equal, so no namespace may hold
// a separator or a space.
func FuzzScopeValidate(f *testing.F) {
	f.Fuzz(func(t *testing.T, typ, ns1, ns2 string) {
		for _, scope := range []access.Scope{
			{Type: access.ScopeType(typ)},
			{Type: access.ScopeType(typ), Namespaces: []string{ns1}},
			{Type: access.ScopeType(typ), Namespaces: []string{ns1, ns2}},
		} {
			err := scope.Validate()
			if err != nil {
				wantValidationError(t, err)
				continue
			}
			checkScope(t, typ, scope)
			for _, ns := range scope.Namespaces {
				if len(ns) > 63 || strings.Trim(ns, "abcdefghijklmnopqrstuvwxyz0123456789-*") != "" {
					t.Errorf("namespace %q is valid, but it is not a DNS-1123 label or a prefix with \"*\"", ns)
				}
			}
			// Equal ignores order and repeats.
			rev := access.Scope{Type: scope.Type}
			for i := len(scope.Namespaces) - 1; i >= 0; i-- {
				rev.Namespaces = append(rev.Namespaces, scope.Namespaces[i], scope.Namespaces[i])
			}
			if !scope.Equal(rev) {
				t.Errorf("%+v is not Equal to %+v", scope, rev)
			}
		}
	})
}

// FuzzPolicyAssociation feeds create's --policy P[:scope] values to
// ParsePolicyAssociation and PolicyAssociations.Set: an accepted one
// renders (String) as a value that parses back to the same policy and an
// Equal scope; a rejected one is an *access.Error, the zero value, and
// appends nothing.
func FuzzPolicyAssociation(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		a, err := access.ParsePolicyAssociation(s)

		var list access.PolicyAssociations
		appended := 0
		if err == nil {
			appended = 1
		}
		if serr := list.Set(s); (serr == nil) != (err == nil) || len(list) != appended {
			t.Fatalf("PolicyAssociations.Set(%q) = %v and holds %d, but ParsePolicyAssociation says %v", s, serr, len(list), err)
		}

		if err != nil {
			wantValidationError(t, err)
			if a.Policy != (access.PolicyRef{}) || a.Scope.Type != "" || a.Scope.Namespaces != nil {
				t.Fatalf("ParsePolicyAssociation(%q) failed but returned %+v", s, a)
			}
			return
		}
		if !strings.HasPrefix(s, a.Policy.String()) {
			t.Errorf("ParsePolicyAssociation(%q): policy %q is not what the value begins with", s, a.Policy)
		}
		checkPolicyRef(t, a.Policy.String(), a.Policy)
		checkScope(t, s, a.Scope)
		again, err := access.ParsePolicyAssociation(a.String())
		if err != nil {
			t.Fatalf("%q renders as %q, which does not parse: %v", s, a.String(), err)
		}
		if again.Policy != a.Policy || !again.Scope.Equal(a.Scope) || again.String() != a.String() {
			t.Fatalf("%q renders as %q, which parses to %+v; want %+v", s, a.String(), again, a)
		}
		if list.String() != a.String() {
			t.Errorf("PolicyAssociations{%q}.String() = %q, want %q", s, list.String(), a.String())
		}
	})
}
