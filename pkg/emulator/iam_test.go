package emulator_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// iamRequest is an IAM awsQuery request: POST / signed for "iam".
func iamRequest(key string, params ...string) request {
	form := url.Values{"Version": {"2010-05-08"}}
	for i := 0; i+1 < len(params); i += 2 {
		form.Set(params[i], params[i+1])
	}
	if key == "" {
		key = "AKIDEXAMPLE"
	}
	return request{method: "POST", path: "/", body: form.Encode(), header: map[string]string{
		"Authorization": "AWS4-HMAC-SHA256 Credential=" + key + "/20250507/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
	}}
}

type iamRole struct {
	Path, RoleName, RoleId, Arn, CreateDate, AssumeRolePolicyDocument string
	Description                                                       string
	MaxSessionDuration                                                int
	RoleLastUsed                                                      *struct{}
}

type iamUser struct{ Path, UserName, UserId, Arn, CreateDate string }

type getRoleXML struct {
	XMLName xml.Name `xml:"https://iam.amazonaws.com/doc/2010-05-08/ GetRoleResponse"`
	Role    iamRole  `xml:"GetRoleResult>Role"`
	ReqID   string   `xml:"ResponseMetadata>RequestId"`
}

type getUserXML struct {
	XMLName xml.Name `xml:"https://iam.amazonaws.com/doc/2010-05-08/ GetUserResponse"`
	User    iamUser  `xml:"GetUserResult>User"`
}

type listRolesXML struct {
	XMLName     xml.Name  `xml:"https://iam.amazonaws.com/doc/2010-05-08/ ListRolesResponse"`
	IsTruncated bool      `xml:"ListRolesResult>IsTruncated"`
	Marker      string    `xml:"ListRolesResult>Marker"`
	Roles       []iamRole `xml:"ListRolesResult>Roles>member"`
}

type iamErrorXML struct {
	XMLName xml.Name `xml:"https://iam.amazonaws.com/doc/2010-05-08/ ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ReqID   string   `xml:"RequestId"`
}

func iamOK[T any](t *testing.T, h *harness, r request) T {
	t.Helper()
	resp := h.with(t).do(r)
	if resp.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", resp.status, resp.body)
	}
	if ct := resp.header.Get("Content-Type"); ct != "text/xml" {
		t.Errorf("Content-Type %q", ct)
	}
	var v T
	if err := xml.Unmarshal(resp.body, &v); err != nil {
		t.Fatalf("%v: %s", err, resp.body)
	}
	return v
}

func wantIAMError(t *testing.T, resp response, status int, typ, code, message string) {
	t.Helper()
	var got iamErrorXML
	if err := xml.Unmarshal(resp.body, &got); err != nil {
		t.Fatalf("not an IAM ErrorResponse: %v: %s", err, resp.body)
	}
	if resp.status != status || got.Type != typ || got.Code != code || got.Message != message || got.ReqID == "" {
		t.Errorf("got %d %+v\nwant %d %s %s %q", resp.status, got, status, typ, code, message)
	}
}

var (
	roleIDRE = regexp.MustCompile(`^AROA[A-Z0-9]{17}$`)
	userIDRE = regexp.MustCompile(`^AIDA[A-Z0-9]{17}$`)
)

func TestIAMGetRoleAndUser(t *testing.T) {
	h := newHarness(t, emulator.Options{
		Roles: []emulator.Role{{Name: "admin", Path: "/dev/"}, {Name: "ci", Description: "the CI runner", MaxSessionDuration: 7200}},
		Users: []emulator.User{{Name: "alice", Path: "/people/", ID: "AIDAEXAMPLEEXAMPLE000", Created: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}},
	})

	got := iamOK[getRoleXML](t, h, iamRequest("", "Action", "GetRole", "RoleName", "admin")).Role
	if !roleIDRE.MatchString(got.RoleId) {
		t.Errorf("RoleId %q", got.RoleId)
	}
	got.RoleId = ""
	want := iamRole{
		Path: "/dev/", RoleName: "admin", Arn: "arn:aws:iam::111122223333:role/dev/admin",
		CreateDate:               "2025-05-07T00:42:45Z", // the harness clock, to the second
		AssumeRolePolicyDocument: "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
		MaxSessionDuration:       3600, RoleLastUsed: &struct{}{},
	}
	wantEqual(t, "role", got, want)

	// IAM names ignore case; the answer carries the name as created.
	ci := iamOK[getRoleXML](t, h, iamRequest("", "Action", "GetRole", "RoleName", "CI")).Role
	if ci.RoleName != "ci" || ci.Description != "the CI runner" || ci.MaxSessionDuration != 7200 || ci.Arn != "arn:aws:iam::111122223333:role/ci" {
		t.Errorf("ci %+v", ci)
	}

	u := iamOK[getUserXML](t, h, iamRequest("", "Action", "GetUser", "UserName", "alice")).User
	wantEqual(t, "user", u, iamUser{Path: "/people/", UserName: "alice", UserId: "AIDAEXAMPLEEXAMPLE000",
		Arn: "arn:aws:iam::111122223333:user/people/alice", CreateDate: "2020-01-02T03:04:05Z"})
}

func TestIAMGetUserWithoutName(t *testing.T) {
	h := newHarness(t, emulator.Options{Users: []emulator.User{{Name: "emulator-admin"}}})
	u := iamOK[getUserXML](t, h, iamRequest("", "Action", "GetUser")).User
	if u.UserName != "emulator-admin" || !userIDRE.MatchString(u.UserId) {
		t.Errorf("user %+v", u)
	}
	h.srv.SetCaller("arn:aws:sts::111122223333:assumed-role/Admin/alice")
	wantIAMError(t, h.with(t).do(iamRequest("", "Action", "GetUser")), 400, "Sender", "ValidationError",
		"Must specify userName when calling with non-User credentials")
}

func TestIAMErrors(t *testing.T) {
	const caller = "arn:aws:iam::111122223333:user/emulator-admin"
	tests := []struct {
		name    string
		setup   func(*emulator.Server)
		req     request
		status  int
		typ     string
		code    string
		message string
	}{
		{"no such role", nil, iamRequest("", "Action", "GetRole", "RoleName", "nope"),
			404, "Sender", "NoSuchEntity", "The role with name nope cannot be found."},
		{"no such user", nil, iamRequest("", "Action", "GetUser", "UserName", "bob"),
			404, "Sender", "NoSuchEntity", "The user with name bob cannot be found."},
		{"no such role to delete", nil, iamRequest("", "Action", "DeleteRole", "RoleName", "nope"),
			404, "Sender", "NoSuchEntity", "The role with name nope cannot be found."},
		{"role name missing", nil, iamRequest("", "Action", "GetRole"),
			400, "Sender", "ValidationError", "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null"},
		{"role name invalid", nil, iamRequest("", "Action", "GetRole", "RoleName", "a b"),
			400, "Sender", "ValidationError", `1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"MaxItems out of range", nil, iamRequest("", "Action", "ListRoles", "MaxItems", "1001"),
			400, "Sender", "ValidationError", "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"},
		{"bad Marker", nil, iamRequest("", "Action", "ListRoles", "Marker", "nonsense"),
			400, "Sender", "ValidationError", "Invalid Marker."},
		{"role exists", nil, iamRequest("", "Action", "CreateRole", "RoleName", "Admin", "AssumeRolePolicyDocument", "{}"),
			409, "Sender", "EntityAlreadyExists", "Role with name Admin already exists."},
		{"DENIED key", nil, iamRequest("DENIED", "Action", "GetRole", "RoleName", "admin"),
			403, "Sender", "AccessDenied", "User: " + caller + " is not authorized to perform: iam:GetRole on resource: role admin because no identity-based policy allows the iam:GetRole action"},
		{"IAM denied", func(s *emulator.Server) { s.SetIAMDenied(true) }, iamRequest("", "Action", "ListRoles"),
			403, "Sender", "AccessDenied", "User: " + caller + " is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::111122223333:role/ because no identity-based policy allows the iam:ListRoles action"},
		{"IAM denied, GetUser", func(s *emulator.Server) { s.SetIAMDenied(true) }, iamRequest("", "Action", "GetUser", "UserName", "alice"),
			403, "Sender", "AccessDenied", "User: " + caller + " is not authorized to perform: iam:GetUser on resource: user alice because no identity-based policy allows the iam:GetUser action"},
		{"expired", nil, iamRequest("EXPIRED", "Action", "GetRole", "RoleName", "admin"),
			403, "Sender", "ExpiredToken", "The security token included in the request is expired"},
		{"throttled by the fault knobs", func(s *emulator.Server) {
			s.FailCall("GetRole", 1, emulator.Fault{Status: 429, Code: "TooManyRequestsException", Message: "Too Many Requests"})
		},
			iamRequest("", "Action", "GetRole", "RoleName", "admin"),
			400, "Sender", "Throttling", "Too Many Requests"},
		{"server error by the fault knobs", func(s *emulator.Server) { s.SetFaults(0, 0, 1) },
			iamRequest("", "Action", "ListRoles"),
			500, "Receiver", "InternalFailure", "An internal error occurred. Please try again."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{Roles: []emulator.Role{{Name: "admin"}}})
			if tt.setup != nil {
				tt.setup(h.srv)
			}
			wantIAMError(t, h.with(t).do(tt.req), tt.status, tt.typ, tt.code, tt.message)
		})
	}

	t.Run("an IAM action signed for STS", func(t *testing.T) {
		h := newHarness(t, emulator.Options{Roles: []emulator.Role{{Name: "admin"}}})
		r := iamRequest("", "Action", "GetRole", "RoleName", "admin")
		r.header = nil // harness.do signs "/" for sts
		wantIAMError(t, h.with(t).do(r), 403, "Sender", "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'iam'.")
	})
	t.Run("denying IAM leaves EKS and STS alone", func(t *testing.T) {
		h := newHarness(t, emulator.Options{DenyIAM: true})
		h.with(t).create("demo", `{"principalArn":"`+adminRole+`"}`)
		if resp := h.with(t).do(request{method: "POST", path: "/", body: getCallerIdentity}); resp.status != 200 {
			t.Errorf("GetCallerIdentity: %d %s", resp.status, resp.body)
		}
		h.srv.SetIAMDenied(false)
		wantIAMError(t, h.with(t).do(iamRequest("", "Action", "GetRole", "RoleName", "x")), 404, "Sender", "NoSuchEntity", "The role with name x cannot be found.")
	})
}

func TestIAMListRoles(t *testing.T) {
	h := newHarness(t, emulator.Options{Roles: []emulator.Role{
		{Name: "c", Path: "/team/"}, {Name: "A"}, {Name: "b", Path: "/team/sub/"}, {Name: "d", Path: "/other/"},
	}})
	names := func(roles []iamRole) []string {
		var out []string
		for _, r := range roles {
			out = append(out, r.Path+r.RoleName)
		}
		return out
	}

	all := iamOK[listRolesXML](t, h, iamRequest("", "Action", "ListRoles"))
	wantEqual(t, "all", names(all.Roles), []string{"/A", "/team/sub/b", "/team/c", "/other/d"})
	if all.IsTruncated || all.Marker != "" {
		t.Errorf("one page: IsTruncated %v Marker %q", all.IsTruncated, all.Marker)
	}
	if all.Roles[0].RoleLastUsed != nil {
		t.Error("ListRoles carries RoleLastUsed; IAM leaves it out of lists")
	}
	team := iamOK[listRolesXML](t, h, iamRequest("", "Action", "ListRoles", "PathPrefix", "/team/"))
	wantEqual(t, "/team/", names(team.Roles), []string{"/team/sub/b", "/team/c"})

	var paged []string
	marker := ""
	for pages := 0; ; pages++ {
		if pages > 4 {
			t.Fatal("paging does not end")
		}
		page := iamOK[listRolesXML](t, h, iamRequest("", "Action", "ListRoles", "MaxItems", "1", "Marker", marker))
		paged = append(paged, names(page.Roles)...)
		if !page.IsTruncated {
			break
		}
		marker = page.Marker
	}
	wantEqual(t, "paged", paged, names(all.Roles))

	// A marker is bound to its prefix.
	first := iamOK[listRolesXML](t, h, iamRequest("", "Action", "ListRoles", "MaxItems", "1"))
	wantIAMError(t, h.with(t).do(iamRequest("", "Action", "ListRoles", "PathPrefix", "/team/", "Marker", first.Marker)),
		400, "Sender", "ValidationError", "Invalid Marker.")

	h.srv.SetRepeatPageToken("ListRoles", true)
	again := iamOK[listRolesXML](t, h, iamRequest("", "Action", "ListRoles", "Marker", first.Marker))
	if !again.IsTruncated || again.Marker != first.Marker {
		t.Errorf("RepeatPageToken: IsTruncated %v, Marker %q, want %q", again.IsTruncated, again.Marker, first.Marker)
	}
}

// TestIAMRecreate deletes a role and creates it again: a new unique id, a
// later CreateDate, and the access entry made before keeps the old id.
func TestIAMRecreate(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	old, err := h.srv.CreateRole(emulator.Role{Name: "admin", Path: "/dev/"})
	if err != nil {
		t.Fatal(err)
	}
	h.with(t).create("demo", `{"principalArn":"`+adminRole+`"}`)
	h.with(t).create("demo", `{"principalArn":"`+aliceUser+`"}`) // IAM does not know alice
	if id, ok := h.srv.EntryPrincipalID("demo", adminRole); !ok || id != old.ID {
		t.Errorf("entry holds %q %v, want the role's id %s", id, ok, old.ID)
	}
	if id, ok := h.srv.EntryPrincipalID("demo", aliceUser); !ok || id != "" {
		t.Errorf("entry of a principal IAM does not know holds %q %v", id, ok)
	}

	if err := h.srv.DeleteRole("admin"); err != nil {
		t.Fatal(err)
	}
	wantIAMError(t, h.with(t).do(iamRequest("", "Action", "GetRole", "RoleName", "admin")), 404, "Sender", "NoSuchEntity", "The role with name admin cannot be found.")
	// EKS no longer accepts the deleted role as a principal.
	wantError(t, h.with(t).do(request{method: "POST", path: "/clusters/api/access-entries", body: `{"principalArn":"` + adminRole + `"}`}),
		400, "InvalidParameterException", "The specified principalArn is invalid: invalid principal.")

	// Created again over the wire, as `aws iam create-role` would.
	created := iamOK[struct {
		Role iamRole `xml:"CreateRoleResult>Role"`
	}](t, h, iamRequest("", "Action", "CreateRole", "RoleName", "admin", "Path", "/dev/", "AssumeRolePolicyDocument", `{"Version":"2012-10-17","Statement":[]}`)).Role
	if created.RoleId == old.ID || !roleIDRE.MatchString(created.RoleId) {
		t.Errorf("recreated role id %q, old %q", created.RoleId, old.ID)
	}
	if created.CreateDate != "2025-05-07T00:42:46Z" {
		t.Errorf("recreated CreateDate %s, want the next second after the clock's 00:42:45.453", created.CreateDate)
	}
	if created.AssumeRolePolicyDocument != "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D" {
		t.Errorf("trust policy %s", created.AssumeRolePolicyDocument)
	}
	if id, _ := h.srv.EntryPrincipalID("demo", adminRole); id != old.ID {
		t.Errorf("after recreation the entry holds %q, want the old id %s", id, old.ID)
	}
	h.with(t).create("api", `{"principalArn":"`+adminRole+`"}`)
	if id, _ := h.srv.EntryPrincipalID("api", adminRole); id != created.RoleId {
		t.Errorf("a new entry holds %q, want the new id %s", id, created.RoleId)
	}

	// Users too, through the Go API.
	u1, err := h.srv.CreateUser(emulator.User{Name: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.srv.DeleteUser("alice"); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.DeleteUser("alice"); err == nil {
		t.Error("deleting a deleted user succeeded")
	}
	u2, err := h.srv.CreateUser(emulator.User{Name: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if u2.ID == u1.ID || !u2.Created.After(u1.Created) {
		t.Errorf("recreated user %+v, first %+v", u2, u1)
	}
}

func TestIAMCallerIdentityUsesIAMIDs(t *testing.T) {
	h := newHarness(t, emulator.Options{Caller: "arn:aws:sts::111122223333:assumed-role/Admin/alice"})
	r, err := h.srv.CreateRole(emulator.Role{Name: "Admin", Path: "/team/"})
	if err != nil {
		t.Fatal(err)
	}
	var got stsIdentity
	if err := xml.Unmarshal(h.with(t).do(request{method: "POST", path: "/", body: getCallerIdentity}).body, &got); err != nil {
		t.Fatal(err)
	}
	if got.UserID != r.ID+":alice" {
		t.Errorf("UserId %s, want %s:alice", got.UserID, r.ID)
	}
}

func TestCreateSSORole(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	first, err := h.srv.CreateSSORole("Admin", "")
	if err != nil {
		t.Fatal(err)
	}
	regional, err := h.srv.CreateSSORole("ReadOnly", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	nameRE := regexp.MustCompile(`^AWSReservedSSO_Admin_[0-9a-f]{16}$`)
	if !nameRE.MatchString(first.Name) || first.Path != "/aws-reserved/sso.amazonaws.com/" || !strings.Contains(first.AssumeRolePolicyDocument, "saml-provider/AWSSSO_") {
		t.Errorf("SSO role %+v", first)
	}
	if regional.Path != "/aws-reserved/sso.amazonaws.com/eu-west-1/" {
		t.Errorf("regional SSO role path %s", regional.Path)
	}
	// Re-provisioned: a new suffix.
	if err := h.srv.DeleteRole(first.Name); err != nil {
		t.Fatal(err)
	}
	again, err := h.srv.CreateSSORole("Admin", "")
	if err != nil {
		t.Fatal(err)
	}
	if again.Name == first.Name || !nameRE.MatchString(again.Name) {
		t.Errorf("re-provisioned %s, first %s", again.Name, first.Name)
	}
	list := iamOK[listRolesXML](t, h, iamRequest("", "Action", "ListRoles", "PathPrefix", "/aws-reserved/sso.amazonaws.com/"))
	if len(list.Roles) != 2 {
		t.Errorf("SSO roles listed: %+v", list.Roles)
	}
}

func TestCreateRoleRefuses(t *testing.T) {
	tests := []struct {
		name string
		role emulator.Role
		want string
	}{
		{"bad name", emulator.Role{Name: "a/b"}, "ValidationError: 1 validation error detected: Value 'a/b' at 'roleName' failed..."},
		{"bad path", emulator.Role{Name: "a", Path: "dev"}, "ValidationError: The specified value for path is invalid..."},
		{"bad id", emulator.Role{Name: "a", ID: "AIDAEXAMPLEEXAMPLE000"}, "ValidationError: The unique id AIDAEXAMPLEEXAMPLE000 of role a is not AROA..."},
		{"duplicate, other case", emulator.Role{Name: "ADMIN"}, "EntityAlreadyExists: Role with name ADMIN already exists."},
		{"bad trust policy", emulator.Role{Name: "a", AssumeRolePolicyDocument: "{"}, "MalformedPolicyDocument: This policy contains invalid Json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := emulator.New(emulator.Options{Roles: []emulator.Role{{Name: "admin"}}})
			_, err := srv.CreateRole(tt.role)
			prefix, isPrefix := strings.CutSuffix(tt.want, "...")
			if err == nil || (isPrefix && !strings.HasPrefix(err.Error(), prefix)) || (!isPrefix && err.Error() != tt.want) {
				t.Errorf("error %v, want %s", err, tt.want)
			}
		})
	}
	t.Run("Options panic on a bad seed", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		emulator.New(emulator.Options{Users: []emulator.User{{Name: ""}}})
	})
}

func TestReadScenario(t *testing.T) {
	sc, err := emulator.ReadScenario(strings.NewReader(`{"iam": {
		"roles": [{"name": "admin", "path": "/dev/", "id": "AROAEXAMPLEEXAMPLE001", "createDate": "2024-02-03T04:05:06Z"}],
		"users": [{"name": "alice"}],
		"ssoRoles": ["Admin"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.New(emulator.Options{})
	if err := srv.Seed(sc); err != nil {
		t.Fatal(err)
	}
	roles := srv.Roles()
	if len(roles) != 2 || roles[0].ID != "AROAEXAMPLEEXAMPLE001" || !roles[0].Created.Equal(time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)) ||
		!strings.HasPrefix(roles[1].Name, "AWSReservedSSO_Admin_") {
		t.Errorf("roles %+v", roles)
	}
	if err := srv.Seed(sc); err == nil || !strings.Contains(err.Error(), "EntityAlreadyExists") {
		t.Errorf("seeding twice: %v", err)
	}

	for _, bad := range []string{`{"iam": {"role": []}}`, `{"iam": {}} {}`, `[`} {
		if _, err := emulator.ReadScenario(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadScenario(%s) succeeded", bad)
		}
	}
}

func TestIAMOperationsTakeFaults(t *testing.T) {
	ops := emulator.Operations()
	for _, op := range []string{"GetRole", "GetUser", "ListRoles", "CreateRole", "DeleteRole", "CreateUser", "DeleteUser"} {
		if !slices.Contains(ops, op) {
			t.Errorf("Operations() lacks %s", op)
		}
		if _, err := emulator.ParseCallFault(op + ":1:500"); err != nil {
			t.Error(err)
		}
	}
}
