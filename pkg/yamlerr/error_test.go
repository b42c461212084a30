package yamlerr_test

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/eksaccess/eksaccess/pkg/yamlerr"
)

func TestError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err        *yamlerr.Error
		text, hint string
	}{
		{&yamlerr.Error{File: "a.yaml", Line: 3, Field: "entries[0].username", Err: yamlerr.Problem("leave it out", "username %q is bad", "x")},
			`a.yaml:3: entries[0].username: username "x" is bad`, "leave it out"},
		{&yamlerr.Error{File: "<stdin>", Err: yamlerr.Problem("", "file is empty")}, "<stdin>: file is empty", ""},
		{&yamlerr.Error{File: "a.yaml", Line: 1, Err: errors.New("plain")}, "a.yaml:1: plain", ""},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.text {
			t.Errorf("Error() = %q, want %q", got, tc.text)
		}
		if got := tc.err.Hint(); got != tc.hint {
			t.Errorf("%s: Hint() = %q, want %q", tc.text, got, tc.hint)
		}
		if !errors.Is(tc.err, tc.err.Err) {
			t.Errorf("%s does not unwrap to its problem", tc.text)
		}
	}
}

func TestTooDeep(t *testing.T) {
	t.Parallel()
	for depth, want := range map[int]bool{3: false, 4: false, 5: true, 200: true} {
		var doc yaml.Node
		src := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		// The document node is at depth 0, each "[" one level deeper.
		if got := yamlerr.TooDeep(&doc, 4) != nil; got != want {
			t.Errorf("%d levels, limit 4: TooDeep %v, want %v", depth, got, want)
		}
	}
}
