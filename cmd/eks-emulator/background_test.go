//go:build !windows

package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBackground: eks-emulator --background returns once the emulator
// listens, so the first request after it is answered, with no wait and no
// retry; what it prints, evaluated by a shell, points AWS clients at it.
func TestBackground(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "emulator.log")
	stdout, stderr, code := runProcess(t, nil, "eks-emulator", "--background", "--cluster", "prod", "--log", "--log-file", logFile)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	pid := stopLater(t, stderr)
	env := evalEnv(t, stdout, nil)
	url := env["AWS_ENDPOINT_URL"]
	if !strings.HasPrefix(url, "http://127.0.0.1:") || env["AWS_ENDPOINT_URL_EKS"] != url || env["AWS_ENDPOINT_URL_STS"] != url {
		t.Fatalf("endpoints %v", env)
	}
	if env["EKS_EMULATOR_PID"] != strconv.Itoa(pid) || env["AWS_ACCESS_KEY_ID"] != "test" || env["AWS_REGION"] != "us-west-2" ||
		env["AWS_DEFAULT_REGION"] != "us-west-2" || env["AWS_EC2_METADATA_DISABLED"] != "true" {
		t.Errorf("environment %v (pid %d)", env, pid)
	}

	resp, err := signedGet(t.Context(), url+"/clusters/prod")
	if err != nil {
		t.Fatalf("the first request after --background returned: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("DescribeCluster: %d", resp.StatusCode)
	}

	// It stops on SIGTERM (kill "$EKS_EMULATOR_PID"), saying so in its log.
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	log := waitForLog(t, logFile, "eks-emulator: stopped")
	for _, want := range []string{"eks-emulator: listening on " + url, "GET /clusters/prod DescribeCluster -> 200"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestBackgroundRegion: the region is --region's, else the caller's own,
// else us-west-2.
func TestBackgroundRegion(t *testing.T) {
	script := envScript("http://127.0.0.1:1", "", 1)
	for _, tt := range []struct {
		name string
		env  []string
		want string
	}{
		{name: "none", want: "us-west-2"},
		{name: "AWS_REGION", env: []string{"AWS_REGION=eu-west-1"}, want: "eu-west-1"},
		{name: "AWS_DEFAULT_REGION", env: []string{"AWS_DEFAULT_REGION=ap-south-1"}, want: "ap-south-1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := evalEnv(t, script, tt.env)
			if env["AWS_REGION"] != tt.want || env["AWS_DEFAULT_REGION"] != tt.want {
				t.Errorf("AWS_REGION %q, AWS_DEFAULT_REGION %q, want %q", env["AWS_REGION"], env["AWS_DEFAULT_REGION"], tt.want)
			}
		})
	}
	env := evalEnv(t, envScript("http://127.0.0.1:1", "eu-central-1", 1), []string{"AWS_REGION=eu-west-1", "AWS_SESSION_TOKEN=real"})
	if env["AWS_REGION"] != "eu-central-1" || env["AWS_DEFAULT_REGION"] != "eu-central-1" {
		t.Errorf("--region eu-central-1: %v", env)
	}
	if _, ok := env["AWS_SESSION_TOKEN"]; ok {
		t.Error("the caller's session token is kept")
	}
}

// TestBackgroundFailure: when --background cannot start the emulator, it
// exits non-zero, and what it prints makes eval fail and points the
// endpoints nowhere: a set -e script stops, a script without it sends
// nothing to AWS.
func TestBackgroundFailure(t *testing.T) {
	busy, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = busy.Close() }()
	tests := []struct {
		name       string
		args       []string
		env        []string
		code       int
		wantStderr string
	}{
		{name: "address in use", args: []string{"--background", "--addr", busy.Addr().String()}, code: 1, wantStderr: "address already in use"},
		{name: "bad flag", args: []string{"--background", "--clustr", "prod"}, code: 2, wantStderr: "flag provided but not defined: -clustr"},
		{name: "bad flag before --background", args: []string{"--cluster", "my.cluster", "-background=true"}, code: 2, wantStderr: `invalid cluster name "my.cluster"`},
		{name: "from the environment", args: []string{"--addr", "0.0.0.0:1"}, env: []string{"EKS_EMULATOR_BACKGROUND=true"}, code: 2, wantStderr: "not a loopback address"},
		{name: "log file", args: []string{"--background", "--log-file", filepath.Join(t.TempDir(), "no", "such", "dir")}, code: 1, wantStderr: "--log-file: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runProcess(t, tt.env, "eks-emulator", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, tt.code, tt.wantStderr)
			}
			// set -e: the script stops at the eval.
			out, err := exec.CommandContext(t.Context(), "bash", "-e", "-c", `eval "$1"; echo went on`, "bash", stdout).CombinedOutput()
			if err == nil || strings.Contains(string(out), "went on") {
				t.Errorf("set -e script went on after a failed start: %v %s", err, out)
			}
			// Without it, the endpoints lead nowhere.
			env := evalEnv(t, stdout, []string{"AWS_ENDPOINT_URL=https://eks.us-west-2.amazonaws.com"})
			for _, v := range endpointVars {
				if env[v] != unreachable {
					t.Errorf("%s=%q after a failed start", v, env[v])
				}
			}
		})
	}
	t.Run("not background", func(t *testing.T) {
		stdout, _, code := runProcess(t, nil, "eks-emulator", "--clustr", "prod")
		if code != 2 || stdout != "" {
			t.Errorf("exit %d, stdout %q", code, stdout)
		}
	})
}

// TestWriteFileAtomic: the URL file is never seen empty or partial: until
// the rename, the name holds nothing (or the previous content), and the
// content is whole before it gets the name.
func TestWriteFileAtomic(t *testing.T) {
	name := filepath.Join(t.TempDir(), "url")
	called := false
	err := writeFileAtomic(name, "http://127.0.0.1:1234\n", func(tmp string) {
		called = true
		if _, err := os.Stat(name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the file exists before the rename: %v", err)
		}
		if b, err := os.ReadFile(tmp); err != nil || string(b) != "http://127.0.0.1:1234\n" {
			t.Errorf("temporary file %q, %v", b, err)
		}
	})
	if err != nil || !called {
		t.Fatalf("%v, hook called %v", err, called)
	}
	if b, err := os.ReadFile(name); err != nil || string(b) != "http://127.0.0.1:1234\n" {
		t.Errorf("file %q, %v", b, err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(name), ".eks-emulator-url-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// runProcess runs a command of PATH (the test binary under another name,
// see TestMain) with the AWS environment cleared.
func runProcess(t *testing.T, env []string, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Env = append(cleanEnv(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// cleanEnv is the test's environment without AWS_ and EKS_EMULATOR_
// variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, envPrefix) {
			env = append(env, kv)
		}
	}
	return env
}

// evalEnv evaluates script in bash, from the clean environment plus env,
// and returns the AWS_ and EKS_EMULATOR_ variables it leaves.
func evalEnv(t *testing.T, script string, env []string) map[string]string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "bash", "-c", `eval "$1"; env`, "bash", script)
	cmd.Env = append(cleanEnv(), env...)
	out, err := cmd.Output()
	if err != nil && !strings.Contains(script, "\nfalse\n") {
		t.Fatalf("eval: %v", err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && (strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, envPrefix)) {
			vars[k] = v
		}
	}
	return vars
}

var pidRE = regexp.MustCompile(`\(pid (\d+)\)`)

// stopLater finds the pid a --background start reported on stderr and
// stops that emulator when the test ends, should the test not have.
func stopLater(t *testing.T, stderr string) int {
	t.Helper()
	m := pidRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no pid in %q", stderr)
	}
	pid, _ := strconv.Atoi(m[1])
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	return pid
}

// waitForLog waits until the file holds want (the emulator is another
// process: its log is the event to wait for), and returns the file.
func waitForLog(t *testing.T, name, want string) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		b, _ := os.ReadFile(name)
		if strings.Contains(string(b), want) {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still lacks %q after a minute:\n%s", name, want, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
