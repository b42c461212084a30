package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// TestAuditFixPrompt: on a terminal, audit --fix asks before it writes,
// with apply's question; no is nothing written (the findings still
// printed) and exits 2, as a declined apply does; yes repairs (exit 0).
func TestAuditFixPrompt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer  string
		code    int
		deletes int
	}{
		{answer: "n\n", code: cmdutil.ExitUsage, deletes: 0},
		{answer: "y\n", code: cmdutil.ExitOK, deletes: 1},
	} {
		t.Run(strings.TrimSpace(tc.answer), func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			const role = "arn:aws:iam::111122223333:role/app"
			if _, err := td.srv.CreateRole(emulator.Role{Name: "app", Path: "/", Created: time.Now().Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			seedEntry(t, td, role, "AmazonEKSViewPolicy")
			// the role created again, after the entry
			if err := td.srv.DeleteRole("app"); err != nil {
				t.Fatal(err)
			}
			if _, err := td.srv.CreateRole(emulator.Role{Name: "app", Path: "/", Created: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			td.IO.In = strings.NewReader(tc.answer)
			td.IO.SetTTY(true, false, true)
			td.Confirm = cmdutil.TerminalConfirm(td.IO)
			g := &globalOptions{}
			code := execute(t.Context(), newRootCmd(td.Deps, g, BuildInfo{}), g, []string{"audit", "--cluster", "demo", "--fix"}, td.IO)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tc.code, td.errOut)
			}
			if want := "Apply 2 changes to cluster demo (1 to create, 1 to delete)? [y/N]: "; !strings.Contains(td.errOut.String(), want) {
				t.Errorf("stderr lacks the question %q:\n%s", want, td.errOut)
			}
			if n := opCount(td, "DeleteAccessEntry"); n != tc.deletes {
				t.Errorf("%d DeleteAccessEntry sent, want %d", n, tc.deletes)
			}
			if !strings.Contains(td.out.String(), "recreated-principal") {
				t.Errorf("stdout lacks the finding:\n%s", td.out)
			}
		})
	}
}
