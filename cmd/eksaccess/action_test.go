package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

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

// fakeRelease writes base/v1.2.3/{archive, checksums.txt} as goreleaser
// names them, the archive holding eksaccess with the given content, and
// returns the archive's name.
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
	dir := filepath.Join(base, actionVersion)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	sums := fmt.Sprintf("%s  eksaccess_1.2.3_windows_amd64.zip\n%s  %s\n", strings.Repeat("0", 64), hex.EncodeToString(sum[:]), name)
	if err := os.WriteFile(filepath.Join(dir, "checksums.txt"), []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// actionRun is one run of scripts/action.sh.
type actionRun struct {
	code    int
	stderr  string
	summary string
	outputs map[string]string
	path    string // what it added to GITHUB_PATH
}

func runAction(t *testing.T, base string, env ...string) actionRun {
	t.Helper()
	osName, arch := runnerOSArch(t)
	tmp := t.TempDir()
	files := map[string]string{}
	for _, f := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH"} {
		files[f] = filepath.Join(tmp, f)
	}
	cmd := exec.CommandContext(t.Context(), "bash", filepath.Join("..", "..", "scripts", "action.sh"))
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + tmp,
		"RUNNER_OS=" + osName,
		"RUNNER_ARCH=" + arch,
		"RUNNER_TEMP=" + tmp,
		"GITHUB_OUTPUT=" + files["GITHUB_OUTPUT"],
		"GITHUB_STEP_SUMMARY=" + files["GITHUB_STEP_SUMMARY"],
		"GITHUB_PATH=" + files["GITHUB_PATH"],
		"INPUT_BASE_URL=file://" + filepath.ToSlash(base),
	}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	err := cmd.Run()
	r := actionRun{stderr: stderr.String(), outputs: map[string]string{}}
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

// stub is an eksaccess that prints its arguments and exits $STUB_EXIT: it
// isolates the action's mapping of exit codes from the commands.
const stub = "#!/bin/sh\necho \"stub eksaccess $*\"\necho \"stub plan line\" >&2\nexit \"${STUB_EXIT:-0}\"\n"

// TestActionExitCodes: each exit code becomes its output and its summary,
// and is the step's own exit code.
func TestActionExitCodes(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	fakeRelease(t, base, []byte(stub))
	for _, tt := range []struct {
		code    int
		command string
		result  string
		meaning string
	}{
		{0, "diff", "in-sync", "the cluster matches"},
		{0, "apply", "ok", "the change was applied"},
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
			wantArgs := "stub eksaccess " + tt.command + " -f access.yaml --cluster prod --region eu-west-1 --prune"
			for _, want := range []string{wantArgs, "stub plan line"} {
				if !strings.Contains(r.summary, want) {
					t.Errorf("summary lacks the output line %q:\n%s", want, r.summary)
				}
			}
			if plan, err := os.ReadFile(r.outputs["plan"]); err != nil || !strings.Contains(string(plan), wantArgs) {
				t.Errorf("plan output %q: %q, %v", r.outputs["plan"], plan, err)
			}
			if !strings.Contains(r.path, "eksaccess-"+actionVersion) {
				t.Errorf("GITHUB_PATH %q", r.path)
			}
		})
	}
}

// TestActionRefuses: the action runs nothing it has not verified.
func TestActionRefuses(t *testing.T) {
	t.Parallel()
	good := t.TempDir()
	fakeRelease(t, good, []byte(stub))

	tampered := t.TempDir()
	name := fakeRelease(t, tampered, []byte(stub))
	if err := os.WriteFile(filepath.Join(tampered, actionVersion, name), []byte("not the archive"), 0o644); err != nil {
		t.Fatal(err)
	}

	unlisted := t.TempDir()
	fakeRelease(t, unlisted, []byte(stub))
	if err := os.WriteFile(filepath.Join(unlisted, actionVersion, "checksums.txt"), []byte(strings.Repeat("0", 64)+"  other.tar.gz\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name, base, want string
		env              []string
	}{
		{"no version", good, "input 'version' is required", nil},
		{"not a version", good, "input 'version' must be a release such as v1.2.3, got 'latest'", []string{"INPUT_VERSION=latest"}},
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
			if strings.Contains(r.stderr, "stub eksaccess") {
				t.Errorf("the unverified eksaccess ran:\n%s", r.stderr)
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
	base := t.TempDir()
	fakeRelease(t, base, binary)

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
	}
	for _, s := range steps {
		r := runAction(t, base, append(aws, s.env...)...)
		if r.code != s.code || r.outputs["result"] != s.result || !strings.Contains(r.summary, s.summary) {
			t.Errorf("%s: exit %d, result %q, want %d %s and a summary with %q:\n%s\n%s", s.name, r.code, r.outputs["result"], s.code, s.result, s.summary, r.summary, r.stderr)
		}
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
		Inputs  map[string]struct{ Required bool }
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
	if !action.Inputs["version"].Required {
		t.Error("input version is not required: releases must be pinned")
	}
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
