package output_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	jmespath "github.com/jmespath-community/go-jmespath"
	yamlv2 "go.yaml.in/yaml/v2"
	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// The fuzz targets of package output: `make fuzz` runs them, plain
// `go test` runs their seed corpora (testdata/fuzz/FuzzXxx/).

// entryDoc is the document describe prints: the API's {"accessEntry": ...}.
type entryDoc struct {
	AccessEntry access.Entry `json:"accessEntry"`
}

// FuzzPrintEntry renders an access entry made of fuzzed strings the way
// describe does (the API document and a FIELD/VALUE table) and the way
// list --details does (a row per entry), in every format. JSON and YAML
// decode to the same entry (strings coerced to valid UTF-8, as encoding/json
// does); the table holds no control character but line breaks; the text
// format prints one line per row with a tab between cells and no other
// control character.
func FuzzPrintEntry(f *testing.F) {
	f.Fuzz(func(t *testing.T, cluster, principal, username, group, tagKey, tagValue string, created int64) {
		e := access.Entry{
			ClusterName:      cluster,
			PrincipalARN:     access.UncheckedPrincipalARN(principal),
			KubernetesGroups: []string{group},
			AccessEntryARN:   "arn:aws:eks:us-west-2:111122223333:access-entry/" + cluster,
			CreatedAt:        time.UnixMilli(created % (1 << 44)).UTC(), // years 1413-2527: RFC 3339 has four-digit years
			Tags:             map[string]string{tagKey: tagValue},
			Username:         username,
			Type:             "STANDARD",
		}
		describe := output.Table{Header: []string{"FIELD", "VALUE"}, Rows: [][]string{
			{"PRINCIPAL", e.PrincipalARN.String()}, {"USERNAME", e.Username}, {"GROUPS", group},
			{"TAGS", tagKey + "=" + tagValue}, {"CLUSTER", e.ClusterName}, {"CREATED", e.CreatedAt.Format(time.RFC3339)},
		}}
		details := output.Table{
			Header: []string{"principal arn", "username", "groups", "tags"},
			Rows:   [][]string{{principal, username, group, tagKey + "=" + tagValue}, {cluster}},
		}
		for _, table := range []output.Table{describe, details} {
			res := output.Result{Doc: entryDoc{AccessEntry: e}, Table: table}
			for _, f := range output.Formats() {
				out, ok := render(t, output.Options{Format: output.Format(f), Color: f == "table"}, res)
				if !ok {
					continue
				}
				switch output.Format(f) {
				case output.JSON, output.YAML:
					checkNoTerminalControls(t, f, out)
					for reader, got := range decode(t, f, out) {
						var doc entryDoc
						if err := json.Unmarshal(marshal(t, got), &doc); err != nil {
							t.Fatalf("-o %s read by %s is no entry document: %v\n%s", f, reader, err, out)
						}
						checkEntry(t, f+" read by "+reader, doc.AccessEntry, e)
					}
				case output.TableFormat:
					checkTable(t, out, true)
				case output.Text:
					checkText(t, out, table)
				}
			}
		}
	})
}

// FuzzPrintDocument renders any JSON document (as a --query result or an
// API response can be) in every format, through the query "@" for table
// and text. JSON and YAML output decode to the document; table and text
// hold no control character but line breaks (and tabs between text cells);
// a text rendering of an object is one key<TAB>value line per key.
func FuzzPrintDocument(f *testing.F) {
	f.Fuzz(func(t *testing.T, doc []byte) {
		var v any
		if json.Unmarshal(doc, &v) != nil {
			return
		}
		res := output.Result{Doc: v}
		for _, f := range output.Formats() {
			opts := output.Options{Format: output.Format(f)}
			if f == "table" || f == "text" {
				opts.Query = "@"
			}
			out, ok := render(t, opts, res)
			if !ok {
				continue
			}
			switch output.Format(f) {
			case output.JSON, output.YAML:
				checkNoTerminalControls(t, f, out)
				checkDecodes(t, f, out, v)
			case output.TableFormat:
				checkTable(t, out, false)
			case output.Text:
				checkControl(t, "text", out, "\t\n")
				if m, ok := v.(map[string]any); ok {
					lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
					if len(m) == 0 && len(out) != 0 || len(m) > 0 && len(lines) != len(m) {
						t.Fatalf("-o text of an object with %d keys prints %d lines:\n%q", len(m), len(lines), out)
					}
					for _, l := range lines {
						if len(m) > 0 && strings.Count(l, "\t") != 1 {
							t.Fatalf("-o text line %q of an object is not key<TAB>value", l)
						}
					}
				}
			}
		}
	})
}

// FuzzQuery compiles a --query and applies it with Print to a document (the
// fuzzed JSON, or an access entry when that is not JSON) in every format.
// Nothing panics; Print refuses what CompileQuery refuses; an error writes
// nothing; -o json prints what JMESPath finds, and -o yaml the same.
func FuzzQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, query string, doc []byte) {
		var v any
		if json.Unmarshal(doc, &v) != nil {
			v = entryDoc{AccessEntry: access.Entry{
				ClusterName: "demo", PrincipalARN: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/dev"),
				KubernetesGroups: []string{"dev", "ops"}, Tags: map[string]string{"team": "a"},
				Username: "dev:{{SessionName}}", Type: "STANDARD", CreatedAt: time.Unix(1746578565, 0).UTC(),
			}}
		}
		res := output.Result{Doc: v, Table: output.Table{Header: []string{"a"}, Rows: [][]string{{"b"}}}}
		cerr := output.CompileQuery(query)
		for _, f := range output.Formats() {
			var buf bytes.Buffer
			err := output.Print(&buf, output.Options{Format: output.Format(f), Query: query}, res)
			if err != nil && buf.Len() > 0 {
				t.Fatalf("-o %s --query %q: error %v after writing %q", f, query, err, buf.String())
			}
			if cerr != nil && err == nil {
				t.Fatalf("-o %s --query %q: CompileQuery refuses it (%v), Print does not", f, query, cerr)
			}
			if err != nil || query == "" {
				continue
			}
			switch output.Format(f) {
			case output.JSON, output.YAML:
				want, serr := jmespath.Search(query, jsonForm(t, v))
				if serr != nil {
					t.Fatalf("--query %q: Print succeeds, JMESPath fails: %v", query, serr)
				}
				checkDecodes(t, f, buf.Bytes(), jsonForm(t, want))
			case output.TableFormat:
				checkTable(t, buf.Bytes(), false)
			case output.Text:
				checkControl(t, "text", buf.Bytes(), "\t\n")
			}
		}
	})
}

// render prints r; a failure is an error of the test, which goes on with
// the other formats.
func render(t *testing.T, o output.Options, r output.Result) ([]byte, bool) {
	t.Helper()
	var buf bytes.Buffer
	if err := output.Print(&buf, o, r); err != nil {
		t.Errorf("Print -o %s: %v", o.Format, err)
		return nil, false
	}
	return buf.Bytes(), true
}

// jsonForm is v as encoding/json sees it: what --query runs on.
func jsonForm(t *testing.T, v any) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(marshal(t, v), &out); err != nil {
		t.Fatalf("unmarshal %v: %v", v, err)
	}
	return out
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	return b
}

// decode reads -o json or -o yaml output as its readers do, and returns
// what each one reads, keyed by reader, in the JSON data model. YAML has
// two readers: YAML 1.2 (go.yaml.in/yaml/v3) and YAML 1.1
// (go.yaml.in/yaml/v2, which reads yes, on and 0x1F as a bool and a
// number), since a document must mean the same to both.
func decode(t *testing.T, format string, out []byte) map[string]any {
	t.Helper()
	if format == "json" {
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("-o json is not JSON: %v\n%s", err, out)
		}
		return map[string]any{"encoding/json": v}
	}
	got := map[string]any{}
	for reader, unmarshal := range map[string]func([]byte, any) error{
		"YAML 1.2": yamlv3.Unmarshal,
		"YAML 1.1": yamlv2.Unmarshal,
	} {
		var v any
		if err := unmarshal(out, &v); err != nil {
			t.Fatalf("-o yaml does not parse as %s: %v\n%s", reader, err, out)
		}
		n, err := jsonModel(v)
		if err != nil {
			t.Fatalf("-o yaml read as %s: %v\n%s", reader, err, out)
		}
		got[reader] = n
	}
	return got
}

// jsonModel converts what a YAML reader returns to the JSON data model
// (string keys, float64 numbers); a value JSON cannot hold is an error.
func jsonModel(v any) (any, error) {
	switch v := v.(type) {
	case nil, string, bool, float64:
		return v, nil
	case int:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	case time.Time:
		return v.Format(time.RFC3339Nano), nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			var err error
			if out[i], err = jsonModel(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			var err error
			if out[k], err = jsonModel(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("key %#v is a %T, not a string", k, k)
			}
			var err error
			if out[ks], err = jsonModel(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("value %#v is a %T, which JSON has not", v, v)
}

// checkDecodes checks that -o json or -o yaml output reads as want.
func checkDecodes(t *testing.T, format string, out []byte, want any) {
	t.Helper()
	for reader, got := range decode(t, format, out) {
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("-o %s read by %s is\n%#v\nwant\n%#v\noutput:\n%s", format, reader, got, want, out)
		}
	}
}

// checkNoTerminalControls fails when JSON or YAML output holds a character
// that acts on a terminal: a control character other than tab and newline,
// DEL, a C1 control, a bidirectional control, U+2028, U+2029 or U+FEFF.
// They are all printed as escapes.
func checkNoTerminalControls(t *testing.T, format string, out []byte) {
	t.Helper()
	i := bytes.IndexFunc(out, func(r rune) bool {
		return r != '\t' && r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) ||
			r == '\u2028' || r == '\u2029' || r == '\ufeff')
	})
	if i >= 0 {
		r, _ := utf8.DecodeRune(out[i:])
		t.Fatalf("-o %s prints %U raw at offset %d:\n%q", format, r, i, out)
	}
}

// checkEntry compares a decoded entry with the one printed, whose strings
// encoding/json coerces to valid UTF-8.
func checkEntry(t *testing.T, format string, got, printed access.Entry) {
	t.Helper()
	want := printed
	want.ClusterName, want.PrincipalARN, want.Username = jsonString(printed.ClusterName), access.UncheckedPrincipalARN(jsonString(printed.PrincipalARN.String())), jsonString(printed.Username)
	want.AccessEntryARN = jsonString(printed.AccessEntryARN)
	want.KubernetesGroups = []string{jsonString(printed.KubernetesGroups[0])}
	want.Tags = map[string]string{}
	for k, val := range printed.Tags {
		want.Tags[jsonString(k)] = jsonString(val)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("-o %s decodes to\n%#v\nwant\n%#v", format, got, want)
	}
}

// jsonString is s as encoding/json writes it: each byte that is not part of
// valid UTF-8 replaced by U+FFFD.
func jsonString(s string) string {
	return strings.Map(func(r rune) rune { return r }, s)
}

// checkTable checks table output: no control characters but line breaks,
// and, with color, only the header's bold escapes.
func checkTable(t *testing.T, out []byte, color bool) {
	t.Helper()
	if color {
		first, rest, _ := bytes.Cut(out, []byte("\n"))
		first = bytes.TrimPrefix(bytes.TrimSuffix(first, []byte("\x1b[0m")), []byte("\x1b[1m"))
		out = append(append(first, '\n'), rest...)
	}
	checkControl(t, "table", out, "\n")
}

// checkControl fails when out holds a control character not in allowed.
func checkControl(t *testing.T, format string, out []byte, allowed string) {
	t.Helper()
	for _, r := range string(out) {
		if unicode.IsControl(r) && !strings.ContainsRune(allowed, r) {
			t.Fatalf("-o %s prints control character %q:\n%q", format, r, out)
		}
	}
}

// checkText checks text output: one line per row, cells separated by tabs.
func checkText(t *testing.T, out []byte, table output.Table) {
	t.Helper()
	checkControl(t, "text", out, "\t\n")
	width := len(table.Header)
	for _, r := range table.Rows {
		width = max(width, len(r))
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(table.Rows) {
		t.Fatalf("-o text prints %d lines for %d rows:\n%q", len(lines), len(table.Rows), out)
	}
	for _, l := range lines {
		if n := strings.Count(l, "\t"); n != width-1 {
			t.Fatalf("-o text line %q has %d tabs, want %d", l, n, width-1)
		}
	}
}
