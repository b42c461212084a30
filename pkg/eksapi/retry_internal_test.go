package eksapi

import (
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestRetryMode: standard unless the user asks for adaptive, which was
// measured to collapse under random throttling (BenchmarkListDetailsThrottled
// in pkg/cli); either way without the client-wide quota and with the
// per-operation budgets.
func TestRetryMode(t *testing.T) {
	for _, tt := range []struct {
		env, wantBase string
	}{
		{env: "", wantBase: "*retry.Standard"},
		{env: "standard", wantBase: "*retry.Standard"},
		{env: "adaptive", wantBase: "*retry.AdaptiveMode"},
	} {
		t.Run(tt.env, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("AWS_RETRY_MODE", tt.env)
			t.Setenv("AWS_MAX_ATTEMPTS", "")
			t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
			cfg, err := LoadConfig(t.Context(), Config{Region: "us-west-2"})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.RetryMaxAttempts != 0 {
				t.Errorf("RetryMaxAttempts = %d: the SDK would wrap the retryer", cfg.RetryMaxAttempts)
			}
			r, ok := cfg.Retryer().(*budgetRetryer)
			if !ok {
				t.Fatalf("retryer %T, want *budgetRetryer", cfg.Retryer())
			}
			if got := fmt.Sprintf("%T", r.RetryerV2); got != tt.wantBase {
				t.Errorf("base retryer %s, want %s", got, tt.wantBase)
			}
			if r.reads != ReadAttempts || r.writes != WriteAttempts || r.MaxAttempts() != ReadAttempts {
				t.Errorf("budgets %d/%d, max %d", r.reads, r.writes, r.MaxAttempts())
			}
		})
	}
	if r := newRetryer(aws.RetryModeStandard, 4).(*budgetRetryer); r.reads != 4 || r.writes != 4 || r.MaxAttempts() != 4 {
		t.Errorf("explicit attempts: %d/%d, max %d, want 4 everywhere", r.reads, r.writes, r.MaxAttempts())
	}
}

func TestOperationKinds(t *testing.T) {
	t.Parallel()
	for op, want := range map[string][2]bool{ // read, write
		"DescribeAccessEntry": {true, false}, "ListAccessEntries": {true, false}, "GetCallerIdentity": {true, false},
		"CreateAccessEntry": {false, true}, "UpdateAccessEntry": {false, true}, "DeleteAccessEntry": {false, true},
		"AssociateAccessPolicy": {false, true}, "DisassociateAccessPolicy": {false, true}, "TagResource": {false, true},
		"UpdateClusterConfig": {false, true}, "AssumeRole": {false, false},
	} {
		if isRead(op) != want[0] || isWrite(op) != want[1] {
			t.Errorf("%s: read %v write %v, want %v", op, isRead(op), isWrite(op), want)
		}
	}
}

// timeoutError is what a connection to the metadata service that timed out
// looks like: a net.Error whose Timeout is true, which the SDK retries.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestNoRetryWithoutCredentials(t *testing.T) {
	r := newRetryer(aws.RetryModeStandard, 0)
	cause := &url.Error{Op: "Get", URL: "http://169.254.169.254/latest/meta-data/iam/security-credentials/", Err: timeoutError{}}
	if !r.IsErrorRetryable(cause) {
		t.Fatal("the SDK no longer retries a connection timeout: this test proves nothing")
	}
	if err := fmt.Errorf("failed to retrieve credentials: %w", &credentialsError{cause: cause}); r.IsErrorRetryable(err) {
		t.Errorf("a credentials failure (%v) is retried: each attempt asks the chain again", err)
	}
}
