package cmdutil

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestListValue: comma-only splitting, nothing dropped, as the options
// see it.
func TestListValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []string
		want []string
		err  string
	}{
		{in: []string{"a"}, want: []string{"a"}},
		{in: []string{"a,b", "c"}, want: []string{"a", "b", "c"}},
		{in: []string{" a , b "}, want: []string{" a ", " b "}}, // trimmed later, by the model
		{in: []string{`"a,b"`}, want: []string{`"a`, `b"`}},
		{in: []string{""}, want: []string{}},
		{in: []string{"a", "b\nc"}, want: []string{"a"}, err: `"b\nc" contains a newline`},
		{in: []string{"a\x00"}, want: nil, err: "U+0000"},
	}
	for _, tt := range tests {
		var got []string
		v := NewListValue(&got)
		var err error
		for _, s := range tt.in {
			if err = v.Set(s); err != nil {
				break
			}
		}
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Set(%q): err = %v, want %q", tt.in, err, tt.err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Set(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
