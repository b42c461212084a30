package access_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// FuzzClusterNameAndType feeds one value to the --cluster and --type flag
// values. An accepted cluster name is 1-100 characters of
// [0-9A-Za-z][A-Za-z0-9_-]*; an accepted type is one of EntryTypes,
// spelled as given up to ASCII case and "-" for "_". A failed Set is an
// *access.Error and keeps the previous value.
func FuzzClusterNameAndType(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {

		c := access.ClusterName("previous")
		if err := c.Set(s); err != nil {
			wantValidationError(t, err)
			if c != "previous" {
				t.Fatalf("a failed Set(%q) changed the cluster to %q", s, c)
			}
		} else {
			const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			if c.String() != s || len(s) > 100 || !strings.ContainsRune(alnum, rune(s[0])) || strings.Trim(s, alnum+"-_") != "" {
				t.Fatalf("cluster name %q accepted as %q", s, c)
			}
		}

		typ := access.TypeEC2
		if err := typ.Set(s); err != nil {
			wantValidationError(t, err)
			if typ != access.TypeEC2 {
				t.Fatalf("a failed Set(%q) changed the type to %q", s, typ)
			}
			return
		}
		if !slices.Contains(access.EntryTypes(), typ) {
			t.Fatalf("Set(%q) stored %q, which is not a type", s, typ)
		}
		if folded := strings.ReplaceAll(s, "-", "_"); !asciiEqualFold(folded, typ.String()) {
			t.Errorf("--type %q accepted as %s; want the type's name in any ASCII case", s, typ)
		}
	})
}

// asciiEqualFold is strings.EqualFold for ASCII only: "ſ" (U+017F) is not "S".
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
