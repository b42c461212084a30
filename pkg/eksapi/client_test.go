package eksapi_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

func newClient(t *testing.T) (*eksapi.Client, *emulator.Server) {
	t.Helper()
	srv, hs := emutest.Start(t, emulator.Options{})
	return eksapi.NewFromConfig(emutest.Config(hs.URL), ""), srv
}

func principal(t *testing.T, s string) access.PrincipalARN {
	t.Helper()
	p, err := access.ParsePrincipalARN(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCreateEntryMapsEveryField(t *testing.T) {
	t.Parallel()
	c, srv := newClient(t)
	req := access.CreateEntry{
		Cluster:            "demo",
		Principal:          principal(t, "arn:aws:iam::111122223333:role/team/dev"),
		Type:               access.TypeStandard,
		Groups:             []string{"dev", "readers"},
		Username:           "dev:{{SessionName}}",
		Tags:               access.Tags{"team": "platform"},
		ClientRequestToken: "0123456789abcdef0123456789abcdef0123",
	}
	got, err := c.CreateEntry(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.CreatedAt.IsZero() || got.ModifiedAt.IsZero() || got.CreatedAt.Location() != time.UTC {
		t.Errorf("timestamps not mapped as UTC: %v %v", got.CreatedAt, got.ModifiedAt)
	}
	if !strings.HasPrefix(got.AccessEntryARN, "arn:aws:eks:us-west-2:111122223333:access-entry/demo/role/111122223333/") {
		t.Errorf("accessEntryArn = %q", got.AccessEntryARN)
	}
	if got.Revision == "" {
		t.Error("no revision")
	}
	got.CreatedAt, got.ModifiedAt, got.AccessEntryARN, got.Revision = time.Time{}, time.Time{}, "", ""
	want := access.Entry{
		ClusterName:      "demo",
		PrincipalARN:     access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/team/dev"),
		KubernetesGroups: []string{"dev", "readers"},
		Tags:             map[string]string{"team": "platform"},
		Username:         "dev:{{SessionName}}",
		Type:             "STANDARD",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entry (-want +got):\n%s", diff)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || !bytes.Contains(reqs[0].Body, []byte(`"clientRequestToken":"0123456789abcdef0123456789abcdef0123"`)) {
		t.Errorf("request body did not carry the token: %s", reqs[0].Body)
	}
}

func TestCreateEntryDefaultsAreNeverNil(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	got, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: principal(t, "arn:aws:iam::111122223333:user/alice")})
	if err != nil {
		t.Fatal(err)
	}
	if got.KubernetesGroups == nil || got.Tags == nil {
		t.Errorf("empty groups/tags must be [] and {}, got %#v %#v", got.KubernetesGroups, got.Tags)
	}
	if got.Type != "STANDARD" || got.Username != "arn:aws:iam::111122223333:user/alice" {
		t.Errorf("EKS defaults not returned: type %q username %q", got.Type, got.Username)
	}
}

func TestListEntriesFollowsEveryPage(t *testing.T) {
	t.Parallel()
	c, srv := newClient(t)
	const n = 230
	for i := range n {
		if _, err := c.CreateEntry(t.Context(), access.CreateEntry{
			Cluster:   "demo",
			Principal: principal(t, fmt.Sprintf("arn:aws:iam::111122223333:role/r%03d", i)),
		}); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetRequests()
	got, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("listed %d entries, want %d", len(got), n)
	}
	if pages := len(srv.Requests()); pages != 3 {
		t.Errorf("%d ListAccessEntries calls, want 3 pages", pages)
	}
	seen := map[string]bool{}
	for _, a := range got {
		if seen[a.String()] {
			t.Errorf("%s listed twice", a)
		}
		seen[a.String()] = true
	}

	limited, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{MaxItems: 150})
	if err != nil {
		t.Fatal(err)
	}
	if len(limited) != 150 {
		t.Errorf("MaxItems 150 gave %d", len(limited))
	}
}

func TestListAssociatedPoliciesAndFilter(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	p := principal(t, "arn:aws:iam::111122223333:role/dev")
	if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: principal(t, "arn:aws:iam::111122223333:role/other")}); err != nil {
		t.Fatal(err)
	}
	view := "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	edit := "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
	if _, err := c.AssociatePolicy(t.Context(), "demo", p, view, access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"dev"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociatePolicy(t.Context(), "demo", p, edit, access.Scope{Type: access.ScopeCluster}); err != nil {
		t.Fatal(err)
	}
	got, err := c.ListAssociatedPolicies(t.Context(), "demo", p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].PolicyARN != edit || got[1].PolicyARN != view {
		t.Fatalf("policies not sorted by ARN: %+v", got)
	}
	if got[0].AccessScope.Namespaces == nil || got[1].AccessScope.Namespaces[0] != "dev" || got[1].AssociatedAt.IsZero() {
		t.Errorf("scopes not mapped: %+v", got)
	}
	arns, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{AssociatedPolicyARN: view})
	if err != nil {
		t.Fatal(err)
	}
	if len(arns) != 1 || arns[0].String() != p.String() {
		t.Errorf("filtered list: %v, want [%s]", arns, p)
	}
}

// TestErrorKinds: errors are classified by code, modeled or not, so that
// commands can pick exit codes with errors.Is.
func TestErrorKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		code   string
		want   error
	}{
		{404, "ResourceNotFoundException", eksapi.ErrNotFound},
		{409, "ResourceInUseException", eksapi.ErrConflict},
		{403, "AccessDeniedException", eksapi.ErrAccessDenied}, // not in DescribeAccessEntry's model
		{403, "UnrecognizedClientException", eksapi.ErrAccessDenied},
		{403, "ExpiredTokenException", eksapi.ErrAccessDenied},
		{403, "InvalidSignatureException", eksapi.ErrAccessDenied},
		{429, "TooManyRequestsException", eksapi.ErrThrottled},
		{429, "ThrottlingException", eksapi.ErrThrottled},
		{500, "ServerException", eksapi.ErrThrottled},
		{503, "ServiceUnavailableException", eksapi.ErrThrottled},
		{400, "InvalidRequestException", eksapi.ErrInvalidRequest},
		{400, "InvalidParameterException", eksapi.ErrInvalidParameter},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			c, srv := newClient(t)
			srv.FailNext("DescribeAccessEntry", tc.status, tc.code, "injected "+tc.code)
			_, err := c.DescribeEntry(t.Context(), "demo", principal(t, "arn:aws:iam::111122223333:role/dev"))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want kind %v", err, tc.want)
			}
			var apiErr *eksapi.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tc.code || apiErr.Message != "injected "+tc.code {
				t.Errorf("APIError = %+v", apiErr)
			}
			wantPrefix := "describe access entry arn:aws:iam::111122223333:role/dev in cluster demo: " + tc.code + ": injected"
			if !strings.HasPrefix(err.Error(), wantPrefix) {
				t.Errorf("message %q, want prefix %q", err, wantPrefix)
			}
		})
	}
}

func TestNotFoundAndConflictFromTheWire(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	p := principal(t, "arn:aws:iam::111122223333:role/dev")
	if _, err := c.DescribeEntry(t.Context(), "nosuch", p); !errors.Is(err, eksapi.ErrNotFound) {
		t.Errorf("unknown cluster: %v", err)
	}
	req := access.CreateEntry{Cluster: "demo", Principal: p}
	if _, err := c.CreateEntry(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateEntry(t.Context(), req); !errors.Is(err, eksapi.ErrConflict) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "legacy", Principal: p}); !errors.Is(err, eksapi.ErrInvalidRequest) {
		t.Errorf("CONFIG_MAP cluster: %v", err)
	}
}

func TestUpdateDeleteAndCluster(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	p := principal(t, "arn:aws:iam::111122223333:role/dev")
	if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p, Groups: []string{"a"}, Username: "dev"}); err != nil {
		t.Fatal(err)
	}
	e, err := c.UpdateEntry(t.Context(), "demo", p, nil, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.KubernetesGroups) != 0 || e.Username != "dev" {
		t.Errorf("update: %+v", e)
	}
	if err := c.DeleteEntry(t.Context(), "demo", p); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteEntry(t.Context(), "demo", p); !errors.Is(err, eksapi.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	cl, err := c.DescribeCluster(t.Context(), "legacy")
	if err != nil {
		t.Fatal(err)
	}
	if cl.AuthenticationMode != "CONFIG_MAP" || cl.Name != "legacy" {
		t.Errorf("cluster: %+v", cl)
	}
	names, err := c.ListClusters(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"demo", "legacy"}, names); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
	policies, err := c.ListPolicies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(policies) < 6 || policies[0].Name > policies[1].Name {
		t.Errorf("policy catalog: %+v", policies)
	}
	caller, err := c.CallerIdentity(t.Context())
	if err != nil || !strings.HasPrefix(caller, "arn:aws:") {
		t.Errorf("caller %q, %v", caller, err)
	}
}

// TestNoCredentialsFailsFast: with no credentials anywhere and an instance
// metadata endpoint that never answers, the call fails with
// ErrNoCredentials after one metadata call that eksaccess itself abandons
// (imdsTimeout): one token request and at most the SDK's IMDSv1 fallback,
// where the SDK's own settings retry both for many seconds; and nothing is
// sent to EKS. Counted in requests, not seconds: a loaded machine is slow,
// not wrong.
func TestNoCredentialsFailsFast(t *testing.T) {
	srv, hs := emutest.Start(t, emulator.Options{})
	var (
		mu   sync.Mutex
		imds []string
	)
	never := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		imds = append(imds, r.Method+" "+r.URL.Path)
		mu.Unlock()
		<-r.Context().Done() // never answers: holds the request until its client gives up
	}))
	defer never.Close()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE":                        filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE":            filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":              "",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT":      never.URL,
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "",
	} {
		t.Setenv(k, v)
	}
	c, err := eksapi.New(t.Context(), eksapi.Config{Region: "us-west-2", EndpointURL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeEntry(t.Context(), "demo", principal(t, "arn:aws:iam::111122223333:role/dev"))
	if !errors.Is(err, eksapi.ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
	mu.Lock()
	defer mu.Unlock()
	// One metadata call, abandoned: its token request and, after the SDK's
	// own short wait for the token, at most its IMDSv1 fallback. (A machine
	// so loaded that the call's deadline passes before a request reaches
	// the server shows fewer; more is the SDK's retrying.)
	puts, gets := 0, 0
	for _, r := range imds {
		switch r {
		case "PUT /latest/api/token":
			puts++
		case "GET /latest/meta-data/iam/security-credentials/":
			gets++
		default:
			t.Errorf("metadata request %q", r)
		}
	}
	if puts > 1 || gets > 1 {
		t.Errorf("the metadata service was asked %q, want at most one token request and one fallback", imds)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("%d requests reached EKS without credentials", len(reqs))
	}
}

func TestNoRegion(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	if _, err := eksapi.New(t.Context(), eksapi.Config{}); !errors.Is(err, eksapi.ErrNoRegion) {
		t.Fatalf("err = %v, want ErrNoRegion", err)
	}
}

// TestDebugNeverPrintsCredentials: --debug shows each exchange, never the
// access key, the secret or the signature.
func TestDebugNeverPrintsCredentials(t *testing.T) {
	_, hs := emutest.Start(t, emulator.Options{})
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDSECRETKEYID")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "verysecretvalue")
	t.Setenv("AWS_SESSION_TOKEN", "sessiontokenvalue")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	var log bytes.Buffer
	c, err := eksapi.New(t.Context(), eksapi.Config{Region: "us-west-2", EndpointURL: hs.URL, Debug: &log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	if !strings.Contains(out, "GET "+hs.URL+"/clusters/demo/access-entries") || !strings.Contains(out, "-> 200") {
		t.Errorf("debug log lacks the request line: %q", out)
	}
	for _, secret := range []string{"AKIDSECRETKEYID", "verysecretvalue", "sessiontokenvalue", "Signature"} {
		if strings.Contains(out, secret) {
			t.Errorf("debug log leaks %q: %q", secret, out)
		}
	}
}

// TestCredentialFailureKeepsItsReason: a broken credential source is still
// ErrNoCredentials (exit 5), but the message says what broke.
func TestCredentialFailureKeepsItsReason(t *testing.T) {
	_, hs := emutest.Start(t, emulator.Options{})
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[profile broken]\ncredential_process = /bin/false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
	} {
		t.Setenv(k, v)
	}
	c, err := eksapi.New(t.Context(), eksapi.Config{Region: "us-west-2", Profile: "broken", EndpointURL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListEntries(t.Context(), "demo", eksapi.ListOptions{})
	if !errors.Is(err, eksapi.ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
	if !strings.Contains(err.Error(), "process") {
		t.Errorf("the reason is lost: %v", err)
	}
}

func TestMissingProfile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	_, err := eksapi.New(t.Context(), eksapi.Config{Region: "us-west-2", Profile: "nosuch"})
	if !errors.Is(err, eksapi.ErrNoProfile) || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Fatalf("err = %v, want ErrNoProfile naming it", err)
	}
}
