package access_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
)

const (
	acct    = "111122223333"
	roleARN = "arn:aws:iam::" + acct + ":role/admin"
	userARN = "arn:aws:iam::" + acct + ":user/alice"
	form    = "use arn:aws:iam::<account>:role/[path/]NAME or arn:aws:iam::<account>:user/[path/]NAME"
)

func TestPrincipalARNAccepted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		role      bool
		partition string
	}{
		{name: "role", in: roleARN, role: true, partition: "aws"},
		{name: "role with path kept verbatim", in: "arn:aws:iam::" + acct + ":role/team/dev/admin", role: true, partition: "aws"},
		{name: "SSO role with its path", in: "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef", role: true, partition: "aws"},
		{name: "user", in: userARN, partition: "aws"},
		{name: "user with path", in: "arn:aws:iam::" + acct + ":user/staff/alice", partition: "aws"},
		{name: "China partition", in: "arn:aws-cn:iam::" + acct + ":role/admin", role: true, partition: "aws-cn"},
		{name: "GovCloud partition", in: "arn:aws-us-gov:iam::" + acct + ":user/alice", partition: "aws-us-gov"},
		{name: "ISO-B partition", in: "arn:aws-iso-b:iam::" + acct + ":role/admin", role: true, partition: "aws-iso-b"},
		{name: "name punctuation", in: "arn:aws:iam::" + acct + ":role/a+b=c,d.e@f_g-h", role: true, partition: "aws"},
		{name: "64-character name", in: "arn:aws:iam::" + acct + ":role/" + strings.Repeat("r", 64), role: true, partition: "aws"},
		{name: "512-character path", in: "arn:aws:iam::" + acct + ":role/" + strings.Repeat("p/", 256) + "admin", role: true, partition: "aws"},
		{name: "path with punctuation", in: "arn:aws:iam::" + acct + ":role/a!b#c/admin", role: true, partition: "aws"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := access.ParsePrincipalARN(tt.in)
			if err != nil {
				t.Fatalf("ParsePrincipalARN(%q): %v", tt.in, err)
			}
			got := []any{p.String(), p.IsRole(), p.IsUser(), p.Partition(), p.Account(), p.IsZero(), p.Warnings()}
			wantv := []any{tt.in, tt.role, !tt.role, tt.partition, acct, false, []string(nil)}
			if diff := cmp.Diff(wantv, got); diff != "" {
				t.Errorf("String, IsRole, IsUser, Partition, Account, IsZero, Warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrincipalARNRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		err  want
	}{
		{name: "empty", in: "", err: want{`not an ARN: ""`, form}},
		{name: "bare account ID", in: acct, err: want{`"111122223333" is an account ID, not an ARN`, "e.g. arn:aws:iam::111122223333:role/NAME"}},
		{name: "short number", in: "12345", err: want{`not an ARN: "12345"`, form}},
		{name: "role name only", in: "role/admin", err: want{`not an ARN: "role/admin"`, form}},
		{name: "too few sections", in: "arn:aws:iam::" + acct, err: want{"not an ARN", form}},
		{
			name: "assumed-role session",
			in:   "arn:aws:sts::" + acct + ":assumed-role/Admin/alice@example.com",
			err: want{
				`"arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com" is an STS assumed-role session, not an IAM role`,
				"use the role's ARN, arn:aws:iam::111122223333:role/Admin; a session ARN leaves out the role's path, so if the role has one, look it up with aws iam get-role --role-name Admin",
			},
		},
		{name: "assumed-role session in China", in: "arn:aws-cn:sts::" + acct + ":assumed-role/Admin/bob", err: want{"assumed-role session", "arn:aws-cn:iam::111122223333:role/Admin;"}},
		{
			name: "IAM Identity Center session",
			in:   "arn:aws:sts::" + acct + ":assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com",
			err: want{"is an STS assumed-role session of an IAM Identity Center role, not an IAM role",
				"use the role's ARN, arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef; " +
					"the path may also hold the region of your Identity Center instance (aws-reserved/sso.amazonaws.com/<region>/): " +
					"check it with aws iam get-role --role-name AWSReservedSSO_Admin_0123456789abcdef --query Role.Arn"},
		},
		{name: "assumed-role without session", in: "arn:aws:sts::" + acct + ":assumed-role/Admin", err: want{"assumed-role session", "role/Admin;"}},
		{name: "assumed-role without role", in: "arn:aws:sts::" + acct + ":assumed-role/", err: want{"is an STS ARN, not an IAM role or user", form}},
		{name: "federated user", in: "arn:aws:sts::" + acct + ":federated-user/bob", err: want{"is an STS federated-user session, not an IAM role or user", "the IAM user that calls sts get-federation-token"}},
		{name: "other STS ARN", in: "arn:aws:sts::" + acct + ":self", err: want{"is an STS ARN, not an IAM role or user", form}},
		{
			name: "service-linked role",
			in:   "arn:aws:iam::" + acct + ":role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
			err:  want{"is a service-linked role; EKS does not allow access entries for service-linked roles", "create the entry for a role you manage"},
		},
		{name: "account root", in: "arn:aws:iam::" + acct + ":root", err: want{`"arn:aws:iam::111122223333:root" is the account root: EKS accepts it, but the entry grants no access`, "an IAM role or user of account 111122223333"}},
		{name: "root with a path", in: "arn:aws:iam::" + acct + ":root/x", err: want{"is not an IAM role or user", form}},
		{
			name: "IAM group",
			in:   "arn:aws:iam::" + acct + ":group/ops/admins",
			err:  want{"is an IAM group; groups cannot be access-entry principals", "create an entry per role or user, or map the group's members (aws iam get-group --group-name admins)"},
		},
		{name: "OIDC provider", in: "arn:aws:iam::" + acct + ":oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", err: want{"is an IAM identity provider, not a principal", "create the entry for the role they assume"}},
		{name: "SAML provider", in: "arn:aws:iam::" + acct + ":saml-provider/Okta", err: want{"is an IAM identity provider, not a principal", "the role they assume"}},
		{name: "instance profile", in: "arn:aws:iam::" + acct + ":instance-profile/nodes/NodeProfile", err: want{"is an instance profile, not a role", "aws iam get-instance-profile --instance-profile-name NodeProfile"}},
		{name: "customer policy", in: "arn:aws:iam::" + acct + ":policy/EKSAdmin", err: want{"is not an IAM role or user", form}},
		{name: "AWS managed policy", in: "arn:aws:iam::aws:policy/AdministratorAccess", err: want{`account ID "aws" in "arn:aws:iam::aws:policy/AdministratorAccess" is not 12 digits`, noHint}},
		{name: "S3 bucket", in: "arn:aws:s3:::my-bucket", err: want{`"arn:aws:s3:::my-bucket" is an ARN of service "s3", not an IAM role or user`, form}},
		{name: "EKS cluster", in: "arn:aws:eks:us-east-1:" + acct + ":cluster/demo", err: want{`of service "eks"`, form}},
		{name: "unknown partition", in: "arn:foo:iam::" + acct + ":role/admin", err: want{`unknown partition "foo"`, `"aws-cn" in China`}},
		{name: "empty partition", in: "arn::iam::" + acct + ":role/admin", err: want{`unknown partition ""`, `"aws" in most regions`}},
		{name: "partition with empty suffix", in: "arn:aws-:iam::" + acct + ":role/admin", err: want{`unknown partition "aws-"`, "GovCloud"}},
		{name: "upper-case partition suffix", in: "arn:aws-CN:iam::" + acct + ":role/admin", err: want{`unknown partition "aws-CN"`, "GovCloud"}},
		{name: "upper-case partition", in: "arn:AWS:iam::" + acct + ":role/admin", err: want{`unknown partition "AWS"`, "GovCloud"}},
		{name: "11-digit account", in: "arn:aws:iam::11112222333:role/admin", err: want{`account ID "11112222333" in "arn:aws:iam::11112222333:role/admin" is not 12 digits`, noHint}},
		{name: "13-digit account", in: "arn:aws:iam::1111222233334:role/admin", err: want{"is not 12 digits", noHint}},
		{name: "account with a letter", in: "arn:aws:iam::11112222333a:role/admin", err: want{"is not 12 digits", noHint}},
		{name: "no account", in: "arn:aws:iam:::role/admin", err: want{`account ID ""`, noHint}},
		{name: "IAM ARN with region", in: "arn:aws:iam:us-east-1:" + acct + ":role/admin", err: want{`"arn:aws:iam:us-east-1:111122223333:role/admin" has region "us-east-1", but IAM ARNs have none`, "use " + roleARN}},
		{name: "STS ARN with region", in: "arn:aws:sts:us-east-1:" + acct + ":assumed-role/Admin/x", err: want{`has region "us-east-1", but STS ARNs have none`, "use arn:aws:sts::111122223333:assumed-role/Admin/x"}},
		{name: "role without name", in: "arn:aws:iam::" + acct + ":role/", err: want{"has no role name", form}},
		{name: "role without slash", in: "arn:aws:iam::" + acct + ":role", err: want{"has no role name", form}},
		{name: "role path without name", in: "arn:aws:iam::" + acct + ":role/team/", err: want{"has no role name", form}},
		{name: "user without name", in: "arn:aws:iam::" + acct + ":user/", err: want{"has no user name", form}},
		{name: "65-character name", in: "arn:aws:iam::" + acct + ":role/" + strings.Repeat("r", 65), err: want{"role name in", noHint}},
		{name: "space in name", in: "arn:aws:iam::" + acct + ":role/ad min", err: want{`role name "ad min" in "arn:aws:iam::111122223333:role/ad min" contains " "; IAM names use letters, digits and + = , . @ _ -`, noHint}},
		{name: "trailing newline", in: userARN + "\n", err: want{`user name "alice\n"`, noHint}},
		{name: "colon in name", in: roleARN + ":cluster", err: want{`contains ":"`, noHint}},
		{name: "non-ASCII name", in: "arn:aws:iam::" + acct + ":user/zoë", err: want{`contains "ë"`, noHint}},
		{name: "empty path segment", in: "arn:aws:iam::" + acct + ":role/a//admin", err: want{"path in", noHint}},
		{name: "path begins with slash", in: "arn:aws:iam::" + acct + ":role//admin", err: want{"has an empty segment", noHint}},
		{name: "space in path", in: "arn:aws:iam::" + acct + ":role/my team/admin", err: want{`path in "arn:aws:iam::111122223333:role/my team/admin" contains " "`, noHint}},
		{name: "513-character path", in: "arn:aws:iam::" + acct + ":role/" + strings.Repeat("p", 512) + "/admin", err: want{"is 513 characters; the limit is 512", noHint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, _ := access.ParsePrincipalARN(userARN)
			err := p.Set(tt.in)
			checkError(t, err, tt.err)
			if p.String() != userARN {
				t.Errorf("a failed Set changed the value to %q", p)
			}
			if _, err := access.ParsePrincipalARN(tt.in); err == nil {
				t.Errorf("ParsePrincipalARN(%q) succeeded", tt.in)
			}
		})
	}
}

// TestPrincipalARNVerify: an IAM Identity Center role without its path is
// refused with the ARN to use; Warnings says the same for commands that
// only warn.
func TestPrincipalARNVerify(t *testing.T) {
	t.Parallel()
	const sso = "AWSReservedSSO_Admin_0123456789abcdef"
	const check = "; the path may also hold the region of your Identity Center instance (aws-reserved/sso.amazonaws.com/<region>/): check it with aws iam get-role --role-name " + sso + " --query Role.Arn"
	tests := []struct {
		name string
		in   string
		err  want // msg "" for none
	}{
		{
			name: "SSO role without path",
			in:   "arn:aws:iam::" + acct + ":role/" + sso,
			err: want{"role " + sso + ` has no aws-reserved/sso.amazonaws.com/ path: IAM Identity Center roles exist only under it, and EKS would answer "invalid principal"`,
				"use arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/" + sso + check},
		},
		{
			name: "SSO role with another path",
			in:   "arn:aws-cn:iam::" + acct + ":role/other/" + sso,
			err:  want{"role " + sso + " has no aws-reserved/sso.amazonaws.com/ path", "use arn:aws-cn:iam::111122223333:role/aws-reserved/sso.amazonaws.com/" + sso + check},
		},
		{name: "SSO role with its path", in: "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/" + sso},
		{name: "SSO role with regional path", in: "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/eu-west-1/" + sso},
		{name: "user named like an SSO role", in: "arn:aws:iam::" + acct + ":user/" + sso},
		{name: "ordinary role", in: roleARN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := access.ParsePrincipalARN(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			err = p.Verify()
			checkError(t, err, tt.err)
			var warnings []string
			if err != nil {
				warnings = []string{err.Error() + "; " + access.Hints(err)[0]}
			}
			if diff := cmp.Diff(warnings, p.Warnings()); diff != "" {
				t.Errorf("Warnings() is not Verify's error and hint (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrincipalARNZero(t *testing.T) {
	t.Parallel()
	var p access.PrincipalARN
	got := []any{p.IsZero(), p.IsRole(), p.IsUser(), p.String(), p.Partition(), p.Account(), p.Warnings(), p.Verify(), p.Type()}
	wantv := []any{true, false, false, "", "", "", []string(nil), nil, "arn"}
	if diff := cmp.Diff(wantv, got); diff != "" {
		t.Errorf("zero PrincipalARN (-want +got):\n%s", diff)
	}
}

func FuzzParsePrincipalARN(f *testing.F) {
	for _, s := range []string{
		roleARN, userARN, acct, "", "arn:", "arn:aws:iam::" + acct + ":root",
		"arn:aws:sts::" + acct + ":assumed-role/Admin/x", "arn:aws:iam::" + acct + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x",
		"arn:aws:iam::" + acct + ":role/AWSReservedSSO_x", "arn:aws:iam::" + acct + ":group/g", "arn:aws:iam::" + acct + ":role//x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := access.ParsePrincipalARN(s)
		if err != nil {
			if _, ok := errors.AsType[*access.Error](err); !ok {
				t.Fatalf("error %v is a %T, want *access.Error", err, err)
			}
			_ = access.Hints(err)
			return
		}
		if p.String() != s {
			t.Fatalf("String() = %q, want %q", p, s)
		}
		again, err := access.ParsePrincipalARN(p.String())
		if err != nil || again != p {
			t.Fatalf("round trip of %q: %v, %v", s, again, err)
		}
		if p.IsRole() == p.IsUser() {
			t.Fatalf("%q: IsRole %v, IsUser %v", s, p.IsRole(), p.IsUser())
		}
		if len(p.Account()) != 12 || p.Partition() == "" {
			t.Fatalf("%q: account %q, partition %q", s, p.Account(), p.Partition())
		}
		if err := p.Verify(); err != nil {
			if _, ok := errors.AsType[*access.Error](err); !ok {
				t.Fatalf("Verify error %v is a %T, want *access.Error", err, err)
			}
		}
		_ = p.Warnings()
	})
}
