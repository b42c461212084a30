package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// The GitHub Action's logic lives in scripts/action.sh; these tests run it
// with a fake release served from the file system (file://), no network.

const actionVersion = "v1.2.3"

// runnerOS and runnerArch are what GitHub sets on a runner like this one.
func runnerOSArch(t *testing.T) (string, string) {
	t.Helper()
	osName := map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS]
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	if osName == "" || arch == "" {
		t.Skipf("no runner like %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	for _, tool := range []string{"curl", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	return osName, arch
}

// releaseBase is where a test's fake releases are, laid out as GitHub's:
// DIR/releases/download/v1.2.3/FILE, and the latest release's files under
// DIR/releases/latest/download.
func releaseBase(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "releases", "download")
}

// fakeRelease writes base/v1.2.3/{archive, checksums.txt} as goreleaser
// names them (and the same checksums.txt as the latest release's), the
// archive holding eksaccess with the given content, and returns the
// archive's name.
func fakeRelease(t *testing.T, base string, binary []byte) string {
	t.Helper()
	name := fmt.Sprintf("eksaccess_%s_%s_%s.tar.gz", strings.TrimPrefix(actionVersion, "v"), runtime.GOOS, runtime.GOARCH)
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	for _, f := range []struct {
		name string
		data []byte
	}{{"LICENSE", []byte("Apache-2.0\n")}, {"eksaccess", binary}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.data))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	sums := fmt.Sprintf("%s  eksaccess_1.2.3_windows_amd64.zip\n%s  %s\n", strings.Repeat("0", 64), hex.EncodeToString(sum[:]), name)
	writeFile(t, filepath.Join(base, actionVersion, name), buf.Bytes())
	writeFile(t, filepath.Join(base, actionVersion, "checksums.txt"), []byte(sums))
	writeFile(t, filepath.Join(filepath.Dir(base), "latest", "download", "checksums.txt"), []byte(sums))
	return name
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// actionRun is one run of scripts/action.sh.
type actionRun struct {
	code           int
	stdout, stderr string // the step's log
	summary        string
	outputs        map[string]string
	path           string // what it added to GITHUB_PATH
}

// ran reports whether the installed eksaccess (a stub) ran.
func (r actionRun) ran() bool {
	return strings.Contains(r.stdout, "stub eksaccess") || strings.Contains(r.stderr, "stub eksaccess")
}

// file is the content of the output (plan, log) that names a file.
func (r actionRun) file(t *testing.T, output string) string {
	t.Helper()
	if r.outputs[output] == "" {
		t.Fatalf("no output %s: %v", output, r.outputs)
	}
	b, err := os.ReadFile(r.outputs[output])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// actionEnv is where and how scripts/action.sh runs.
type actionEnv struct {
	base      string   // base-url is file://base, unless env says otherwise
	env       []string // more environment
	bin       string   // a directory put first on PATH (a fake cosign)
	workspace string   // the working directory (default: an empty one)
}

func runAction(t *testing.T, base string, env ...string) actionRun {
	t.Helper()
	return runActionIn(t, actionEnv{base: base, env: env})
}

func runActionIn(t *testing.T, e actionEnv) actionRun {
	t.Helper()
	osName, arch := runnerOSArch(t)
	tmp := t.TempDir()
	files := map[string]string{}
	for _, f := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH"} {
		files[f] = filepath.Join(tmp, f)
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	// PATH without any cosign this machine has: a test that wants one puts
	// its own first.
	var path []string
	if e.bin != "" {
		path = append(path, e.bin)
	}
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "cosign")); err != nil {
			path = append(path, d)
		}
	}
	cmd := exec.CommandContext(t.Context(), "bash", script)
	cmd.Dir = e.workspace
	if cmd.Dir == "" {
		cmd.Dir = t.TempDir()
	}
	cmd.Env = append([]string{
		"PATH=" + strings.Join(path, string(os.PathListSeparator)),
		"HOME=" + tmp,
		"RUNNER_OS=" + osName,
		"RUNNER_ARCH=" + arch,
		"RUNNER_TEMP=" + tmp,
		"GITHUB_OUTPUT=" + files["GITHUB_OUTPUT"],
		"GITHUB_STEP_SUMMARY=" + files["GITHUB_STEP_SUMMARY"],
		"GITHUB_PATH=" + files["GITHUB_PATH"],
		"INPUT_BASE_URL=file://" + filepath.ToSlash(e.base),
	}, e.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err = cmd.Run()
	r := actionRun{stdout: stdout.String(), stderr: stderr.String(), outputs: map[string]string{}}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(files[name])
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return string(b)
	}
	r.summary = read("GITHUB_STEP_SUMMARY")
	r.path = strings.TrimSpace(read("GITHUB_PATH"))
	for _, l := range strings.Split(read("GITHUB_OUTPUT"), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			r.outputs[k] = v
		}
	}
	return r
}

// stub is an eksaccess that prints its arguments, one [arg] each, on stdout,
// a line on stderr, and exits $STUB_EXIT: it isolates the action's handling
// of inputs and exit codes from the commands. With STUB_JSON set it prints
// a JSON document on stdout instead, as -o json does.
const stub = `#!/bin/sh
if [ -n "${STUB_JSON:-}" ]; then
	echo '{"plans": [{"cluster": "prod", "summary": "1 to create"}]}'
else
	printf 'stub eksaccess'
	for a in "$@"; do printf ' [%s]' "$a"; done
	printf '\n'
fi
echo "stub plan line" >&2
exit "${STUB_EXIT:-0}"
`

// TestActionExitCodes: each exit code becomes its output and its summary,
// and is the step's own exit code.
func TestActionExitCodes(t *testing.T) {
	t.Parallel()
	base := releaseBase(t)
	fakeRelease(t, base, []byte(stub))
	for _, tt := range []struct {
		code    int
		command string
		result  string
		meaning string
	}{
		{0, "diff", "in-sync", "Success: the cluster matches the file."},
		{0, "apply", "ok", "Success: apply made the cluster match the file"},
		// the summary of a command that is neither diff nor apply says
		// nothing of a cluster matching a file
		{0, "policy list", "ok", "Success: eksaccess policy list finished."},
		{1, "diff", "error", "network error"},
		{2, "diff", "invalid", "nothing was sent"},
		{3, "diff", "not-found", "check the region"},
		{4, "apply", "conflict", "lock the caller out"},
		{5, "diff", "credentials", "IAM policy"},
		{6, "diff", "throttled", "re-run the job later"},
		{7, "diff", "drift", "does not match the file"},
		{130, "apply", "interrupted", "half-done"},
		{143, "apply", "interrupted", "half-done"},
		{9, "diff", "error", "exited 9"},
	} {
		t.Run(fmt.Sprintf("%s exit %d", tt.command, tt.code), func(t *testing.T) {
			t.Parallel()
			r := runAction(t, base, "INPUT_VERSION="+actionVersion, "INPUT_COMMAND="+tt.command,
				"INPUT_FILE=access.yaml", "INPUT_CLUSTER=prod", "INPUT_ARGS=--region  eu-west-1 --prune",
				fmt.Sprintf("STUB_EXIT=%d", tt.code))
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
			if r.outputs["exit-code"] != fmt.Sprint(tt.code) || r.outputs["result"] != tt.result {
				t.Errorf("outputs %v, want exit-code %d, result %s", r.outputs, tt.code, tt.result)
			}
			heading := fmt.Sprintf("### eksaccess %s: %s (exit %d)\n", tt.command, tt.result, tt.code)
			if !strings.HasPrefix(r.summary, heading) || !strings.Contains(r.summary, tt.meaning) {
				t.Errorf("summary lacks %q and %q:\n%s", heading, tt.meaning, r.summary)
			}
			if tt.command != "diff" && tt.command != "apply" && strings.Contains(r.summary, "matches") {
				t.Errorf("the summary of %s speaks of a match:\n%s", tt.command, r.summary)
			}
			wantArgs := "stub eksaccess [" + strings.ReplaceAll(tt.command, " ", "] [") + "] [-f] [access.yaml] [--cluster] [prod] [--region] [eu-west-1] [--prune]\n"
			for _, want := range []string{wantArgs, "stub plan line"} {
				if !strings.Contains(r.summary, want) {
					t.Errorf("summary lacks the output line %q:\n%s", want, r.summary)
				}
			}
			// plan is stdout, log is stderr: neither has the other's lines.
			if plan := r.file(t, "plan"); plan != wantArgs {
				t.Errorf("plan output %q, want %q", plan, wantArgs)
			}
			if log := r.file(t, "log"); log != "stub plan line\n" {
				t.Errorf("log output %q, want the stderr line only", log)
			}
			if !strings.Contains(r.path, "eksaccess-"+actionVersion) {
				t.Errorf("GITHUB_PATH %q", r.path)
			}
		})
	}
}

// TestActionArgs: args are split into words as a shell splits them, quotes
// honoured, but nothing is expanded: a glob that matches a file in the
// workspace stays a glob, $VAR and $(...) stay text. command takes a
// subcommand.
func TestActionArgs(t *testing.T) {
	t.Parallel()
	base := releaseBase(t)
	fakeRelease(t, base, []byte(stub))
	for _, tt := range []struct {
		name, command, args, want string
	}{
		{"a glob matching a workspace file stays a glob", "apply", "--namespace preview-* --yes",
			"[apply] [--namespace] [preview-*] [--yes]"},
		{"a bracket glob too", "diff", "--query items[0] ?",
			"[diff] [--query] [items[0]] [?]"},
		{"single quotes keep blanks and everything else", "create", `--username 'ci:{{SessionName}} x' --tag 'k=$HOME'`,
			"[create] [--username] [ci:{{SessionName}} x] [--tag] [k=$HOME]"},
		{"double quotes, with their escapes", "create", `--username "a \"b\" \$c \\ d" --tag "x=$(id)"`,
			`[create] [--username] [a "b" $c \ d] [--tag] [x=$(id)]`},
		{"backslashes and an empty word", "update", `--username a\ b --group '' --query \'x\'`,
			`[update] [--username] [a b] [--group] [] [--query] ['x']`},
		{"newlines separate, a backslash-newline joins", "diff", "--region eu-west-1\n--prune \\\n--yes\r\n",
			"[diff] [--region] [eu-west-1] [--prune] [--yes]"},
		// POSIX: inside "..." a backslash-newline is removed too
		{"a backslash-newline in double quotes joins", "create", "--username \"a\\\nb\" --group \"c\\\\\nd\"",
			"[create] [--username] [ab] [--group] [c\\\nd]"},
		// POSIX sh keeps a backslash that ends the input: sh -c 'printf %s a\' prints a\
		{"a backslash that ends the input is kept", "diff", `--query a\`,
			`[diff] [--query] [a\]`},
		{"a lone backslash at the end is a word", "diff", `--query \`,
			`[diff] [--query] [\]`},
		// POSIX: a # that starts a word begins a comment to the end of the line
		{"a comment ends at the end of the line", "diff", "--region x # comment 'unterminated \\\n--prune # more\\\n--yes #",
			"[diff] [--region] [x] [--prune] [--yes]"},
		{"a # inside a word or quoted is a character", "create", `--tag a#b=c#d --username '#u' \#v "#w" ''#x`,
			"[create] [--tag] [a#b=c#d] [--username] [#u] [#v] [#w] [#x]"},
		{"no tilde, no command substitution", "list", "--profile ~ `id` $(id)",
			"[list] [--profile] [~] [`id`] [$(id)]"},
		{"a command with its subcommand", "policy list", "-o json",
			"[policy] [list] [-o] [json]"},
		{"a command with blanks around it", "  policy\tlist-associated ", "",
			"[policy] [list-associated]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ws := t.TempDir()
			for _, f := range []string{"preview-x", "i", "a"} {
				writeFile(t, filepath.Join(ws, f), nil)
			}
			r := runActionIn(t, actionEnv{base: base, workspace: ws, env: []string{
				"INPUT_VERSION=" + actionVersion, "INPUT_COMMAND=" + tt.command, "INPUT_ARGS=" + tt.args}})
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			if got, want := r.file(t, "plan"), "stub eksaccess "+tt.want+"\n"; got != want {
				t.Errorf("eksaccess got\n%s\nwant\n%s", got, want)
			}
			if want := "### eksaccess " + strings.Join(strings.Fields(tt.command), " ") + ": "; !strings.HasPrefix(r.summary, want) {
				t.Errorf("summary does not start with %q:\n%s", want, r.summary)
			}
		})
	}

	for _, tt := range []struct {
		name, command, args, want string
	}{
		{"an unterminated single quote", "diff", "--username 'a b", "input 'args' has an unterminated quote"},
		{"an unterminated double quote", "diff", `--username "a b\"`, "input 'args' has an unterminated quote"},
		{"a flag as the command", "--help", "", "input 'command' is eksaccess's command and its subcommand (e.g. 'diff', 'policy list'), got '--help': flags go in 'args'"},
		{"a command with a flag", "diff --prune", "", "input 'command' is eksaccess's command and its subcommand (e.g. 'diff', 'policy list'), got 'diff --prune': flags go in 'args'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runAction(t, base, "INPUT_VERSION="+actionVersion, "INPUT_COMMAND="+tt.command, "INPUT_ARGS="+tt.args)
			if r.code != 1 || !strings.Contains(r.stderr, "eksaccess-action: "+tt.want) {
				t.Errorf("exit %d, want 1 and %q:\n%s", r.code, tt.want, r.stderr)
			}
			if r.ran() {
				t.Errorf("eksaccess ran:\n%s", r.stdout)
			}
		})
	}
}

// TestActionCleanOutput: stdout and stderr stay apart, in the step's log
// and in the outputs, so that -o json leaves a JSON document in plan.
func TestActionCleanOutput(t *testing.T) {
	t.Parallel()
	base := releaseBase(t)
	fakeRelease(t, base, []byte(stub))
	r := runAction(t, base, "INPUT_VERSION="+actionVersion, "INPUT_FILE=access.yaml", "INPUT_ARGS=-o json", "STUB_JSON=1", "STUB_EXIT=7")
	if r.code != 7 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	plan := r.file(t, "plan")
	var doc struct{ Plans []map[string]string }
	if err := json.Unmarshal([]byte(plan), &doc); err != nil || len(doc.Plans) != 1 {
		t.Errorf("plan is not the JSON eksaccess printed: %v\n%s", err, plan)
	}
	if log := r.file(t, "log"); log != "stub plan line\n" {
		t.Errorf("log %q", log)
	}
	if strings.Contains(r.stdout, "stub plan line") || !strings.Contains(r.stderr, "stub plan line") {
		t.Errorf("eksaccess's stderr is not on the step's stderr only:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, `{"plans": [`) || strings.Contains(r.stderr, `{"plans"`) {
		t.Errorf("eksaccess's stdout is not on the step's stdout only:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	for _, want := range []string{"stdout:\n\n```\n{\"plans\"", "stderr:\n\n```\nstub plan line\n```"} {
		if !strings.Contains(r.summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.summary)
		}
	}
}

// TestActionSummaryFence: output with a code fence of its own cannot end
// the summary's code block.
func TestActionSummaryFence(t *testing.T) {
	t.Parallel()
	base := releaseBase(t)
	fakeRelease(t, base, []byte(stub))
	r := runAction(t, base, "INPUT_VERSION="+actionVersion, "INPUT_ARGS=--username x```y````z")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.summary, "stdout:\n\n`````\nstub eksaccess") {
		t.Errorf("the block's fence is not longer than the output's:\n%s", r.summary)
	}
}

// TestActionVersion: the version defaults to the action's own ref, from its
// directory (…/_actions/OWNER/REPO/REF) or github.action_ref; a ref that is
// no release installs the latest release, and says so.
func TestActionVersion(t *testing.T) {
	t.Parallel()
	base := releaseBase(t)
	fakeRelease(t, base, []byte(stub))
	mirror := filepath.Join(t.TempDir(), "mirror")
	fakeRelease(t, mirror, []byte(stub))
	actionPath := func(ref string) string {
		return "GITHUB_ACTION_PATH=/home/runner/work/_actions/eksaccess/eksaccess/" + ref
	}
	const noRelease = "is no release, so this installs the latest release"
	for _, tt := range []struct {
		name string
		base string
		env  []string
		warn string // "" for none
		fail string // "" when it installs v1.2.3 and runs it
	}{
		{"the action's directory", base, []string{actionPath("v1.2.3")}, "", ""},
		{"the action's directory on Windows", base, []string{`GITHUB_ACTION_PATH=D:\a\_actions\eksaccess\eksaccess\v1.2.3`}, "", ""},
		{"github.action_ref", base, []string{"EKSACCESS_ACTION_REF=v1.2.3"}, "", ""},
		{"the directory wins over a wrapping action's ref", base, []string{actionPath("v1.2.3"), "EKSACCESS_ACTION_REF=v9.9.9"}, "", ""},
		{"the input wins over the ref", base, []string{actionPath("main"), "INPUT_VERSION=1.2.3"}, "", ""},
		{"a branch: the latest release", base, []string{actionPath("main")}, "the action's ref 'main' " + noRelease, ""},
		{"a commit: the latest release", base, []string{"EKSACCESS_ACTION_REF=" + strings.Repeat("a1", 20)}, "the action's ref '" + strings.Repeat("a1", 20) + "' " + noRelease, ""},
		{"no ref at all (uses: ./)", base, []string{"GITHUB_ACTION_PATH=/home/runner/work/repo/repo"}, "the action's ref '(none)' " + noRelease, ""},
		{"latest, asked for", base, []string{actionPath("main"), "INPUT_VERSION=latest"}, "", ""},
		{"a major tag: its latest release", base, []string{actionPath("v1")}, "", ""},
		{"a minor tag: its latest release", base, []string{"EKSACCESS_ACTION_REF=v1.2"}, "", ""},
		{"a major tag the latest release is not", base, []string{actionPath("v2")}, "", "the action's ref is v2, but the latest release is v1.2.3: pin a v2 release with the input 'version'"},
		{"a minor tag the latest release is not", base, []string{actionPath("v1.20")}, "", "the action's ref is v1.20, but the latest release is v1.2.3"},
		{"latest from a mirror", mirror, []string{"INPUT_VERSION=latest"}, "", "input 'version' is needed with this base-url (only GitHub releases have a latest)"},
		{"not a version", base, []string{"INPUT_VERSION=main"}, "", "input 'version' must be a release such as v1.2.3 (or latest), got 'main'"},
		{"a path in the version", base, []string{"INPUT_VERSION=v1.2.3/../../x"}, "", "input 'version' must be a release such as v1.2.3 (or latest), got 'v1.2.3/../../x'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runAction(t, tt.base, tt.env...)
			if tt.fail != "" {
				if r.code != 1 || !strings.Contains(r.stderr, "eksaccess-action: "+tt.fail) || r.ran() {
					t.Errorf("exit %d, want 1 and %q, nothing run:\n%s", r.code, tt.fail, r.stderr)
				}
				return
			}
			if r.code != 0 || !r.ran() || !strings.HasSuffix(r.path, "eksaccess-"+actionVersion+"-"+runtime.GOOS+"-"+runtime.GOARCH) {
				t.Fatalf("exit %d, GITHUB_PATH %q, want v1.2.3 installed and run:\n%s", r.code, r.path, r.stderr)
			}
			warned := strings.Contains(r.stderr, "::warning title=eksaccess-action::"+tt.warn) && strings.Contains(r.summary, "Warning: "+tt.warn)
			if tt.warn != "" && !warned {
				t.Errorf("no warning %q in the log and the summary:\n%s\n%s", tt.warn, r.stderr, r.summary)
			}
			if tt.warn == "" && strings.Contains(r.stderr, noRelease) {
				t.Errorf("a warning about the version:\n%s", r.stderr)
			}
		})
	}
}

// TestActionHTTPSOnly: downloads use https only, redirects included; file://
// (a mirror on the runner) is the one other scheme.
func TestActionHTTPSOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "releases", "download")
	fakeRelease(t, base, []byte(stub))
	files := http.FileServer(http.Dir(dir))
	plain := httptest.NewServer(files)
	t.Cleanup(plain.Close)
	secure := httptest.NewTLSServer(files)
	t.Cleanup(secure.Close)
	// A mirror that sends one file to plain http.
	downgrade := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/checksums.txt") {
			http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(downgrade.Close)
	// curl trusts the test servers' certificate (the same for both).
	ca := filepath.Join(dir, "ca.pem")
	writeFile(t, ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw}))

	for _, tt := range []struct {
		name, url, fail string
	}{
		{"https", secure.URL + "/releases/download", ""},
		{"https redirected to http", downgrade.URL + "/releases/download", "cannot download " + downgrade.URL + "/releases/download/v1.2.3/checksums.txt"},
		{"http", plain.URL + "/releases/download", "input 'base-url' must be an https:// URL (or file:// for a mirror on the runner), got '" + plain.URL + "/releases/download'"},
		{"ftp", "ftp://127.0.0.1/releases", "input 'base-url' must be an https:// URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runAction(t, base, "INPUT_VERSION="+actionVersion, "INPUT_BASE_URL="+tt.url, "CURL_CA_BUNDLE="+ca)
			if tt.fail == "" {
				if r.code != 0 || !r.ran() {
					t.Errorf("exit %d, eksaccess ran: %v\n%s", r.code, r.ran(), r.stderr)
				}
				return
			}
			if r.code != 1 || !strings.Contains(r.stderr, "eksaccess-action: "+tt.fail) || r.ran() {
				t.Errorf("exit %d, want 1 and %q, nothing run:\n%s", r.code, tt.fail, r.stderr)
			}
		})
	}
}

// fakeCosign writes a cosign that records its arguments in dir/cosign.args
// and exits with code, and returns dir.
func fakeCosign(t *testing.T, code int) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "cosign"), fmt.Appendf(nil,
		"#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done >%q\necho \"fake cosign: exit %d\" >&2\nexit %d\n",
		filepath.Join(dir, "cosign.args"), code, code))
	return dir
}

// TestActionSignature: the action verifies checksums.txt's Sigstore bundle
// with cosign when the release publishes one and cosign is there, fails
// when it does not verify, and says what it verified.
func TestActionSignature(t *testing.T) {
	t.Parallel()
	signed := releaseBase(t)
	fakeRelease(t, signed, []byte(stub))
	writeFile(t, filepath.Join(signed, actionVersion, "checksums.txt.sigstore.json"), []byte(`{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}`))
	unsigned := releaseBase(t)
	fakeRelease(t, unsigned, []byte(stub))

	const (
		verified  = "verified with cosign: signed by the release workflow of github.com/eksaccess/eksaccess for tag v1.2.3"
		noCosign  = "not verified: cosign is not installed (add the step sigstore/cosign-installer before this one)"
		unpublish = "not verified: release v1.2.3 publishes no signature (checksums.txt.sigstore.json)"
	)
	for _, tt := range []struct {
		name   string
		base   string
		cosign int // -1: none on PATH
		mode   string
		fail   string // "" when eksaccess runs
		says   string // what the log and the summary say of the signature
		warned bool
	}{
		{"verified", signed, 0, "", "", verified, false},
		{"verified, required", signed, 0, "required", "", verified, false},
		{"does not verify", signed, 1, "", "the signature of v1.2.3's checksums.txt does not verify", "", false},
		{"no cosign", signed, -1, "auto", "", noCosign, true},
		{"no cosign, required", signed, -1, "required", "checksums.txt's signature is " + noCosign + ", and verify-signature is required", "", false},
		{"no signature", unsigned, 0, "", "", unpublish, true},
		{"no signature, required", unsigned, 0, "required", "checksums.txt's signature is " + unpublish + ", and verify-signature is required", "", false},
		{"a bad mode", signed, 0, "yes", "input 'verify-signature' must be auto or required, got 'yes'", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := actionEnv{base: tt.base, env: []string{"INPUT_VERSION=" + actionVersion, "INPUT_VERIFY_SIGNATURE=" + tt.mode}}
			if tt.cosign >= 0 {
				e.bin = fakeCosign(t, tt.cosign)
			}
			r := runActionIn(t, e)
			if tt.fail != "" {
				if r.code != 1 || !strings.Contains(r.stderr, "eksaccess-action: "+tt.fail) || r.ran() {
					t.Errorf("exit %d, want 1 and %q, nothing run:\n%s", r.code, tt.fail, r.stderr)
				}
				if !strings.Contains(r.summary, "the action failed") {
					t.Errorf("summary %q", r.summary)
				}
				return
			}
			if r.code != 0 || !r.ran() {
				t.Fatalf("exit %d, ran %v\n%s", r.code, r.ran(), r.stderr)
			}
			if !strings.Contains(r.stderr, "checksums.txt's signature: "+tt.says) || !strings.Contains(r.summary, "its signature: "+tt.says) {
				t.Errorf("the log and the summary do not say %q:\n%s\n%s", tt.says, r.stderr, r.summary)
			}
			if got := strings.Contains(r.stderr, "::warning title=eksaccess-action::checksums.txt's signature is not verified"); got != tt.warned {
				t.Errorf("warned %v, want %v:\n%s", got, tt.warned, r.stderr)
			}
			if tt.says != verified {
				return
			}
			// What cosign was asked to check: the bundle, checksums.txt, and
			// the signer: this repository's release workflow at this tag.
			raw, err := os.ReadFile(filepath.Join(e.bin, "cosign.args"))
			if err != nil {
				t.Fatal(err)
			}
			args := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
			dir := filepath.Join(filepath.Dir(r.outputs["plan"]), "..", "eksaccess-"+actionVersion+"-"+runtime.GOOS+"-"+runtime.GOARCH)
			dir = filepath.Clean(dir)
			want := []string{"verify-blob", "--bundle", dir + "/checksums.txt.sigstore.json",
				"--certificate-identity-regexp", `^https://github\.com/eksaccess/eksaccess/\.github/workflows/[^@]+@refs/tags/v1\.2\.3$`,
				"--certificate-oidc-issuer", "https://token.actions.githubusercontent.com", dir + "/checksums.txt"}
			if !slices.Equal(args, want) {
				t.Errorf("cosign %q\nwant   %q", args, want)
			}
			re := regexp.MustCompile(args[4]) // cosign's regexps are Go's
			for id, match := range map[string]bool{
				"https://github.com/eksaccess/eksaccess/.github/workflows/release.yml@refs/tags/v1.2.3":  true,
				"https://github.com/eksaccess/eksaccess/.github/workflows/release.yml@refs/tags/v1.2.30": false,
				"https://github.com/eksaccess/eksaccess/.github/workflows/release.yml@refs/heads/main":   false,
				"https://github.com/fork/eksaccess/.github/workflows/release.yml@refs/tags/v1.2.3":       false,
				"https://github.com/eksaccessXeksaccess/.github/workflows/release.yml@refs/tags/v1.2.3":  false,
			} {
				if re.MatchString(id) != match {
					t.Errorf("identity %s: match %v, want %v", id, !match, match)
				}
			}
		})
	}
}

// TestActionSignerFollowsBaseURL: releases from another GitHub repository
// (a fork's) are checked against that repository's release workflow.
func TestActionSignerFollowsBaseURL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := filepath.Join(dir, "releases", "download")
	fakeRelease(t, base, []byte(stub))
	writeFile(t, filepath.Join(base, actionVersion, "checksums.txt.sigstore.json"), []byte("{}"))
	srv := httptest.NewUnstartedServer(http.StripPrefix("/fork/eks.access", http.FileServer(http.Dir(dir))))
	cert, certPEM := selfSignedFor(t, "github.com")
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(dir, "ca.pem")
	writeFile(t, ca, certPEM)
	// github.com is this server: curl's connect-to sends it there.
	curlrc := filepath.Join(dir, ".curlrc")
	writeFile(t, curlrc, []byte("connect-to = github.com:443:"+strings.TrimPrefix(srv.URL, "https://")+"\n"))
	bin := fakeCosign(t, 0)
	r := runActionIn(t, actionEnv{base: base, bin: bin, env: []string{
		"INPUT_VERSION=" + actionVersion, "INPUT_BASE_URL=https://github.com/fork/eks.access/releases/download",
		"CURL_CA_BUNDLE=" + ca, "CURL_HOME=" + dir}})
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	raw, err := os.ReadFile(filepath.Join(bin, "cosign.args"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `^https://github\.com/fork/eks\.access/\.github/workflows/[^@]+@refs/tags/v1\.2\.3$`; !strings.Contains(string(raw), want+"\n") {
		t.Errorf("cosign args lack %s:\n%s", want, raw)
	}
}

// TestActionRefuses: the action runs nothing it has not verified.
func TestActionRefuses(t *testing.T) {
	t.Parallel()
	good := releaseBase(t)
	fakeRelease(t, good, []byte(stub))

	tampered := releaseBase(t)
	name := fakeRelease(t, tampered, []byte(stub))
	writeFile(t, filepath.Join(tampered, actionVersion, name), []byte("not the archive"))

	unlisted := releaseBase(t)
	fakeRelease(t, unlisted, []byte(stub))
	writeFile(t, filepath.Join(unlisted, actionVersion, "checksums.txt"), []byte(strings.Repeat("0", 64)+"  other.tar.gz\n"))

	for _, tt := range []struct {
		name, base, want string
		env              []string
	}{
		{"no such release", good, "cannot download file://" + filepath.ToSlash(good) + "/v9.9.9/checksums.txt", []string{"INPUT_VERSION=v9.9.9"}},
		{"tampered archive", tampered, "checksum mismatch for " + name, []string{"INPUT_VERSION=" + actionVersion}},
		{"archive not in checksums.txt", unlisted, "checksums.txt of v1.2.3 does not list " + name, []string{"INPUT_VERSION=" + actionVersion}},
		{"unknown arch", good, "no eksaccess release for the architecture 'S390X'", []string{"INPUT_VERSION=" + actionVersion, "RUNNER_ARCH=S390X"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runAction(t, tt.base, tt.env...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			if !strings.Contains(r.stderr, "eksaccess-action: "+tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
			if r.ran() {
				t.Errorf("the unverified eksaccess ran:\n%s", r.stdout)
			}
			if !strings.Contains(r.summary, "the action failed") || len(r.outputs) > 0 {
				t.Errorf("summary %q, outputs %v", r.summary, r.outputs)
			}
		})
	}
}

// TestActionEndToEnd installs a real eksaccess (this test binary, which
// runs as eksaccess under that name) and runs it against an emulator.
func TestActionEndToEnd(t *testing.T) {
	t.Parallel()
	self, err := exec.LookPath("eksaccess")
	if err != nil {
		t.Skip("no eksaccess on PATH (TestMain puts one there)")
	}
	binary, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	base := releaseBase(t)
	fakeRelease(t, base, binary)
	ws := t.TempDir()
	writeFile(t, filepath.Join(ws, "access.yaml"), []byte(`apiVersion: eksaccess/v1
kind: AccessConfig
clusters: [{name: prod}]
entries:
  - principalArn: arn:aws:iam::111122223333:role/deployer
    kubernetesGroups: [deployers, admins]
`))

	srv := emulator.New(emulator.Options{})
	srv.AddCluster("prod", "API_AND_CONFIG_MAP")
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	aws := []string{
		"AWS_ENDPOINT_URL=" + hs.URL, "AWS_REGION=us-west-2", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_CONFIG_FILE=" + filepath.Join(base, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(base, "none"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "INPUT_VERSION=1.2.3",
	}
	role := "--principal arn:aws:iam::111122223333:role/deployer"
	steps := []struct {
		name    string
		env     []string
		code    int
		result  string
		summary string
	}{
		{"create", []string{"AWS_ACCESS_KEY_ID=ci", "INPUT_COMMAND=create", "INPUT_CLUSTER=prod", "INPUT_ARGS=" + role + " --group deployers --if-not-exists"},
			0, "ok", "Success"},
		{"create again, different", []string{"AWS_ACCESS_KEY_ID=ci", "INPUT_COMMAND=create", "INPUT_CLUSTER=prod", "INPUT_ARGS=" + role + " --group admins --if-not-exists"},
			4, "conflict", `groups: want ["admins"], have ["deployers"]`},
		{"denied", []string{"AWS_ACCESS_KEY_ID=DENIED", "INPUT_COMMAND=list", "INPUT_CLUSTER=prod"},
			5, "credentials", "is not authorized to perform: eks:ListAccessEntries"},
		{"list", []string{"AWS_ACCESS_KEY_ID=ci", "INPUT_COMMAND=list", "INPUT_CLUSTER=prod", "INPUT_ARGS=-o text"},
			0, "ok", "arn:aws:iam::111122223333:role/deployer"},
		{"policy list", []string{"AWS_ACCESS_KEY_ID=ci", "INPUT_COMMAND=policy list", "INPUT_ARGS=-o text"},
			0, "ok", "AmazonEKSViewPolicy"},
		{"diff -o json", []string{"AWS_ACCESS_KEY_ID=ci", "INPUT_COMMAND=diff", "INPUT_FILE=access.yaml", "INPUT_ARGS=-o json"},
			7, "drift", "~ arn:aws:iam::111122223333:role/deployer"},
	}
	var last actionRun
	for _, s := range steps {
		last = runActionIn(t, actionEnv{base: base, workspace: ws, env: append(aws, s.env...)})
		if last.code != s.code || last.outputs["result"] != s.result || !strings.Contains(last.summary, s.summary) {
			t.Errorf("%s: exit %d, result %q, want %d %s and a summary with %q:\n%s\n%s", s.name, last.code, last.outputs["result"], s.code, s.result, s.summary, last.summary, last.stderr)
		}
	}
	// diff -o json: the plan output is eksaccess's JSON document, the text
	// plan is in the log.
	var doc struct {
		Plans []struct{ Cluster string }
	}
	if plan := last.file(t, "plan"); json.Unmarshal([]byte(plan), &doc) != nil || len(doc.Plans) != 1 || doc.Plans[0].Cluster != "prod" {
		t.Errorf("plan output is not diff's JSON:\n%s", plan)
	}
	if log := last.file(t, "log"); !strings.Contains(log, "~ arn:aws:iam::111122223333:role/deployer") {
		t.Errorf("log output lacks the text plan:\n%s", log)
	}
	if got := len(srv.Requests()); got == 0 {
		t.Error("no request reached the emulator")
	}
}

// TestActionYAML: action.yml hands every input to scripts/action.sh as
// INPUT_<NAME>, which the script reads, and each output is one the script
// writes.
func TestActionYAML(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Required bool
			Default  string
		}
		Outputs map[string]struct{ Value string }
		Runs    struct {
			Using string
			Steps []struct {
				ID  string
				Run string
				Env map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(raw, &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if len(action.Inputs) == 0 || len(action.Outputs) == 0 {
		t.Fatalf("action.yml: no inputs or no outputs read: %+v", action)
	}
	if action.Runs.Using != "composite" || len(action.Runs.Steps) != 1 {
		t.Fatalf("runs: %+v", action.Runs)
	}
	step := action.Runs.Steps[0]
	if !strings.Contains(step.Run, "scripts/action.sh") {
		t.Errorf("the step runs %q, not scripts/action.sh", step.Run)
	}
	if v := action.Inputs["version"]; v.Required || v.Default != "" {
		t.Errorf("input version: %+v, want optional, the action's own ref by default", v)
	}
	// The action's ref, for the default version.
	if got, want := step.Env["EKSACCESS_ACTION_REF"], "${{ github.action_ref }}"; got != want {
		t.Errorf("env EKSACCESS_ACTION_REF = %q, want %q", got, want)
	}
	delete(step.Env, "EKSACCESS_ACTION_REF")
	for name := range action.Inputs {
		env := "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if got, want := step.Env[env], "${{ inputs."+name+" }}"; got != want {
			t.Errorf("env %s = %q, want %q", env, got, want)
		}
		if !strings.Contains(string(script), "${"+env) {
			t.Errorf("scripts/action.sh does not read %s", env)
		}
		delete(step.Env, env)
	}
	for env := range step.Env {
		t.Errorf("env %s is no input", env)
	}
	for name, o := range action.Outputs {
		if want := "${{ steps." + step.ID + ".outputs." + name + " }}"; o.Value != want {
			t.Errorf("output %s = %q, want %q", name, o.Value, want)
		}
		if !strings.Contains(string(script), `echo "`+name+`=`) {
			t.Errorf("scripts/action.sh does not write the output %s", name)
		}
	}
}

// TestActionGoreleaserSigns: the release signs checksums.txt into the
// Sigstore bundle the action downloads, keyless (no key to leak): cosign
// sign-blob --bundle.
func TestActionGoreleaserSigns(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Checksum struct {
			NameTemplate string `yaml:"name_template"` //nolint:tagliatelle // goreleaser's own key
		}
		Signs []struct {
			Cmd, Signature, Artifacts string
			Args                      []string
		}
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Checksum.NameTemplate != "checksums.txt" || len(cfg.Signs) != 1 {
		t.Fatalf("checksum %q, signs %+v", cfg.Checksum.NameTemplate, cfg.Signs)
	}
	sign := cfg.Signs[0]
	if sign.Cmd != "cosign" || sign.Artifacts != "checksum" || sign.Signature != "${artifact}.sigstore.json" {
		t.Errorf("signs: %+v, want cosign signing the checksum into ${artifact}.sigstore.json", sign)
	}
	for _, a := range sign.Args {
		if strings.Contains(a, "--key") {
			t.Errorf("signs: %q: keyless signing has no key", a)
		}
	}
	for _, want := range []string{"sign-blob", "--bundle=${signature}", "${artifact}", "--yes"} {
		if !slices.Contains(sign.Args, want) {
			t.Errorf("signs args %q lack %q", sign.Args, want)
		}
	}
	if !strings.Contains(string(script), "bundle=checksums.txt.sigstore.json\n") {
		t.Error("scripts/action.sh does not download checksums.txt.sigstore.json")
	}
}

// selfSignedFor is a TLS certificate for host, and its PEM for curl.
func selfSignedFor(t *testing.T, host string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: host},
		DNSNames:              []string{host},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// TestReleaseWorkflowCanSign: the release workflow may mint the OIDC token
// cosign's keyless signature needs, installs cosign, runs the goreleaser
// the Makefile pins, and is the workflow whose identity the action checks
// (.github/workflows/..., at a v* tag). Without id-token: write, the sign
// step of a real release fails.
func TestReleaseWorkflowCanSign(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "release.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On struct {
			Push struct{ Tags []string }
		}
		Permissions map[string]string
		Jobs        map[string]struct {
			Steps []struct {
				Uses string
				With map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	if wf.Permissions["id-token"] != "write" || wf.Permissions["contents"] != "write" {
		t.Errorf("permissions %v: want id-token: write and contents: write", wf.Permissions)
	}
	if !slices.Contains(wf.On.Push.Tags, "v*.*.*") {
		t.Errorf("runs on tags %v, want v*.*.*", wf.On.Push.Tags)
	}
	makefile, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`(?m)^GORELEASER_VERSION := (\S+)$`).FindSubmatch(makefile)
	if pinned == nil {
		t.Fatal("no GORELEASER_VERSION in the Makefile")
	}
	var cosign, goreleaser bool
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			switch {
			case strings.HasPrefix(s.Uses, "sigstore/cosign-installer@"):
				cosign = true
			case strings.HasPrefix(s.Uses, "goreleaser/goreleaser-action@"):
				goreleaser = true
				if s.With["version"] != string(pinned[1]) {
					t.Errorf("goreleaser-action runs %q, the Makefile pins %s", s.With["version"], pinned[1])
				}
			}
		}
	}
	if !cosign || !goreleaser {
		t.Errorf("cosign installed %v, goreleaser run %v: want both", cosign, goreleaser)
	}
}
