package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/output"
)

const aliceUser = "arn:aws:iam::111122223333:user/alice"

// TestNewDescribeCmd: argv -> options or a usage error, no client built.
func TestNewDescribeCmd(t *testing.T) {
	t.Parallel()
	target := func(withPolicies bool) func(*testing.T, *describeOptions) {
		return func(t *testing.T, o *describeOptions) {
			if o.cluster != "demo" || o.principal.String() != devRole || o.withPolicies != withPolicies {
				t.Errorf("options: %+v", o)
			}
		}
	}
	runParseCases(t, newDescribeCmd, []parseCase[describeOptions]{
		{name: "flags", args: []string{"--cluster", "demo", "--principal", devRole, "--with-policies"}, check: target(true)},
		{name: "alias and env", args: []string{"--principal-arn", devRole}, env: map[string]string{"EKSACCESS_CLUSTER": "demo"}, check: target(false)},
		{name: "no principal", args: []string{"--cluster", "demo"}, wantErr: "--principal is required"},
		{name: "no cluster", args: []string{"--principal", devRole}, wantErr: "--cluster is required"},
		{name: "session ARN", args: []string{"--cluster", "demo", "--principal", "arn:aws:sts::111122223333:assumed-role/dev/x"}, wantErr: "assumed-role"},
	})
}

// TestRunDescribeWithPolicies: the entry and its policies, in every format.
func TestRunDescribeWithPolicies(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole, "AmazonEKSViewPolicy:namespace=dev,test", "AmazonEKSAdminViewPolicy")
	o := &describeOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)}, withPolicies: true}

	*td.Output = output.Options{Format: output.JSON}
	if err := runDescribe(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AccessEntry struct {
			PrincipalARN string `json:"principalArn"`
		} `json:"accessEntry"`
		Policies []struct {
			PolicyARN   string `json:"policyArn"`
			AccessScope struct {
				Type       string   `json:"type"`
				Namespaces []string `json:"namespaces"`
			} `json:"accessScope"`
		} `json:"associatedAccessPolicies"`
	}
	if err := json.Unmarshal(td.out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.AccessEntry.PrincipalARN != devRole || len(doc.Policies) != 2 ||
		doc.Policies[1].AccessScope.Type != "namespace" || !cmp.Equal(doc.Policies[1].AccessScope.Namespaces, []string{"dev", "test"}) {
		t.Errorf("json: %s", td.out)
	}

	for format, want := range map[output.Format]string{
		output.YAML:        "associatedAccessPolicies:\n- policyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy\n  accessScope:",
		output.TableFormat: "POLICIES   AmazonEKSAdminViewPolicy(cluster),AmazonEKSViewPolicy(namespace=dev,test)",
		output.Text:        "POLICIES\tAmazonEKSAdminViewPolicy(cluster),AmazonEKSViewPolicy(namespace=dev,test)",
	} {
		td.out.Reset()
		*td.Output = output.Options{Format: format}
		if err := runDescribe(t.Context(), o); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(td.out.String(), want) {
			t.Errorf("%s output lacks %q:\n%s", format, want, td.out)
		}
	}

	// without the flag, a document asks for no policies
	td.srv.ResetRequests()
	*td.Output = output.Options{Format: output.JSON}
	o.withPolicies = false
	if err := runDescribe(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if n := opCount(td, "ListAssociatedAccessPolicies"); n != 0 {
		t.Errorf("%d ListAssociatedAccessPolicies calls for -o json without --with-policies", n)
	}
}

// TestNewListCmd: flag checks before anything is sent.
func TestNewListCmd(t *testing.T) {
	t.Parallel()
	runParseCases(t, newListCmd, []parseCase[listOptions]{
		{name: "defaults", args: []string{"--cluster", "demo"}, check: func(t *testing.T, o *listOptions) {
			if o.concurrency != cmdutil.BulkConcurrency || o.details || o.maxItems != 0 || o.policyRef != nil {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{name: "short policy name takes the partition later", args: []string{"--cluster", "demo", "--associated-policy", "AmazonEKSViewPolicy", "--details", "--concurrency", "3", "--max-items", "5"},
			check: func(t *testing.T, o *listOptions) {
				if o.policyRef == nil || o.policyRef.ARN("aws-cn") != "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy" || !o.details || o.concurrency != 3 || o.maxItems != 5 {
					t.Errorf("options: %+v", o)
				}
			}},
		{name: "bad policy", args: []string{"--cluster", "demo", "--associated-policy", "arn:aws:iam::aws:policy/ReadOnlyAccess"}, wantErr: "--associated-policy"},
		{name: "zero concurrency", args: []string{"--cluster", "demo", "--concurrency", "0"}, wantErr: "--concurrency"},
		{name: "negative max-items", args: []string{"--cluster", "demo", "--max-items", "-1"}, wantErr: "--max-items"},
	})
}

// TestRunListDetailsIsStableAndShowsProgress: the same sorted rows at any
// concurrency, and
// progress on a terminal's stderr once it takes a while.
func TestRunListDetailsIsStableAndShowsProgress(t *testing.T) {
	progressAfter = 0 // at once: not parallel, it sets a package variable
	t.Cleanup(func() { progressAfter = time.Second })
	td := newTestDepsWith(t, emulator.Options{})
	for _, p := range []string{"arn:aws:iam::111122223333:role/c", devRole, aliceUser, "arn:aws:iam::111122223333:role/a"} {
		seedEntry(t, td, p, "AmazonEKSViewPolicy")
	}
	td.srv.SetFaults(10*time.Millisecond, 0, 0)
	*td.Output = output.Options{Format: output.Text}
	var first string
	for _, c := range []int{1, 2, 8} {
		td.out.Reset()
		td.errOut.Reset()
		td.IO.SetTTY(false, false, c == 1)
		o := &listOptions{deps: td.Deps, cluster: "demo", details: true, concurrency: c}
		if err := runList(t.Context(), o); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = td.out.String()
			if !strings.HasPrefix(first, "arn:aws:iam::111122223333:role/a\t") || strings.Count(first, "\n") != 4 {
				t.Fatalf("rows not sorted: %q", first)
			}
			if !strings.Contains(td.errOut.String(), "described 4/4 entries") {
				t.Errorf("no progress on a terminal: %q", td.errOut)
			}
		} else if td.out.String() != first {
			t.Errorf("concurrency %d printed\n%s\nwant\n%s", c, td.out, first)
		}
		if c != 1 && strings.Contains(td.errOut.String(), "described") {
			t.Errorf("progress printed when stderr is not a terminal: %q", td.errOut)
		}
	}
}

// TestNewUpdateCmd: argv -> the update request, or a usage error.
func TestNewUpdateCmd(t *testing.T) {
	t.Parallel()
	runParseCases(t, newUpdateCmd, []parseCase[updateOptions]{
		{name: "groups", args: []string{"--cluster", "demo", "--principal", devRole, "--group", "b,a", "--group", "a"}, check: func(t *testing.T, o *updateOptions) {
			if !o.req.SetGroups || o.req.SetUsername || !cmp.Equal(o.req.Groups, []string{"b", "a"}) {
				t.Errorf("request: %+v", o.req)
			}
		}},
		{name: "username", args: []string{"--cluster", "demo", "--principal", devRole, "--username", "dev"}, check: func(t *testing.T, o *updateOptions) {
			if o.req.SetGroups || !o.req.SetUsername || o.req.Username != "dev" {
				t.Errorf("request: %+v", o.req)
			}
		}},
		{name: "no groups", args: []string{"--cluster", "demo", "--principal", devRole, "--no-groups"}, check: func(t *testing.T, o *updateOptions) {
			if !o.req.NoGroups {
				t.Errorf("request: %+v", o.req)
			}
		}},
		{name: "nothing to change", args: []string{"--cluster", "demo", "--principal", devRole}, wantErr: "nothing to update"},
		{name: "both group flags", args: []string{"--cluster", "demo", "--principal", devRole, "--group", "a", "--no-groups"}, wantErr: "--no-groups"},
		{name: "reserved group", args: []string{"--cluster", "demo", "--principal", devRole, "--group", "system:masters"}, wantErr: "system:"},
	})
}

// TestRunUpdateKeepsTheUnnamedField: EKS resets what a request omits, so
// update must send the field the user did not name, unchanged.
func TestRunUpdateKeepsTheUnnamedField(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	client, _ := td.Client(t.Context())
	p := mustPrincipal(t, devRole)
	if _, err := client.UpdateEntry(t.Context(), "demo", p, nil, ""); !errors.Is(err, eksapi.ErrNotFound) {
		t.Fatalf("precondition: %v", err)
	}
	seedEntry(t, td, devRole)
	if _, err := client.UpdateEntry(t.Context(), "demo", p, []string{"a", "b"}, "dev:{{SessionName}}"); err != nil {
		t.Fatal(err)
	}
	*td.Output = output.Options{Format: output.JSON, Query: "accessEntry.[kubernetesGroups, username]"}

	run := func(args ...string) string {
		t.Helper()
		td.out.Reset()
		if err := execArgs(t, td, newUpdateCmd(td.Deps, nil), append([]string{"--cluster", "demo", "--principal", devRole}, args...)...); err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(td.out.String()), "")
	}
	if got := run("--group", "c"); got != `[["c"],"dev:{{SessionName}}"]` {
		t.Errorf("--group lost the username: %s", got)
	}
	if got := run("--username", "ops"); got != `[["c"],"ops"]` {
		t.Errorf("--username lost the groups: %s", got)
	}
	if got := run("--no-groups"); got != `[[],"ops"]` {
		t.Errorf("--no-groups: %s", got)
	}
}

// TestNewDeleteCmd: without a terminal --yes is required, checked before
// any client is built.
func TestNewDeleteCmd(t *testing.T) {
	t.Parallel()
	runParseCases(t, newDeleteCmd, []parseCase[deleteOptions]{
		{name: "yes", args: []string{"--cluster", "demo", "--principal", devRole, "--yes"}},
		{name: "short -y with options", args: []string{"--cluster", "demo", "--principal", devRole, "-y", "--if-exists", "--force"},
			check: func(t *testing.T, o *deleteOptions) {
				if !o.yes || !o.ifExists || !o.force {
					t.Errorf("options: %+v", o)
				}
			}},
		{name: "terminal, no --yes", args: []string{"--cluster", "demo", "--principal", devRole}, tty: true},
		{name: "no terminal, no --yes", args: []string{"--cluster", "demo", "--principal", devRole}, wantErr: "--yes is required when stdin or stderr is not a terminal"},
		{name: "no principal", args: []string{"--cluster", "demo", "--yes"}, wantErr: "--principal is required"},
	})
}

// TestRunDeleteConfirmation: on a terminal the user is asked; "no" deletes
// nothing, "yes" deletes.
func TestRunDeleteConfirmation(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	td.IO.SetTTY(true, true, true)
	seedEntry(t, td, devRole)
	var asked []string
	answer := false
	td.Confirm = func(_ context.Context, q string) (bool, error) { asked = append(asked, q); return answer, nil }
	o := &deleteOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)}}

	err := runDelete(t.Context(), o)
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || opCount(td, "DeleteAccessEntry") != 0 || !strings.Contains(err.Error(), "not deleted: declined at the prompt") {
		t.Fatalf("declined: exit %d (%v), %d deletes", cmdutil.ExitCode(err), err, opCount(td, "DeleteAccessEntry"))
	}
	if len(asked) != 1 || !strings.Contains(asked[0], devRole) {
		t.Errorf("question: %q", asked)
	}
	answer = true
	if err := runDelete(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if opCount(td, "DeleteAccessEntry") != 1 {
		t.Error("confirmed, but not deleted")
	}
	// --yes never asks
	seedEntry(t, td, devRole)
	asked = nil
	o.yes = true
	if err := runDelete(t.Context(), o); err != nil || len(asked) != 0 {
		t.Errorf("--yes: err %v, asked %q", err, asked)
	}
}

// TestRunDeleteGuard: the caller's own entry (an assumed-role session of
// a role with a path) is refused with exit 4 unless --force.
func TestRunDeleteGuard(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	const admin = "arn:aws:iam::111122223333:role/platform/admin"
	seedEntry(t, td, admin)
	td.srv.SetCaller("arn:aws:sts::111122223333:assumed-role/admin/alice")
	o := &deleteOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, admin)}, yes: true}
	err := runDelete(t.Context(), o)
	checkExit(t, err, cmdutil.ExitConflict, "--force")
	if opCount(td, "DeleteAccessEntry") != 0 {
		t.Error("deleted despite the guard")
	}
	o.force = true
	if err := runDelete(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if opCount(td, "GetCallerIdentity") != 1 {
		t.Errorf("--force still asked STS (%d calls)", opCount(td, "GetCallerIdentity")-1)
	}
}

// TestRootEntryCanBeDescribedAndDeleted: EKS accepts an entry for the
// account root (it grants nothing); create refuses to make one, but an
// existing one can be named, so it can be cleaned up.
func TestRootEntryCanBeDescribedAndDeleted(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	const root = "arn:aws:iam::111122223333:root"
	client, _ := td.Client(t.Context())
	if _, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: access.UncheckedPrincipalARN(root)}); err != nil {
		t.Fatal(err)
	}
	checkUsageError(t, execArgs(t, td, newCreateCmd(td.Deps, nil), "--cluster", "demo", "--principal", root), "account root")
	if err := execArgs(t, td, newDescribeCmd(td.Deps, nil), "--cluster", "demo", "--principal", root); err != nil {
		t.Fatalf("describe: %v", err)
	}
	if err := execArgs(t, td, newDeleteCmd(td.Deps, nil), "--cluster", "demo", "--principal", root, "--yes"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if n := opCount(td, "DeleteAccessEntry"); n != 1 {
		t.Errorf("%d deletes", n)
	}
}

// TestRunUpdateWaitsForAFreshEntry: an entry created moments ago may not
// be visible to UpdateAccessEntry yet; update waits (bounded) for it.
func TestRunUpdateWaitsForAFreshEntry(t *testing.T) {
	t.Parallel()
	td := newTestDepsWith(t, emulator.Options{PropagationDelay: 600 * time.Millisecond})
	seedEntry(t, td, devRole)
	if err := execArgs(t, td, newUpdateCmd(td.Deps, nil), "--cluster", "demo", "--principal", devRole, "--group", "x"); err != nil {
		t.Fatalf("update failed instead of waiting for propagation: %v", err)
	}
	if n := opCount(td, "UpdateAccessEntry"); n < 2 {
		t.Errorf("%d UpdateAccessEntry calls: the delay was not exercised", n)
	}
}

// TestDisassociateGuardLastPolicy: the caller's last access policy of any
// kind is refused when its entry has no Kubernetes groups (nothing would
// be left); with a group, or with another policy, it may go.
func TestDisassociateGuardLastPolicy(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	td.srv.SetCaller("arn:aws:sts::111122223333:assumed-role/dev/alice")
	seedEntry(t, td, devRole, "AmazonEKSAdminPolicy", "AmazonEKSViewPolicy")
	disassociate := func(policy string) error {
		return execArgs(t, td, newPolicyDisassociateCmd(td.Deps, nil), "--cluster", "demo", "--principal", devRole, "--policy", policy)
	}
	if err := disassociate("AmazonEKSViewPolicy"); err != nil {
		t.Fatalf("a policy that is not the last: %v", err)
	}
	checkExit(t, disassociate("AmazonEKSAdminPolicy"), cmdutil.ExitConflict, "--force")
	if n := opCount(td, "DisassociateAccessPolicy"); n != 1 {
		t.Fatalf("%d disassociations, want 1", n)
	}
	client, _ := td.Client(t.Context())
	if _, err := client.UpdateEntry(t.Context(), "demo", mustPrincipal(t, devRole), []string{"devs"}, ""); err != nil {
		t.Fatal(err)
	}
	if err := disassociate("AmazonEKSAdminPolicy"); err != nil {
		t.Errorf("with a Kubernetes group left, the last policy may go: %v", err)
	}
}
