//go:build !windows

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// startUpDocs must each hold a shell block that starts eks-emulator; every
// other Markdown file of the README and docs/ is searched too.
var startUpDocs = []string{
	"README.md",
	filepath.Join("docs", "guides", "emulator.md"),
	filepath.Join("docs", "guides", "emulator-in-ci.md"),
}

// TestDocsStartUp runs, as a bash script each (bash -e, as a CI step
// does), every ```sh block of README.md and docs/ that starts eks-emulator, with
// eks-emulator and eksaccess on PATH (see TestMain): the start-up a reader
// pastes must work as written. A block must start the emulator with
// --background (eval "$(eks-emulator --background ...)"): an
// `eks-emulator ... &` followed by a read of its --url-file races it, and
// the calls went to AWS. Nothing else can reach AWS here either: the
// environment holds no AWS_ variable, and a proxy that refuses every
// connection stands for the network (the emulator, on loopback, is
// exempt). `go install` lines are not run; `aws` lines run when an AWS
// CLI that knows access entries is installed.
func TestDocsStartUp(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	awsCLI := exec.CommandContext(t.Context(), "aws", "eks", "create-access-entry", "--generate-cli-skeleton").Run() == nil
	repo := filepath.Join("..", "..")
	docs := []string{"README.md"}
	err := filepath.WalkDir(filepath.Join(repo, "docs"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			rel, _ := filepath.Rel(repo, path)
			docs = append(docs, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, doc := range docs {
		md, err := os.ReadFile(filepath.Join(repo, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range startUpBlocks(string(md)) {
			found[doc] = true
			t.Run(fmt.Sprintf("%s:%d", filepath.Base(doc), b.line), func(t *testing.T) {
				t.Parallel()
				runStartUpBlock(t, b, awsCLI)
			})
		}
	}
	for _, doc := range startUpDocs {
		if !found[doc] {
			t.Errorf("%s has no shell block that starts the emulator", doc)
		}
	}
}

// shellBlock is a fenced sh block of a document.
type shellBlock struct {
	line  int // the line of its first command
	lines []string
}

// startUpBlocks returns the sh blocks of md that run eks-emulator to start
// it (not --help or --version).
func startUpBlocks(md string) []shellBlock {
	var out []shellBlock
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```sh" {
			continue
		}
		b := shellBlock{line: i + 2}
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			b.lines = append(b.lines, lines[i])
		}
		for _, l := range b.lines {
			if startsEmulator(l) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// startsEmulator reports whether a shell line runs eks-emulator to serve.
func startsEmulator(line string) bool {
	i := strings.Index(line, "eks-emulator ")
	if i < 0 || strings.HasPrefix(strings.TrimSpace(line), "#") || strings.Contains(line, "go install") {
		return false
	}
	rest := line[i:]
	return !strings.Contains(rest, "--help") && !strings.Contains(rest, "--version")
}

func runStartUpBlock(t *testing.T, b shellBlock, awsCLI bool) {
	dir := t.TempDir()
	var script strings.Builder
	for _, l := range b.lines {
		trimmed := strings.TrimSpace(l)
		switch {
		case startsEmulator(l) && (!strings.Contains(l, "--background") || !strings.HasPrefix(trimmed, `eval "$(eks-emulator `)):
			t.Errorf("%q: start the emulator with eval \"$(eks-emulator --background ...)\": anything else races it", trimmed)
		case strings.HasPrefix(trimmed, "go install "):
			l = "# not run: " + l
		case strings.HasPrefix(trimmed, "aws ") && !awsCLI:
			t.Logf("not run, no AWS CLI that knows access entries: %s", trimmed)
			l = "# not run: " + l
		}
		script.WriteString(l + "\n")
	}
	name := filepath.Join(dir, "block.sh")
	if err := os.WriteFile(name, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "bash", "-e", name)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(),
		"HOME="+home,
		"AWS_CONFIG_FILE="+filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"),
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost",
		"https_proxy=http://127.0.0.1:9", "http_proxy=http://127.0.0.1:9", "no_proxy=127.0.0.1,localhost",
		"GITHUB_ENV="+filepath.Join(dir, "github-env"),
	)
	// Files, not pipes: a process the block leaves running (an emulator
	// started with &) would hold a pipe open, and the test would wait for
	// it. A process group of its own, killed at the end, stops those.
	stdout, stderr := outputFile(t, dir, "stdout"), outputFile(t, dir, "stderr")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err := cmd.Run()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	out, errOut := readFile(t, stdout.Name()), readFile(t, stderr.Name())
	if pidRE.MatchString(errOut) {
		stopLater(t, errOut)
	}
	if err != nil {
		t.Fatalf("the block failed: %v\n%s\nstdout:\n%s\nstderr:\n%s", err, script.String(), out, errOut)
	}
	if !strings.Contains(errOut, "eks-emulator: listening on http://127.0.0.1:") {
		t.Errorf("the emulator did not start:\n%s", errOut)
	}
}

func outputFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
