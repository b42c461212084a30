package cli

import (
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// TestEndOfInputAtEveryPrompt: Ctrl-D (end of input) at the question of
// apply, delete and auth-mode --set ends each the same way, through the
// one prompt: exit 2, "declined at the prompt" on a line of its own (the
// prompt line ended), nothing written. (Issue 16 found apply exiting 1
// where delete exited 2.)
func TestEndOfInputAtEveryPrompt(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, write, refusal string
		args                 func(t *testing.T) []string
	}{
		{name: "apply", write: "CreateAccessEntry", refusal: "not applied", args: func(t *testing.T) []string {
			file := writeFile(t, "access.yaml", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\nentries:\n  - principalArn: arn:aws:iam::111122223333:role/ops\n")
			return []string{"apply", "-f", file}
		}},
		{name: "delete", write: "DeleteAccessEntry", refusal: "not deleted", args: func(*testing.T) []string {
			return []string{"delete", "--cluster", "demo", "--principal", devRole}
		}},
		{name: "auth-mode", write: "UpdateClusterConfig", refusal: "not switched", args: func(*testing.T) []string {
			return []string{"auth-mode", "--cluster", "legacy", "--set", "API_AND_CONFIG_MAP"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			seedEntry(t, td, devRole)
			td.IO.In = strings.NewReader("") // Ctrl-D at once
			td.IO.SetTTY(true, true, true)
			td.Confirm = cmdutil.TerminalConfirm(td.IO)
			g := &globalOptions{}
			code := execute(t.Context(), newRootCmd(td.Deps, g, BuildInfo{}), g, tc.args(t), td.IO)
			if code != cmdutil.ExitUsage {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, cmdutil.ExitUsage, td.errOut)
			}
			if want := "[y/N]: \neksaccess: " + tc.refusal; !strings.Contains(td.errOut.String(), want) || !strings.Contains(td.errOut.String(), ": declined at the prompt\n") {
				t.Errorf("stderr %q lacks %q ... declined at the prompt", td.errOut, want)
			}
			if n := opCount(td, tc.write); n != 0 {
				t.Errorf("%d %s sent", n, tc.write)
			}
		})
	}
}
