package eksapi_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

var iamCreated = time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)

// newIAMClient is a client (one attempt per call) against an emulator
// whose IAM knows the role dev/admin and the user people/alice.
func newIAMClient(t *testing.T, opts emulator.Options) (*eksapi.Client, *emulator.Server) {
	t.Helper()
	opts.Roles = append(opts.Roles, emulator.Role{Name: "admin", Path: "/dev/", ID: "AROAEXAMPLEEXAMPLE001", Created: iamCreated})
	opts.Users = append(opts.Users, emulator.User{Name: "alice", Path: "/people/", ID: "AIDAEXAMPLEEXAMPLE001", Created: iamCreated})
	srv, hs := emutest.Start(t, opts)
	return eksapi.NewFromConfig(emutest.Config(hs.URL), ""), srv
}

func TestIAMGetRoleAndUser(t *testing.T) {
	c, _ := newIAMClient(t, emulator.Options{})
	role, err := c.GetRole(t.Context(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	want := eksapi.IAMPrincipal{Kind: "role", Name: "admin", Path: "/dev/", ARN: "arn:aws:iam::111122223333:role/dev/admin",
		ID: "AROAEXAMPLEEXAMPLE001", Created: iamCreated}
	if diff := cmp.Diff(want, role); diff != "" {
		t.Errorf("GetRole (-want +got):\n%s", diff)
	}
	user, err := c.GetUser(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	want = eksapi.IAMPrincipal{Kind: "user", Name: "alice", Path: "/people/", ARN: "arn:aws:iam::111122223333:user/people/alice",
		ID: "AIDAEXAMPLEEXAMPLE001", Created: iamCreated}
	if diff := cmp.Diff(want, user); diff != "" {
		t.Errorf("GetUser (-want +got):\n%s", diff)
	}
}

func TestIAMListRolesFollowsEveryPage(t *testing.T) {
	var roles []emulator.Role
	for i := range 150 { // IAM answers 100 a page
		roles = append(roles, emulator.Role{Name: fmt.Sprintf("r%03d", i), Path: "/bulk/"})
	}
	c, srv := newIAMClient(t, emulator.Options{Roles: roles})
	if _, err := srv.CreateSSORole("Admin", ""); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()

	all, err := c.ListRoles(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 152 {
		t.Errorf("%d roles, want 152", len(all))
	}
	if n := countOps(srv, "ListRoles"); n != 2 {
		t.Errorf("%d ListRoles requests, want 2 pages", n)
	}
	bulk, err := c.ListRoles(t.Context(), "/bulk/")
	if err != nil {
		t.Fatal(err)
	}
	if len(bulk) != 150 || bulk[0].Name != "r000" || bulk[149].ARN != "arn:aws:iam::111122223333:role/bulk/r149" {
		t.Errorf("%d roles under /bulk/, first %+v", len(bulk), bulk[0])
	}
	sso, err := c.ListRoles(t.Context(), "/aws-reserved/sso.amazonaws.com/")
	if err != nil {
		t.Fatal(err)
	}
	if len(sso) != 1 || !strings.HasPrefix(sso[0].Name, "AWSReservedSSO_Admin_") || !strings.HasPrefix(sso[0].ID, "AROA") {
		t.Errorf("Identity Center roles %+v", sso)
	}
	empty, err := c.ListRoles(t.Context(), "/none/")
	if err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("no roles: %#v, %v; want an empty list", empty, err)
	}

	srv.SetRepeatPageToken("ListRoles", true)
	if _, err := c.ListRoles(t.Context(), ""); !errors.Is(err, eksapi.ErrRepeatedPageToken) {
		t.Errorf("a repeated Marker: %v, want ErrRepeatedPageToken", err)
	}
}

func TestIAMNotFound(t *testing.T) {
	c, _ := newIAMClient(t, emulator.Options{})
	_, err := c.GetRole(t.Context(), "nope")
	var apiErr *eksapi.APIError
	if !errors.Is(err, eksapi.ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Code != "NoSuchEntity" {
		t.Fatalf("GetRole nope: %v, want ErrNotFound (NoSuchEntity)", err)
	}
	if want := "get IAM role nope: NoSuchEntity: The role with name nope cannot be found."; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if _, err := c.GetUser(t.Context(), "bob"); !errors.Is(err, eksapi.ErrNotFound) {
		t.Errorf("GetUser bob: %v, want ErrNotFound", err)
	}
	var unchecked *eksapi.UncheckedError
	if errors.As(err, &unchecked) {
		t.Error("not found is a finding, not an unchecked check")
	}
}

// TestIAMDeniedIsUnchecked: IAM refusing a read is an *UncheckedError that
// says what could not be checked, so that a read-only command warns and
// goes on; it is ErrAccessDenied too. EKS and STS keep answering.
func TestIAMDeniedIsUnchecked(t *testing.T) {
	c, _ := newIAMClient(t, emulator.Options{DenyIAM: true})
	calls := []struct {
		name    string
		call    func() error
		warning string
	}{
		{"GetRole", func() error { _, err := c.GetRole(t.Context(), "admin"); return err },
			"could not check IAM role admin: iam:GetRole was denied"},
		{"GetUser", func() error { _, err := c.GetUser(t.Context(), "alice"); return err },
			"could not check IAM user alice: iam:GetUser was denied"},
		{"ListRoles", func() error { _, err := c.ListRoles(t.Context(), "/aws-reserved/sso.amazonaws.com/"); return err },
			"could not check IAM roles under /aws-reserved/sso.amazonaws.com/: iam:ListRoles was denied"},
		{"LookupPrincipal", func() error {
			_, err := c.LookupPrincipal(t.Context(), principal(t, "arn:aws:iam::111122223333:role/dev/admin"))
			return err
		}, "could not check IAM role arn:aws:iam::111122223333:role/dev/admin: iam:GetRole was denied"},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var unchecked *eksapi.UncheckedError
			if !errors.As(err, &unchecked) || !errors.Is(err, eksapi.ErrAccessDenied) {
				t.Fatalf("%v: want an *UncheckedError that is ErrAccessDenied", err)
			}
			if got := unchecked.Warning(); got != tt.warning {
				t.Errorf("Warning %q, want %q", got, tt.warning)
			}
		})
	}
	if _, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{}); err != nil {
		t.Errorf("EKS with IAM denied: %v", err)
	}
}

// TestEKSDeniedIsNotUnchecked: the DENIED key refuses EKS as well; only an
// IAM refusal is an unchecked check.
func TestEKSDeniedIsNotUnchecked(t *testing.T) {
	_, hs := emutest.Start(t, emulator.Options{})
	cfg := emutest.Config(hs.URL)
	cfg.Credentials = credentials.NewStaticCredentialsProvider("DENIED", "secret", "")
	c := eksapi.NewFromConfig(cfg, "")
	_, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{})
	var unchecked *eksapi.UncheckedError
	if !errors.Is(err, eksapi.ErrAccessDenied) || errors.As(err, &unchecked) {
		t.Errorf("EKS denied: %v, want ErrAccessDenied and no *UncheckedError", err)
	}
	if _, err := c.GetRole(t.Context(), "admin"); !errors.As(err, &unchecked) {
		t.Errorf("IAM denied by the DENIED key: %v, want an *UncheckedError", err)
	}
}

func TestLookupPrincipal(t *testing.T) {
	tests := []struct {
		name    string
		arn     access.PrincipalARN
		wantARN string
		check   func(*testing.T, error)
	}{
		{name: "role with its path", arn: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/dev/admin"),
			wantARN: "arn:aws:iam::111122223333:role/dev/admin"},
		{name: "user with its path", arn: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:user/people/alice"),
			wantARN: "arn:aws:iam::111122223333:user/people/alice"},
		{name: "role without its path", arn: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/admin"),
			check: func(t *testing.T, err error) {
				var other *eksapi.OtherPathError
				if !errors.Is(err, eksapi.ErrNotFound) || !errors.As(err, &other) || other.Actual.ARN != "arn:aws:iam::111122223333:role/dev/admin" {
					t.Errorf("%v: want an *OtherPathError naming role/dev/admin", err)
				}
			}},
		{name: "no such role", arn: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/gone"),
			check: func(t *testing.T, err error) {
				if !errors.Is(err, eksapi.ErrNotFound) {
					t.Errorf("%v: want ErrNotFound", err)
				}
			}},
		{name: "another account", arn: access.UncheckedPrincipalARN("arn:aws:iam::444455556666:role/dev/admin"),
			check: func(t *testing.T, err error) {
				var unchecked *eksapi.UncheckedError
				want := "could not check IAM role arn:aws:iam::444455556666:role/dev/admin: it is in account 444455556666, and the credentials are of account 111122223333"
				if !errors.As(err, &unchecked) || unchecked.Warning() != want || errors.Is(err, eksapi.ErrAccessDenied) {
					t.Errorf("%v: want an *UncheckedError %q", err, want)
				}
			}},
		{name: "account root", arn: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:root"),
			check: func(t *testing.T, err error) {
				if !errors.Is(err, eksapi.ErrInvalidParameter) {
					t.Errorf("%v: want ErrInvalidParameter", err)
				}
			}},
	}
	c, srv := newIAMClient(t, emulator.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.LookupPrincipal(t.Context(), tt.arn)
			if tt.check != nil {
				tt.check(t, err)
				return
			}
			if err != nil || got.ARN != tt.wantARN || got.ID == "" {
				t.Errorf("got %+v, %v; want %s", got, err, tt.wantARN)
			}
		})
	}
	// The caller's account is asked of STS once, for every region's client.
	if _, err := c.ForRegion("eu-west-1").LookupPrincipal(t.Context(), principal(t, "arn:aws:iam::111122223333:role/dev/admin")); err != nil {
		t.Error(err)
	}
	if n := countOps(srv, "GetCallerIdentity"); n != 1 {
		t.Errorf("%d GetCallerIdentity calls, want 1", n)
	}
}

// TestRecreatedRoleIsNewerThanItsEntry shows what audit and whoami will
// rely on: after the role is deleted and created again, IAM reports a new
// unique id and a CreateDate after the entry's createdAt.
func TestRecreatedRoleIsNewerThanItsEntry(t *testing.T) {
	c, srv := newIAMClient(t, emulator.Options{})
	p := principal(t, "arn:aws:iam::111122223333:role/dev/admin")
	before, err := c.LookupPrincipal(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	entry, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.DeleteRole("admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CreateRole(emulator.Role{Name: "admin", Path: "/dev/"}); err != nil {
		t.Fatal(err)
	}
	after, err := c.LookupPrincipal(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if after.ID == before.ID || !after.Created.After(entry.CreatedAt) {
		t.Errorf("recreated role %+v, entry created %s: want a new id and a later date", after, entry.CreatedAt)
	}
	if id, _ := srv.EntryPrincipalID("demo", p.String()); id != before.ID {
		t.Errorf("the entry holds %q, want the old id %s", id, before.ID)
	}
}

// TestIAMRetriesAndDebug: IAM calls take the client's retry policy (a
// throttled read is retried) and appear on the --debug log.
func TestIAMRetriesAndDebug(t *testing.T) {
	srv, hs := emutest.Start(t, emulator.Options{Roles: []emulator.Role{{Name: "admin"}}})
	var log bytes.Buffer
	c := newRealClient(t, hs.URL, eksapi.Config{Debug: &log}, map[string]string{"AWS_ENDPOINT_URL_IAM": hs.URL})
	srv.FailCall("GetRole", 1, emulator.Fault{Status: 400, Code: "Throttling", Message: "Rate exceeded"})
	if _, err := c.GetRole(t.Context(), "admin"); err != nil {
		t.Fatalf("GetRole after one throttle: %v", err)
	}
	if n := countOps(srv, "GetRole"); n != 2 {
		t.Errorf("%d GetRole attempts, want 2", n)
	}
	if out := log.String(); strings.Count(out, "debug: POST "+hs.URL+"/ -> ") != 2 || !strings.Contains(out, "-> 400") || !strings.Contains(out, "-> 200") {
		t.Errorf("debug log lacks the two IAM attempts:\n%s", out)
	}

	// Retries run out: throttled, exit 6's kind.
	srv.ResetRequests()
	for range eksapi.ReadAttempts {
		srv.FailNext("GetRole", 500, "ServiceFailure", "try again")
	}
	_, err := c.GetRole(t.Context(), "admin")
	if !errors.Is(err, eksapi.ErrThrottled) {
		t.Errorf("GetRole failing every attempt: %v, want ErrThrottled", err)
	}
	if n := countOps(srv, "GetRole"); n != eksapi.ReadAttempts {
		t.Errorf("%d GetRole attempts, want %d (a read's budget)", n, eksapi.ReadAttempts)
	}
}

// TestIAMEndpoint: IAM follows AWS_ENDPOINT_URL_IAM, never --endpoint-url,
// which names an EKS endpoint.
func TestIAMEndpoint(t *testing.T) {
	eksSrv, eksHS := emutest.Start(t, emulator.Options{})
	iamSrv, iamHS := emutest.Start(t, emulator.Options{Roles: []emulator.Role{{Name: "admin"}}})
	c := newRealClient(t, eksHS.URL, eksapi.Config{}, map[string]string{"AWS_ENDPOINT_URL_IAM": iamHS.URL})
	if _, err := c.GetRole(t.Context(), "admin"); err != nil {
		t.Fatal(err)
	}
	if countOps(iamSrv, "GetRole") != 1 || countOps(eksSrv, "GetRole") != 0 {
		t.Errorf("GetRole went to the EKS endpoint (%d) rather than AWS_ENDPOINT_URL_IAM (%d)", countOps(eksSrv, "GetRole"), countOps(iamSrv, "GetRole"))
	}
	// ForRegion shares IAM: still there.
	if _, err := c.ForRegion("eu-west-1").GetRole(t.Context(), "admin"); err != nil || countOps(iamSrv, "GetRole") != 2 {
		t.Errorf("ForRegion GetRole: %v, %d requests", err, countOps(iamSrv, "GetRole"))
	}
}

// TestIAMEndpointMismatchHint: an IAM endpoint that is not IAM (a web
// page) is an *EndpointError whose hint names the IAM settings, not
// --endpoint-url, which moves only EKS calls.
func TestIAMEndpointMismatchHint(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html>not here</html>"))
	}))
	t.Cleanup(page.Close)
	_, hs := emutest.Start(t, emulator.Options{})
	c := newRealClient(t, hs.URL, eksapi.Config{MaxAttempts: 1}, map[string]string{"AWS_ENDPOINT_URL_IAM": page.URL})
	_, err := c.GetRole(t.Context(), "admin")
	var ee *eksapi.EndpointError
	if !errors.As(err, &ee) || ee.Service != "IAM" {
		t.Fatalf("%v: want an *EndpointError for IAM", err)
	}
	want := "check AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL (--endpoint-url applies to EKS only): they must point at the IAM API"
	if ee.Hint() != want {
		t.Errorf("hint %q, want %q", ee.Hint(), want)
	}
}
