package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/internal/golden"

	"github.com/google/go-cmp/cmp"
	jmespath "github.com/jmespath-community/go-jmespath"
	yaml11 "go.yaml.in/yaml/v2"
	yaml "go.yaml.in/yaml/v3"
)

// entry is shaped like the EKS AccessEntry in the AWS CLI's output.
type entry struct {
	ClusterName      string            `json:"clusterName"`
	PrincipalARN     string            `json:"principalArn"`
	KubernetesGroups []string          `json:"kubernetesGroups"`
	AccessEntryARN   string            `json:"accessEntryArn"`
	CreatedAt        time.Time         `json:"createdAt"`
	ModifiedAt       time.Time         `json:"modifiedAt"`
	Tags             map[string]string `json:"tags"`
	Username         string            `json:"username"`
	Type             string            `json:"type"`
}

// entryDoc is the document of create, describe and update.
type entryDoc struct {
	AccessEntry entry `json:"accessEntry"`
}

// listDoc is the document of list: principal ARNs.
type listDoc struct {
	AccessEntries []string `json:"accessEntries"`
}

// detailsDoc is the document of list --details.
type detailsDoc struct {
	AccessEntries []entry `json:"accessEntries"`
}

var (
	oncall = entry{
		ClusterName:      "prod",
		PrincipalARN:     "arn:aws:iam::111122223333:role/platform/oncall",
		KubernetesGroups: []string{"oncall", "viewers"},
		AccessEntryARN:   "arn:aws:eks:eu-west-1:111122223333:access-entry/prod/role/111122223333/oncall/a2c7d5e1-0b9f-4c1e-8a3d-6f0e9b2d4c11",
		CreatedAt:        time.Date(2024, 5, 14, 9, 30, 0, 0, time.UTC),
		ModifiedAt:       time.Date(2024, 6, 1, 17, 2, 3, 0, time.UTC),
		Tags:             map[string]string{"team": "platform", "managed-by": "eksaccess"},
		Username:         "oncall:{{SessionName}}",
		Type:             "STANDARD",
	}
	nodes = entry{
		ClusterName:      "prod",
		PrincipalARN:     "arn:aws:iam::111122223333:role/eks-nodes",
		KubernetesGroups: []string{},
		AccessEntryARN:   "arn:aws:eks:eu-west-1:111122223333:access-entry/prod/role/111122223333/eks-nodes/0f4e2a9c-7d1b-4e3a-9c5f-2b8d6e1a3f70",
		CreatedAt:        time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		ModifiedAt:       time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		Tags:             map[string]string{},
		Username:         "system:node:{{EC2PrivateDNSName}}",
		Type:             "EC2_LINUX",
	}
)

// entryTable is what describe hands to Print next to entryDoc.
func entryTable(es ...entry) Table {
	t := Table{Header: []string{"principal arn", "type", "username", "groups", "created"}}
	for _, e := range es {
		t.Rows = append(t.Rows, []string{
			e.PrincipalARN, e.Type, e.Username, strings.Join(e.KubernetesGroups, ","), e.CreatedAt.Format(time.RFC3339),
		})
	}
	return t
}

var (
	entryResult   = Result{Doc: entryDoc{AccessEntry: oncall}, Table: entryTable(oncall)}
	detailsResult = Result{Doc: detailsDoc{AccessEntries: []entry{nodes, oncall}}, Table: entryTable(nodes, oncall)}
	listResult    = Result{
		Doc: listDoc{AccessEntries: []string{nodes.PrincipalARN, oncall.PrincipalARN}},
		Table: Table{
			Header: []string{"Principal ARN"},
			Rows:   [][]string{{nodes.PrincipalARN}, {oncall.PrincipalARN}},
		},
	}
	emptyListResult = Result{Doc: listDoc{AccessEntries: []string{}}, Table: Table{Header: []string{"principal arn"}}}
)

// TestPrint pins every format's rendering, with and without --query, in
// testdata/TestPrint/<case>.golden.
func TestPrint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		res  Result
	}{
		// Without a query: Doc for json and yaml, Table for table and text.
		{name: "entry table", opts: Options{Format: TableFormat}, res: entryResult},
		{name: "entry table color", opts: Options{Format: TableFormat, Color: true}, res: entryResult},
		{name: "entry json", opts: Options{Format: JSON}, res: entryResult},
		{name: "entry yaml", opts: Options{Format: YAML}, res: entryResult},
		{name: "entry text", opts: Options{Format: Text}, res: entryResult},
		{name: "zero format is table", opts: Options{}, res: entryResult},
		{name: "list table", opts: Options{Format: TableFormat}, res: listResult},
		{name: "list json", opts: Options{Format: JSON}, res: listResult},
		{name: "list yaml", opts: Options{Format: YAML}, res: listResult},
		{name: "list text", opts: Options{Format: Text}, res: listResult},
		{name: "details table", opts: Options{Format: TableFormat}, res: detailsResult},
		{name: "details json", opts: Options{Format: JSON}, res: detailsResult},
		{name: "details yaml", opts: Options{Format: YAML}, res: detailsResult},
		{name: "details text", opts: Options{Format: Text}, res: detailsResult},

		// Empty results: an empty list in json and yaml, nothing in table and text.
		{name: "empty json", opts: Options{Format: JSON}, res: emptyListResult},
		{name: "empty yaml", opts: Options{Format: YAML}, res: emptyListResult},
		{name: "empty table", opts: Options{Format: TableFormat}, res: emptyListResult},
		{name: "empty table color", opts: Options{Format: TableFormat, Color: true}, res: emptyListResult},
		{name: "empty text", opts: Options{Format: Text}, res: emptyListResult},
		{name: "nil result table", opts: Options{Format: TableFormat}, res: Result{}},
		{name: "nil result json", opts: Options{Format: JSON}, res: Result{}},

		// A scalar result.
		{name: "query string json", opts: Options{Format: JSON, Query: "accessEntry.accessEntryArn"}, res: entryResult},
		{name: "query string yaml", opts: Options{Format: YAML, Query: "accessEntry.accessEntryArn"}, res: entryResult},
		{name: "query string table", opts: Options{Format: TableFormat, Query: "accessEntry.accessEntryArn"}, res: entryResult},
		{name: "query string text", opts: Options{Format: Text, Query: "accessEntry.accessEntryArn"}, res: entryResult},
		{name: "query time json", opts: Options{Format: JSON, Query: "accessEntry.createdAt"}, res: entryResult},
		{name: "query number table", opts: Options{Format: TableFormat, Query: "length(accessEntries)"}, res: detailsResult},
		{name: "query bool text", opts: Options{Format: Text, Query: "contains(accessEntries, 'arn:aws:iam::111122223333:role/eks-nodes')"}, res: listResult},

		// null prints null in json and yaml (like the AWS CLI), nothing in table and text.
		{name: "query null json", opts: Options{Format: JSON, Query: "accessEntry.missing"}, res: entryResult},
		{name: "query null yaml", opts: Options{Format: YAML, Query: "accessEntry.missing"}, res: entryResult},
		{name: "query null table", opts: Options{Format: TableFormat, Query: "accessEntry.missing"}, res: entryResult},
		{name: "query null text", opts: Options{Format: Text, Query: "accessEntry.missing"}, res: entryResult},

		// A list of scalars: one per line (in text: one tab-separated line).
		{name: "query scalars json", opts: Options{Format: JSON, Query: "accessEntries[].principalArn"}, res: detailsResult},
		{name: "query scalars yaml", opts: Options{Format: YAML, Query: "accessEntries[].principalArn"}, res: detailsResult},
		{name: "query scalars table", opts: Options{Format: TableFormat, Query: "accessEntries[].principalArn"}, res: detailsResult},
		{name: "query scalars text", opts: Options{Format: Text, Query: "accessEntries[].principalArn"}, res: detailsResult},
		// In text, like the AWS CLI: the scalars on one line, then a line per list.
		{name: "query scalars and lists text", opts: Options{Format: Text, Query: "[accessEntry.username, accessEntry.kubernetesGroups, `null`, accessEntry.type, `[1, [2]]`]"}, res: entryResult},
		{name: "query empty list json", opts: Options{Format: JSON, Query: "accessEntry.kubernetesGroups[?@ == 'none']"}, res: entryResult},
		{name: "query empty list table", opts: Options{Format: TableFormat, Query: "accessEntry.kubernetesGroups[?@ == 'none']"}, res: entryResult},

		// A list of objects: a column per key, sorted; the header only in table.
		{name: "query objects json", opts: Options{Format: JSON, Query: "accessEntries[].{principal: principalArn, type: type, groups: kubernetesGroups}"}, res: detailsResult},
		{name: "query objects yaml", opts: Options{Format: YAML, Query: "accessEntries[].{principal: principalArn, type: type, groups: kubernetesGroups}"}, res: detailsResult},
		{name: "query objects table", opts: Options{Format: TableFormat, Query: "accessEntries[].{principal: principalArn, type: type, groups: kubernetesGroups}"}, res: detailsResult},
		{name: "query objects table color", opts: Options{Format: TableFormat, Color: true, Query: "accessEntries[].{principal: principalArn, type: type}"}, res: detailsResult},
		{name: "query objects text", opts: Options{Format: Text, Query: "accessEntries[].{principal: principalArn, type: type, groups: kubernetesGroups}"}, res: detailsResult},
		{name: "query whole entries table", opts: Options{Format: TableFormat, Query: "accessEntries"}, res: detailsResult},

		// A list of lists: a row each, no header.
		{name: "query lists table", opts: Options{Format: TableFormat, Query: "accessEntries[].[principalArn, type, username]"}, res: detailsResult},
		{name: "query lists text", opts: Options{Format: Text, Query: "accessEntries[].[principalArn, type, username]"}, res: detailsResult},
		{name: "query mixed list table", opts: Options{Format: TableFormat, Query: "[accessEntry.username, accessEntry.kubernetesGroups, accessEntry.tags, `null`, `3`]"}, res: entryResult},

		// An object: key/value rows, sorted by key.
		{name: "query object json", opts: Options{Format: JSON, Query: "accessEntry.tags"}, res: entryResult},
		{name: "query object yaml", opts: Options{Format: YAML, Query: "accessEntry.tags"}, res: entryResult},
		{name: "query object table", opts: Options{Format: TableFormat, Query: "accessEntry"}, res: entryResult},
		{name: "query object text", opts: Options{Format: Text, Query: "accessEntry.tags"}, res: entryResult},
		{name: "query empty object table", opts: Options{Format: TableFormat, Query: "accessEntries[0].tags"}, res: detailsResult},

		// Keys differ between objects: the union, with empty cells.
		{
			name: "query ragged objects table",
			opts: Options{Format: TableFormat, Query: "items"},
			res: Result{Doc: map[string]any{"items": []any{
				map[string]any{"b": 1, "a": "x"},
				nil,
				map[string]any{"c": map[string]any{"d": []int{1, 2}}, "a": "y"},
			}}},
		},

		// Table cells: display widths, alignment, unsafe characters.
		{
			name: "unicode table",
			opts: Options{Format: TableFormat},
			res: Result{Table: Table{
				Header: []string{"name", "größe", "note"},
				Rows: [][]string{
					{"日本語のロール", "3", "wide (CJK)"},
					{"ascii", "10", "plain"},
					{"café", "4", "precomposed é"},
					{"cafe\u0301", "4", "combining accent"},
					{"Ελληνικά", "8", "greek"},
					{"한국어", "3", "hangul"},
				},
			}},
		},
		{
			name: "unicode text",
			opts: Options{Format: Text},
			res: Result{Table: Table{
				Header: []string{"name", "größe"},
				Rows:   [][]string{{"日本語のロール", "3"}, {"café", "4"}},
			}},
		},
		{
			name: "ragged rows table",
			opts: Options{Format: TableFormat},
			res: Result{Table: Table{
				Header: []string{"a", "b"},
				Rows:   [][]string{{"1"}, {"1", "2", "3"}, {}},
			}},
		},
		{
			name: "ragged rows text",
			opts: Options{Format: Text},
			res:  Result{Table: Table{Rows: [][]string{{"1"}, {"1", "2", "3"}}}},
		},
		{
			name: "no header table",
			opts: Options{Format: TableFormat, Color: true},
			res:  Result{Table: Table{Rows: [][]string{{"x", "y"}, {"longer", "z"}}}},
		},
		{
			name: "control characters table",
			opts: Options{Format: TableFormat},
			res: Result{Table: Table{
				Header: []string{"multi\nline header", "b"},
				Rows:   [][]string{{"tab\there", "esc\x1b[31mred"}, {"two\nlines", "crlf\r\nend"}},
			}},
		},
		{
			name: "control characters text",
			opts: Options{Format: Text},
			res: Result{Table: Table{
				Rows: [][]string{{"tab\there", "two\nlines", "crlf\r\nend"}},
			}},
		},
		// Server data that would act on a terminal: escaped, the same data.
		{name: "terminal controls json", opts: Options{Format: JSON}, res: Result{Doc: terminalControlsDoc}},
		{name: "terminal controls yaml", opts: Options{Format: YAML}, res: Result{Doc: terminalControlsDoc}},
		{
			name: "html characters json",
			opts: Options{Format: JSON},
			res:  Result{Doc: map[string]string{"a<b": "x&y>z", "unicode": "日本語"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Print(&buf, tt.opts, tt.res); err != nil {
				t.Fatalf("Print: %v", err)
			}
			golden.Assert(t, buf.Bytes())
		})
	}
}

// TestPrint_timesAreRFC3339 checks the contract directly, beyond the golden
// files: the AWS CLI prints the same strings.
func TestPrint_timesAreRFC3339(t *testing.T) {
	t.Parallel()
	for _, f := range []Format{JSON, YAML, Text} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Print(&buf, Options{Format: f, Query: "accessEntry.createdAt"}, entryResult); err != nil {
				t.Fatal(err)
			}
			if want := "2024-05-14T09:30:00Z"; !strings.Contains(buf.String(), want) {
				t.Errorf("got %q, want it to contain %q", buf.String(), want)
			}
		})
	}
}

// TestPrint_oddDocuments feeds values a careless caller might pass: Print
// must return (an error at worst), never panic, and never write half a
// document.
func TestPrint_oddDocuments(t *testing.T) {
	t.Parallel()
	var nilEntry *entryDoc
	docs := []struct {
		name    string
		doc     any
		wantErr bool // for json and yaml
	}{
		{name: "nil", doc: nil},
		{name: "typed nil pointer", doc: nilEntry},
		{name: "pointer", doc: &entryDoc{}},
		{name: "string", doc: "just a string"},
		{name: "number", doc: 42},
		{name: "int keys", doc: map[int]string{2: "b", 1: "a"}},
		{name: "empty slice", doc: []entry{}},
		{name: "nil slice", doc: []entry(nil)},
		{name: "channel", doc: make(chan int), wantErr: true},
		{name: "function", doc: func() {}, wantErr: true},
		{name: "NaN", doc: map[string]float64{"x": math.NaN()}, wantErr: true},
		{name: "nested channel", doc: map[string]any{"ok": 1, "bad": make(chan int)}, wantErr: true},
	}
	queries := []string{"", "@", "x", "[*]", "*", "length(@)"}
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			for _, f := range Formats() {
				for _, q := range queries {
					var buf bytes.Buffer
					err := Print(&buf, Options{Format: Format(f), Query: q, Color: true}, Result{Doc: d.doc})
					if err != nil && buf.Len() > 0 {
						t.Errorf("-o %s --query %q: error %v after writing %q", f, q, err, buf.String())
					}
					if q == "" && (f == "json" || f == "yaml") && (err != nil) != d.wantErr {
						t.Errorf("-o %s: error = %v, want error %v", f, err, d.wantErr)
					}
				}
			}
		})
	}
}

// errWriter fails every write.
type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

func TestPrint_errors(t *testing.T) {
	t.Parallel()
	errClosed := errors.New("pipe closed")
	tests := []struct {
		name   string
		w      errWriter
		opts   Options
		res    Result
		wantIs error // checked with errors.Is when set
		syntax bool  // the chain holds a jmespath.SyntaxError
	}{
		{name: "syntax error", opts: Options{Format: JSON, Query: "accessEntry.["}, res: entryResult, syntax: true},
		{name: "syntax error in table", opts: Options{Format: TableFormat, Query: "accessEntry |"}, res: entryResult, syntax: true},
		{name: "unknown function", opts: Options{Format: YAML, Query: "lenght(accessEntries)"}, res: listResult}, //nolint:misspell // the typo is the test
		{name: "wrong type at run time", opts: Options{Format: Text, Query: "join(',', accessEntry.tags)"}, res: entryResult},
		{name: "wrong type at run time json", opts: Options{Format: JSON, Query: "abs(accessEntry.type)"}, res: entryResult},
		{name: "undefined variable", opts: Options{Format: JSON, Query: "$nope"}, res: entryResult},
		{name: "expression reference result", opts: Options{Format: JSON, Query: "&accessEntry"}, res: entryResult},
		{name: "unknown format", opts: Options{Format: "xml"}, res: entryResult},
		{name: "unencodable doc json", opts: Options{Format: JSON}, res: Result{Doc: make(chan int)}},
		{name: "unencodable doc with query", opts: Options{Format: TableFormat, Query: "@"}, res: Result{Doc: make(chan int)}},
		{name: "write error", w: errWriter{errClosed}, opts: Options{Format: JSON}, res: entryResult, wantIs: errClosed},
		{name: "write error table", w: errWriter{errClosed}, opts: Options{Format: TableFormat}, res: entryResult, wantIs: errClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			var err error
			if tt.w.err != nil {
				err = Print(tt.w, tt.opts, tt.res)
			} else {
				err = Print(&buf, tt.opts, tt.res)
			}
			if err == nil {
				t.Fatalf("Print succeeded with %q, want an error", buf.String())
			}
			if buf.Len() > 0 {
				t.Errorf("Print wrote %q before failing", buf.String())
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v does not wrap %v", err, tt.wantIs)
			}
			if got := errors.As(err, new(jmespath.SyntaxError)); got != tt.syntax {
				t.Errorf("errors.As(%v, SyntaxError) = %v, want %v", err, got, tt.syntax)
			}
			golden.Assert(t, []byte(err.Error()+"\n"))
		})
	}
}

func TestCompileQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		query   string
		wantErr bool
		syntax  bool // the chain holds a jmespath.SyntaxError
	}{
		{name: "empty means none", query: ""},
		{name: "field", query: "accessEntry.accessEntryArn"},
		{name: "projection", query: "accessEntries[].{arn: principalArn, groups: join(',', kubernetesGroups)}"},
		{name: "filter", query: "accessEntries[?type == 'STANDARD'] | length(@)"},
		{name: "optional argument omitted", query: "pad_left(accessEntry.type, `10`)"},
		{name: "optional argument given", query: "pad_left(accessEntry.type, `10`, '-')"},
		{name: "variadic", query: "merge(accessEntry.tags, `{}`, `{}`)"},
		{name: "nested call", query: "sort(keys(accessEntry.tags))[0]"},
		{name: "let", query: "let $c = accessEntry.clusterName in accessEntry.tags"},
		{name: "only spaces", query: "  ", wantErr: true, syntax: true},
		{name: "unclosed bracket", query: "accessEntries[", wantErr: true, syntax: true},
		{name: "trailing token", query: "accessEntry type", wantErr: true, syntax: true},
		{name: "unclosed literal", query: "`{", wantErr: true, syntax: true},
		{name: "unclosed call", query: "length(", wantErr: true, syntax: true},
		{name: "bad JSON literal", query: "`{a}`", wantErr: true},
		{name: "unknown function", query: "lenght(accessEntries)", wantErr: true}, //nolint:misspell // the typo is the test
		{name: "unknown nested function", query: "accessEntries[].uppercase(principalArn)", wantErr: true},
		{name: "too few arguments", query: "join(',')", wantErr: true},
		{name: "too many arguments", query: "length(a, b)", wantErr: true},
		{name: "too few for variadic", query: "not_null()", wantErr: true},
		{name: "too many with optional", query: "pad_left(a, `1`, '-', 'x')", wantErr: true},
		// The library parses these, then panics evaluating them.
		{name: "let binding without value", query: "let $a in b", wantErr: true},
		{name: "let binding without value or space", query: "let$0 in A", wantErr: true},
		{name: "let second binding without value", query: "let $a = b, $c in d", wantErr: true},
		{name: "let nested binding without value", query: "x[].[let $a in b]", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CompileQuery(tt.query)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CompileQuery(%q) = %v, want error %v", tt.query, err, tt.wantErr)
			}
			if got := errors.As(err, new(jmespath.SyntaxError)); got != tt.syntax {
				t.Errorf("errors.As(%v, SyntaxError) = %v, want %v", err, got, tt.syntax)
			}
			if err != nil {
				golden.Assert(t, []byte(err.Error()+"\n"))
			}
		})
	}
}

// TestQuery_libraryPanics: a query the JMESPath library panics on is an
// error, in CompileQuery (before anything is sent) and in Print (should one
// slip through), never a crash.
func TestQuery_libraryPanics(t *testing.T) {
	t.Parallel()
	const crasher = "let $a in b"
	q := &query{expr: crasher, jp: jmespath.MustCompile(crasher)} // as if it had passed the checks
	for _, doc := range []any{nil, entryResult.Doc, listResult.Doc} {
		if _, err := q.apply(doc); !errors.Is(err, errCrash) {
			t.Errorf("apply on %v: err = %v, want errCrash", doc, err)
		}
	}
	if err := CompileQuery(crasher); err == nil {
		t.Errorf("CompileQuery(%q) accepted it", crasher)
	}
	for _, f := range Formats() {
		var buf bytes.Buffer
		if err := Print(&buf, Options{Format: Format(f), Query: crasher}, entryResult); err == nil || buf.Len() > 0 {
			t.Errorf("-o %s: Print = %v after writing %q, want an error and nothing written", f, err, buf.String())
		}
	}
}

// TestCompileQuery_agreesWithPrint: whatever CompileQuery accepts, Print
// runs without a compile error, and the other way round.
func TestCompileQuery_agreesWithPrint(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"accessEntry", "sum(`[1, 2]`)", "x[", "nope(@)", "to_string(@)"} {
		compileErr := CompileQuery(q)
		printErr := Print(&bytes.Buffer{}, Options{Format: JSON, Query: q}, entryResult)
		if (compileErr == nil) != (printErr == nil) {
			t.Errorf("query %q: CompileQuery error %v, Print error %v", q, compileErr, printErr)
		}
	}
}

// A query that can only fail is refused before anything is sent: an
// undefined variable fails on every document, a slice step of 0 is never
// valid. One that fails only on some documents is left to the data.
func TestCompileQueryRefusesQueriesThatCanOnlyFail(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"$x", "[::0]", "accessEntries[::0]", "foo.$bar"} {
		if err := CompileQuery(q); err == nil {
			t.Errorf("CompileQuery(%q) accepted a query that can only fail", q)
		}
	}
	for _, q := range []string{"sort_by(@, &foo)", "length(@)", "accessEntry.username", "let $a = accessEntry in $a.username"} {
		if err := CompileQuery(q); err != nil {
			t.Errorf("CompileQuery(%q) = %v, want it left to the data", q, err)
		}
	}
}

// terminalControlsDoc holds, in keys and values, every kind of character
// that acts on a terminal: C0 controls, DEL, C1 controls (CSI, NEL), the
// bidirectional overrides and isolates, the marks, the line and paragraph
// separators and the byte-order mark.
var terminalControlsDoc = map[string]any{
	"accessEntry": map[string]any{
		"username":         "admin\u202egnp.exe",
		"kubernetesGroups": []any{"a\u2066b\u2069", "\u202a\u202b\u202c\u202d", "\u200e\u200f\u061c", "\u2067\u2068"},
		"tags": map[string]any{
			"del\x7f":         "\u0085nel\u009b31m",
			"esc":             "\x1b]0;title\x07\x1b[2J\r",
			"sep\u2028\u2029": "bom\ufeff",
			"plain":           "tab\tand\nnewline, é 日本",
		},
	},
}

// TestDocumentsEscapeTerminalControls: JSON and YAML never print a
// character that acts on a terminal (but tab and newline, which JSON and
// YAML escape or use as layout): each is a \u (or YAML) escape, and the
// document decodes to the same data, by every reader.
func TestDocumentsEscapeTerminalControls(t *testing.T) {
	t.Parallel()
	for _, f := range []Format{JSON, YAML} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Print(&buf, Options{Format: f}, Result{Doc: terminalControlsDoc}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if i := strings.IndexFunc(out, func(r rune) bool { return r != '\n' && r != '\t' && unsafeRune(r) }); i >= 0 {
				t.Errorf("-o %s prints %U raw at offset %d:\n%s", f, []rune(out[i:])[0], i, out)
			}
			readers := map[string]func([]byte, any) error{"encoding/json": json.Unmarshal}
			if f == YAML {
				readers = map[string]func([]byte, any) error{"YAML 1.2": yaml.Unmarshal, "YAML 1.1": yaml11.Unmarshal}
			}
			for name, unmarshal := range readers {
				var got any
				if err := unmarshal(buf.Bytes(), &got); err != nil {
					t.Fatalf("-o %s does not parse as %s: %v\n%s", f, name, err, out)
				}
				if diff := cmp.Diff(terminalControlsDoc, stringKeys(got)); diff != "" {
					t.Errorf("-o %s read by %s (-printed +read):\n%s", f, name, diff)
				}
			}
		})
	}
}

// stringKeys turns what a YAML 1.1 reader returns (map[any]any) into
// map[string]any, as JSON and YAML 1.2 readers return.
func stringKeys(v any) any {
	switch v := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[fmt.Sprint(k)] = stringKeys(x)
		}
		return m
	case map[string]any:
		for k, x := range v {
			v[k] = stringKeys(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = stringKeys(x)
		}
		return v
	}
	return v
}
