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
// (printError prints one "eksaccess:" line per line, the table keeps
// multi-line cells, the text format joins them). Everything else, printable
// Unicode included, is left as is; a string without such characters is
// returned unchanged. Machine formats (json, yaml) do not use Sanitize: they
// print the data exactly, escaped by their own rules.
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
