package access_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/internal/accesstest"
)

const (
	viewARN    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	scopeForms = `use "cluster" or "namespace=NS[,NS...]"`
	assocForms = "use POLICY, POLICY:cluster or POLICY:namespace=NS[,NS...]"
	policyForm = "give a short name such as AmazonEKSViewPolicy, or arn:aws:eks::aws:cluster-access-policy/NAME"
	nsRule     = `namespaces use lowercase letters, digits and "-", begin and end with a letter or digit, and may end with a "*" wildcard ("dev-*")`
)

var (
	clusterScope = access.Scope{Type: access.ScopeCluster}
	// policyRefs compares PolicyRefs by what they were parsed from, which
	// determines the rest.
	policyRefs = cmp.Comparer(func(a, b access.PolicyRef) bool { return a.String() == b.String() })
)

func nsScope(ns ...string) access.Scope {
	return access.Scope{Type: access.ScopeNamespace, Namespaces: ns}
}

var mustPolicy = accesstest.Policy

func TestParseScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want access.Scope
		err  want
	}{
		{in: "cluster", want: clusterScope},
		{in: "namespace=dev", want: nsScope("dev")},
		{in: "namespace=dev,test", want: nsScope("dev", "test")},
		{in: "namespace=dev, test ", want: nsScope("dev", "test")},
		{in: "namespace=dev-*", want: nsScope("dev-*")},
		{in: "", err: want{`invalid scope ""; ` + scopeForms, noHint}},
		{in: "Cluster", err: want{`invalid scope "Cluster"; ` + scopeForms, noHint}},
		{in: "cluster=dev", err: want{`invalid scope "cluster=dev"`, noHint}},
		{in: "namespace", err: want{`invalid scope "namespace"; ` + scopeForms, noHint}},
		{in: "namespace:dev,test", err: want{`invalid scope "namespace:dev,test"; ` + scopeForms, noHint}},
		{in: "namespaces=dev", err: want{`invalid scope "namespaces=dev"`, noHint}},
		{in: "namespace=", err: want{"namespace scope needs at least one namespace", "write namespace=NS[,NS...]"}},
		{in: "namespace=dev,,test", err: want{"empty namespace in namespace scope", noHint}},
		{in: "namespace=Dev", err: want{`namespace "Dev" is not valid; ` + nsRule, noHint}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := access.ParseScope(tt.in)
			checkError(t, err, tt.err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseScope(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if err == nil && got.String() != strings.ReplaceAll(strings.TrimSpace(tt.in), " ", "") {
				t.Errorf("String() = %q does not round-trip %q", got, tt.in)
			}
		})
	}
}

func TestScopeValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   access.Scope
		err  want
	}{
		{name: "cluster", in: clusterScope},
		{name: "cluster with empty list", in: access.Scope{Type: access.ScopeCluster, Namespaces: []string{}}},
		{name: "one namespace", in: nsScope("dev")},
		{name: "one letter", in: nsScope("d")},
		{name: "digits and dashes", in: nsScope("team-1", "2-b")},
		{name: "wildcard", in: nsScope("dev-*")},
		{name: "wildcard after letter", in: nsScope("dev*")},
		{name: "63 characters", in: nsScope(strings.Repeat("n", 63))},
		{name: "62 characters and wildcard", in: nsScope(strings.Repeat("n", 62) + "*")},
		{name: "cluster with namespaces", in: access.Scope{Type: access.ScopeCluster, Namespaces: []string{"dev"}}, err: want{`cluster scope takes no namespaces, but has ["dev"]`, "use namespace=NS[,NS...] to limit the policy to namespaces"}},
		{name: "namespace without list", in: nsScope(), err: want{"namespace scope needs at least one namespace", "write namespace=NS[,NS...]"}},
		{name: "empty namespace", in: nsScope("dev", ""), err: want{"empty namespace in namespace scope", noHint}},
		{name: "wildcard alone", in: nsScope("*"), err: want{`namespace "*" matches every namespace`, "use cluster scope instead"}},
		{name: "64 characters", in: nsScope(strings.Repeat("n", 64)), err: want{"is 64 characters; the limit is 63", noHint}},
		{name: "wildcard inside", in: nsScope("d*v"), err: want{`namespace "d*v" has a "*" that is not at the end; ` + nsRule, noHint}},
		{name: "two wildcards", in: nsScope("dev**"), err: want{`has a "*" that is not at the end`, noHint}},
		{name: "begins with dash", in: nsScope("-dev"), err: want{`namespace "-dev" is not valid`, noHint}},
		{name: "wildcard after dash-first", in: nsScope("-dev*"), err: want{`namespace "-dev*" is not valid`, noHint}},
		{name: "ends with dash", in: nsScope("dev-"), err: want{`namespace "dev-" is not valid`, noHint}},
		{name: "upper case", in: nsScope("dEv"), err: want{`namespace "dEv" contains "E"; ` + nsRule, noHint}},
		{name: "underscore", in: nsScope("dev_x"), err: want{`contains "_"`, noHint}},
		{name: "dot", in: nsScope("dev.x"), err: want{`contains "."`, noHint}},
		{name: "non-ASCII", in: nsScope("dév"), err: want{`contains "é"`, noHint}},
		{name: "no type", in: access.Scope{}, err: want{`unknown scope type ""; use "cluster" or "namespace"`, noHint}},
		{name: "upper-case type", in: access.Scope{Type: "Cluster"}, err: want{`unknown scope type "Cluster"`, noHint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkError(t, tt.in.Validate(), tt.err)
		})
	}
}

func TestScopeEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b access.Scope
		want bool
	}{
		{"cluster", clusterScope, clusterScope, true},
		{"cluster, nil and empty list", clusterScope, access.Scope{Type: access.ScopeCluster, Namespaces: []string{}}, true},
		{"same namespaces", nsScope("a", "b"), nsScope("a", "b"), true},
		{"order ignored", nsScope("a", "b"), nsScope("b", "a"), true},
		{"repeats ignored", nsScope("a", "a", "b"), nsScope("b", "a"), true},
		{"other namespace", nsScope("a"), nsScope("b"), false},
		{"one more namespace", nsScope("a"), nsScope("a", "b"), false},
		{"other type", clusterScope, nsScope(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.a.Equal(tt.b); got != tt.want {
				t.Errorf("%v.Equal(%v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := tt.b.Equal(tt.a); got != tt.want {
				t.Errorf("%v.Equal(%v) = %v, want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestScopeString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   access.Scope
		want string
	}{
		{access.Scope{}, ""},
		{clusterScope, "cluster"},
		{nsScope("dev"), "namespace=dev"},
		{nsScope("b", "a-*"), "namespace=b,a-*"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParsePolicyRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		name   string
		awsARN string // ARN("")
		cnARN  string // ARN("aws-cn")
		err    want
	}{
		{in: "AmazonEKSViewPolicy", name: "AmazonEKSViewPolicy", awsARN: viewARN, cnARN: "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"},
		{in: "Policy2", name: "Policy2", awsARN: "arn:aws:eks::aws:cluster-access-policy/Policy2", cnARN: "arn:aws-cn:eks::aws:cluster-access-policy/Policy2"},
		{in: viewARN, name: "AmazonEKSViewPolicy", awsARN: viewARN, cnARN: viewARN},
		{
			in:     "arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
			name:   "AmazonEKSEditPolicy",
			awsARN: "arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
			cnARN:  "arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
		},
		{in: "", err: want{"policy name is empty", policyForm}},
		{in: "Amazon-EKS", err: want{`policy name "Amazon-EKS" contains "-"; names are letters and digits`, policyForm}},
		{in: "AmazonEKSViewPolicy:cluster", err: want{`contains ":"`, policyForm}},
		{in: "AmazonEKSViewPolicé", err: want{`contains "é"`, policyForm}},
		{in: "arn:aws:eks::aws", err: want{`not an ARN: "arn:aws:eks::aws"`, policyForm}},
		{
			in:  "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
			err: want{`"arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" is an IAM policy, not an EKS access policy`, "access policies are EKS's own; eksaccess policy list shows them"},
		},
		{in: "arn:aws:eks:us-east-1:" + acct + ":cluster/demo", err: want{`"arn:aws:eks:us-east-1:111122223333:cluster/demo" is not an EKS access policy ARN`, policyForm}},
		{in: "arn:aws:s3:::cluster-access-policy/X", err: want{"is not an EKS access policy ARN", policyForm}},
		{in: "arn:aws:eks::aws:access-policy/X", err: want{"is not an EKS access policy ARN", policyForm}},
		{in: "arn:bad:eks::aws:cluster-access-policy/X", err: want{`unknown partition "bad"`, "GovCloud"}},
		{
			in:  "arn:aws:eks:us-east-1:aws:cluster-access-policy/AmazonEKSViewPolicy",
			err: want{`access policy ARNs have no region and the account "aws", but "arn:aws:eks:us-east-1:aws:cluster-access-policy/AmazonEKSViewPolicy" has region "us-east-1" and account "aws"`, "use " + viewARN},
		},
		{
			in:  "arn:aws-cn:eks::" + acct + ":cluster-access-policy/AmazonEKSViewPolicy",
			err: want{`has region "" and account "111122223333"`, "use arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"},
		},
		{in: "arn:aws:eks::aws:cluster-access-policy/", err: want{`"arn:aws:eks::aws:cluster-access-policy/": policy name is empty`, policyForm}},
		{in: "arn:aws:eks::aws:cluster-access-policy/a/b", err: want{`: policy name "a/b" contains "/"`, policyForm}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, err := access.ParsePolicyRef(tt.in)
			checkError(t, err, tt.err)
			if err != nil {
				tt.in = "" // a failed parse returns the zero PolicyRef
			}
			got := []string{p.Name(), p.ARN(""), p.ARN("aws-cn"), p.String()}
			if diff := cmp.Diff([]string{tt.name, tt.awsARN, tt.cnARN, tt.in}, got); diff != "" {
				t.Errorf("Name, ARN(\"\"), ARN(\"aws-cn\"), String (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePolicyAssociation(t *testing.T) {
	t.Parallel()
	const editARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
	tests := []struct {
		in     string
		policy string
		scope  access.Scope
		err    want
	}{
		{in: "AmazonEKSAdminPolicy", policy: "AmazonEKSAdminPolicy", scope: clusterScope},
		{in: "AmazonEKSAdminPolicy:cluster", policy: "AmazonEKSAdminPolicy", scope: clusterScope},
		{in: "AmazonEKSEditPolicy:namespace=dev,test", policy: "AmazonEKSEditPolicy", scope: nsScope("dev", "test")},
		{in: "AmazonEKSEditPolicy:namespace=dev-*", policy: "AmazonEKSEditPolicy", scope: nsScope("dev-*")},
		{in: editARN, policy: editARN, scope: clusterScope},
		{in: editARN + ":cluster", policy: editARN, scope: clusterScope},
		{in: editARN + ":namespace=dev", policy: editARN, scope: nsScope("dev")},
		{in: "X:foo", err: want{`invalid scope "foo" in "X:foo"; ` + assocForms, noHint}},
		{in: "X:Cluster", err: want{`invalid scope "Cluster" in "X:Cluster"`, noHint}},
		{in: "X:namespace", err: want{`invalid scope "namespace" in "X:namespace"`, noHint}},
		{in: "X:namespace:dev", err: want{`invalid scope "namespace:dev" in "X:namespace:dev"`, noHint}},
		{in: "X:", err: want{`invalid scope "" in "X:"`, noHint}},
		{in: editARN + ":foo", err: want{`invalid scope "foo" in "` + editARN + `:foo"; ` + assocForms, noHint}},
		{in: editARN + ":", err: want{`invalid scope ""`, noHint}},
		{in: "X:namespace=", err: want{"namespace scope needs at least one namespace", "write namespace=NS[,NS...]"}},
		{in: "X:namespace=Dev", err: want{`namespace "Dev" is not valid`, noHint}},
		{in: editARN + ":namespace=a_b", err: want{`namespace "a_b" contains "_"`, noHint}},
		{in: "", err: want{"policy name is empty", policyForm}},
		{in: ":cluster", err: want{"policy name is empty", policyForm}},
		{in: "Bad-Name:cluster", err: want{`policy name "Bad-Name" contains "-"`, policyForm}},
		{in: "arn:aws:eks:aws:cluster-access-policy/X:cluster", err: want{`not an ARN: "arn:aws:eks:aws:cluster-access-policy/X"`, policyForm}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := access.ParsePolicyAssociation(tt.in)
			checkError(t, err, tt.err)
			var wantv access.PolicyAssociation
			if err == nil {
				wantv = access.PolicyAssociation{Policy: mustPolicy(t, tt.policy), Scope: tt.scope}
			}
			if diff := cmp.Diff(wantv, got, policyRefs); diff != "" {
				t.Errorf("ParsePolicyAssociation(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestPolicyAssociationString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"AmazonEKSViewPolicy", "AmazonEKSViewPolicy:cluster"},
		{"AmazonEKSViewPolicy:cluster", "AmazonEKSViewPolicy:cluster"},
		{"AmazonEKSEditPolicy:namespace=dev, test", "AmazonEKSEditPolicy:namespace=dev,test"},
		{viewARN + ":namespace=dev", viewARN + ":namespace=dev"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			a, err := access.ParsePolicyAssociation(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPolicyAssociationsSet(t *testing.T) {
	t.Parallel()
	var p access.PolicyAssociations
	if p.String() != "" || p.Type() != "policy[:scope]" {
		t.Errorf("empty: String() = %q, Type() = %q", p.String(), p.Type())
	}
	for _, s := range []string{"AmazonEKSViewPolicy", "AmazonEKSEditPolicy:namespace=dev,test"} {
		if err := p.Set(s); err != nil {
			t.Fatalf("Set(%q): %v", s, err)
		}
	}
	err := p.Set("AmazonEKSAdminPolicy:everywhere")
	checkError(t, err, want{`invalid scope "everywhere"`, noHint})

	wantv := access.PolicyAssociations{
		{Policy: mustPolicy(t, "AmazonEKSViewPolicy"), Scope: clusterScope},
		{Policy: mustPolicy(t, "AmazonEKSEditPolicy"), Scope: nsScope("dev", "test")},
	}
	if diff := cmp.Diff(wantv, p, policyRefs); diff != "" {
		t.Errorf("after Set (-want +got):\n%s", diff)
	}
	if got, want := p.String(), "AmazonEKSViewPolicy:cluster AmazonEKSEditPolicy:namespace=dev,test"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestPolicyRefZero(t *testing.T) {
	t.Parallel()
	var p access.PolicyRef
	if got := []string{p.Name(), p.ARN(""), p.ARN("aws-cn"), p.String()}; !cmp.Equal(got, []string{"", "", "", ""}) {
		t.Errorf("zero PolicyRef: %q", got)
	}
}

func FuzzParsePolicyAssociation(f *testing.F) {
	for _, s := range []string{
		"AmazonEKSViewPolicy", "AmazonEKSViewPolicy:cluster", "AmazonEKSEditPolicy:namespace=dev,test",
		viewARN, viewARN + ":cluster", viewARN + ":namespace=dev-*", "X:namespace= a ,b", "X:foo", ":", "arn:",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := access.ParsePolicyAssociation(s)
		if err != nil {
			if _, ok := errors.AsType[*access.Error](err); !ok {
				t.Fatalf("error %v is a %T, want *access.Error", err, err)
			}
			return
		}
		if err := a.Scope.Validate(); err != nil {
			t.Fatalf("%q parsed to an invalid scope: %v", s, err)
		}
		if a.Policy.ARN("") == "" || a.Policy.Name() == "" {
			t.Fatalf("%q: policy %q has no name or ARN", s, a.Policy)
		}
		again, err := access.ParsePolicyAssociation(a.String())
		if err != nil {
			t.Fatalf("String() of %q = %q does not parse: %v", s, a, err)
		}
		if diff := cmp.Diff(a, again, policyRefs); diff != "" {
			t.Fatalf("round trip of %q through %q (-first +second):\n%s", s, a, diff)
		}
	})
}
