package access

import "testing"

func TestIsCaller(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, caller, principal string
		want                    bool
	}{
		{"same user", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice", true},
		{"other user", "arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:user/alice", false},
		{"user path matters", "arn:aws:iam::111122223333:user/ops/alice", "arn:aws:iam::111122223333:user/alice", false},
		{"session of the role", "arn:aws:sts::111122223333:assumed-role/admin/alice", "arn:aws:iam::111122223333:role/admin", true},
		{"session of the role with a path", "arn:aws:sts::111122223333:assumed-role/admin/alice", "arn:aws:iam::111122223333:role/platform/admin", true},
		{"session of another role", "arn:aws:sts::111122223333:assumed-role/dev/alice", "arn:aws:iam::111122223333:role/admin", false},
		{"role name prefix is not the role", "arn:aws:sts::111122223333:assumed-role/admin/alice", "arn:aws:iam::111122223333:role/admin2", false},
		{"other account", "arn:aws:sts::444455556666:assumed-role/admin/alice", "arn:aws:iam::111122223333:role/admin", false},
		{"other partition", "arn:aws-cn:sts::111122223333:assumed-role/admin/alice", "arn:aws:iam::111122223333:role/admin", false},
		{"session against a user", "arn:aws:sts::111122223333:assumed-role/alice/x", "arn:aws:iam::111122223333:user/alice", false},
		{"root caller", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice", false},
		{"garbage caller", "nope", "arn:aws:iam::111122223333:user/alice", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParsePrincipalARN(tc.principal)
			if err != nil {
				t.Fatal(err)
			}
			if got := IsCaller(tc.caller, p); got != tc.want {
				t.Errorf("IsCaller(%q, %q) = %v, want %v", tc.caller, tc.principal, got, tc.want)
			}
		})
	}
}

func TestParseEntryPrincipal(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		"arn:aws:iam::111122223333:root",
		"arn:aws-cn:iam::111122223333:root",
		"arn:aws:iam::111122223333:role/path/dev",
		"arn:aws:iam::111122223333:user/alice",
	} {
		if p, err := ParseEntryPrincipal(ok); err != nil || p.String() != ok {
			t.Errorf("ParseEntryPrincipal(%q) = %q, %v", ok, p, err)
		}
	}
	for _, bad := range []string{
		"arn:aws:iam::1111:root",
		"arn:aws:iam:us-east-1:111122223333:root",
		"arn:aws:sts::111122223333:assumed-role/dev/alice",
		"arn:aws:iam::111122223333:group/admins",
		"not-an-arn",
	} {
		if _, err := ParseEntryPrincipal(bad); err == nil {
			t.Errorf("ParseEntryPrincipal(%q) accepted it", bad)
		}
	}
	// create still refuses the root
	if _, err := ParsePrincipalARN("arn:aws:iam::111122223333:root"); err == nil {
		t.Error("ParsePrincipalARN accepted the root")
	}
}
