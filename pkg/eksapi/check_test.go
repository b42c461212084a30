package eksapi_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

// isolate points the SDK at an empty configuration with static keys, so
// that no developer setting leaks into a test; vars override.
func isolate(t *testing.T, vars map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{
		"HOME": dir, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_MAX_ATTEMPTS": "", "AWS_RETRY_MODE": "", "AWS_CA_BUNDLE": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_EKS": "", "AWS_ENDPOINT_URL_STS": "", "AWS_ENDPOINT_URL_IAM": "",
	}
	for k, v := range vars {
		env[k] = v
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	return dir
}

// hintOf is the Hint of the first error in err's chain that has one.
func hintOf(err error) string {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if h, ok := e.(interface{ Hint() string }); ok && h.Hint() != "" {
			return h.Hint()
		}
	}
	return ""
}

// TestConfigMistakesAreCaughtBeforeSending: each mistake is ErrBadConfig
// (exit 2), names the setting, says what to do, and sends nothing.
func TestConfigMistakesAreCaughtBeforeSending(t *testing.T) {
	srv, hs := emutest.Start(t, emulator.Options{})
	tests := []struct {
		name    string
		env     map[string]string
		config  eksapi.Config
		wantMsg string // in the error
		hint    string // in its hint
	}{
		{name: "region flag with spaces", config: eksapi.Config{Region: "us west 2"}, wantMsg: `--region="us west 2" is not an AWS region`, hint: "us-west-2"},
		{name: "region flag as a URL", config: eksapi.Config{Region: "https://eks.us-west-2.amazonaws.com"}, wantMsg: "--region=", hint: "region code"},
		{name: "AWS_REGION", env: map[string]string{"AWS_REGION": "US-WEST-2"}, wantMsg: `AWS_REGION="US-WEST-2" is not an AWS region`, hint: "us-west-2"},
		{name: "AWS_DEFAULT_REGION", env: map[string]string{"AWS_REGION": "", "AWS_DEFAULT_REGION": "oregon"}, wantMsg: `AWS_DEFAULT_REGION="oregon"`, hint: "region code"},
		{name: "AWS_MAX_ATTEMPTS", env: map[string]string{"AWS_MAX_ATTEMPTS": "abc"}, wantMsg: `AWS_MAX_ATTEMPTS="abc" is not a number of attempts`, hint: "AWS_MAX_ATTEMPTS"},
		{name: "AWS_MAX_ATTEMPTS with the flag", env: map[string]string{"AWS_MAX_ATTEMPTS": "-1"}, config: eksapi.Config{MaxAttempts: 2}, wantMsg: "AWS_MAX_ATTEMPTS", hint: "AWS_MAX_ATTEMPTS"},
		{name: "AWS_RETRY_MODE", env: map[string]string{"AWS_RETRY_MODE": "bogus"}, wantMsg: `AWS_RETRY_MODE="bogus" is not a retry mode`, hint: "standard or adaptive"},
		{name: "AWS_CA_BUNDLE", env: map[string]string{"AWS_CA_BUNDLE": "/nonexistent/ca.pem"}, wantMsg: `AWS_CA_BUNDLE="/nonexistent/ca.pem" cannot be read: no such file or directory`, hint: "AWS_CA_BUNDLE"},
		{name: "AWS_ENDPOINT_URL", env: map[string]string{"AWS_ENDPOINT_URL": "not-a-url"}, wantMsg: `AWS_ENDPOINT_URL="not-a-url" is not an http:// or https:// URL`, hint: "unset AWS_ENDPOINT_URL"},
		{name: "AWS_ENDPOINT_URL_EKS without scheme", env: map[string]string{"AWS_ENDPOINT_URL_EKS": "localhost:4566"}, wantMsg: "AWS_ENDPOINT_URL_EKS=", hint: "http://127.0.0.1:4566"},
		{name: "endpoint flag", config: eksapi.Config{EndpointURL: "not-a-url"}, wantMsg: `--endpoint-url="not-a-url" is not an http:// or https:// URL`, hint: "leave the flag out"},
		{name: "endpoint flag without host", config: eksapi.Config{EndpointURL: "http://"}, wantMsg: "--endpoint-url=", hint: "full URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"AWS_REGION": "us-west-2", "AWS_ENDPOINT_URL": hs.URL}
			for k, v := range tt.env {
				env[k] = v
			}
			isolate(t, env)
			srv.ResetRequests()
			c, err := eksapi.New(t.Context(), tt.config)
			if err == nil {
				_, err = c.ListEntries(t.Context(), "demo", eksapi.ListOptions{})
				t.Fatalf("New accepted it (then: %v)", err)
			}
			if !errors.Is(err, eksapi.ErrBadConfig) {
				t.Errorf("err = %v, want ErrBadConfig", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
			if h := hintOf(err); !strings.Contains(h, tt.hint) {
				t.Errorf("hint = %q, want it to contain %q", h, tt.hint)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// TestGoodSettingsPass: what real setups use is accepted.
func TestGoodSettingsPass(t *testing.T) {
	_, hs := emutest.Start(t, emulator.Options{})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, nil, 0o600); err != nil { // empty: the SDK only reads it for https
		t.Fatal(err)
	}
	for _, region := range []string{"us-west-2", "eu-central-1", "us-gov-west-1", "cn-northwest-1", "us-iso-east-1", "ap-southeast-7", "il-central-1"} {
		isolate(t, map[string]string{"AWS_MAX_ATTEMPTS": "5", "AWS_RETRY_MODE": "standard", "AWS_ENDPOINT_URL_EKS": hs.URL})
		c, err := eksapi.New(t.Context(), eksapi.Config{Region: region, EndpointURL: hs.URL + "/"})
		if err != nil {
			t.Fatalf("region %s: %v", region, err)
		}
		if _, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{}); err != nil {
			t.Errorf("region %s: %v", region, err)
		}
	}
}

// TestProfileMistakes: a bad region in the profile, a missing source
// profile, and an SSO profile without a cached token each say what to fix.
func TestProfileMistakes(t *testing.T) {
	_, hs := emutest.Start(t, emulator.Options{})
	const config = `[profile badregion]
region = Oregon

[profile chained]
role_arn = arn:aws:iam::111122223333:role/admin
source_profile = nope
region = us-west-2

[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin
region = us-west-2

[profile ssosession]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
region = us-west-2

[profile viasso]
role_arn = arn:aws:iam::111122223333:role/admin
source_profile = sso
region = us-west-2

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
`
	newWith := func(t *testing.T, profile string) (*eksapi.Client, error) {
		t.Helper()
		dir := isolate(t, map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
		if err := os.WriteFile(filepath.Join(dir, "config"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		return eksapi.New(t.Context(), eksapi.Config{Profile: profile, EndpointURL: hs.URL})
	}

	t.Run("region of the profile", func(t *testing.T) {
		_, err := newWith(t, "badregion")
		if !errors.Is(err, eksapi.ErrBadConfig) || !strings.Contains(err.Error(), `the region "Oregon" of profile "badregion"`) {
			t.Errorf("err = %v, want ErrBadConfig naming the region and the profile", err)
		}
	})
	t.Run("missing source_profile", func(t *testing.T) {
		_, err := newWith(t, "chained")
		if !errors.Is(err, eksapi.ErrNoProfile) || !strings.Contains(err.Error(), `profile "chained" names source_profile "nope", which does not exist`) {
			t.Errorf("err = %v, want ErrNoProfile naming both", err)
		}
	})
	for _, profile := range []string{"sso", "ssosession", "viasso"} {
		t.Run("sso without a token: "+profile, func(t *testing.T) {
			c, err := newWith(t, profile)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListEntries(t.Context(), "demo", eksapi.ListOptions{})
			if !errors.Is(err, eksapi.ErrNoCredentials) {
				t.Fatalf("err = %v, want ErrNoCredentials", err)
			}
			if want := "aws sso login --profile " + profile; !strings.Contains(hintOf(err), want) {
				t.Errorf("hint = %q, want %q", hintOf(err), want)
			}
		})
	}
}

// TestEndpointThatIsNotEKS: an endpoint that answers like a web server says
// so, with the status and content type; real EKS errors are left alone.
func TestEndpointThatIsNotEKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        string // "" = not an EndpointError
	}{
		{name: "HTML 404", status: 404, contentType: "text/html; charset=utf-8", body: "<html>Not Found</html>", want: "got 404 text/html"},
		{name: "HTML 200", status: 200, contentType: "text/html", body: "<!doctype html><p>console</p>", want: "got 200 text/html"},
		{name: "HTML 403 from a proxy", status: 403, contentType: "text/html", body: "<html>denied</html>", want: "got 403 text/html"},
		{name: "404 without an AWS error", status: 404, contentType: "application/json", body: `{"error":"no route"}`, want: "got 404 application/json"},
		{name: "empty 404", status: 404, want: "got 404"},
		{name: "EKS not found", status: 404, contentType: "application/json", body: `{"message":"no such entry"}`},
		{name: "EKS throttling", status: 429, contentType: "application/json", body: `{"message":"Too Many Requests"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				switch tt.status {
				case 404:
					if tt.want == "" {
						w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
					}
				case 429:
					w.Header().Set("X-Amzn-Errortype", "TooManyRequestsException")
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer hs.Close()
			c := eksapi.NewFromConfig(emutest.Config(hs.URL), "")
			_, err := c.DescribeEntry(t.Context(), "demo", principal(t, "arn:aws:iam::111122223333:role/dev"))
			var ee *eksapi.EndpointError
			if got := errors.As(err, &ee); got != (tt.want != "") {
				t.Fatalf("err = %v; EndpointError %v, want %v", err, got, tt.want != "")
			}
			if tt.want == "" {
				return
			}
			want := fmt.Sprintf("describe access entry arn:aws:iam::111122223333:role/dev in cluster demo: the endpoint at %s does not look like EKS: %s", hs.URL, tt.want)
			if err.Error() != want {
				t.Errorf("err = %q\nwant  %q", err, want)
			}
			if !strings.Contains(hintOf(err), "--endpoint-url") {
				t.Errorf("hint = %q", hintOf(err))
			}
		})
	}
}

// TestTimestampsAreWholeSeconds: every time the client returns has the same
// precision, whatever EKS sent, so they print alike and sort as strings.
func TestTimestampsAreWholeSeconds(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	_, hs := emutest.Start(t, emulator.Options{Now: func() time.Time { return now }})
	c := eksapi.NewFromConfig(emutest.Config(hs.URL), "")
	p := principal(t, "arn:aws:iam::111122223333:role/dev")
	if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
		t.Fatal(err)
	}
	e, err := c.DescribeEntry(t.Context(), "demo", p)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if !e.CreatedAt.Equal(want) || !e.ModifiedAt.Equal(want) {
		t.Errorf("createdAt %s, modifiedAt %s, want %s", e.CreatedAt, e.ModifiedAt, want)
	}
	if _, err := c.AssociatePolicy(t.Context(), "demo", p, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", access.Scope{Type: access.ScopeCluster}); err != nil {
		t.Fatal(err)
	}
	policies, err := c.ListAssociatedPolicies(t.Context(), "demo", p)
	if err != nil || len(policies) != 1 {
		t.Fatalf("policies %v, err %v", policies, err)
	}
	if !policies[0].AssociatedAt.Equal(want) || !policies[0].ModifiedAt.Equal(want) {
		t.Errorf("associatedAt %s, modifiedAt %s, want %s", policies[0].AssociatedAt, policies[0].ModifiedAt, want)
	}
}
