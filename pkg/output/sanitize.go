package output

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sanitize returns s safe to write to a terminal, for every string eksaccess
// prints for people (errors, hints, warnings, prompts, table and text
// output): anything that could move the cursor, change colours, set the
// window title, ring the bell, overwrite a line or reorder what is shown
// becomes a visible escape instead:
//
//   - C0 controls other than tab and newline, and DEL: \x1b, \r, \x07, \x7f...
//   - C1 controls (U+0080 to U+009F, CSI and OSC among them): \u009b...
//   - Unicode bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E,
//     U+200F, U+061C), the line and paragraph separators U+2028 and U+2029,
//     and the byte-order mark U+FEFF: \u202e...
//   - bytes that are not UTF-8: \xff...
//
// Tab and newline are kept: callers decide what they mean in their layout
// (printError prints one "eksaccess:" line per line, the table shows a
// line break as \n, the text format as a space). Everything else, printable
// Unicode included, is left as is; a string without such characters is
// returned unchanged. Machine formats (json, yaml) do not use Sanitize: they
// print the data exactly, escaped by their own rules, and escapeQuoted
// escapes there what those rules leave raw.
func Sanitize(s string) string {
	i := unsafeIndex(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeIndex is the byte offset of the first character Sanitize changes in
// s, or -1.
func unsafeIndex(s string) int {
	for i, r := range s {
		if unsafeRune(r) {
			return i
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return -1
}

// unsafeRune reports whether Sanitize escapes r.
func unsafeRune(r rune) bool {
	switch {
	case r == '\t', r == '\n':
		return false
	case r < 0x20, r == 0x7f, 0x80 <= r && r <= 0x9f:
		return true
	case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069:
		return true
	}
	switch r {
	case 0x200e, 0x200f, 0x061c, 0x2028, 0x2029, 0xfeff:
		return true
	}
	return false
}

// escapeQuoted rewrites every character of doc that Sanitize would escape
// as a \uXXXX escape (hex in upper case when upper, as YAML writes its own
// escapes; lower, as encoding/json does). It is for a JSON or YAML
// document in which every such character can only be inside a
// double-quoted string, where \uXXXX means the character itself: the
// document stays valid and decodes to the same data, and a terminal shows
// the escape instead of obeying the character (a right-to-left override
// that reorders the line, a C1 CSI, DEL). Every character concerned is in
// the Basic Multilingual Plane, so one \u escape spells it.
func escapeQuoted(doc []byte, upper bool) []byte {
	i := unsafeQuotedIndex(doc)
	if i < 0 {
		return doc
	}
	format := `\u%04x`
	if upper {
		format = `\u%04X`
	}
	out := make([]byte, 0, len(doc)+16)
	out = append(out, doc[:i]...)
	for i < len(doc) {
		r, size := utf8.DecodeRune(doc[i:])
		if unsafeRune(r) {
			out = fmt.Appendf(out, format, r)
		} else {
			out = append(out, doc[i:i+size]...)
		}
		i += size
	}
	return out
}

// unsafeQuotedIndex is the byte offset of the first character escapeQuoted
// rewrites in doc, or -1. Most documents are ASCII without DEL: those are
// skipped byte by byte.
func unsafeQuotedIndex(doc []byte) int {
	for i := 0; i < len(doc); {
		if c := doc[i]; c < 0x7f {
			if c < 0x20 && c != '\t' && c != '\n' {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(doc[i:])
		if unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}
