package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// lineCase is one command line run through the whole tree, as Main runs
// it: its exit code, and lines stderr and stdout must hold (regular
// expressions, matched line by line). A case that exits 2 must have sent
// nothing and built no client.
type lineCase struct {
	name   string
	args   []string
	env    map[string]string
	code   int
	stderr []string // each must match a whole line of stderr
	stdout []string // each must match a whole line of stdout
	// noStderr asserts stderr is empty.
	noStderr bool
}

func runLineCases(t *testing.T, cases []lineCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			for k, v := range tc.env {
				td.env[k] = v
			}
			seedEntry(t, td, devRole)
			td.clients = 0
			g := &globalOptions{}
			root := newRootCmd(td.Deps, g, BuildInfo{Version: "v1.2.3"})
			code := execute(t.Context(), root, g, tc.args, td.IO)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tc.code, td.errOut)
			}
			matchLines(t, "stderr", td.errOut.String(), tc.stderr)
			matchLines(t, "stdout", td.out.String(), tc.stdout)
			if tc.noStderr && td.errOut.Len() > 0 {
				t.Errorf("stderr not empty:\n%s", td.errOut)
			}
			if code == cmdutil.ExitUsage {
				if ops := opNames(td); len(ops) > 0 || td.clients > 0 {
					t.Errorf("a usage error sent %v (%d clients built)", ops, td.clients)
				}
			}
		})
	}
}

// matchLines asserts that each pattern matches a whole line of text.
func matchLines(t *testing.T, what, text string, patterns []string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	for _, p := range patterns {
		re := regexp.MustCompile("^(?:" + p + ")$")
		found := false
		for _, l := range lines {
			if re.MatchString(l) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s has no line matching %q:\n%s", what, p, text)
		}
	}
}

// TestListFlags (#6.1): list flags split on commas only, and a value with
// a control character or invalid UTF-8 is refused naming the flag, never
// cut short.
func TestListFlags(t *testing.T) {
	t.Parallel()
	const pasteHint = `hint: separate the values with commas only; a file of one value a line becomes a list with "\$\(paste -sd, FILE\)"`
	create := []string{"create", "--cluster", "demo", "--principal", aliceUser}
	associate := []string{"policy", "associate", "--cluster", "demo", "--principal", devRole, "--policy", "AmazonEKSViewPolicy"}
	update := []string{"update", "--cluster", "demo", "--principal", devRole}
	dryRunGroups := []string{"--dry-run", "-o", "json", "--query", "requests[0].input.kubernetesGroups"}
	with := func(base []string, more ...string) []string { return append(append([]string{}, base...), more...) }
	runLineCases(t, []lineCase{
		{
			name: "update: a newline in --group", args: with(update, "--group", "ops\nadmins,dev"), code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: invalid argument "ops\\nadmins,dev" for "--group" flag: "ops\\nadmins" contains a newline \(U\+000A\)`, pasteHint},
		},
		{
			name: "create: a newline in --group", args: with(create, "--group", "a,b\n"), code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: invalid argument "a,b\\n" for "--group" flag: "b\\n" contains a newline \(U\+000A\)`, pasteHint},
		},
		{
			name: "associate: a newline in --namespace", args: with(associate, "--namespace", "dev\nprod,test"), code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: invalid argument "dev\\nprod,test" for "--namespace" flag: "dev\\nprod" contains a newline \(U\+000A\)`, pasteHint},
		},
		{
			name: "a tab in --group", args: with(update, "--group", "ops\tadmins"), code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: invalid argument "ops\\tadmins" for "--group" flag: "ops\\tadmins" contains a tab \(U\+0009\)`},
		},
		{
			name: "invalid UTF-8 in --group", args: with(create, "--group", "caf\xe9"), code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: invalid argument "caf\\xe9" for "--group" flag: "caf\\xe9" is not valid UTF-8 \(byte 0xe9 at offset 3\)`},
		},
		{
			name: "a control character in --username", args: with(update, "--username", "dev\x1b[2J"), code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: --username: "dev\\x1b\[2J" contains the control character U\+001B`},
		},
		{
			name: "a newline in a tag value", args: with(create, "--tag", "team=a\nb"), code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: invalid argument "team=a\\nb" for "--tag" flag: value of tag "team": "a\\nb" contains a newline \(U\+000A\)`},
		},
		{
			name: "commas, repeats and spaces", args: with(create, append([]string{"--group", "a, b", "--group", "c,a"}, dryRunGroups...)...), code: cmdutil.ExitOK,
			stdout: []string{`    "a",`, `    "b",`, `    "c"`},
		},
		{
			// pflag's CSV reading refused a bare quote
			name: "quotes are text", args: with(create, append([]string{"--group", `o"neil,"x"`}, dryRunGroups...)...), code: cmdutil.ExitOK,
			stdout: []string{`    "o\\"neil",`, `    "\\"x\\""`},
		},
	})
}

// TestSingleValueFlags (#6.2): a single-value flag given twice with
// different values is a usage error naming both, on every command;
// repeatable flags stay repeatable.
func TestSingleValueFlags(t *testing.T) {
	t.Parallel()
	const other = "arn:aws:iam::111122223333:role/other"
	runLineCases(t, []lineCase{
		{
			name: "delete: --principal twice", args: []string{"delete", "--cluster", "demo", "--principal", devRole, "--principal", other, "--yes"}, code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: --principal is given twice, as "` + devRole + `" and as "` + other + `"`, `hint: give --principal once`},
		},
		{
			name: "delete: --principal and --principal-arn", args: []string{"delete", "--cluster", "demo", "--principal-arn", devRole, "--principal", other, "--yes"}, code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: --principal is given twice, as "` + devRole + `" and as "` + other + `"`},
		},
		{
			name: "delete: --cluster twice", args: []string{"delete", "--cluster", "demo", "--cluster", "prod", "--principal", devRole, "--yes"}, code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: --cluster is given twice, as "demo" and as "prod"`, `hint: give --cluster once`},
		},
		{name: "list: -o twice", args: []string{"list", "--cluster", "demo", "-o", "json", "--output", "yaml"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --output is given twice, as "json" and as "yaml"`}},
		{name: "update: --username twice", args: []string{"update", "--cluster", "demo", "--principal", devRole, "--username", "a", "--username", "b"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --username is given twice, as "a" and as "b"`}},
		{name: "auth-mode: --set twice", args: []string{"auth-mode", "--cluster", "demo", "--set", "API", "--set", "api_and_config_map", "--yes"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --set is given twice, as "API" and as "api_and_config_map"`}},
		{name: "global: --timeout twice", args: []string{"list", "--cluster", "demo", "--timeout", "1m", "--timeout", "2m"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --timeout is given twice, as "1m" and as "2m"`}},
		{name: "the same value twice says nothing new", args: []string{"list", "--cluster", "demo", "--cluster", "demo", "-o", "text"}, code: cmdutil.ExitOK, stdout: []string{devRole}},
		{
			name: "repeatable flags", code: cmdutil.ExitOK,
			args:   []string{"create", "--cluster", "demo", "--principal", aliceUser, "--group", "a", "--group", "b", "--tag", "x=1", "--tag", "y=2", "--policy", "AmazonEKSViewPolicy", "--policy", "AmazonEKSEditPolicy:namespace=dev", "--dry-run", "-o", "json", "--query", "length(requests)"},
			stdout: []string{"3"},
		},
	})
}

// TestEmptyValues (#6.2): an empty value is a usage error with a hint in
// the terms of the command in use, whatever the flag.
func TestEmptyValues(t *testing.T) {
	t.Parallel()
	entry := func(verb ...string) []string { return append(verb, "--cluster", "demo", "--principal", devRole) }
	with := func(base []string, more ...string) []string { return append(base, more...) }
	runLineCases(t, []lineCase{
		{name: "update --group ''", args: with(entry("update"), "--group", ""), code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --group is empty`, `hint: use --no-groups to remove every group`}},
		{name: "update --group ,", args: with(entry("update"), "--group", ","), code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --group is empty`, `hint: use --no-groups to remove every group`}},
		{name: "create --group ''", args: with(entry("create"), "--group", " "), code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --group is empty`, `hint: leave --group out for an entry without Kubernetes groups`}},
		{
			name: "associate --namespace ''", args: with(entry("policy", "associate"), "--policy", "AmazonEKSViewPolicy", "--namespace", ""), code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: --namespace is empty`, `hint: name at least one namespace \(--namespace dev, repeatable or comma-separated\), or give --cluster-scope for the whole cluster`},
		},
		{name: "list --associated-policy ''", args: []string{"list", "--cluster", "demo", "--associated-policy", ""}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --associated-policy is empty`, `hint: leave --associated-policy out to list every entry`}},
		{name: "-o ''", args: []string{"list", "--cluster", "demo", "-o", ""}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --output is empty`, `hint: use -o table, -o json, -o yaml, -o text, or leave -o out for table \(or EKSACCESS_OUTPUT\)`}},
		{name: "--max-items 0", args: []string{"list", "--cluster", "demo", "--max-items", "0"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --max-items is 0`, `hint: leave --max-items out to print every entry`}},
		{name: "--max-attempts 0", args: []string{"list", "--cluster", "demo", "--max-attempts=0"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --max-attempts is 0`, `hint: leave --max-attempts out for AWS_MAX_ATTEMPTS, else 10 attempts per read and 3 per write`}},
		{name: "--cluster ''", args: []string{"describe", "--cluster", "", "--principal", devRole}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --cluster is empty`, `hint: give the cluster's name, or leave --cluster out to use EKSACCESS_CLUSTER`}},
		{name: "create --username ''", args: with(entry("create"), "--username", ""), code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --username is empty`, `hint: leave --username out, and EKS picks one from the principal`}},
		{name: "update --username ''", args: with(entry("update"), "--username", ""), code: cmdutil.ExitUsage, stderr: []string{`hint: leave --username out to keep the entry's username`}},
		{name: "--policy ''", args: with(entry("policy", "disassociate"), "--policy", ""), code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --policy is empty`}},
		{name: "--region ''", args: []string{"list", "--cluster", "demo", "--region", ""}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --region is empty`, `hint: leave --region out to use AWS_REGION, AWS_DEFAULT_REGION or the profile's region`}},
		{name: "--concurrency ''", args: []string{"list", "--cluster", "demo", "--concurrency", ""}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --concurrency is empty`, `hint: leave --concurrency out for its default, 64`}},
		// a zero that means something is no empty value
		{name: "--concurrency 0 keeps its own message", args: []string{"list", "--cluster", "demo", "--concurrency", "0"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: --concurrency must be at least 1, got 0`}},
	})
}

// TestHelpWins (#6.13): -h/--help anywhere shows the named command's help
// and exits 0, whatever else the line holds; --version works; "--" before
// a command is a usage error.
func TestHelpWins(t *testing.T) {
	t.Parallel()
	const rootUsage, createUsage, listUsage = `  eksaccess \[command\]`, `  eksaccess create --cluster NAME --principal ARN \[flags\]`, `  eksaccess list --cluster NAME \[flags\]`
	runLineCases(t, []lineCase{
		{name: "--help before a global flag", args: []string{"--help", "--region", "x"}, stdout: []string{rootUsage}, noStderr: true},
		{name: "-h before a global flag", args: []string{"-h", "--profile", "p"}, stdout: []string{rootUsage}, noStderr: true},
		{name: "--help before a bad value", args: []string{"create", "--help", "--principal", "garbage"}, stdout: []string{createUsage}, noStderr: true},
		{name: "--help after a bad value", args: []string{"create", "--principal", "garbage", "-h"}, stdout: []string{createUsage}, noStderr: true},
		{name: "--help before the command", args: []string{"--help", "list"}, stdout: []string{listUsage}, noStderr: true},
		{name: "--help with a flag twice", args: []string{"ls", "--cluster", "a", "--cluster", "b", "--help"}, stdout: []string{listUsage}, noStderr: true},
		{name: "--help with an argument", args: []string{"list", "extra", "--help"}, stdout: []string{listUsage}, noStderr: true},
		{name: "--help in a shorthand group", args: []string{"delete", "-yh"}, stdout: []string{`  eksaccess delete --cluster NAME --principal ARN \[--if-exists\] \[--yes\] \[flags\]`}},
		{name: "--help of a group's verb", args: []string{"--region", "x", "policy", "--help", "associate"}, stdout: []string{`  eksaccess policy associate .*`}},
		{name: "a value that is --help is a value", args: []string{"list", "--cluster", "--help"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: invalid argument "--help" for "--cluster" flag: .*`}},
		{name: "--help after -- is an argument", args: []string{"list", "--cluster", "demo", "--", "--help"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unexpected argument "--help": eksaccess list takes flags only \(see --help\)`}},
		{name: "--help of an unknown command", args: []string{"--help", "craete"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unknown command "craete"`, `hint: did you mean create\?`}},
		{name: "--version", args: []string{"--version"}, stdout: []string{`eksaccess version v1.2.3`}, noStderr: true},
		{
			name: "-- before the command", args: []string{"--", "delete", "--cluster", "demo", "--principal", devRole, "--yes"}, code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: unexpected "--" before the command: "delete" after it is not read as a command`, `hint: drop the "--": eksaccess delete \.\.\.`},
		},
		{name: "-- before a verb", args: []string{"policy", "--", "list"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unexpected "--" before the command: "list" after it is not read as a command`, `hint: drop the "--": eksaccess policy list \.\.\.`}},
		{name: "-- alone", args: []string{"--"}, stdout: []string{rootUsage}},
	})
}

// TestUnknownFlags (#6.14): a suggestion for a typo, ours for the AWS
// CLI's names, and one hint line in the same form at every level.
func TestUnknownFlags(t *testing.T) {
	t.Parallel()
	runLineCases(t, []lineCase{
		{name: "typo", args: []string{"list", "--clustr", "demo"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unknown flag: --clustr`, `hint: did you mean --cluster\?`}},
		{name: "typo of an inherited flag", args: []string{"list", "--regoin", "x"}, code: cmdutil.ExitUsage, stderr: []string{`hint: did you mean --region\?`}},
		{name: "prefix", args: []string{"describe", "--princ", devRole}, code: cmdutil.ExitUsage, stderr: []string{`hint: did you mean --principal\?`}},
		{name: "--cluster-name", args: []string{"list", "--cluster-name", "demo"}, code: cmdutil.ExitUsage, stderr: []string{`hint: did you mean --cluster\? \(the AWS CLI's --cluster-name\)`}},
		{name: "--cluster-name before the command", args: []string{"--cluster-name", "demo", "list"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unknown flag: --cluster-name`, `hint: did you mean --cluster\? \(the AWS CLI's --cluster-name\)`}},
		{name: "--kubernetes-groups", args: []string{"update", "--kubernetes-groups", "a"}, code: cmdutil.ExitUsage, stderr: []string{`hint: did you mean --group\? \(the AWS CLI's --kubernetes-groups\)`}},
		{name: "--policy-arn", args: []string{"policy", "disassociate", "--policy-arn", "x"}, code: cmdutil.ExitUsage, stderr: []string{`hint: did you mean --policy\? \(the AWS CLI's --policy-arn\)`}},
		{name: "--access-scope", args: []string{"policy", "associate", "--access-scope", "x"}, code: cmdutil.ExitUsage, stderr: []string{`hint: did you mean --cluster-scope or --namespace\? \(the AWS CLI's --access-scope\)`}},
		{name: "--access-scope on create", args: []string{"create", "--access-scope", "x"}, code: cmdutil.ExitUsage, stderr: []string{`hint: give the scope with the policy: --policy NAME:cluster, or --policy NAME:namespace=dev,test \(the AWS CLI's --access-scope\)`}},
		{name: "--associated-policy-arn", args: []string{"list", "--associated-policy-arn", "x"}, code: cmdutil.ExitUsage, stderr: []string{`hint: did you mean --associated-policy\? \(the AWS CLI's --associated-policy-arn\)`}},
		{name: "--principal-arn works", args: []string{"describe", "--cluster", "demo", "--principal-arn", devRole, "-o", "text", "--query", "accessEntry.principalArn"}, stdout: []string{devRole}},
		{name: "nothing near", args: []string{"list", "--zzzzzzzz"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unknown flag: --zzzzzzzz`, `hint: see eksaccess list --help for the flags`}},
		{name: "unknown shorthand", args: []string{"list", "-x"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unknown shorthand flag: 'x' in -x`, `hint: see eksaccess list --help for the flags`}},
		{name: "unknown command", args: []string{"craete"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unknown command "craete"`, `hint: did you mean create\?`}},
		{name: "unknown verb", args: []string{"policy", "lst"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unknown command "lst" for "eksaccess policy"`, `hint: did you mean list\?`}},
	})
}

// TestInputEchoAndEnvironment (#6.17): echoed input is cut to size, a
// bad EKSACCESS_OUTPUT breaks only the commands that print in it, a
// cluster ARN names the cluster, and a {{sessionname}} gets a warning.
func TestInputEchoAndEnvironment(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 300)
	cut := `"` + strings.Repeat("x", 200) + `"\.\.\. \(300 characters\)`
	runLineCases(t, []lineCase{
		{
			name: "a long flag value", args: []string{"create", "--cluster", "demo", "--principal", long}, code: cmdutil.ExitUsage,
			stderr: []string{`eksaccess: invalid argument ` + cut + ` for "--principal" flag: not an ARN: ` + cut},
		},
		{name: "a long type", args: []string{"create", "--type", long}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: invalid argument ` + cut + ` for "--type" flag: unknown access-entry type ` + cut + `; valid types: .*`}},
		{name: "a long argument", args: []string{"list", "--cluster", "demo", long}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unexpected argument ` + cut + `: eksaccess list takes flags only \(see --help\)`}},
		{name: "a long command", args: []string{long}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: unknown command ` + cut}},
		{name: "EKSACCESS_OUTPUT=garbage: version warns", args: []string{"version"}, env: map[string]string{"EKSACCESS_OUTPUT": "garbage"}, stdout: []string{`VERSION +v1\.2\.3`}, stderr: []string{`warning: EKSACCESS_OUTPUT: .*"garbage".*; printing a table`}},
		{name: "EKSACCESS_OUTPUT=json: version", args: []string{"version"}, env: map[string]string{"EKSACCESS_OUTPUT": "json"}, stdout: []string{`    "version": "v1\.2\.3",`}, noStderr: true},
		{name: "EKSACCESS_OUTPUT=garbage: __complete", args: []string{"__complete", "list", "--output", ""}, env: map[string]string{"EKSACCESS_OUTPUT": "garbage"}, stdout: []string{"json", ":4"}},
		{name: "EKSACCESS_OUTPUT=garbage: help", args: []string{"help", "list"}, env: map[string]string{"EKSACCESS_OUTPUT": "garbage"}, stdout: []string{`  eksaccess list --cluster NAME \[flags\]`}, noStderr: true},
		{name: "EKSACCESS_OUTPUT=garbage: list", args: []string{"list", "--cluster", "demo"}, env: map[string]string{"EKSACCESS_OUTPUT": "garbage"}, code: cmdutil.ExitUsage, stderr: []string{`eksaccess: EKSACCESS_OUTPUT: .*"garbage".*`}},
		{name: "a cluster ARN", args: []string{"list", "--cluster", "arn:aws:eks:us-west-2:111122223333:cluster/demo", "-o", "text"}, stdout: []string{devRole}},
		{name: "a cluster ARN from the environment", args: []string{"list", "-o", "text"}, env: map[string]string{"EKSACCESS_CLUSTER": "arn:aws:eks:us-west-2:111122223333:cluster/demo"}, stdout: []string{devRole}},
		{
			name: "create: {{sessionname}}", args: []string{"create", "--cluster", "demo", "--principal", aliceUser, "--username", "alice:{{sessionname}}", "--dry-run"},
			stderr: []string{`warning: --username "alice:\{\{sessionname\}\}" has \{\{sessionname\}\}, which EKS does not replace with the session name: did you mean \{\{SessionName\}\}\?`},
		},
		{
			name: "update: {{SESSIONNAMERAW}}", args: []string{"update", "--cluster", "demo", "--principal", devRole, "--username", "dev:{{SESSIONNAMERAW}}", "-o", "text", "--query", "accessEntry.username"},
			stderr: []string{`warning: .*did you mean \{\{SessionNameRaw\}\}\?`}, stdout: []string{`dev:\{\{SESSIONNAMERAW\}\}`},
		},
	})
}

// TestClusterRegion: a cluster ARN of another region than the one in use
// is a usage error naming both; with no region configured, the ARN's is
// used.
func TestClusterRegion(t *testing.T) {
	t.Parallel()
	g := &globalOptions{clusterARN: "arn:aws:eks:eu-west-1:111122223333:cluster/prod", clusterRegion: "eu-west-1"}
	err := g.checkClusterRegion("us-west-2")
	checkUsageError(t, err, `cluster "arn:aws:eks:eu-west-1:111122223333:cluster/prod" is in region eu-west-1, but the region in use is us-west-2`)
	checkExit(t, err, cmdutil.ExitUsage, "pass --region eu-west-1, or give the cluster's name alone to use us-west-2")
	if err := g.checkClusterRegion("eu-west-1"); err != nil {
		t.Errorf("same region: %v", err)
	}
	if err := (&globalOptions{}).checkClusterRegion("eu-west-1"); err != nil {
		t.Errorf("no cluster ARN: %v", err)
	}
}
