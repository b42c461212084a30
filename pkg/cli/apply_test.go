package cli

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/internal/golden"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/cmdutil/cmdutiltest"
	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// runRoot runs args through the whole command tree, as Main does, and
// returns the exit code.
func runRoot(ctx context.Context, td *testDeps, args ...string) int {
	g := &globalOptions{}
	return execute(ctx, newRootCmd(td.Deps, g, BuildInfo{Version: "v1.2.3"}), g, args, td.IO)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The eksctl sample of PEERS-AND-MIGRATION.md, unchanged, in its own
// account (its node role must be in the cluster's account).
const eksctlSample = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: { name: payments-prod, region: eu-west-1 }
accessConfig:
  authenticationMode: API_AND_CONFIG_MAP
  accessEntries:
    - principalARN: arn:aws:iam::210987654321:role/platform/oncall-admin
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          accessScope: { type: cluster }
    - principalARN: arn:aws:iam::210987654321:role/team-ledger-dev
      kubernetesGroups: [ledger-readers]
      kubernetesUsername: "ledger-dev:{{SessionName}}"
      accessPolicies:
        - policyARN: arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy
          accessScope: { type: namespace, namespaces: [ledger, "ledger-preview-*"] }
    - principalARN: arn:aws:iam::210987654321:role/karpenter-node
      type: EC2_LINUX
`

func TestApplyEksctlSample(t *testing.T) {
	t.Parallel()
	td := newTestDepsWith(t, emulator.Options{Account: "210987654321"})
	td.srv.AddCluster("payments-prod", "API_AND_CONFIG_MAP")
	file := writeFile(t, "cluster.yaml", eksctlSample)
	if code := runRoot(t.Context(), td, "apply", "-f", file, "--yes"); code != 0 {
		t.Fatalf("apply exit %d\n%s", code, td.errOut)
	}
	if !strings.Contains(td.errOut.String(), "Plan: 3 to create, 0 to update, 0 to delete.") {
		t.Errorf("plan:\n%s", td.errOut)
	}
	td.errOut.Reset()
	if code := runRoot(t.Context(), td, "diff", "-f", file); code != 0 {
		t.Fatalf("diff after apply: exit %d\n%s", code, td.errOut)
	}
	if !strings.Contains(td.errOut.String(), "In sync: 3 entries match the file.") {
		t.Errorf("diff:\n%s", td.errOut)
	}
}

// TestApplyStopped: Ctrl-C or --timeout while apply works. The write on its
// way ends and nothing more starts; stderr has the cluster's result line,
// then a short line per entry that did not finish: the one in flight "may
// have been applied", the others "not started" (never "failed", never Go's
// "context canceled"). The third create is held until the test stops
// apply: Ctrl-C, or a fake clock moved past --timeout.
func TestApplyStopped(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		deadline bool // --timeout rather than Ctrl-C
		code     int
	}{
		{name: "ctrl-c", code: cmdutil.ExitInterrupted},
		{name: "timeout", deadline: true, code: cmdutil.ExitFailure},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, interrupt := context.WithCancel(t.Context())
			defer interrupt()
			clk := cmdutiltest.NewFakeClock()
			var creates atomic.Int32
			testDone := make(chan struct{})
			td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/access-entries") && creates.Add(1) == 3 {
						_, _ = io.Copy(io.Discard, r.Body)
						if tc.deadline {
							clk.Advance(time.Hour)
						} else {
							interrupt()
						}
						select { // never answered
						case <-r.Context().Done():
						case <-testDone:
						}
						return
					}
					next.ServeHTTP(w, r)
				})
			})
			t.Cleanup(func() { close(testDone) }) // before the server's Close
			var b strings.Builder
			b.WriteString("apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\nentries:\n")
			for _, r := range "abcde" {
				b.WriteString("  - principalArn: arn:aws:iam::111122223333:role/r" + string(r) + "\n")
			}
			file := writeFile(t, "five.yaml", b.String())
			g := &globalOptions{clock: clk}
			code := execute(ctx, newRootCmd(td.Deps, g, BuildInfo{}), g, []string{"apply", "-f", file, "--yes", "--concurrency", "1", "--force"}, td.IO)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, td.errOut)
			}
			stderr := td.errOut.String()
			_, report, _ := strings.Cut(stderr, "Plan: 5 to create, 0 to update, 0 to delete.\n")
			golden.Assert(t, report)
			if n := opCount(td, "CreateAccessEntry"); n != 2 {
				t.Errorf("%d creates answered, want 2", n)
			}
			for _, never := range []string{"context canceled", "deadline exceeded", "failed"} {
				if strings.Contains(stderr, never) {
					t.Errorf("stderr says %q:\n%s", never, stderr)
				}
			}
		})
	}
}

// TestPlanColor: the plan on stderr is coloured only when stderr is a
// terminal, and never with --no-color or NO_COLOR (whatever stdout is).
func TestPlanColor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name             string
		outTTY, errTTY   bool
		noColor, envNone bool
		want             bool
	}{
		{name: "stderr a terminal", errTTY: true, want: true},
		{name: "--no-color", errTTY: true, noColor: true},
		{name: "NO_COLOR", errTTY: true, envNone: true},
		{name: "--no-color, stdout a terminal too", outTTY: true, errTTY: true, noColor: true},
		{name: "only stdout a terminal", outTTY: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			td.IO.SetTTY(false, tc.outTTY, tc.errTTY)
			if tc.envNone {
				td.env["NO_COLOR"] = "1"
			}
			file := writeFile(t, "access.yaml", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\nentries:\n  - principalArn: arn:aws:iam::111122223333:role/ops\n")
			args := []string{"apply", "-f", file, "--dry-run"}
			if tc.noColor {
				args = append(args, "--no-color")
			}
			if code := runRoot(t.Context(), td, args...); code != 0 {
				t.Fatalf("exit %d\n%s", code, td.errOut)
			}
			if got := strings.Contains(td.errOut.String(), "\x1b[32m+ arn:aws:iam::111122223333:role/ops\x1b[0m"); got != tc.want {
				t.Errorf("coloured %v, want %v:\n%q", got, tc.want, td.errOut)
			}
		})
	}
}

// TestApplyAsksAboutWhatThePlanCounts: the question counts entries as the
// plan's summary does (not API calls: a create with two policies is one
// change), and says what they are; refusals are not changes. After the
// answer, a result line per cluster.
func TestApplyAsksAboutWhatThePlanCounts(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole)
	seedEntry(t, td, "arn:aws:iam::111122223333:role/nodes")
	td.IO.SetTTY(true, true, true)
	var questions []string
	td.Confirm = func(_ context.Context, q string) (bool, error) {
		questions = append(questions, q)
		return true, nil
	}
	file := writeFile(t, "access.yaml", `apiVersion: eksaccess/v1
kind: AccessConfig
clusters: [{name: demo}]
entries:
  - principalArn: arn:aws:iam::111122223333:role/ops
    accessPolicies:
      - {policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster}}
      - {policyArn: AmazonEKSEditPolicy, accessScope: {type: namespace, namespaces: [ops]}}
  - principalArn: `+devRole+`
    kubernetesGroups: [dev]
  - principalArn: arn:aws:iam::111122223333:role/nodes
    type: EC2_LINUX
`)
	code := runRoot(t.Context(), td, "apply", "-f", file, "--force")
	if code != cmdutil.ExitConflict {
		t.Fatalf("exit %d, want %d (the refusal)\n%s", code, cmdutil.ExitConflict, td.errOut)
	}
	if want := []string{"Apply 2 changes to cluster demo (1 to create, 1 to update)?"}; !slices.Equal(questions, want) {
		t.Errorf("asked %q, want %q", questions, want)
	}
	stderr := td.errOut.String()
	if !strings.Contains(stderr, "Plan: 1 to create, 1 to update, 0 to delete, 1 refused.\n") ||
		!strings.Contains(stderr, "\ncluster demo (us-west-2): 1 created, 1 updated, 0 deleted; 1 refused\n") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
