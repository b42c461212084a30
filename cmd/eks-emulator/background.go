package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// --background starts the emulator as a process of its own and returns
// only once that process listens, printing the shell commands that point
// the AWS CLI, the SDKs and eksaccess at it:
//
//	eval "$(eks-emulator --background --cluster prod)"
//
// This is the start-up a script can use without a race: the caller cannot
// run its next command before the emulator listens, and never reads a URL
// that is not there yet (an `eks-emulator &` followed by `$(cat url-file)`
// read an empty file, and the calls went to AWS).
//
// The child is the same executable with the same arguments, told by
// readyEnv to report on its stdout, a pipe to the parent: one line,
// "listening URL" once it listens or "error MESSAGE" if it cannot. The
// parent then exits; the child's end of the pipe is left without a reader
// and the child never writes to it again (its log goes to --log-file).

// readyEnv marks the background child. It does not start with envPrefix,
// so no flag reads it.
const readyEnv = "_EKS_EMULATOR_BACKGROUND_CHILD"

// unreachable is where the failure output points the endpoints: a name
// under .invalid never resolves (RFC 2606), so a script that goes on
// after a failed start sends its calls nowhere rather than to AWS.
const unreachable = "http://eks-emulator-did-not-start.invalid"

// endpointVars are the variables the environment output sets to the URL:
// AWS_ENDPOINT_URL sends every service there (EKS, and STS, which
// eksaccess asks who the caller is), the service-specific ones override
// any the caller had set, which would win over AWS_ENDPOINT_URL.
var endpointVars = []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EKS", "AWS_ENDPOINT_URL_STS"}

// startBackground runs the background child and waits until it listens.
// args are the command line, passed on unchanged.
func startBackground(ctx context.Context, cfg *config, args []string, stdout, stderr io.Writer) int {
	exe, err := os.Executable()
	if err != nil {
		return backgroundFailed(stdout, stderr, 1, fmt.Errorf("--background: cannot find the eks-emulator executable: %w", err))
	}
	logOut, err := openLog(cfg.logFile)
	if err != nil {
		return backgroundFailed(stdout, stderr, 1, fmt.Errorf("--log-file: %w", err))
	}
	defer func() { _ = logOut.Close() }()

	//nolint:noctx // the emulator outlives this process by design: no context may end it
	cmd := exec.Command(exe, args...)
	cmd.Args[0] = os.Args[0]
	cmd.Env = append(os.Environ(), readyEnv+"=1")
	cmd.Stderr = logOut
	cmd.SysProcAttr = detached()
	ready, err := cmd.StdoutPipe()
	if err != nil {
		return backgroundFailed(stdout, stderr, 1, err)
	}
	if err := cmd.Start(); err != nil {
		return backgroundFailed(stdout, stderr, 1, fmt.Errorf("--background: %w", err))
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(ready).ReadString('\n')
		lines <- strings.TrimSuffix(line, "\n")
	}()
	var line string
	select {
	case line = <-lines:
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return backgroundFailed(stdout, stderr, 1, errors.New("interrupted before the emulator listened"))
	}
	kind, rest, _ := strings.Cut(line, " ")
	switch kind {
	case "listening":
		pid := cmd.Process.Pid
		_ = cmd.Process.Release()
		fmt.Fprint(stdout, envScript(rest, cfg.opts.Region, pid))
		fmt.Fprintf(stderr, "eks-emulator: listening on %s (pid %d)\n", rest, pid)
		return 0
	case "error":
		_ = cmd.Wait()
		return backgroundFailed(stdout, stderr, 1, errors.New(rest))
	default:
		err := cmd.Wait()
		return backgroundFailed(stdout, stderr, 1, fmt.Errorf("the emulator stopped before it listened (%w)", err))
	}
}

// openLog opens where the background emulator's stderr goes: the file
// name (appended to), or nowhere.
func openLog(name string) (*os.File, error) {
	if name == "" {
		return os.Open(os.DevNull)
	}
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
}

// backgroundFailed reports err, and prints what a script evaluates in
// place of the environment: the endpoints pointed nowhere, then false, so
// that `eval "$(eks-emulator --background)"` fails (a set -e script stops
// there) and a script that goes on anyway cannot reach AWS.
func backgroundFailed(stdout, stderr io.Writer, code int, err error) int {
	if err != nil {
		fmt.Fprintf(stderr, "eks-emulator: %v\n", err)
	}
	for _, v := range endpointVars {
		fmt.Fprintf(stdout, "export %s=%s\n", v, unreachable)
	}
	fmt.Fprintln(stdout, "false")
	return code
}

// envScript is the environment for an emulator at url: POSIX shell
// commands. The region is region if given, else the caller's own
// (AWS_REGION, AWS_DEFAULT_REGION), else us-west-2; the credentials are
// throw-away ones, so that the caller's real ones never go to the
// emulator and no profile is needed.
func envScript(url, region string, pid int) string {
	var b strings.Builder
	for _, v := range endpointVars {
		fmt.Fprintf(&b, "export %s=%s\n", v, shellQuote(url))
	}
	b.WriteString("export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n")
	b.WriteString("unset AWS_SESSION_TOKEN\n")
	if region != "" {
		fmt.Fprintf(&b, "export AWS_REGION=%[1]s AWS_DEFAULT_REGION=%[1]s\n", shellQuote(region))
	} else {
		b.WriteString(`export AWS_REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-west-2}}"` + "\n")
		b.WriteString(`export AWS_DEFAULT_REGION="$AWS_REGION"` + "\n")
	}
	b.WriteString("export AWS_EC2_METADATA_DISABLED=true\n")
	fmt.Fprintf(&b, "export EKS_EMULATOR_PID=%s\n", strconv.Itoa(pid))
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isBackgroundChild reports whether this process is a background child.
func isBackgroundChild() bool { return os.Getenv(readyEnv) != "" }

// wantsBackground reports whether the command line or environment asks
// for --background, for an error found before the flags are all parsed:
// a script's eval must fail then too.
func wantsBackground(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "background" {
			if !hasValue {
				return true
			}
			b, err := strconv.ParseBool(value)
			return err != nil || b
		}
	}
	b, err := strconv.ParseBool(os.Getenv(envName("background")))
	return err == nil && b
}
