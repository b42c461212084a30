package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/cli"
	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// TestIAMPolicy keeps docs/iam-policy.json, docs/guides/iam-policy.md and
// the commands agree. The JSON and the guide's two tables of statements
// and of each command's calls are generated from pkg/cli/apicalls.go
// (`make docs`): they must be current. Every action of the policy is
// some command's call, and every call is in the policy; the guide says why
// each action is needed; and every action a command of the guide was seen
// to call (TestGuides checks the `calls:` comments against the emulator)
// is allowed.
func TestIAMPolicy(t *testing.T) {
	t.Parallel()
	repo := filepath.Join("..", "..")
	raw, err := os.ReadFile(filepath.Join(repo, "docs", "iam-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := cli.IAMPolicyJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != string(want) {
		t.Errorf("docs/iam-policy.json is out of date: run `make docs`")
	}
	var doc struct {
		Version   string
		Statement []struct{ Action []string }
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docs/iam-policy.json: %v", err)
	}
	md, err := os.ReadFile(filepath.Join(repo, "docs", "guides", "iam-policy.md"))
	if err != nil {
		t.Fatal(err)
	}
	if gen, err := cli.IAMGuide(string(md)); err != nil {
		t.Errorf("docs/guides/iam-policy.md: %v", err)
	} else if gen != string(md) {
		t.Errorf("docs/guides/iam-policy.md's generated tables are out of date: run `make docs`")
	}

	allowed := map[string]bool{}
	for _, s := range cli.IAMStatements() {
		for _, a := range s.Actions {
			if allowed[a] {
				t.Errorf("%s is in two statements", a)
			}
			allowed[a] = true
		}
	}
	called := map[string]string{}
	for _, c := range cli.APICalls() {
		for _, call := range c.Calls {
			called[call.Action] = c.Command
			if !allowed[call.Action] {
				t.Errorf("%s calls %s, which no statement of the policy allows", c.Command, call.Action)
			}
		}
	}
	for a := range allowed {
		if called[a] == "" {
			t.Errorf("the policy allows %s, which no command calls", a)
		}
	}
	justified := whyTable(string(md))
	for a := range allowed {
		if !justified[a] {
			t.Errorf("%s: the guide does not say why it is needed", a)
		}
	}
	for a := range justified {
		if !allowed[a] {
			t.Errorf("the guide justifies %s, which the policy does not allow", a)
		}
	}

	g, err := guideScript(string(md), commandRegistered)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.calls) == 0 {
		t.Fatal("the guide's commands declare no calls")
	}
	for _, a := range slices.Sorted(maps.Keys(g.calls)) {
		if !allowed[a] {
			t.Errorf("%q calls %s, which docs/iam-policy.json does not allow", g.calls[a], a)
		}
	}
}

var backticked = regexp.MustCompile("`([^`]+)`")

// whyTable reads the guide's table of why each action is needed: the
// actions backticked in the first cell of rows under the heading "| action |".
func whyTable(md string) map[string]bool {
	justified := map[string]bool{}
	in := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "| action | why |"):
			in = true
		case in && strings.HasPrefix(line, "| `"):
			for _, m := range backticked.FindAllStringSubmatch(strings.Split(line, "|")[1], -1) {
				justified[m[1]] = true
			}
		case in && !strings.HasPrefix(line, "|"):
			in = false
		}
	}
	return justified
}

// TestCommandCalls runs every command against the emulator
// (testdata/calls/*.txtar), plainly and with each flag and state that adds
// a call, and checks what the emulator received against the commands'
// declared calls (pkg/cli/apicalls.go, which the IAM policy and its guide
// are generated from): a call not declared fails its script; a declared
// call that no run made fails the test. Every command is declared, as
// calling something or nothing.
func TestCommandCalls(t *testing.T) {
	t.Parallel()
	declared := map[string]map[string]bool{}
	for _, c := range cli.APICalls() {
		declared[c.Command] = map[string]bool{}
		for _, call := range c.Calls {
			declared[c.Command][call.Action] = true
		}
	}
	for _, c := range cli.NoAPICalls() {
		declared[c] = map[string]bool{}
	}
	for _, path := range commandPaths(cli.Command(cli.BuildInfo{})) {
		if _, ok := declared[path]; !ok && !declaredByParent(declared, path) {
			t.Errorf("command %q is not in pkg/cli/apicalls.go: declare its calls (or that it calls nothing)", path)
		}
	}

	var mu sync.Mutex
	seen := map[string]map[string]bool{}
	t.Run("scripts", func(t *testing.T) {
		testscript.Run(t, testscript.Params{
			Dir:   filepath.Join("testdata", "calls"),
			Setup: scriptSetup(t),
			Cmds: map[string]func(*testscript.TestScript, bool, []string){
				"emu":  cmdEmu,
				"exit": cmdExit,
				// calls COMMAND: the requests since the last calls are
				// COMMAND's declared calls; forget them.
				"calls": func(ts *testscript.TestScript, neg bool, args []string) {
					if neg || len(args) == 0 {
						ts.Fatalf("usage: calls COMMAND")
					}
					command := strings.Join(args, " ")
					want, ok := declared[command]
					if !ok {
						ts.Fatalf("command %q is not in pkg/cli/apicalls.go", command)
					}
					srv := ts.Value(emuKey).(*emulator.Server)
					mu.Lock()
					defer mu.Unlock()
					if seen[command] == nil {
						seen[command] = map[string]bool{}
					}
					var undeclared []string
					for _, r := range srv.Requests() {
						a := iamAction(r.Op)
						seen[command][a] = true
						if !want[a] {
							undeclared = append(undeclared, a)
						}
					}
					srv.ResetRequests()
					if len(undeclared) > 0 {
						ts.Fatalf("%s called %v, which pkg/cli/apicalls.go does not declare", command, undeclared)
					}
				},
			},
		})
	})
	if t.Failed() {
		return
	}
	for command, calls := range declared {
		for _, a := range slices.Sorted(maps.Keys(calls)) {
			if !seen[command][a] {
				t.Errorf("pkg/cli/apicalls.go declares that %s calls %s, but no run in testdata/calls did: add the run that does, or drop the call", command, a)
			}
		}
		if _, ok := seen[command]; !ok {
			t.Errorf("testdata/calls never runs %s", command)
		}
	}
}

// commandPaths are the paths below the root of every runnable command
// without subcommands (a parent only prints its help).
func commandPaths(root *cobra.Command) []string {
	var out []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Runnable() && !sub.HasSubCommands() {
				out = append(out, strings.TrimPrefix(sub.CommandPath(), root.Name()+" "))
			}
			walk(sub)
		}
	}
	walk(root)
	return out
}

// declaredByParent: "completion bash" is declared by "completion".
func declaredByParent(declared map[string]map[string]bool, path string) bool {
	for p := range declared {
		if strings.HasPrefix(path, p+" ") {
			return true
		}
	}
	return false
}
