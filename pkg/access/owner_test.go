package access_test

import (
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

func TestCheckOwner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		owner string
		err   string // "" when valid
	}{
		{owner: "team-payments"},
		{owner: "platform/ci@prod"},
		{owner: "A1._-:/=+@"},
		{owner: strings.Repeat("x", 128)},
		{owner: "", err: "owner is empty"},
		{owner: strings.Repeat("x", 129), err: "owner is 129 characters; the limit is 128"},
		{owner: "-team", err: `owner "-team" must begin with a letter or a digit`},
		{owner: "team a", err: `owner "team a" has " "`},
		{owner: "team\na", err: `owner "team\na" contains a newline (U+000A)`},
		{owner: "team\u202eevil", err: `owner "team\u202eevil" contains`},
		{owner: "équipe", err: `owner "équipe" must begin with a letter or a digit`},
		{owner: "teamé", err: `owner "teamé" has "é"`},
		{owner: "aws:team", err: `owner "aws:team" is reserved`},
		{owner: "AWS:team", err: `owner "AWS:team" is reserved`},
	}
	for _, tt := range tests {
		t.Run(tt.owner, func(t *testing.T) {
			t.Parallel()
			err := access.CheckOwner(tt.owner)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("CheckOwner(%q) = %v, want nil", tt.owner, err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("CheckOwner(%q) = %v, want %q", tt.owner, err, tt.err)
			case tt.err != "" && len(access.Hints(err)) == 0:
				t.Errorf("CheckOwner(%q): no hint", tt.owner)
			}
		})
	}
}

func TestIsApplyTag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k, v string
		want bool
	}{
		{access.ManagedTagKey, access.ManagedTagValue, true},
		{access.OwnerTagKey, "team-a", true},
		{access.ManagedTagKey, "terraform", false},
		{access.ManagedTagKey, "", false},
		{access.ManagedTagKey, "EKSACCESS", false},
		{"team", "eksaccess", false},
	}
	for _, tt := range tests {
		if got := access.IsApplyTag(tt.k, tt.v); got != tt.want {
			t.Errorf("IsApplyTag(%q, %q) = %v, want %v", tt.k, tt.v, got, tt.want)
		}
	}
}
