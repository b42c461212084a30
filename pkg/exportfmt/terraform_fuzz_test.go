package exportfmt

import (
	"testing"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
)

// quote's string reads back, with HashiCorp's parser, as the text it was
// given, whatever that text is.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"${x}", "%{y}", "$${", `\"`, "\x00", "{{SessionName}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("EKS's JSON carries UTF-8 only")
		}
		// Terraform's strings are in Unicode NFC (cty normalizes every
		// string), whatever the escaping.
		if got, want := evalQuoted(t, quote(s)), cty.NormalizeString(s); got != want {
			t.Errorf("quote(%q) = %s reads back as %q, want %q", s, quote(s), got, want)
		}
	})
}
