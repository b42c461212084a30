package cli

import (
	"context"
	"errors"
	"io"
	"net/http"
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

// TestNewCreateCmd: argv -> the validated request, or a usage error, with
// no client built either way.
func TestNewCreateCmd(t *testing.T) {
	t.Parallel()
	const role = "arn:aws:iam::111122223333:role/dev"
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, o *createOptions)
		wantErr string
	}{
		{
			name: "every flag",
			args: []string{"--cluster", "demo", "--principal", role, "--type", "standard", "--group", "a,b", "--group", "c", "--group", "a",
				"--username", "dev:{{SessionName}}", "--tag", "k=v", "--tag", "e=", "--client-request-token", strings.Repeat("t", 36),
				"--policy", "AmazonEKSViewPolicy:namespace=dev,test", "--policy", "AmazonEKSAdminPolicy", "--if-not-exists", "--dry-run"},
			check: func(t *testing.T, o *createOptions) {
				r := o.req
				if r.Cluster != "demo" || r.Principal.String() != role || r.Type != access.TypeStandard || r.Username != "dev:{{SessionName}}" {
					t.Errorf("request: %+v", r)
				}
				if diff := cmp.Diff([]string{"a", "b", "c"}, r.Groups); diff != "" {
					t.Errorf("groups split on commas and de-duplicated (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(access.Tags{"k": "v", "e": ""}, r.Tags); diff != "" {
					t.Errorf("tags (-want +got):\n%s", diff)
				}
				if len(r.Policies) != 2 || r.Policies[0].Scope.Type != access.ScopeNamespace || r.Policies[1].Scope.Type != access.ScopeCluster {
					t.Errorf("policies: %+v", r.Policies)
				}
				if !o.ifNotExists || !o.dryRun || r.ClientRequestToken == "" {
					t.Errorf("flags lost: %+v", o)
				}
			},
		},
		{
			name: "principal-arn alias and cluster from the environment",
			args: []string{"--principal-arn", role},
			env:  map[string]string{"EKSACCESS_CLUSTER": "from-env"},
			check: func(t *testing.T, o *createOptions) {
				if o.req.Cluster != "from-env" || o.req.Principal.String() != role {
					t.Errorf("request: %+v", o.req)
				}
			},
		},
		{name: "no cluster", args: []string{"--principal", role}, wantErr: "--cluster is required"},
		{name: "bad cluster in the environment", args: []string{"--principal", role}, env: map[string]string{"EKSACCESS_CLUSTER": "-x"}, wantErr: "EKSACCESS_CLUSTER"},
		{name: "no principal", args: []string{"--cluster", "demo"}, wantErr: "--principal is required"},
		{name: "bad principal", args: []string{"--cluster", "demo", "--principal", "nope"}, wantErr: `invalid argument "nope" for "--principal"`},
		{name: "cross-field rule", args: []string{"--cluster", "demo", "--principal", role, "--type", "EC2_LINUX", "--group", "x"}, wantErr: "group"},
		{name: "positional argument", args: []string{"--cluster", "demo", "--principal", role, "extra"}, wantErr: "unexpected argument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			for k, v := range tc.env {
				td.env[k] = v
			}
			var got *createOptions
			cmd := newCreateCmd(td.Deps, func(_ context.Context, o *createOptions) error { got = o; return nil })
			cmd.SetArgs(tc.args)
			cmd.SetOut(td.out)
			cmd.SetErr(td.errOut)
			cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cmdutil.UsageError(err) })
			err := cmd.ExecuteContext(t.Context())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Errorf("exit code %d, want %d", cmdutil.ExitCode(err), cmdutil.ExitUsage)
				}
				if got != nil {
					t.Error("run was called despite the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, got)
			if td.clients != 0 {
				t.Error("parsing built a client")
			}
		})
	}
}

func TestRunCreate(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	p, _ := access.ParsePrincipalARN("arn:aws:iam::111122223333:role/dev")
	view, _ := access.ParsePolicyAssociation("AmazonEKSViewPolicy")
	o := &createOptions{deps: td.Deps, req: access.CreateEntry{Cluster: "demo", Principal: p, Policies: []access.PolicyAssociation{view}}}
	*td.Output = output.Options{Format: output.JSON, Query: "associatedAccessPolicies[0].policyArn"}
	if err := runCreate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if got := td.out.String(); got != "\"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy\"\n" {
		t.Errorf("stdout = %q", got)
	}
	if td.errOut.Len() != 0 {
		t.Errorf("stderr not quiet on success: %q", td.errOut)
	}

	// a second create is a conflict with a hint
	td.out.Reset()
	err := runCreate(t.Context(), o)
	if cmdutil.ExitCode(err) != cmdutil.ExitConflict {
		t.Fatalf("exit %d (%v), want %d", cmdutil.ExitCode(err), err, cmdutil.ExitConflict)
	}
	var h interface{ Hint() string }
	if !errors.As(err, &h) || !strings.Contains(h.Hint(), "--if-not-exists") {
		t.Errorf("no --if-not-exists hint on %v", err)
	}
}

// TestAssociateRetriesWhileTheEntryPropagates: right after CreateAccessEntry,
// EKS may not find the entry yet; the association is retried, not failed.
func TestAssociateRetriesWhileTheEntryPropagates(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	td.srv.FailNext("AssociateAccessPolicy", 404, "ResourceNotFoundException", "The specified principalArn could not be found.")
	td.srv.FailNext("AssociateAccessPolicy", 404, "ResourceNotFoundException", "The specified principalArn could not be found.")
	p, _ := access.ParsePrincipalARN("arn:aws:iam::111122223333:role/fresh")
	view, _ := access.ParsePolicyAssociation("AmazonEKSViewPolicy")
	o := &createOptions{deps: td.Deps, req: access.CreateEntry{Cluster: "demo", Principal: p, Policies: []access.PolicyAssociation{view}}}
	if err := runCreate(t.Context(), o); err != nil {
		t.Fatalf("create failed instead of waiting for propagation: %v", err)
	}
	var n int
	for _, r := range td.srv.Requests() {
		if r.Op == "AssociateAccessPolicy" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d AssociateAccessPolicy calls, want 3 (two not-found, one success)", n)
	}
}

func TestExitCodeOfInterrupt(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ios, _, _, errOut := cmdutil.TestStreams()
	code := run(ctx, []string{"list", "--cluster", "demo", "--region", "us-west-2", "--endpoint-url", "http://127.0.0.1:1"}, ios, BuildInfo{}, func(string) string { return "" })
	if code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want %d", code, cmdutil.ExitInterrupted)
	}
	if !strings.Contains(errOut.String(), "interrupted") {
		t.Errorf("stderr = %q", errOut)
	}
}

// TestCreateWaitsForANewPrincipal: EKS calls a principal IAM has not
// propagated yet "invalid principal"; create retries it for a while.
func TestCreateWaitsForANewPrincipal(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	for range 2 {
		td.srv.FailNext("CreateAccessEntry", 400, "InvalidParameterException", "The specified principalArn is invalid: invalid principal.")
	}
	p, _ := access.ParsePrincipalARN("arn:aws:iam::111122223333:role/brand-new")
	o := &createOptions{deps: td.Deps, req: access.CreateEntry{Cluster: "demo", Principal: p}}
	if err := runCreate(t.Context(), o); err != nil {
		t.Fatalf("create failed instead of waiting for IAM: %v", err)
	}
	if !strings.Contains(td.errOut.String(), "waiting up to") {
		t.Errorf("no word on stderr about the wait: %q", td.errOut)
	}
	var n int
	for _, r := range td.srv.Requests() {
		if r.Op == "CreateAccessEntry" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d CreateAccessEntry calls, want 3", n)
	}
}

// TestAssociateAfterRealPropagationDelay: the emulator hides a new entry
// from AssociateAccessPolicy for a while, as EKS does; create still succeeds.
func TestAssociateAfterRealPropagationDelay(t *testing.T) {
	t.Parallel()
	td := newTestDepsWith(t, emulator.Options{PropagationDelay: 600 * time.Millisecond})
	p, _ := access.ParsePrincipalARN("arn:aws:iam::111122223333:role/slow")
	view, _ := access.ParsePolicyAssociation("AmazonEKSViewPolicy")
	o := &createOptions{deps: td.Deps, req: access.CreateEntry{Cluster: "demo", Principal: p, Policies: []access.PolicyAssociation{view}}}
	if err := runCreate(t.Context(), o); err != nil {
		t.Fatalf("create: %v", err)
	}
	var n int
	for _, r := range td.srv.Requests() {
		if r.Op == "AssociateAccessPolicy" {
			n++
		}
	}
	if n < 2 {
		t.Errorf("%d AssociateAccessPolicy calls: the delay was not exercised", n)
	}
}

// TestInterruptedCreateSaysWhatToDo: stopped during CreateAccessEntry, the
// entry may or may not exist; the error says how to finish.
func TestInterruptedCreateSaysWhatToDo(t *testing.T) {
	t.Parallel()
	// --timeout runs out while the create is on its way (never answered).
	ctx := withExpiry(t.Context())
	td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/access-entries") {
				_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client hanging up
				ctx.expire()
				<-r.Context().Done()
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	p, _ := access.ParsePrincipalARN("arn:aws:iam::111122223333:role/slow")
	o := &createOptions{deps: td.Deps, req: access.CreateEntry{Cluster: "demo", Principal: p}}
	err := runCreate(ctx, o)
	if err == nil {
		t.Fatal("create succeeded despite the interrupt")
	}
	var h interface{ Hint() string }
	if !errors.As(err, &h) || !strings.Contains(h.Hint(), "--if-not-exists") {
		t.Errorf("no way forward in %v", err)
	}
}
