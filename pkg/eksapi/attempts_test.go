package eksapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

const viewPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"

// retryingClient is a client over a fresh emulator whose SDK retryer makes
// up to attempts attempts without waiting between them.
func retryingClient(t *testing.T, attempts int) (*eksapi.Client, *emulator.Server) {
	t.Helper()
	srv, hs := emutest.Start(t, emulator.Options{})
	cfg := emutest.Config(hs.URL)
	cfg.RetryMaxAttempts = 0
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	return eksapi.NewFromConfig(cfg, ""), srv
}

func requests(srv *emulator.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// TestRemovalAppliedBeforeARetry: a delete or disassociate whose first
// attempt took effect but failed retryably (5xx, reset connection) is a
// success, though the SDK's retry answers 404. A plain 404, or one without
// an earlier failure, is still not found, and a failure that is not
// retried is still an error.
func TestRemovalAppliedBeforeARetry(t *testing.T) {
	t.Parallel()
	dev := "arn:aws:iam::111122223333:role/dev"
	deleteEntry := func(ctx context.Context, c *eksapi.Client, p access.PrincipalARN) error {
		return c.DeleteEntry(ctx, "demo", p)
	}
	disassociate := func(ctx context.Context, c *eksapi.Client, p access.PrincipalARN) error {
		return c.DisassociatePolicy(ctx, "demo", p, viewPolicy)
	}
	cases := []struct {
		name     string
		op       string
		call     func(context.Context, *eksapi.Client, access.PrincipalARN) error
		attempts int
		fault    func(srv *emulator.Server, op string)
		noEntry  bool
		wantErr  error // nil: success
		wantSent int
		wantGone bool
	}{
		{name: "delete: 500 after applying", op: "DeleteAccessEntry", call: deleteEntry, attempts: 3,
			fault: func(s *emulator.Server, op string) { s.FailAfter(op, 500, "ServerException", "lost") }, wantSent: 2, wantGone: true},
		{name: "delete: reset after applying", op: "DeleteAccessEntry", call: deleteEntry, attempts: 3,
			fault: func(s *emulator.Server, op string) { s.ResetAfter(op) }, wantSent: 2, wantGone: true},
		{name: "delete: 500 not applied, then done", op: "DeleteAccessEntry", call: deleteEntry, attempts: 3,
			fault: func(s *emulator.Server, op string) { s.FailNext(op, 500, "ServerException", "busy") }, wantSent: 2, wantGone: true},
		{name: "delete: no retries, the 500 stands", op: "DeleteAccessEntry", call: deleteEntry, attempts: 1,
			fault: func(s *emulator.Server, op string) { s.FailAfter(op, 500, "ServerException", "lost") }, wantErr: eksapi.ErrThrottled, wantSent: 1, wantGone: true},
		{name: "delete: a plain 404 is not found", op: "DeleteAccessEntry", call: deleteEntry, attempts: 3,
			noEntry: true, wantErr: eksapi.ErrNotFound, wantSent: 1, wantGone: true},
		{name: "delete: a 400 is not retried, the 404 after it is not found", op: "DeleteAccessEntry", call: deleteEntry, attempts: 3,
			fault: func(s *emulator.Server, op string) { s.FailAfter(op, 400, "InvalidRequestException", "no") }, wantErr: eksapi.ErrInvalidRequest, wantSent: 1, wantGone: true},
		{name: "disassociate: 500 after applying", op: "DisassociateAccessPolicy", call: disassociate, attempts: 3,
			fault: func(s *emulator.Server, op string) { s.FailAfter(op, 503, "ServiceUnavailableException", "lost") }, wantSent: 2},
		{name: "disassociate: reset after applying", op: "DisassociateAccessPolicy", call: disassociate, attempts: 3,
			fault: func(s *emulator.Server, op string) { s.ResetAfter(op) }, wantSent: 2},
		{name: "disassociate: a plain 404 is not found", op: "DisassociateAccessPolicy", call: disassociate, attempts: 3,
			noEntry: true, wantErr: eksapi.ErrNotFound, wantSent: 1, wantGone: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, srv := retryingClient(t, tc.attempts)
			p := principal(t, dev)
			if !tc.noEntry {
				if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
					t.Fatal(err)
				}
				if _, err := c.AssociatePolicy(t.Context(), "demo", p, viewPolicy, access.Scope{Type: access.ScopeCluster}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.fault != nil {
				tc.fault(srv, tc.op)
			}
			err := tc.call(t.Context(), c, p)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if n := requests(srv, tc.op); n != tc.wantSent {
				t.Errorf("%d %s requests, want %d", n, tc.op, tc.wantSent)
			}
			// The state is what the first attempt made of it.
			if tc.op == "DisassociateAccessPolicy" && !tc.noEntry {
				have, err := c.ListAssociatedPolicies(t.Context(), "demo", p)
				if err != nil || len(have) != 0 {
					t.Errorf("policies left: %+v, %v", have, err)
				}
			}
			_, derr := c.DescribeEntry(t.Context(), "demo", p)
			if gone := errors.Is(derr, eksapi.ErrNotFound); gone != tc.wantGone {
				t.Errorf("entry gone: %v, want %v (%v)", gone, tc.wantGone, derr)
			}
		})
	}
}

// TestRemovalAppliedSaysSoInDebug: --debug says why a 404 counts as done.
func TestRemovalAppliedSaysSoInDebug(t *testing.T) {
	srv, hs := emutest.Start(t, emulator.Options{})
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	var log bytes.Buffer
	c, err := eksapi.New(t.Context(), eksapi.Config{Region: "us-west-2", EndpointURL: hs.URL, MaxAttempts: 2, Debug: &log})
	if err != nil {
		t.Fatal(err)
	}
	p := principal(t, "arn:aws:iam::111122223333:role/dev")
	if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
		t.Fatal(err)
	}
	srv.FailAfter("DeleteAccessEntry", 500, "ServerException", "lost the answer")
	if err := c.DeleteEntry(t.Context(), "demo", p); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for _, want := range []string{"-> 500", "-> 404", "debug: DeleteAccessEntry: attempt 1 failed (", "lost the answer", "the earlier attempt took effect"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug log lacks %q:\n%s", want, out)
		}
	}
}

// TestDebugLinesAreTerminalSafe: what a server sends (an error message, a
// request id) reaches --debug with its control characters escaped: no ESC,
// OSC, BEL, C1 or bidi control gets to the terminal, and no newline from
// the server starts a line of its own.
func TestDebugLinesAreTerminalSafe(t *testing.T) {
	const hostile = `\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202egnp.exe\u2066\r\ndebug: forged\u007f`
	var calls atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Requestid", "req\u202e\u009b")
		if calls.Add(1) == 1 { // DeleteAccessEntry takes effect, its answer is a 500
			w.Header().Set("X-Amzn-Errortype", "ServerException")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"message":"`+hostile+`"}`)
			return
		}
		w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"no entry"}`)
	}))
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	var log bytes.Buffer
	c, err := eksapi.New(t.Context(), eksapi.Config{Region: "us-west-2", EndpointURL: hs.URL, MaxAttempts: 2, Debug: &log})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteEntry(t.Context(), "demo", principal(t, "arn:aws:iam::111122223333:role/dev")); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	if i := strings.IndexFunc(out, func(r rune) bool {
		return r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r))
	}); i >= 0 {
		t.Errorf("debug log holds control character %U at offset %d:\n%q", []rune(out[i:])[0], i, out)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(line, "debug: ") || strings.HasPrefix(line, "debug: forged") {
			t.Errorf("line %q was not written by eksaccess", line)
		}
	}
	// Escaped, not dropped: the message is still there to read.
	for _, want := range []string{`(request id req\u202e\u009b)`, `\x1b]0;pwned\x07\x1b[2J\u009b31m\u202egnp.exe\u2066\r\ndebug: forged\x7f`, "the earlier attempt took effect"} {
		if !strings.Contains(out, want) {
			t.Errorf("debug log lacks %q:\n%s", want, out)
		}
	}
}
