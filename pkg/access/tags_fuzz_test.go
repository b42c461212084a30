package access_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// FuzzTags feeds two --tag values to Tags.Set, as `--tag A --tag B` does,
// and the same key and value to Tags.Validate, as a map from a file or the
// API. Set stores exactly the tag it parses, or fails with an
// *access.Error and changes nothing; Validate accepts what Set accepts;
// an accepted tag is clean text (valid UTF-8, no control characters).
func FuzzTags(f *testing.F) {
	f.Fuzz(func(t *testing.T, first, second string) {
		skipKnownFinding(t, "FuzzTags", first, second)
		var tags access.Tags
		for _, kv := range []string{first, second} {
			before := maps.Clone(tags)
			err := tags.Set(kv)
			if err != nil {
				wantValidationError(t, err)
				if !maps.Equal(tags, before) {
					t.Fatalf("a failed Set(%q) changed the tags from %v to %v", kv, before, tags)
				}
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			wantLen := len(before) + 1
			if _, had := before[k]; had {
				wantLen = len(before)
			}
			if got, ok := tags[k]; !ok || got != v || len(tags) != wantLen {
				t.Fatalf("Set(%q) on %v gives %v", kv, before, tags)
			}
			if !cleanText(k) || !cleanText(v) {
				t.Errorf("Set(%q) accepted a tag that is not clean text: key %q, value %q", kv, k, v)
			}
		}
		if err := tags.Validate(); err != nil {
			t.Fatalf("tags %v made by Set do not validate: %v", tags, err)
		}
		_ = tags.String()

		// A map that did not come through Set: Validate and Set agree.
		k, v := first, second
		verr := access.Tags{k: v}.Validate()
		if verr != nil {
			wantValidationError(t, verr)
		}
		if !strings.Contains(k, "=") {
			var one access.Tags
			if serr := one.Set(k + "=" + v); (serr == nil) != (verr == nil) {
				t.Fatalf("tag %q=%q: Validate says %v, Set says %v", k, v, verr, serr)
			}
		}
	})
}
