package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/output"
)

const (
	devRole   = "arn:aws:iam::111122223333:role/dev"
	adminRole = "arn:aws:iam::111122223333:role/admin"
	viewARN   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	adminARN  = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
)

// TestNewPolicyAssociateCmd: argv -> the policy, its ARN and the scope, or
// a usage error, with no client built either way.
func TestNewPolicyAssociateCmd(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		args      []string
		env       map[string]string
		wantARN   string
		wantScope access.Scope
		wantErr   string
	}{
		{
			name:      "short name, cluster scope",
			args:      []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy", "--cluster-scope"},
			wantARN:   viewARN,
			wantScope: access.Scope{Type: access.ScopeCluster},
		},
		{
			name:      "namespaces repeatable, comma-separated, trimmed and de-duplicated",
			args:      []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSEditPolicy", "--namespace", "dev, test", "--namespace", "dev", "--namespace", "preview-*"},
			wantARN:   "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
			wantScope: access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"dev", "test", "preview-*"}},
		},
		{
			name:      "a short name takes the principal's partition",
			args:      []string{"--cluster", "demo", "--principal", "arn:aws-cn:iam::111122223333:role/dev", "--policy", "AmazonEKSViewPolicy", "--cluster-scope"},
			wantARN:   "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
			wantScope: access.Scope{Type: access.ScopeCluster},
		},
		{
			name:      "a full ARN is kept, the principal-arn alias and the cluster from the environment",
			args:      []string{"--principal-arn", devRole, "--policy", adminARN, "--cluster-scope"},
			env:       map[string]string{"EKSACCESS_CLUSTER": "from-env"},
			wantARN:   adminARN,
			wantScope: access.Scope{Type: access.ScopeCluster},
		},
		{name: "no scope", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy"}, wantErr: "a scope is required"},
		{name: "both scopes", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy", "--cluster-scope", "--namespace", "dev"}, wantErr: "exclude each other"},
		{name: "empty namespace list", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy", "--namespace", ""}, wantErr: "at least one namespace"},
		{name: "bad namespace", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy", "--namespace", "Dev"}, wantErr: `--namespace: namespace "Dev" is not valid`},
		{name: "no policy", args: []string{"--cluster", "demo", "--principal", devRole, "--cluster-scope"}, wantErr: "--policy is required"},
		{name: "IAM policy", args: []string{"--cluster", "demo", "--principal", devRole, "--cluster-scope", "--policy", "arn:aws:iam::aws:policy/AdministratorAccess"}, wantErr: `invalid argument "arn:aws:iam::aws:policy/AdministratorAccess" for "--policy" flag`},
		{name: "policy name with a space", args: []string{"--cluster", "demo", "--principal", devRole, "--cluster-scope", "--policy", "Amazon EKS"}, wantErr: "--policy"},
		{name: "no cluster", args: []string{"--principal", devRole, "--policy", "AmazonEKSViewPolicy", "--cluster-scope"}, wantErr: "--cluster is required"},
		{name: "no principal", args: []string{"--cluster", "demo", "--policy", "AmazonEKSViewPolicy", "--cluster-scope"}, wantErr: "--principal is required"},
		{name: "positional argument", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy", "--cluster-scope", "extra"}, wantErr: "extra"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			for k, v := range tc.env {
				td.env[k] = v
			}
			var got *policyAssociateOptions
			err := execArgs(t, td, newPolicyAssociateCmd(td.Deps, func(_ context.Context, o *policyAssociateOptions) error { got = o; return nil }), tc.args...)
			if td.clients != 0 {
				t.Error("parsing built a client")
			}
			if tc.wantErr != "" {
				checkUsageError(t, err, tc.wantErr)
				if got != nil {
					t.Error("run was called despite the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if arn := got.policy.ARN(got.principal.Partition()); arn != tc.wantARN {
				t.Errorf("policy ARN = %s, want %s", arn, tc.wantARN)
			}
			if diff := cmp.Diff(tc.wantScope, got.scope); diff != "" {
				t.Errorf("scope (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewPolicyDisassociateCmd(t *testing.T) {
	t.Parallel()
	want := func(force bool) func(*testing.T, *policyDisassociateOptions) {
		return func(t *testing.T, got *policyDisassociateOptions) {
			if got.cluster != "demo" || got.principal.String() != devRole || got.policy.Name() == "" || got.force != force {
				t.Errorf("options: %+v", got)
			}
		}
	}
	runParseCases(t, newPolicyDisassociateCmd, []parseCase[policyDisassociateOptions]{
		{name: "plain", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy"}, check: want(false)},
		{name: "force", args: []string{"--cluster", "demo", "--principal-arn", devRole, "--policy", adminARN, "--force"}, check: want(true)},
		{name: "no policy", args: []string{"--cluster", "demo", "--principal", devRole}, wantErr: "--policy is required"},
		{name: "no principal", args: []string{"--cluster", "demo", "--policy", "AmazonEKSViewPolicy"}, wantErr: "--principal is required"},
		{name: "a scope flag is not a disassociate flag", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy", "--cluster-scope"}, wantErr: "unknown flag"},
		{name: "positional argument", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy", "extra"}, wantErr: "extra"},
	})
}

func TestNewPolicyListAssociatedCmd(t *testing.T) {
	t.Parallel()
	runParseCases(t, newPolicyListAssociatedCmd, []parseCase[policyListAssociatedOptions]{
		{name: "plain", args: []string{"--cluster", "demo", "--principal", devRole}, check: func(t *testing.T, got *policyListAssociatedOptions) {
			if got.cluster != "demo" || got.principal.String() != devRole {
				t.Errorf("options: %+v", got)
			}
		}},
		{name: "no principal", args: []string{"--cluster", "demo"}, wantErr: "--principal is required"},
		{name: "no cluster", args: []string{"--principal", devRole}, wantErr: "--cluster is required"},
		{name: "bad principal", args: []string{"--cluster", "demo", "--principal", "arn:aws:sts::111122223333:assumed-role/dev/alice"}, wantErr: "assumed-role session"},
	})
}

func TestNewPolicyListCmd(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	called := false
	run := func(context.Context, *policyListOptions) error { called = true; return nil }
	if err := execArgs(t, td, newPolicyListCmd(td.Deps, run)); err != nil || !called {
		t.Fatalf("err = %v, called = %v", err, called)
	}
	checkUsageError(t, execArgs(t, td, newPolicyListCmd(td.Deps, run), "AmazonEKSViewPolicy"), "AmazonEKSViewPolicy")
}

// TestPolicyCmdUnknownVerb: a typo in the verb is a usage error with a
// suggestion, not the group's help and exit 0.
func TestPolicyCmdUnknownVerb(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	policyCmd := func() *cobra.Command {
		c := newPolicyCmd(td.Deps)
		cmdutil.RejectUnknownVerbs(c) // as newRootCmd does
		return c
	}
	err := execArgs(t, td, policyCmd(), "lst")
	checkUsageError(t, err, `unknown command "lst" for "policy"`)
	checkExit(t, err, cmdutil.ExitUsage, "did you mean list?")

	td.out.Reset()
	if err := execArgs(t, td, policyCmd()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(td.out.String(), "list-associated") {
		t.Errorf("no help without a verb:\n%s", td.out)
	}
	if td.clients != 0 {
		t.Error("built a client")
	}
}

func TestRunPolicyAssociate(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole)
	*td.Output = output.Options{Format: output.JSON}
	o := &policyAssociateOptions{
		deps:        td.Deps,
		entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)},
		policy:      mustPolicy(t, "AmazonEKSViewPolicy"),
		scope:       access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"dev", "test"}},
	}
	if err := runPolicyAssociate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ClusterName            string `json:"clusterName"`
		PrincipalARN           string `json:"principalArn"`
		AssociatedAccessPolicy struct {
			PolicyARN    string       `json:"policyArn"`
			AccessScope  access.Scope `json:"accessScope"`
			AssociatedAt string       `json:"associatedAt"`
			ModifiedAt   string       `json:"modifiedAt"`
		} `json:"associatedAccessPolicy"`
	}
	if err := json.Unmarshal(td.out.Bytes(), &doc); err != nil {
		t.Fatalf("stdout is not the API document: %v\n%s", err, td.out)
	}
	ap := doc.AssociatedAccessPolicy
	if doc.ClusterName != "demo" || doc.PrincipalARN != devRole || ap.PolicyARN != viewARN || ap.AssociatedAt == "" || ap.ModifiedAt == "" {
		t.Errorf("document: %s", td.out)
	}
	if diff := cmp.Diff(o.scope, ap.AccessScope); diff != "" {
		t.Errorf("scope (-want +got):\n%s", diff)
	}
	if td.errOut.Len() != 0 {
		t.Errorf("stderr not quiet on success: %q", td.errOut)
	}
	if diff := cmp.Diff([]string{"ListAccessPolicies", "GetCallerIdentity", "AssociateAccessPolicy"}, opNames(td)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}

	td.out.Reset()
	*td.Output = output.Options{Format: output.TableFormat}
	if err := runPolicyAssociate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(td.out.String(), "\n")
	if len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "POLICY SCOPE NAMESPACES ASSOCIATED MODIFIED" ||
		!strings.HasPrefix(strings.Join(strings.Fields(lines[1]), " "), "AmazonEKSViewPolicy namespace dev,test 20") {
		t.Errorf("table:\n%s", td.out)
	}

	td.out.Reset()
	*td.Output = output.Options{Format: output.Text}
	if err := runPolicyAssociate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if f := strings.Split(strings.TrimSuffix(td.out.String(), "\n"), "\t"); len(f) != 5 || f[0] != "AmazonEKSViewPolicy" || f[1] != "namespace" || f[2] != "dev,test" {
		t.Errorf("text: %q", td.out)
	}
}

// TestRunPolicyAssociateRescopesInPlace: a new scope for an associated policy
// is one AssociateAccessPolicy call, never a disassociation first.
func TestRunPolicyAssociateRescopesInPlace(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole, "AmazonEKSViewPolicy:cluster")
	*td.Output = output.Options{Format: output.JSON, Query: "associatedAccessPolicy.accessScope"}
	o := &policyAssociateOptions{
		deps:        td.Deps,
		entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)},
		policy:      mustPolicy(t, viewARN),
		scope:       access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"dev"}},
	}
	if err := runPolicyAssociate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"ListAccessPolicies", "GetCallerIdentity", "AssociateAccessPolicy"}, opNames(td)); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	want := "{\n    \"namespaces\": [\n        \"dev\"\n    ],\n    \"type\": \"namespace\"\n}\n"
	if got := td.out.String(); got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	client, _ := td.Client(t.Context())
	have, err := client.ListAssociatedPolicies(t.Context(), "demo", o.principal)
	if err != nil {
		t.Fatal(err)
	}
	if len(have) != 1 || !have[0].AccessScope.Equal(o.scope) {
		t.Errorf("associated now: %+v", have)
	}
}

// TestRunPolicyAssociateUnknownPolicy: a name not in the catalog is not
// found (exit 3), with a suggestion when one is close; nothing is written.
func TestRunPolicyAssociateUnknownPolicy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		policy, hint string
	}{
		{"AmazonEKSVeiwPolicy", "did you mean AmazonEKSViewPolicy?"},
		{"amazoneksclusteradminpolicy", "did you mean AmazonEKSClusterAdminPolicy?"},
		{"arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicyy", "did you mean AmazonEKSEditPolicy?"},
		{"NoSuchThing", "`eksaccess policy list` shows every access policy"},
	}
	for _, tc := range cases {
		t.Run(tc.policy, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			seedEntry(t, td, devRole)
			o := &policyAssociateOptions{
				deps:        td.Deps,
				entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)},
				policy:      mustPolicy(t, tc.policy),
				scope:       access.Scope{Type: access.ScopeCluster},
			}
			err := runPolicyAssociate(t.Context(), o)
			checkExit(t, err, cmdutil.ExitNotFound, tc.hint)
			if tc.policy == "NoSuchThing" && strings.Contains(strings.Join(cmdutil.Hints(err), " "), "did you mean") {
				t.Errorf("a far-fetched suggestion: %q", cmdutil.Hints(err))
			}
			if n := opCount(td, "AssociateAccessPolicy"); n != 0 {
				t.Errorf("%d AssociateAccessPolicy calls, want 0", n)
			}
			if td.out.Len() != 0 {
				t.Errorf("stdout = %q", td.out)
			}
		})
	}
}

// TestRunPolicyAssociateNoEntry: associate does not retry a missing entry;
// the hint shows the create command that would do it all.
func TestRunPolicyAssociateNoEntry(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	o := &policyAssociateOptions{
		deps:        td.Deps,
		entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)},
		policy:      mustPolicy(t, "AmazonEKSEditPolicy"),
		scope:       access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"dev", "test"}},
	}
	err := runPolicyAssociate(t.Context(), o)
	checkExit(t, err, cmdutil.ExitNotFound, "eksaccess create --cluster demo --principal "+devRole+" --policy AmazonEKSEditPolicy:namespace=dev,test")
	if n := opCount(td, "AssociateAccessPolicy"); n != 1 {
		t.Errorf("%d AssociateAccessPolicy calls, want 1 (no retries)", n)
	}
}

// TestRunPolicyAssociateCatalogDenied: a caller who may not list the catalog
// is warned, and the name is checked against the catalog eksaccess ships.
func TestRunPolicyAssociateCatalogDenied(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole)
	td.srv.FailNext("ListAccessPolicies", 403, "AccessDeniedException", "User: x is not authorized to perform: eks:ListAccessPolicies")
	o := &policyAssociateOptions{
		deps:        td.Deps,
		entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)},
		policy:      mustPolicy(t, "AmazonEKSViewPolicy"),
		scope:       access.Scope{Type: access.ScopeCluster},
	}
	if err := runPolicyAssociate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(td.errOut.String(), "warning: cannot read the access-policy catalog, checking the policy names against the one eksaccess ships (taken "+access.CatalogDate+")") {
		t.Errorf("stderr = %q", td.errOut)
	}
	if n := opCount(td, "AssociateAccessPolicy"); n != 1 {
		t.Errorf("%d AssociateAccessPolicy calls, want 1", n)
	}

	// a typo is caught by the shipped catalog: exit 3, nothing sent
	td.srv.FailNext("ListAccessPolicies", 403, "AccessDeniedException", "User: x is not authorized to perform: eks:ListAccessPolicies")
	o.policy = mustPolicy(t, "AmazonEKSViewPolcy")
	err := runPolicyAssociate(t.Context(), o)
	checkExit(t, err, cmdutil.ExitNotFound, "did you mean AmazonEKSViewPolicy?")
	checkExit(t, err, cmdutil.ExitNotFound, "allow eks:ListAccessPolicies")
	if !strings.Contains(err.Error(), "not in the catalog eksaccess ships (taken "+access.CatalogDate+")") {
		t.Errorf("err = %v", err)
	}
	if n := opCount(td, "AssociateAccessPolicy"); n != 1 {
		t.Errorf("%d AssociateAccessPolicy calls, want still 1", n)
	}
}

func TestRunPolicyDisassociate(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole, "AmazonEKSViewPolicy", "AmazonEKSEditPolicy:namespace=dev")
	*td.Output = output.Options{Format: output.JSON}
	o := &policyDisassociateOptions{
		deps:        td.Deps,
		entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)},
		policy:      mustPolicy(t, "AmazonEKSViewPolicy"),
	}
	if err := runPolicyDisassociate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if td.out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing (like the AWS CLI)", td.out)
	}
	if td.errOut.Len() != 0 {
		t.Errorf("stderr = %q, want nothing: quiet on success without a terminal", td.errOut)
	}
	td.IO.SetTTY(false, false, true)
	seedEntry(t, td, devRole+"2", "AmazonEKSViewPolicy")
	o.principal = mustPrincipal(t, devRole+"2")
	if err := runPolicyDisassociate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if want := "disassociated AmazonEKSViewPolicy from " + devRole + "2 in cluster demo\n"; td.errOut.String() != want {
		t.Errorf("stderr on a terminal = %q, want %q", td.errOut, want)
	}
	if n := opCount(td, "DisassociateAccessPolicy"); n != 1 {
		t.Errorf("%d DisassociateAccessPolicy calls, want 1", n)
	}

	// a second time it is not associated: not found, with a hint
	err := runPolicyDisassociate(t.Context(), o)
	checkExit(t, err, cmdutil.ExitNotFound, "eksaccess policy list-associated --cluster demo --principal "+devRole)
}

// TestRunPolicyDisassociateGuard: the caller's last cluster-admin policy is
// not removed (exit 4, nothing sent) unless --force; other policies are.
func TestRunPolicyDisassociateGuard(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		caller   string
		policy   string
		force    bool
		wantCode int
	}{
		{name: "own last cluster admin", caller: "arn:aws:sts::111122223333:assumed-role/admin/alice", policy: "AmazonEKSClusterAdminPolicy", wantCode: cmdutil.ExitConflict},
		{name: "own last cluster admin, by ARN", caller: "arn:aws:sts::111122223333:assumed-role/admin/alice", policy: adminARN, wantCode: cmdutil.ExitConflict},
		{name: "own last cluster admin, forced", caller: "arn:aws:sts::111122223333:assumed-role/admin/alice", policy: "AmazonEKSClusterAdminPolicy", force: true},
		{name: "own other policy", caller: "arn:aws:sts::111122223333:assumed-role/admin/alice", policy: "AmazonEKSViewPolicy"},
		{name: "someone else's cluster admin", caller: "arn:aws:iam::111122223333:user/bob", policy: "AmazonEKSClusterAdminPolicy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			seedEntry(t, td, adminRole, "AmazonEKSClusterAdminPolicy", "AmazonEKSViewPolicy")
			td.srv.SetCaller(tc.caller)
			o := &policyDisassociateOptions{
				deps:        td.Deps,
				entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, adminRole)},
				policy:      mustPolicy(t, tc.policy),
				force:       tc.force,
			}
			err := runPolicyDisassociate(t.Context(), o)
			wantCalls := 1
			if tc.wantCode != cmdutil.ExitOK {
				checkExit(t, err, tc.wantCode, "--force")
				wantCalls = 0
			} else if err != nil {
				t.Fatal(err)
			}
			if n := opCount(td, "DisassociateAccessPolicy"); n != wantCalls {
				t.Errorf("%d DisassociateAccessPolicy calls, want %d", n, wantCalls)
			}
			if n := opCount(td, "GetCallerIdentity"); tc.force && n != 0 {
				t.Errorf("--force still asked STS who the caller is")
			}
		})
	}
}

func TestRunPolicyList(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	o := &policyListOptions{deps: td.Deps}

	*td.Output = output.Options{Format: output.JSON}
	if err := runPolicyList(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	var doc policyCatalogDoc
	if err := json.Unmarshal(td.out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, td.out)
	}
	if len(doc.AccessPolicies) < 4 || !containsPolicy(doc.AccessPolicies, access.Policy{Name: "AmazonEKSViewPolicy", ARN: viewARN}) {
		t.Errorf("catalog: %+v", doc.AccessPolicies)
	}

	td.out.Reset()
	*td.Output = output.Options{Format: output.Text}
	if err := runPolicyList(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(td.out.String(), "\n"), "\n")
	if len(lines) != len(doc.AccessPolicies) || !strings.Contains(td.out.String(), "\nAmazonEKSViewPolicy\t"+viewARN+"\n") {
		t.Errorf("text:\n%s", td.out)
	}

	td.out.Reset()
	*td.Output = output.Options{Format: output.TableFormat}
	if err := runPolicyList(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(td.out.String(), "\n"); strings.Join(strings.Fields(first), " ") != "NAME ARN" {
		t.Errorf("table header %q", first)
	}
}

func containsPolicy(list []access.Policy, p access.Policy) bool {
	for _, q := range list {
		if q == p {
			return true
		}
	}
	return false
}

func TestRunPolicyListAssociated(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole, "AmazonEKSViewPolicy", "AmazonEKSEditPolicy:namespace=dev,test")
	o := &policyListAssociatedOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)}}

	*td.Output = output.Options{Format: output.JSON, Query: "{c: clusterName, p: principalArn, policies: associatedAccessPolicies[].[policyArn, accessScope.type, accessScope.namespaces]}"}
	if err := runPolicyListAssociated(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	var got any
	if err := json.Unmarshal(td.out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, td.out)
	}
	want := map[string]any{"c": "demo", "p": devRole, "policies": []any{
		[]any{"arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", "namespace", []any{"dev", "test"}},
		[]any{viewARN, "cluster", []any{}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}

	td.out.Reset()
	*td.Output = output.Options{Format: output.TableFormat}
	if err := runPolicyListAssociated(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(td.out.String(), "\n"), "\n")
	if len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "POLICY SCOPE NAMESPACES ASSOCIATED" ||
		!strings.HasPrefix(strings.Join(strings.Fields(lines[1]), " "), "AmazonEKSEditPolicy namespace dev,test 20") ||
		!strings.HasPrefix(strings.Join(strings.Fields(lines[2]), " "), "AmazonEKSViewPolicy cluster 20") {
		t.Errorf("table:\n%s", td.out)
	}
}

func TestRunPolicyListAssociatedEmpty(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole)
	*td.Output = output.Options{Format: output.JSON, Query: "associatedAccessPolicies"}
	o := &policyListAssociatedOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)}}
	if err := runPolicyListAssociated(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if td.out.String() != "[]\n" {
		t.Errorf("stdout = %q, want []", td.out)
	}
	if !strings.Contains(td.errOut.String(), "no access policies associated with "+devRole+" in cluster demo") {
		t.Errorf("stderr = %q", td.errOut)
	}

	o.principal = mustPrincipal(t, "arn:aws:iam::111122223333:role/none")
	checkExit(t, runPolicyListAssociated(t.Context(), o), cmdutil.ExitNotFound, "")
}

// TestPolicyThroughRoot runs the verbs through the root command: wiring,
// global flags and the environment.
func TestPolicyThroughRoot(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole)
	td.env["EKSACCESS_CLUSTER"] = "demo"
	run := func(args ...string) error {
		t.Helper()
		td.out.Reset()
		td.errOut.Reset()
		g := &globalOptions{}
		root := newRootCmd(td.Deps, g, BuildInfo{})
		root.SetArgs(args)
		root.SetOut(td.out)
		root.SetErr(td.errOut)
		err := root.ExecuteContext(t.Context())
		if g.cancel != nil {
			g.cancel()
		}
		return err
	}
	if err := run("policy", "associate", "--principal-arn", devRole, "--policy", "AmazonEKSAdminPolicy", "--namespace", "dev", "-o", "text", "--query", "associatedAccessPolicy.policyArn"); err != nil {
		t.Fatal(err)
	}
	if got := td.out.String(); got != "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy\n" {
		t.Errorf("associate: stdout = %q", got)
	}
	if err := run("policy", "list-associated", "--principal", devRole, "-o", "yaml"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(td.out.String(), "associatedAccessPolicies:\n- policyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy\n  accessScope:\n    type: namespace\n    namespaces:\n    - dev\n") {
		t.Errorf("list-associated yaml:\n%s", td.out)
	}
	err := run("policy", "disassociate", "--principal", devRole, "--policy", "AmazonEKSAdminPolicy", "-o", "json")
	if err != nil || td.out.Len() != 0 || td.errOut.Len() != 0 {
		t.Errorf("disassociate: err %v, stdout %q, stderr %q", err, td.out, td.errOut)
	}
	td.env["EKSACCESS_CLUSTER"] = ""
	checkUsageError(t, run("policy", "list-associated", "--principal", devRole), "--cluster is required")
}

// TestRunPolicyAssociateWaitsForAFreshEntry: an entry created moments ago
// is not yet visible to AssociateAccessPolicy; associate waits for it
// (bounded) instead of failing, as the contract's safety rules ask.
func TestRunPolicyAssociateWaitsForAFreshEntry(t *testing.T) {
	t.Parallel()
	td := newTestDepsWith(t, emulator.Options{PropagationDelay: 600 * time.Millisecond})
	seedEntry(t, td, "arn:aws:iam::111122223333:role/fresh")
	err := execArgs(t, td, newPolicyAssociateCmd(td.Deps, nil), "--cluster", "demo", "--principal", "arn:aws:iam::111122223333:role/fresh",
		"--policy", "AmazonEKSViewPolicy", "--cluster-scope")
	if err != nil {
		t.Fatalf("associate failed instead of waiting for propagation: %v", err)
	}
	if n := opCount(td, "AssociateAccessPolicy"); n < 2 {
		t.Errorf("%d AssociateAccessPolicy calls: the delay was not exercised", n)
	}
}
