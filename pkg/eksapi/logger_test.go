package eksapi

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/smithy-go/logging"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// TestSDKLogsStayOffStderr: the SDK's own log lines (here "failed to
// discard remaining HTTP response body", which it logs when an answer's
// body breaks off after the document, as when a call is given up) go to
// --debug's writer, and nowhere without --debug: never to stderr, where
// the SDK sends them by default.
func TestSDKLogsStayOffStderr(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_MAX_ATTEMPTS", "")
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		// A whole document, then a body that breaks off: the SDK reads the
		// document, then fails to discard the rest.
		doc := `{"accessEntry":{"clusterName":"demo","principalArn":"arn:aws:iam::111122223333:role/dev","type":"STANDARD"}}`
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100000")
		_, _ = w.Write([]byte(doc + strings.Repeat(" ", 1000)))
		if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = c.Close()
		}
	}))
	defer hs.Close()
	principal, err := access.ParsePrincipalARN("arn:aws:iam::111122223333:role/dev")
	if err != nil {
		t.Fatal(err)
	}

	var debug bytes.Buffer
	c, err := New(t.Context(), Config{Region: "us-west-2", EndpointURL: hs.URL, Debug: &debug})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.DescribeEntry(t.Context(), "demo", principal)
	if !strings.Contains(debug.String(), "debug: sdk warn: failed to discard remaining HTTP response body") {
		t.Errorf("--debug output lacks the SDK's line:\n%s", debug.String())
	}

	cfg, err := LoadConfig(t.Context(), Config{Region: "us-west-2", EndpointURL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Logger.(logging.Nop); !ok {
		t.Errorf("without --debug the SDK logs to %T, want nowhere", cfg.Logger)
	}
}
