package output

import "testing"

func TestPlural(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 entries match"}, {1, "1 entry matches"}, {2, "2 entries match"}, {-1, "-1 entries match"}} {
		if got := Plural(tt.n, "entry matches", "entries match"); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
