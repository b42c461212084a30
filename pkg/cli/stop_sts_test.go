package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// TestStopDuringSTSHasNoSTSHint: Ctrl-C while the lockout guard waits for
// STS (who am I?) says "interrupted", exit 130, without the hint about
// where STS calls go: nothing went wrong with STS. (The review found
// delete, create and apply printing it.)
func TestStopDuringSTSHasNoSTSHint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args func(t *testing.T) []string
	}{
		{"delete", func(*testing.T) []string {
			return []string{"delete", "--cluster", "demo", "--principal", devRole, "--yes"}
		}},
		{"create", func(*testing.T) []string {
			return []string{"create", "--cluster", "demo", "--principal", "arn:aws:iam::111122223333:role/new", "--policy", "AmazonEKSViewPolicy"}
		}},
		{"whoami", func(*testing.T) []string {
			return []string{"whoami", "--cluster", "demo"}
		}},
		{"apply", func(t *testing.T) []string {
			file := writeFile(t, "access.yaml", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\nentries:\n  - principalArn: arn:aws:iam::111122223333:role/ops\n")
			return []string{"apply", "-f", file, "--yes"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var once sync.Once
			testDone := make(chan struct{})
			td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					body, _ := io.ReadAll(r.Body)
					r.Body = io.NopCloser(bytes.NewReader(body))
					if bytes.Contains(body, []byte("Action=GetCallerIdentity")) {
						// STS is asked: Ctrl-C now; it never answers.
						once.Do(cancel)
						select {
						case <-r.Context().Done():
						case <-testDone:
						}
						return
					}
					next.ServeHTTP(w, r)
				})
			})
			t.Cleanup(func() { close(testDone) }) // before the server's Close
			seedEntry(t, td, devRole)
			g := &globalOptions{}
			code := execute(ctx, newRootCmd(td.Deps, g, BuildInfo{}), g, tc.args(t), td.IO)
			if code != cmdutil.ExitInterrupted {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, cmdutil.ExitInterrupted, td.errOut)
			}
			stderr := td.errOut.String()
			if !strings.Contains(stderr, "eksaccess: interrupted") {
				t.Errorf("stderr %q does not say interrupted", stderr)
			}
			if strings.Contains(stderr, "STS") {
				t.Errorf("stderr has the STS hint:\n%s", stderr)
			}
		})
	}
}
