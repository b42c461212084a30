package access_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
)

const (
	ssoAdmin    = "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"
	ssoAdminNew = "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_fedcba9876543210"
	ssoAdminEU  = "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef"
	ssoReadOnly = "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_0123456789abcdef"
)

func TestParseSSOName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    access.SSOName
		wantErr string
	}{
		{in: "sso:Admin", want: access.SSOName{PermissionSet: "Admin"}},
		{in: "SSO:Admin", want: access.SSOName{PermissionSet: "Admin"}},
		{in: "sso:Admin@444455556666", want: access.SSOName{PermissionSet: "Admin", Account: "444455556666"}},
		{in: "sso:ops@example.com", want: access.SSOName{PermissionSet: "ops@example.com"}},
		{in: "sso:a@b@444455556666", want: access.SSOName{PermissionSet: "a@b", Account: "444455556666"}},
		{in: "sso:A+b=c,d.e_f-g", want: access.SSOName{PermissionSet: "A+b=c,d.e_f-g"}},
		{in: "sso:" + "p234567890123456789012345678901x", want: access.SSOName{PermissionSet: "p234567890123456789012345678901x"}},
		{in: "sso:", wantErr: `"sso:" names no permission set`},
		{in: "sso:@444455556666", wantErr: `"sso:@444455556666" names no permission set`},
		{in: "sso:Admin@4444", wantErr: `account ID "4444" in "sso:Admin@4444" is not 12 digits`},
		{in: "sso:Ad min", wantErr: `permission set name "Ad min" in "sso:Ad min" contains " "; permission set names use letters, digits and + = , . @ _ -`},
		{in: "sso:a/b", wantErr: `permission set name "a/b" in "sso:a/b" contains "/"; permission set names use letters, digits and + = , . @ _ -`},
		{in: "sso:" + "p234567890123456789012345678901xy", wantErr: `permission set name "p234567890123456789012345678901xy" in "sso:p234567890123456789012345678901xy" is 33 characters; the limit is 32`},
		{in: "arn:aws:iam::111122223333:role/x", wantErr: `"arn:aws:iam::111122223333:role/x" is not an sso: name`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := access.ParseSSOName(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseSSOName(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseSSOName(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// An sso: name given where a principal is: unresolved (no partition, a
// role), then resolved to the ARN with the name kept for Display.
func TestPrincipalARNSSO(t *testing.T) {
	t.Parallel()
	p, err := access.ParsePrincipalARN("SSO:Admin")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Unresolved() || !p.IsRole() || p.String() != "sso:Admin" || p.Display() != "sso:Admin" || p.Verify() != nil {
		t.Fatalf("unresolved: Unresolved %v IsRole %v String %q Display %q Verify %v", p.Unresolved(), p.IsRole(), p, p.Display(), p.Verify())
	}
	if _, err := p.Resolved(ssoReadOnly); err == nil {
		t.Error("Resolved accepted the role of another permission set")
	}
	r, err := p.Resolved(ssoAdmin)
	if err != nil {
		t.Fatal(err)
	}
	n, ok := r.SSOName()
	if r.Unresolved() || r.String() != ssoAdmin || r.Partition() != "aws" || !ok || n.PermissionSet != "Admin" {
		t.Errorf("resolved: %q %v %q %v %v", r, r.Unresolved(), r.Partition(), n, ok)
	}
	if want := "sso:Admin (" + ssoAdmin + ")"; r.Display() != want {
		t.Errorf("Display() = %q, want %q", r.Display(), want)
	}
	plain, _ := access.ParsePrincipalARN(ssoAdmin)
	if plain.Display() != ssoAdmin || !plain.Equal(r) {
		t.Errorf("an ARN given as such: Display %q, Equal %v", plain.Display(), plain.Equal(r))
	}
	other, _ := access.ParsePrincipalARN("sso:Admin@444455556666")
	if other.Account() != "444455556666" {
		t.Errorf("Account() = %q", other.Account())
	}
	if _, err := other.Resolved(ssoAdmin); err == nil {
		t.Error("sso:Admin@444455556666 resolved to a role of account " + acct)
	}
}

func TestSSONameMatches(t *testing.T) {
	t.Parallel()
	admin := access.SSOName{PermissionSet: "Admin"}
	tests := []struct {
		name string
		n    access.SSOName
		arn  string
		want bool
	}{
		{"without region", admin, ssoAdmin, true},
		{"with region", admin, ssoAdminEU, true},
		{"account named", access.SSOName{PermissionSet: "Admin", Account: acct}, ssoAdmin, true},
		{"other account named", access.SSOName{PermissionSet: "Admin", Account: "444455556666"}, ssoAdmin, false},
		{"other permission set", admin, ssoReadOnly, false},
		{"prefix of another set", admin, "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_Extra_0123456789abcdef", false},
		{"case differs", access.SSOName{PermissionSet: "admin"}, ssoAdmin, false},
		{"not under the sso path", admin, "arn:aws:iam::" + acct + ":role/AWSReservedSSO_Admin_0123456789abcdef", false},
		{"two segments below", admin, "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/a/b/AWSReservedSSO_Admin_0123456789abcdef", false},
		{"no suffix", admin, "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_", false},
		{"a user", admin, "arn:aws:iam::" + acct + ":user/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.n.Matches(tt.arn); got != tt.want {
				t.Errorf("%v.Matches(%s) = %v, want %v", tt.n, tt.arn, got, tt.want)
			}
		})
	}
}

func TestPickSSORole(t *testing.T) {
	t.Parallel()
	admin := access.SSOName{PermissionSet: "Admin"}
	tests := []struct {
		name        string
		n           access.SSOName
		roles       []string
		want        string
		wantMatches []string
		wantHint    string
	}{
		{name: "one", n: admin, roles: []string{ssoReadOnly, ssoAdmin}, want: ssoAdmin},
		{name: "one with region", n: admin, roles: []string{ssoAdminEU, ssoReadOnly}, want: ssoAdminEU},
		{
			name: "none", n: admin, roles: []string{ssoReadOnly}, wantMatches: nil,
			wantHint: "the permission set is not assigned in account 111122223333: assign it in IAM Identity Center (a user or group, with the account), which provisions the role; the account has roles of permission set ReadOnly",
		},
		{
			name: "none at all", n: admin, roles: nil,
			wantHint: "the permission set is not assigned in account 111122223333: assign it in IAM Identity Center (a user or group, with the account), which provisions the role",
		},
		{
			name: "another case", n: access.SSOName{PermissionSet: "admin"}, roles: []string{ssoAdmin},
			wantHint: "did you mean sso:Admin? Permission set names are case-sensitive",
		},
		{
			name: "two", n: admin, roles: []string{ssoAdminNew, ssoReadOnly, ssoAdmin}, wantMatches: []string{ssoAdmin, ssoAdminNew},
			wantHint: "give the role's full ARN instead of sso:Admin",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := access.PickSSORole(tt.n, acct, tt.roles)
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Fatalf("PickSSORole = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var le *access.SSOLookupError
			if !errors.As(err, &le) {
				t.Fatalf("PickSSORole = %q, %v; want an *SSOLookupError", got, err)
			}
			if diff := cmp.Diff(tt.wantMatches, le.Matches); diff != "" {
				t.Errorf("matches (-want +got):\n%s", diff)
			}
			if le.NotFound() != (len(tt.wantMatches) == 0) {
				t.Errorf("NotFound() = %v", le.NotFound())
			}
			if le.Hint() != tt.wantHint {
				t.Errorf("hint:\n got %q\nwant %q", le.Hint(), tt.wantHint)
			}
		})
	}
}

func TestSSONameFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		arn, account, want string
	}{
		{ssoAdmin, acct, "sso:Admin"},
		{ssoAdminEU, acct, "sso:Admin"},
		{ssoAdmin, "444455556666", "sso:Admin@" + acct},
		{roleARN, acct, ""},
		{"arn:aws:iam::" + acct + ":role/AWSReservedSSO_Admin_0123456789abcdef", acct, ""},
	}
	for _, tt := range tests {
		n, ok := access.SSONameFor(tt.arn, tt.account)
		if got := map[bool]string{true: n.String(), false: ""}[ok]; got != tt.want {
			t.Errorf("SSONameFor(%s, %s) = %q, want %q", tt.arn, tt.account, got, tt.want)
		}
	}
}
