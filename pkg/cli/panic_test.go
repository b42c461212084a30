package cli

import (
	"testing"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// TestRunRecoversPanics: a panic inside a command is one error line and the
// contract's exit code, never a stack trace and Go's exit 2 of a crash.
func TestRunRecoversPanics(t *testing.T) {
	t.Parallel()
	ios, _, out, errOut := cmdutil.TestStreams()
	env := func(k string) string {
		if k == "EKSACCESS_OUTPUT" {
			panic("boom\x1b]0;title\x07")
		}
		return ""
	}
	code := run(t.Context(), []string{"list", "--cluster", "demo", "--region", "us-west-2", "--endpoint-url", "http://127.0.0.1:1"}, ios, BuildInfo{}, env)
	if code != cmdutil.ExitUsage {
		t.Errorf("exit %d, want %d (nothing was sent)", code, cmdutil.ExitUsage)
	}
	want := "eksaccess: internal error: boom\\x1b]0;title\\x07\nhint: nothing was sent; please report this bug\n"
	if errOut.String() != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
	if out.Len() > 0 {
		t.Errorf("stdout = %q", out)
	}
}
