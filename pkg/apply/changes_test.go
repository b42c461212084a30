package apply

import (
	"slices"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// TestChanges: the one concurrent-writer rule that update's re-read and
// apply's share. A duplicate group another writer added is a change (the
// stricter of the two rules there were: update's compacted the groups and
// missed it); the order of groups is not. A read-back compares the fields
// sent as a set, and ignores the revision, which is the write's own.
func TestChanges(t *testing.T) {
	t.Parallel()
	entry := func(rev string, username string, groups ...string) access.Entry {
		return access.Entry{Revision: rev, Username: username, KubernetesGroups: groups}
	}
	cases := []struct {
		name        string
		was, is     access.Entry
		changes     []string
		overwritten []string
	}{
		{"the same", entry("1", "u", "a", "b"), entry("1", "u", "a", "b"), nil, nil},
		{"groups in another order", entry("1", "u", "b", "a"), entry("1", "u", "a", "b"), nil, nil},
		{"a duplicate group added", entry("1", "u", "a"), entry("1", "u", "a", "a"), []string{"kubernetesGroups [a] -> [a a]"}, nil},
		{"a group removed", entry("1", "u", "a", "b"), entry("2", "u", "b"), []string{"kubernetesGroups [a b] -> [b]", "modifiedAt 1 -> 2"}, []string{"kubernetesGroups [a b] -> [b]"}},
		{"the username", entry("1", "u"), entry("1", "v"), []string{`username "u" -> "v"`}, []string{`username "u" -> "v"`}},
		{"rewritten as it was", entry("1", "u", "a"), entry("2", "u", "a"), []string{"modifiedAt 1 -> 2"}, nil},
	}
	for _, tc := range cases {
		if got := changedFields(tc.was, tc.is); !slices.Equal(got, tc.changes) {
			t.Errorf("%s: Changes %q, want %q", tc.name, got, tc.changes)
		}
		if got := overwritten(tc.was, tc.is); !slices.Equal(got, tc.overwritten) {
			t.Errorf("%s: overwritten %q, want %q", tc.name, got, tc.overwritten)
		}
	}
}
