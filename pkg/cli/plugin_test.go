package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/spf13/cobra"
)

func TestDisplayName(t *testing.T) {
	t.Parallel()
	for arg0, want := range map[string]string{
		"eksaccess":                         "eksaccess",
		"/usr/local/bin/eksaccess":          "eksaccess",
		"kubectl-eksaccess":                 "kubectl eksaccess",
		"/root/.krew/bin/kubectl-eksaccess": "kubectl eksaccess",
		"kubectl-eksaccess.exe":             "kubectl eksaccess",
		"kubectl-eksaccess.EXE":             "kubectl eksaccess",
		"kubectl-eksaccess-old":             "eksaccess",
		"kubectl-eksaccess.sh":              "eksaccess",
		"eksaccess.test":                    "eksaccess",
	} {
		if got := displayName(arg0); got != want {
			t.Errorf("displayName(%q) = %q, want %q", arg0, got, want)
		}
	}
}

// TestPluginHelp runs every command's --help as the kubectl plugin would:
// the usage lines, the command paths, the help flag and the examples say
// `kubectl eksaccess`, and no example or quoted command runs a bare
// `eksaccess` (prose may name the program). The completion commands are
// cobra's, and their scripts complete the plain program: kubectl completes
// a plugin through kubectl_complete-eksaccess (see the README).
func TestPluginHelp(t *testing.T) {
	t.Parallel()
	bare := regexp.MustCompile("(^\\s+|[|(`]\\s*)eksaccess ")
	var paths [][]string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		paths = append(paths, strings.Fields(c.CommandPath())[1:])
		for _, sub := range c.Commands() {
			if !sub.Hidden && sub.Name() != "completion" {
				walk(sub)
			}
		}
	}
	walk(Command(BuildInfo{}))
	if len(paths) < 15 {
		t.Fatalf("found %d commands, want every one", len(paths))
	}
	for _, path := range paths {
		t.Run(strings.Join(append([]string{"root"}, path...), "_"), func(t *testing.T) {
			t.Parallel()
			ios, _, out, errOut := cmdutil.TestStreams()
			code := runAs(t.Context(), "kubectl eksaccess", append(path, "--help"), ios, BuildInfo{}, func(string) string { return "" })
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			help := out.String()
			usage := "kubectl eksaccess " + strings.Join(path, " ")
			if !strings.Contains(help, "Usage:\n  "+strings.TrimSpace(usage)) {
				t.Errorf("no usage line %q in:\n%s", usage, help)
			}
			if !strings.Contains(help, "help for kubectl eksaccess") && !strings.Contains(help, "help for "+path[len(path)-1]) {
				t.Errorf("the help flag does not name the command:\n%s", help)
			}
			for _, line := range strings.Split(help, "\n") {
				if bare.MatchString(line) {
					t.Errorf("help runs a bare eksaccess: %q", line)
				}
			}
		})
	}
}

// TestPluginExamples: the examples of the plugin are the plain program's
// with `kubectl eksaccess` in place of `eksaccess`, and the plain
// program's help is left as it is.
func TestPluginExamples(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, wantUsage, wantExample string }{
		{"eksaccess", "  eksaccess [command]", "  eksaccess list --cluster prod -o json"},
		{"kubectl eksaccess", "  kubectl eksaccess [command]", "  kubectl eksaccess list --cluster prod -o json"},
	} {
		ios, _, out, errOut := cmdutil.TestStreams()
		if code := runAs(t.Context(), tc.name, []string{"--help"}, ios, BuildInfo{}, func(string) string { return "" }); code != 0 {
			t.Fatalf("%s: exit %d\n%s", tc.name, code, errOut)
		}
		matchLines(t, tc.name+" --help", out.String(), []string{regexp.QuoteMeta(tc.wantUsage), regexp.QuoteMeta(tc.wantExample)})
	}
	// an example after a "(" and a command quoted in the long text
	ios, _, out, _ := cmdutil.TestStreams()
	runAs(t.Context(), "kubectl eksaccess", []string{"apply", "--help"}, ios, BuildInfo{}, func(string) string { return "" })
	matchLines(t, "apply --help", out.String(), []string{
		regexp.QuoteMeta("  # Plan only (the same as kubectl eksaccess diff, without exit 7)"),
		".*\\(see `kubectl eksaccess export`\\).*",
	})
}

// TestPluginHints: hints that name a command say how the user runs it.
func TestPluginHints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		hint string
	}{
		{[]string{"help", "nope"}, "hint: see kubectl eksaccess --help for the commands"},
		{[]string{"policy", "frob"}, `eksaccess: unknown command "frob" for "kubectl eksaccess policy"`},
		{[]string{"list", "--nope"}, "hint: see kubectl eksaccess list --help for the flags"},
	} {
		ios, _, _, errOut := cmdutil.TestStreams()
		if code := runAs(t.Context(), "kubectl eksaccess", tc.args, ios, BuildInfo{}, func(string) string { return "" }); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, want %d", tc.args, code, cmdutil.ExitUsage)
		}
		matchLines(t, strings.Join(tc.args, " "), errOut.String(), []string{regexp.QuoteMeta(tc.hint)})
	}
}
