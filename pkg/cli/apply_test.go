package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// Ctrl-C during apply: the calls in flight end, nothing more starts, exit
// 130, and stderr says what was done and what was not.
func TestApplyInterrupted(t *testing.T) {
	t.Parallel()
	// Ctrl-C once EKS answered the third create: some are done by then,
	// whatever the machine's speed, and most not started.
	ctx, cancel := context.WithCancel(t.Context())
	var creates atomic.Int32
	td := newTestDepsWith(t, emulator.Options{Latency: 40 * time.Millisecond, Logf: func(format string, args ...any) {
		if strings.Contains(fmt.Sprintf(format, args...), "CreateAccessEntry -> 200") && creates.Add(1) == 3 {
			cancel()
		}
	}})
	var b strings.Builder
	b.WriteString("apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\nentries:\n")
	for i := range 30 {
		b.WriteString("  - principalArn: arn:aws:iam::111122223333:role/r" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + "\n")
	}
	file := writeFile(t, "many.yaml", b.String())
	code := runRoot(ctx, td, "apply", "-f", file, "--yes", "--concurrency", "2")
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", code, exitInterrupted, td.errOut)
	}
	stderr := td.errOut.String()
	if !strings.Contains(stderr, "eksaccess: interrupted: done before it stopped: create arn:aws:iam::111122223333:role/") || !strings.Contains(stderr, "eksaccess: not started: create arn:aws:iam::111122223333:role/") {
		t.Errorf("stderr does not say what was left:\n%s", stderr)
	}
	created := 0
	for _, r := range td.srv.Requests() {
		if r.Op == "CreateAccessEntry" {
			created++
		}
	}
	if created == 0 || created >= 30 {
		t.Errorf("%d creates sent; want some, not all", created)
	}
}

// Several problems print each with its own hints under it, then the hints
// for all of them; an error with words of its own around several causes
// prints whole.
func TestPrintErrorKeepsHintsWithTheirProblems(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	joined := &FlagError{errors.Join(
		withHint(errors.New("access.yaml:3: first problem"), "fix the first"),
		withHint(errors.New("access.yaml:9: second problem"), "fix the second"),
	)}
	printError(&b, withHint(joined, "for all of them"))
	want := "eksaccess: access.yaml:3: first problem\nhint: fix the first\n" +
		"eksaccess: access.yaml:9: second problem\nhint: fix the second\n" +
		"hint: for all of them\n"
	if b.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
	}

	b.Reset()
	printError(&b, withHint(fmt.Errorf("op: %w (and %w)", errors.New("a"), errors.New("b")), "h"))
	if want := "eksaccess: op: a (and b)\nhint: h\n"; b.String() != want {
		t.Errorf("printed %q, want %q", b.String(), want)
	}
}
