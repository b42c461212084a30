package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	jmespath "github.com/jmespath-community/go-jmespath"
	"github.com/jmespath-community/go-jmespath/pkg/functions"
	"github.com/jmespath-community/go-jmespath/pkg/parsing"
)

// CompileQuery reports whether q is a usable JMESPath expression: it parses,
// every function it calls exists and gets an acceptable number of
// arguments, every let binding has the form $name = expression, and
// evaluating it on sample documents (null, {}, [], and one shaped like
// eksaccess's) does not crash the JMESPath library. The CLI calls it before
// sending any request, so a typo in --query never costs a write whose result
// cannot be printed. Errors that depend on the data (a function given the
// wrong type) still surface in Print. The empty string is valid and means
// no query.
func CompileQuery(q string) error {
	if q == "" {
		return nil
	}
	_, err := compileQuery(q)
	return err
}

// query is a compiled, checked JMESPath expression.
type query struct {
	expr string
	jp   jmespath.JMESPath
}

func compileQuery(q string) (*query, error) {
	ast, err := jmespath.NewParser().Parse(q)
	if err != nil {
		return nil, invalidQuery(q, err)
	}
	if err := checkFunctions(ast); err != nil {
		return nil, invalidQuery(q, err)
	}
	if err := checkBindings(ast); err != nil {
		return nil, invalidQuery(q, err)
	}
	jp, err := jmespath.Compile(q) // parses again: the library offers no way from an AST
	if err != nil {
		return nil, invalidQuery(q, err)
	}
	qq := &query{expr: q, jp: jp}
	// A query with an undefined $variable or a slice step of 0 can only
	// fail, whatever the document: refuse it before anything is sent, not
	// after a write. (Other errors depend on the data, and are left to it.)
	for _, doc := range probeDocs {
		_, err := qq.search(doc)
		switch {
		case errors.Is(err, errCrash):
			return nil, invalidQuery(q, err)
		case err != nil && (strings.Contains(err.Error(), "variable not defined") || strings.Contains(err.Error(), "step cannot be 0")):
			return nil, invalidQuery(q, err)
		}
	}
	return qq, nil
}

// probeDocs are the documents CompileQuery evaluates a query on, to find
// queries that crash the library before anything is sent: JSON's shapes,
// and one shaped like the documents eksaccess prints.
var probeDocs = []any{
	nil,
	map[string]any{},
	[]any{},
	"",
	float64(0),
	map[string]any{
		"accessEntry": map[string]any{
			"clusterName": "c", "principalArn": "arn:aws:iam::111122223333:role/r",
			"kubernetesGroups": []any{"g"}, "tags": map[string]any{"k": "v"}, "createdAt": "2024-01-01T00:00:00Z",
		},
		"accessEntries":            []any{"arn:aws:iam::111122223333:role/r", map[string]any{"principalArn": "p", "kubernetesGroups": []any{}}},
		"associatedAccessPolicies": []any{map[string]any{"policyArn": "p", "accessScope": map[string]any{"type": "namespace", "namespaces": []any{"a"}}}},
	},
}

// errCrash marks a query the JMESPath library panicked on.
var errCrash = errors.New("the JMESPath library crashed evaluating it")

// search evaluates the query on data, turning a panic of the library into
// an error wrapping errCrash.
func (q *query) search(data any) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("%w (%v)", errCrash, r)
		}
	}()
	return q.jp.Search(data)
}

// checkBindings reports a let expression whose bindings are not all
// "$name = expression": the library parses "let $a in b" but crashes
// evaluating it.
func checkBindings(n parsing.ASTNode) error {
	if n.NodeType == parsing.ASTBindings {
		for _, b := range n.Children {
			if b.NodeType != parsing.ASTBinding || len(b.Children) != 2 || b.Children[0].NodeType != parsing.ASTVariable {
				return errors.New("let needs bindings of the form $name = expression")
			}
		}
	}
	for _, c := range n.Children {
		if err := checkBindings(c); err != nil {
			return err
		}
	}
	return nil
}

func invalidQuery(q string, err error) error {
	var syn jmespath.SyntaxError
	if errors.As(err, &syn) {
		return &syntaxError{query: q, err: syn}
	}
	return fmt.Errorf("invalid query %q: %w", q, err)
}

// syntaxError words a jmespath.SyntaxError for people, naming the query and
// the offset, and keeps it in the chain for errors.As.
type syntaxError struct {
	query string
	err   jmespath.SyntaxError
}

func (e *syntaxError) Error() string {
	msg := strings.TrimPrefix(e.err.Error(), "SyntaxError: ")
	return fmt.Sprintf("invalid query %q: syntax error at offset %d: %s", e.query, e.err.Offset, msg)
}

func (e *syntaxError) Unwrap() error { return e.err }

// arity is the number of arguments a function accepts; max < 0 means any
// number from min.
type arity struct{ min, max int }

// builtins maps each JMESPath function to its arity, as the interpreter
// checks it at run time; built on the first --query, not at start-up.
var builtins = sync.OnceValue(func() map[string]arity {
	m := make(map[string]arity)
	for _, f := range functions.GetDefaultFunctions() {
		a := arity{max: len(f.Arguments)}
		for _, arg := range f.Arguments {
			if !arg.Optional {
				a.min++
			}
			if arg.Variadic {
				a.max = -1
			}
		}
		if len(f.Arguments) == 0 { // the interpreter checks nothing then
			a = arity{max: -1}
		}
		m[f.Name] = a
	}
	return m
})

// checkFunctions reports the first call in the tree to an unknown function or
// with a wrong number of arguments.
func checkFunctions(n parsing.ASTNode) error {
	if n.NodeType == parsing.ASTFunctionExpression {
		name, _ := n.Value.(string)
		a, ok := builtins()[name]
		if !ok {
			return fmt.Errorf("unknown function %s()", name)
		}
		if got := len(n.Children); got < a.min || (a.max >= 0 && got > a.max) {
			return fmt.Errorf("function %s() takes %s, got %d", name, a, got)
		}
	}
	for _, c := range n.Children {
		if err := checkFunctions(c); err != nil {
			return err
		}
	}
	return nil
}

func (a arity) String() string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case a.max < 0:
		return "at least " + plural(a.min)
	case a.min == a.max:
		return plural(a.min)
	default:
		return fmt.Sprintf("%d to %s", a.min, plural(a.max))
	}
}

// apply evaluates the query on the JSON form of doc, so it sees the same keys
// and values the json format prints.
func (q *query) apply(doc any) (any, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode document for query: %w", err)
	}
	var data any
	if err := json.Unmarshal(b, &data); err != nil {
		return nil, fmt.Errorf("decode document for query: %w", err)
	}
	v, err := q.search(data)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", q.expr, err)
	}
	return v, nil
}

// tableOf renders a query result as rows:
//
//   - null: nothing
//   - a scalar: one row of one cell
//   - a list of objects: one row per object, columns the sorted union of their
//     keys, with those keys as the header
//   - any other list: one row per element, a list's items as cells, anything
//     else as a single cell; null elements are skipped
//   - an object: one key/value row per key, sorted by key
//
// Cells holding objects or lists are compact JSON.
func tableOf(v any) Table {
	switch v := v.(type) {
	case nil:
		return Table{}
	case map[string]any:
		var t Table
		for _, k := range sortedKeys(v) {
			t.Rows = append(t.Rows, []string{k, cell(v[k])})
		}
		return t
	case []any:
		if isObjectList(v) {
			return objectTable(v)
		}
		var t Table
		for _, e := range v {
			switch e := e.(type) {
			case nil:
			case []any:
				t.Rows = append(t.Rows, cells(e))
			default:
				t.Rows = append(t.Rows, []string{cell(e)})
			}
		}
		return t
	default:
		return Table{Rows: [][]string{{cell(v)}}}
	}
}

// cells are a list's values as one row of cells.
func cells(list []any) []string {
	row := make([]string, len(list))
	for i, c := range list {
		row[i] = cell(c)
	}
	return row
}

// textTableOf is tableOf for the text format, which prints a list of
// scalars as the AWS CLI's text output does: one line, values separated by
// tabs (so `read -r a b` and `cut -f2` work on it). A list that also holds
// lists prints its scalars on the first line, then a line per list; nulls
// are skipped. Anything else renders as in tableOf.
func textTableOf(v any) Table {
	l, ok := v.([]any)
	if !ok || isObjectList(l) {
		return tableOf(v)
	}
	var scalars []string
	var lists [][]string
	for _, e := range l {
		switch e := e.(type) {
		case nil:
		case []any:
			lists = append(lists, cells(e))
		default:
			scalars = append(scalars, cell(e))
		}
	}
	var t Table
	if len(scalars) > 0 {
		t.Rows = append(t.Rows, scalars)
	}
	t.Rows = append(t.Rows, lists...)
	return t
}

// isObjectList reports whether l has at least one object and nothing but
// objects and nulls.
func isObjectList(l []any) bool {
	objects := 0
	for _, e := range l {
		switch e.(type) {
		case nil:
		case map[string]any:
			objects++
		default:
			return false
		}
	}
	return objects > 0
}

func objectTable(l []any) Table {
	seen := make(map[string]any)
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			for k := range m {
				seen[k] = nil
			}
		}
	}
	t := Table{Header: sortedKeys(seen)}
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		row := make([]string, len(t.Header))
		for i, k := range t.Header {
			row[i] = cell(m[k])
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// cell renders one JSON value as a table cell: strings as they are, null as
// an empty cell, anything else as compact JSON.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b, err := encodeJSON(v, "")
	if err != nil { // values decoded from JSON always encode; be safe anyway
		return fmt.Sprint(v)
	}
	return string(bytes.TrimSuffix(b, []byte("\n")))
}

func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}
