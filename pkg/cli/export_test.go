package cli

import "testing"

func TestFirstFew(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		items []string
		want  string
	}{
		{[]string{"a"}, "a"},
		{[]string{"a", "b", "c"}, "a, b, c"},
		{[]string{"a", "b", "c", "d", "e"}, "a, b, c and 2 more"},
	} {
		if got := firstFew(tt.items); got != tt.want {
			t.Errorf("firstFew(%q) = %q, want %q", tt.items, got, tt.want)
		}
	}
}
