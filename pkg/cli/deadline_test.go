package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/cmdutil/cmdutiltest"
	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// TestPromptTimeDoesNotCount: through the root command, an hour at the
// prompt of apply, delete and auth-mode --set is not held against
// --timeout: the change is made after the answer. (Without the pause the
// fake hour would end the deadline and the write would not be sent.)
func TestPromptTimeDoesNotCount(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		args  func(t *testing.T) []string
		write string
	}{
		{name: "apply", write: "CreateAccessEntry", args: func(t *testing.T) []string {
			file := writeFile(t, "access.yaml", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\nentries:\n  - principalArn: arn:aws:iam::111122223333:role/ops\n")
			return []string{"apply", "-f", file}
		}},
		{name: "delete", write: "DeleteAccessEntry", args: func(*testing.T) []string {
			return []string{"delete", "--cluster", "demo", "--principal", devRole}
		}},
		{name: "auth-mode", write: "UpdateClusterConfig", args: func(*testing.T) []string {
			return []string{"auth-mode", "--cluster", "legacy", "--set", "API_AND_CONFIG_MAP"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDepsWith(t, emulator.Options{})
			seedEntry(t, td, devRole)
			td.IO.SetTTY(true, true, true)
			clk := cmdutiltest.NewFakeClock()
			asked := 0
			td.Confirm = func(ctx context.Context, q string) (bool, error) {
				asked++
				clk.Advance(time.Hour) // far past --timeout
				if err := ctx.Err(); err != nil {
					t.Errorf("at the prompt: %v", err)
				}
				return true, nil
			}
			g := &globalOptions{clock: clk}
			args := append(tc.args(t), "--timeout", "20s")
			code := execute(t.Context(), newRootCmd(td.Deps, g, BuildInfo{}), g, args, td.IO)
			if code != cmdutil.ExitOK || asked != 1 {
				t.Fatalf("exit %d after %d questions\n%s", code, asked, td.errOut)
			}
			if n := opCount(td, tc.write); n != 1 {
				t.Errorf("%d %s sent", n, tc.write)
			}
			if strings.Contains(td.errOut.String(), "timeout") {
				t.Errorf("stderr: %s", td.errOut)
			}
		})
	}
}
