//go:build unix

package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalExitCodes runs the binary against an EKS endpoint that never
// answers and signals it while it waits: SIGTERM (a CI runner cancelling
// the job) exits 143, SIGINT (Ctrl-C) 130, each saying so on stderr.
func TestSignalExitCodes(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("eksaccess") // installed by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		word string
	}{
		{syscall.SIGTERM, 143, "terminated"},
		{syscall.SIGINT, 130, "interrupted"},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			t.Parallel()
			arrived := make(chan struct{}, 1)
			release := make(chan struct{})
			hs := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				select {
				case arrived <- struct{}{}:
				default:
				}
				select { // hang until the client gives up or the test ends
				case <-release:
				case <-r.Context().Done():
				}
			}))
			t.Cleanup(hs.Close)
			t.Cleanup(func() { close(release) }) // runs first: Close waits for the handler

			dir := t.TempDir()
			cmd := exec.CommandContext(t.Context(), bin, "list", "--cluster", "demo", "--timeout", "1m")
			cmd.Env = []string{
				"PATH=" + os.Getenv("PATH"),
				"HOME=" + dir,
				"AWS_ENDPOINT_URL=" + hs.URL,
				"AWS_REGION=us-west-2",
				"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
				"AWS_SECRET_ACCESS_KEY=secret",
				"AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
				"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
				"AWS_EC2_METADATA_DISABLED=true",
				"AWS_MAX_ATTEMPTS=1",
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-arrived:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("no request reached the endpoint")
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("wait: %v (stderr %q)", err, stderr.String())
			}
			if got := ee.ExitCode(); got != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", got, tc.code, stderr.String())
			}
			if !strings.HasPrefix(stderr.String(), "eksaccess: "+tc.word+": ") {
				t.Errorf("stderr = %q, want it to begin with %q", stderr.String(), "eksaccess: "+tc.word+": ")
			}
		})
	}
}
