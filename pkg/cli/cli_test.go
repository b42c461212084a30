package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
	"github.com/eksaccess/eksaccess/pkg/internal/accesstest"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// testDeps are Deps over in-memory streams, an environment map and an
// emulator (started lazily, only if a command asks for a client).
type testDeps struct {
	*Deps
	out, errOut *bytes.Buffer
	env         map[string]string
	srv         *emulator.Server
	clients     int
}

func newTestDeps(t testing.TB) *testDeps {
	t.Helper()
	return newTestDepsWith(t, emulator.Options{})
}

// newTestDepsWith is newTestDeps with emulator options (fault knobs).
func newTestDepsWith(t testing.TB, opts emulator.Options) *testDeps {
	t.Helper()
	ios, _, out, errOut := cmdutil.TestStreams()
	td := &testDeps{out: out, errOut: errOut, env: map[string]string{}}
	srv, hs := emutest.Start(t, opts)
	td.srv = srv
	td.Deps = &Deps{
		IO:     ios,
		Output: &output.Options{Format: output.TableFormat},
		Env:    func(k string) string { return td.env[k] },
		Client: func(context.Context) (*eksapi.Client, error) {
			td.clients++
			return eksapi.NewFromConfig(emutest.Config(hs.URL), ""), nil
		},
		Confirm: func(context.Context, string) (bool, error) { t.Fatal("unexpected prompt"); return false, nil },
	}
	return td
}

// execArgs runs cmd with args as the root would: flag errors become usage
// errors.
func execArgs(t *testing.T, td *testDeps, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(td.out)
	cmd.SetErr(td.errOut)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cmdutil.UsageError(err) })
	return cmd.ExecuteContext(t.Context())
}

// checkUsageError asserts that err is a usage error (exit 2) mentioning want.
func checkUsageError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want one containing %q", err, want)
	}
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
		t.Errorf("exit code %d, want %d", code, cmdutil.ExitUsage)
	}
}

// checkExit asserts err's exit code and, if hint is not empty, that one of
// its hints contains hint.
func checkExit(t *testing.T, err error, code int, hint string) {
	t.Helper()
	if got := cmdutil.ExitCode(err); got != code {
		t.Fatalf("exit %d (%v), want %d", got, err, code)
	}
	if hint == "" {
		return
	}
	for _, h := range cmdutil.Hints(err) {
		if strings.Contains(h, hint) {
			return
		}
	}
	t.Errorf("hints %q of %v lack %q", cmdutil.Hints(err), err, hint)
}

// opCount is how many requests of operation op the emulator received.
func opCount(td *testDeps, op string) int {
	n := 0
	for _, r := range td.srv.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// opNames lists the operations the emulator received, in order.
func opNames(td *testDeps) []string {
	var ops []string
	for _, r := range td.srv.Requests() {
		ops = append(ops, r.Op)
	}
	return ops
}

var (
	mustPrincipal = accesstest.Principal
	mustPolicy    = accesstest.Policy
)

// seedEntry creates an access entry in cluster demo with the given
// policies (P[:scope]), then forgets the requests that took.
func seedEntry(t *testing.T, td *testDeps, principal string, policies ...string) {
	t.Helper()
	client, err := td.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p := mustPrincipal(t, principal)
	if _, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
		t.Fatal(err)
	}
	for _, s := range policies {
		pa, err := access.ParsePolicyAssociation(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.AssociatePolicy(t.Context(), "demo", p, pa.Policy.ARN(p.Partition()), pa.Scope); err != nil {
			t.Fatal(err)
		}
	}
	td.srv.ResetRequests()
}

// parseCase is one argv case of a TestNewXCmd table: either a usage error
// containing wantErr, or options that check inspects.
type parseCase[O any] struct {
	name    string
	args    []string
	env     map[string]string
	tty     bool // stdin, stdout and stderr are terminals
	check   func(*testing.T, *O)
	wantErr string
}

// runParseCases runs each case through the command newCmd builds, with a
// runF that captures the options. A failing case must be a usage error
// (exit 2) that neither ran the command nor built a client; a passing one
// must not have built a client either: parsing sends nothing.
func runParseCases[O any](t *testing.T, newCmd func(*Deps, func(context.Context, *O) error) *cobra.Command, cases []parseCase[O]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			for k, v := range tc.env {
				td.env[k] = v
			}
			td.IO.SetTTY(tc.tty, tc.tty, tc.tty)
			var got *O
			err := execArgs(t, td, newCmd(td.Deps, func(_ context.Context, o *O) error { got = o; return nil }), tc.args...)
			if tc.wantErr != "" {
				checkUsageError(t, err, tc.wantErr)
				if got != nil {
					t.Error("the command ran despite the error")
				}
			} else if err != nil {
				t.Fatal(err)
			} else if tc.check != nil {
				tc.check(t, got)
			}
			if td.clients != 0 {
				t.Error("parsing built a client")
			}
		})
	}
}
