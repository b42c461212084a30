//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStdinThatNeverEnds: apply, diff and import with -f - and a stdin
// that stays open (a producer that hangs) end at --timeout with exit 1
// and a message about stdin, instead of waiting forever.
func TestStdinThatNeverEnds(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("eksaccess") // installed by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"apply":  {"apply", "-f", "-", "--yes"},
		"diff":   {"diff", "-f", "-"},
		"import": {"import", "aws-auth", "-f", "-", "--cluster", "demo"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = w.Close() }) // the write end stays open while the command runs
			dir := t.TempDir()
			cmd := exec.CommandContext(t.Context(), bin, append(args, "--timeout", "1s")...)
			cmd.Env = []string{
				"PATH=" + os.Getenv("PATH"),
				"HOME=" + dir,
				"AWS_ENDPOINT_URL=http://127.0.0.1:1", // never reached
				"AWS_REGION=us-west-2",
				"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
				"AWS_SECRET_ACCESS_KEY=secret",
				"AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
				"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
				"AWS_EC2_METADATA_DISABLED=true",
			}
			cmd.Stdin = r
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err = cmd.Run()
			_ = r.Close()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("run: %v, want exit 1 (stderr %q)", err, stderr.String())
			}
			want := "eksaccess: read -f - (stdin): no end of input before --timeout\nhint: give the file on stdin (-f - < FILE), or check that the command piping it to eksaccess ends\n"
			if got := stderr.String(); got != want {
				t.Errorf("stderr = %q, want %q", got, strings.TrimSpace(want))
			}
		})
	}
}
