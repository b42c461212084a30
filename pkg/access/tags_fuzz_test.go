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
//
// One tag rule: Set("k=v") and Validate({k: v}) agree, but for the one
// flag-syntax guard, a value that reads as several tags (the AWS CLI's
// "team=a,env=prod", or its long form "Key=team,Value=platform"), and then
// every --tag the hint suggests is accepted by Set.
func FuzzTags(f *testing.F) {
	f.Fuzz(func(t *testing.T, first, second string) {
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
			serr := one.Set(k + "=" + v)
			switch {
			case serr == nil && verr != nil:
				t.Fatalf("tag %q=%q: Validate says %v, Set accepts it", k, v, verr)
			case serr != nil && verr == nil:
				suggested := severalTagsHint(t, serr)
				if len(suggested) < 1 {
					t.Fatalf("tag %q=%q: Validate accepts it, Set says %v (hint %q)", k, v, serr, access.Hints(serr))
				}
				var split access.Tags
				for _, kv := range suggested {
					if err := split.Set(kv); err != nil {
						t.Fatalf("Set(%q) refused as several tags, but its hint's --tag %q is refused too: %v", k+"="+v, kv, err)
					}
				}
			}
		}
	})
}

// severalTagsHint returns the --tag values that the hint of Set's "looks
// like several tags in one" error (at least two) or "is in the AWS CLI's
// Key=KEY,Value=VALUE form" error (at least one) suggests (shell words,
// unquoted), or nil for any other error.
func severalTagsHint(t *testing.T, err error) []string {
	t.Helper()
	prefix, least := "give --tag once per tag: ", 2
	if strings.Contains(err.Error(), "is in the AWS CLI's Key=KEY,Value=VALUE form") {
		prefix, least = "give --tag KEY=VALUE: ", 1
	} else if !strings.Contains(err.Error(), "looks like several tags in one") {
		return nil
	}
	hints := access.Hints(err)
	if len(hints) != 1 || !strings.HasPrefix(hints[0], prefix) {
		return nil
	}
	// "...; or, if it is one tag whose value holds the commas, give it as
	// --tag-literal KV": KV, through --tag-literal, is the tag Set refused.
	const literal = "; or, if it is one tag whose value holds the commas, give it as --tag-literal "
	pairs, lit, ok := strings.Cut(strings.TrimPrefix(hints[0], prefix), literal)
	if !ok {
		t.Fatalf("hint %q names no --tag-literal", hints[0])
	}
	if lw := shellWords(t, lit); len(lw) != 1 {
		t.Fatalf("hint %q: want one --tag-literal value, got %q", hints[0], lw)
	} else {
		var one access.Tags
		if err := (access.LiteralTag{Tags: &one}).Set(lw[0]); err != nil {
			t.Fatalf("hint %q: --tag-literal %q is refused: %v", hints[0], lw[0], err)
		}
	}
	words := shellWords(t, pairs)
	if len(words)%2 != 0 {
		t.Fatalf("hint %q: want --tag VALUE pairs", hints[0])
	}
	var out []string
	for i := 0; i < len(words); i += 2 {
		if words[i] != "--tag" {
			t.Fatalf("hint %q: want --tag VALUE pairs", hints[0])
		}
		out = append(out, words[i+1])
	}
	if len(out) < least {
		t.Fatalf("hint %q suggests %d --tag values, want at least %d", hints[0], len(out), least)
	}
	return out
}

// shellWords splits s as a POSIX shell would split words made of plain
// characters and single-quoted strings (all a hint uses).
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var word strings.Builder
	inWord, quoted, escaped := false, false, false
	for _, r := range s {
		switch {
		case escaped:
			word.WriteRune(r)
			escaped = false
		case quoted && r == '\'':
			quoted = false
		case quoted:
			word.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == ' ':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case r == '\\': // the '\'' idiom: an escaped quote, outside quotes
			escaped, inWord = true, true
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}
