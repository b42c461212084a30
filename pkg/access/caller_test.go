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
