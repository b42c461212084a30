package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

// newTestDepsWrapped is newTestDeps with the emulator behind wrap: a
// handler that sees every request first (to act between two of them).
func newTestDepsWrapped(t *testing.T, wrap func(next http.Handler) http.Handler) *testDeps {
	t.Helper()
	td := newTestDeps(t)
	srv := emulator.New(emulator.Options{})
	srv.AddCluster("demo", "API_AND_CONFIG_MAP")
	hs := httptest.NewServer(wrap(srv))
	t.Cleanup(hs.Close)
	td.srv = srv
	td.Client = func(context.Context) (*eksapi.Client, error) {
		td.clients++
		return eksapi.NewFromConfig(emutest.Config(hs.URL), ""), nil
	}
	return td
}

// isDescribe matches DescribeAccessEntry requests.
func isDescribe(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/access-entries/") && !strings.Contains(r.URL.Path, "/access-policies")
}

// TestRunUpdateRefusesAConcurrentChange: when another writer changes the
// entry between update's read and its write, update sends nothing and
// exits 4 saying what changed, rather than undo the other change.
func TestRunUpdateRefusesAConcurrentChange(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		groups   []string // what the other writer sets
		username string
		wait     bool // let a millisecond pass first, so modifiedAt moves
		want     string
	}{
		{name: "a group removed", groups: []string{"readers"}, username: "dev", want: "kubernetesGroups [admins readers] -> [readers]"},
		{name: "the username changed", groups: []string{"admins", "readers"}, username: "other", want: `username "dev" -> "other"`},
		{name: "rewritten as it was", groups: []string{"readers", "admins"}, username: "dev", wait: true, want: "modifiedAt "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var describes atomic.Int32
			var td *testDeps
			var otherErr error
			td = newTestDepsWrapped(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if isDescribe(r) && describes.Add(1) == 2 {
						// Another writer, between update's first read and its second.
						if tc.wait {
							time.Sleep(5 * time.Millisecond)
						}
						client, _ := td.Client(r.Context())
						_, otherErr = client.UpdateEntry(r.Context(), "demo", mustPrincipal(t, devRole), tc.groups, tc.username)
					}
					next.ServeHTTP(w, r)
				})
			})
			client, _ := td.Client(t.Context())
			if _, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: mustPrincipal(t, devRole), Groups: []string{"admins", "readers"}, Username: "dev"}); err != nil {
				t.Fatal(err)
			}
			describes.Store(0)
			td.srv.ResetRequests()

			err := execArgs(t, td, newUpdateCmd(td.Deps, nil), "--cluster", "demo", "--principal", devRole, "--group", "admins,readers,auditors")
			if otherErr != nil {
				t.Fatalf("the other writer: %v", otherErr)
			}
			checkExit(t, err, cmdutil.ExitConflict, "run the command again")
			if !strings.Contains(err.Error(), "changed while eksaccess was updating it ("+tc.want) {
				t.Errorf("err = %v, want it to say %q", err, tc.want)
			}
			// One UpdateAccessEntry: the other writer's. update sent none.
			if n := opCount(td, "UpdateAccessEntry"); n != 1 {
				t.Errorf("%d UpdateAccessEntry requests, want 1 (the other writer's only)", n)
			}
			e, err := client.DescribeEntry(t.Context(), "demo", mustPrincipal(t, devRole))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(sortedGroups(e.KubernetesGroups), ",") != strings.Join(sortedGroups(tc.groups), ",") || e.Username != tc.username {
				t.Errorf("the other writer's change was undone: %+v", e)
			}
		})
	}
}

// TestRunUpdateWithoutARaceWrites: the same hook, but nobody writes in
// between: update goes ahead (the check does not refuse every update).
func TestRunUpdateWithoutARaceWrites(t *testing.T) {
	t.Parallel()
	td := newTestDepsWrapped(t, func(next http.Handler) http.Handler { return next })
	seedEntry(t, td, devRole)
	if err := execArgs(t, td, newUpdateCmd(td.Deps, nil), "--cluster", "demo", "--principal", devRole, "--group", "x"); err != nil {
		t.Fatal(err)
	}
	if got := opNames(td); strings.Join(got, " ") != "DescribeAccessEntry GetCallerIdentity DescribeAccessEntry UpdateAccessEntry DescribeAccessEntry" {
		t.Errorf("requests: %v", got)
	}
}

// TestRunDeleteQuestion: the confirmation names what goes with the
// entry: its access policies (STANDARD, EC2), or its nodes (node types);
// a node entry is also warned about on stderr.
func TestRunDeleteQuestion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		typ       access.EntryType
		want      []string
		notWant   string
		wantWarn  string
		principal string
	}{
		{typ: access.TypeStandard, want: []string{"Delete access entry " + devRole + " from cluster demo, with its access policies?"}, notWant: "Nodes"},
		{typ: access.TypeEC2Linux, want: []string{"Delete EC2_LINUX access entry", "from cluster demo? Nodes that use this role will stop joining the cluster"}, notWant: "policies", wantWarn: "is of type EC2_LINUX: once it is deleted, nodes that use this role stop joining cluster demo"},
		{typ: access.TypeEC2Windows, want: []string{"Delete EC2_WINDOWS access entry", "Nodes that use this role"}, notWant: "policies", wantWarn: "EC2_WINDOWS"},
		{typ: access.TypeFargateLinux, want: []string{"Delete FARGATE_LINUX access entry", "Nodes that use this role"}, notWant: "policies", wantWarn: "FARGATE_LINUX"},
		{typ: access.TypeHybridLinux, want: []string{"Delete HYBRID_LINUX access entry", "Nodes that use this role"}, notWant: "policies", wantWarn: "HYBRID_LINUX"},
		{typ: access.TypeEC2, want: []string{"Delete EC2 access entry", "with its access policies? Nodes that use this role"}, wantWarn: "is of type EC2:"},
	}
	for _, tc := range cases {
		t.Run(string(tc.typ), func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			td.IO.SetTTY(true, true, true)
			client, _ := td.Client(t.Context())
			if _, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: mustPrincipal(t, devRole), Type: tc.typ}); err != nil {
				t.Fatal(err)
			}
			var asked []string
			td.Confirm = func(_ context.Context, q string) (bool, error) { asked = append(asked, q); return true, nil }
			o := &deleteOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)}}
			if err := runDelete(t.Context(), o); err != nil {
				t.Fatal(err)
			}
			if len(asked) != 1 {
				t.Fatalf("asked %q", asked)
			}
			for _, w := range tc.want {
				if !strings.Contains(asked[0], w) {
					t.Errorf("question %q lacks %q", asked[0], w)
				}
			}
			if tc.notWant != "" && strings.Contains(asked[0], tc.notWant) {
				t.Errorf("question %q mentions %q", asked[0], tc.notWant)
			}
			if got := td.errOut.String(); tc.wantWarn == "" && strings.Contains(got, "warning:") || !strings.Contains(got, tc.wantWarn) {
				t.Errorf("stderr %q, want %q", got, tc.wantWarn)
			}
		})
	}
}

// TestRunDeleteMissingEntryAsksNothing: the entry is described before the
// question, so a missing one is exit 3 (or success with --if-exists)
// without a prompt (newTestDeps fails the test on any prompt).
func TestRunDeleteMissingEntryAsksNothing(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	td.IO.SetTTY(true, true, true)
	o := &deleteOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)}}
	checkExit(t, runDelete(t.Context(), o), cmdutil.ExitNotFound, "--if-exists")
	o.ifExists = true
	if err := runDelete(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(td.errOut.String(), "nothing to delete") {
		t.Errorf("stderr %q", td.errOut)
	}
	if n := opCount(td, "DeleteAccessEntry"); n != 0 {
		t.Errorf("%d deletes", n)
	}
}

// TestPromptThroughRoot: through the root command and a real terminal
// prompt, declining prints one "eksaccess:" line and exits 2. (--timeout
// never ends a prompt: TestPromptTimeDoesNotCount.)
func TestPromptThroughRoot(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		in    io.Reader
		args  []string
		want  []string
		wantN int // exit code
	}{
		{name: "declined", in: strings.NewReader("n\n"), args: []string{"delete", "--cluster", "demo", "--principal", devRole},
			want: []string{"Delete access entry " + devRole + " from cluster demo, with its access policies? [y/N]: ", "[y/N]: eksaccess: not deleted: declined at the prompt\n"}, wantN: cmdutil.ExitUsage},
		{name: "auth-mode declined", in: strings.NewReader("no\n"), args: []string{"auth-mode", "--cluster", "legacy", "--set", "API_AND_CONFIG_MAP"},
			want: []string{"eksaccess: not switched (cluster legacy stays CONFIG_MAP): declined at the prompt\n"}, wantN: cmdutil.ExitUsage},
		{name: "auth-mode to API declined", in: strings.NewReader("no\n"), args: []string{"auth-mode", "--cluster", "demo", "--set", "API"},
			want: []string{"stops working", "eksaccess: not switched (cluster demo stays API_AND_CONFIG_MAP): declined at the prompt\n"}, wantN: cmdutil.ExitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			seedEntry(t, td, devRole)
			seedEntry(t, td, "arn:aws:iam::111122223333:user/emulator-admin", "AmazonEKSClusterAdminPolicy")
			td.IO.In = tc.in
			td.IO.SetTTY(true, true, true)
			td.Confirm = cmdutil.TerminalConfirm(td.IO)
			g := &globalOptions{}
			root := newRootCmd(td.Deps, g, BuildInfo{})
			root.SetArgs(tc.args)
			root.SetOut(td.out)
			root.SetErr(td.errOut)
			err := root.ExecuteContext(t.Context())
			if g.cancel != nil {
				g.cancel()
			}
			cmdutil.PrintError(td.errOut, err)
			if code := cmdutil.ExitCode(err); code != tc.wantN {
				t.Errorf("exit %d (%v), want %d", code, err, tc.wantN)
			}
			for _, w := range tc.want {
				if !strings.Contains(td.errOut.String(), w) {
					t.Errorf("stderr %q lacks %q", td.errOut, w)
				}
			}
			if n := opCount(td, "DeleteAccessEntry") + opCount(td, "UpdateClusterConfig"); n != 0 {
				t.Errorf("%d writes sent", n)
			}
		})
	}
}

// TestInterruptedWritesSayTheyMayHaveApplied: a write that Ctrl-C or
// --timeout ends while it is on its way may have taken effect: the error
// says so, and how to check.
func TestInterruptedWritesSayTheyMayHaveApplied(t *testing.T) {
	t.Parallel()
	isWrite := func(method, suffix string) func(*http.Request) bool {
		return func(r *http.Request) bool {
			return r.Method == method && strings.HasSuffix(r.URL.Path, suffix)
		}
	}
	cases := []struct {
		name     string
		write    func(*http.Request) bool
		run      func(context.Context, *testDeps) error
		deadline bool // --timeout rather than Ctrl-C
		want     string
	}{
		{name: "delete", write: isWrite(http.MethodDelete, "role/dev"), want: "the deletion may have been applied before eksaccess stopped waiting for the answer: check with eksaccess describe --cluster demo --principal " + devRole,
			run: func(ctx context.Context, td *testDeps) error {
				return runDelete(ctx, &deleteOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)}, yes: true})
			}},
		{name: "delete, timed out", write: isWrite(http.MethodDelete, "role/dev"), deadline: true, want: "the deletion may have been applied",
			run: func(ctx context.Context, td *testDeps) error {
				return runDelete(ctx, &deleteOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: mustPrincipal(t, devRole)}, yes: true})
			}},
		{name: "update", write: isWrite(http.MethodPost, "role/dev"), want: "the update may have been applied before eksaccess stopped waiting for the answer: check with eksaccess describe --cluster demo --principal " + devRole,
			run: func(ctx context.Context, td *testDeps) error {
				return execArgsCtx(ctx, t, td, newUpdateCmd(td.Deps, nil), "--cluster", "demo", "--principal", devRole, "--group", "x")
			}},
		{name: "update, timed out", write: isWrite(http.MethodPost, "role/dev"), deadline: true, want: "the update may have been applied",
			run: func(ctx context.Context, td *testDeps) error {
				return execArgsCtx(ctx, t, td, newUpdateCmd(td.Deps, nil), "--cluster", "demo", "--principal", devRole, "--group", "x")
			}},
		{name: "policy associate", write: isWrite(http.MethodPost, "/access-policies"), want: "the association may have been applied before eksaccess stopped waiting for the answer: check with eksaccess policy list-associated --cluster demo --principal " + devRole,
			run: func(ctx context.Context, td *testDeps) error {
				return execArgsCtx(ctx, t, td, newPolicyAssociateCmd(td.Deps, nil), "--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSEditPolicy", "--namespace", "dev")
			}},
		{name: "policy disassociate", write: isWrite(http.MethodDelete, "AmazonEKSViewPolicy"), want: "the disassociation may have been applied before eksaccess stopped waiting for the answer: check with eksaccess policy list-associated --cluster demo --principal " + devRole,
			run: func(ctx context.Context, td *testDeps) error {
				return execArgsCtx(ctx, t, td, newPolicyDisassociateCmd(td.Deps, nil), "--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			expiring := withExpiry(t.Context())
			if tc.deadline {
				ctx = expiring
			}
			var once sync.Once
			var armed atomic.Bool // after the seed
			testDone := make(chan struct{})
			td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if armed.Load() && tc.write(r) {
						// The write is on its way: Ctrl-C now, or the
						// deadline passes now; it never gets an answer.
						// (The body is read so that the server notices the
						// client hanging up.)
						_, _ = io.Copy(io.Discard, r.Body)
						if tc.deadline {
							expiring.expire()
						} else {
							once.Do(cancel)
						}
						select {
						case <-r.Context().Done():
						case <-testDone:
						}
						return
					}
					next.ServeHTTP(w, r)
				})
			})
			t.Cleanup(func() { close(testDone) }) // before the server's Close
			seedEntry(t, td, devRole, "AmazonEKSViewPolicy")
			armed.Store(true)
			err := tc.run(ctx, td)
			want := cmdutil.ExitInterrupted
			if tc.deadline {
				want = cmdutil.ExitFailure
			}
			checkExit(t, err, want, tc.want)
		})
	}
}

// execArgsCtx is execArgs with a context of the test's choosing.
func execArgsCtx(ctx context.Context, t *testing.T, td *testDeps, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(td.out)
	cmd.SetErr(td.errOut)
	return cmd.ExecuteContext(ctx)
}

// TestForceFlags: every command with the lockout guard takes --force.
func TestForceFlags(t *testing.T) {
	t.Parallel()
	runParseCases(t, newUpdateCmd, []parseCase[updateOptions]{
		{name: "update --force", args: []string{"--cluster", "demo", "--principal", devRole, "--no-groups", "--force"},
			check: func(t *testing.T, o *updateOptions) {
				if !o.force {
					t.Error("--force not set")
				}
			}},
	})
	runParseCases(t, newPolicyAssociateCmd, []parseCase[policyAssociateOptions]{
		{name: "policy associate --force", args: []string{"--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSClusterAdminPolicy", "--namespace", "dev", "--force"},
			check: func(t *testing.T, o *policyAssociateOptions) {
				if !o.force {
					t.Error("--force not set")
				}
			}},
	})
	runParseCases(t, newAuthModeCmd, []parseCase[authModeOptions]{
		{name: "auth-mode --force", args: []string{"--cluster", "demo", "--set", "API", "--yes", "--force"},
			check: func(t *testing.T, o *authModeOptions) {
				if !o.force || !o.yes || o.set != modeAPI {
					t.Errorf("options %+v", o)
				}
			}},
	})
}
