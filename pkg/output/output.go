// Package output prints command results as a table, JSON, YAML or text,
// optionally filtered by a JMESPath expression first (the AWS CLI's --query).
//
// A command builds a Result (the API-shaped document plus its table rendering)
// and hands it to Print with the user's Options; it never formats anything
// itself.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Table is the people-facing rendering of a result: a header and rows of
// cells. Multi-valued cells are joined by the caller (with ","). The header
// is printed upper-case in the table format and omitted in the text format.
type Table struct {
	Header []string
	Rows   [][]string
	// Fit, when positive, is the width in columns the table format keeps
	// within: the columns listed in Shrink (by index, the first shrunk
	// first) are narrowed, each to no less than its header or
	// minShrinkWidth (12), their longer cells cut and ended with "…". Text,
	// JSON and YAML always print every cell whole.
	Fit    int
	Shrink []int
	// Least raises the narrowest a Shrink column gets above its header
	// and minShrinkWidth: a column's index to its least width, for a
	// column whose values must stay distinguishable (policy names).
	Least map[int]int
	// Middle lists the Shrink columns that are cut in the middle instead
	// of at the end, "arn:aws:iam::1111…/team/admin", so that both ends of
	// a value (an ARN's account and its role name) stay visible.
	Middle []int
	// Compact, when set, holds the rows the table format prints instead
	// of Rows: a shorter rendering of the same records for people (one row
	// for each row of Rows). Text keeps Rows, every value whole.
	Compact [][]string
}

// minShrinkWidth is the narrowest a column in Table.Shrink gets.
const minShrinkWidth = 12

// Result is what a command hands to Print: the API-shaped document (a value
// with json tags, such as {"accessEntry": {...}}) and its table rendering.
type Result struct {
	Doc   any
	Table Table
}

// Options control how Print renders a Result.
type Options struct {
	// Format selects the output format; the zero value means TableFormat.
	Format Format
	// Query is a JMESPath expression applied to Doc's JSON form before it is
	// printed; empty means none.
	Query string
	// Color makes the table header bold with ANSI escapes. The caller decides
	// (terminal, NO_COLOR, --no-color); other formats ignore it.
	Color bool
}

// Print writes r to w in the format o selects.
//
// JSON and YAML print r.Doc (JSON with 4-space indents, YAML with the JSON
// keys in the JSON document's order, strings exact, odd characters
// escaped). Table and text print r.Table; an empty table prints nothing at all.
// With o.Query set, every format prints the query's result instead, computed
// on the JSON form of r.Doc. Table and text render that result generically:
//
//   - null: nothing
//   - a scalar: one line
//   - a list of scalars: one per line in a table; in text, one line of
//     tab-separated values, as the AWS CLI prints a bare list (then a line
//     per list, if the list also holds lists)
//   - a list of objects: a row per object, the sorted union of their keys as
//     columns (and, upper-case, as the table's header)
//   - a list of lists: a row per list
//   - an object: a key/value row per key, sorted by key
//
// with objects and lists inside a cell as compact JSON.
//
// Print writes nothing when it returns an error other than a write error.
func Print(w io.Writer, o Options, r Result) error {
	var q *query
	if o.Query != "" {
		var err error
		if q, err = compileQuery(o.Query); err != nil {
			return err
		}
	}

	var (
		out []byte
		err error
	)
	switch o.Format {
	case JSON, YAML:
		out, err = renderDocument(o.Format, r.Doc, q)
	case SARIF:
		out, err = renderDocument(JSON, r.Doc, q)
	case TableFormat, Text, "":
		t := r.Table
		if q != nil {
			var v any
			if v, err = q.apply(r.Doc); err != nil {
				return err
			}
			if o.Format == Text {
				t = textTableOf(v)
			} else {
				t = tableOf(v)
			}
		}
		if o.Format == Text {
			out = renderText(t)
		} else {
			out, err = renderTable(t, o.Color)
		}
	default:
		return fmt.Errorf("unknown output format %q", string(o.Format))
	}
	if err != nil {
		return err
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// renderDocument renders doc, or the query's result on it, as JSON or YAML.
func renderDocument(f Format, doc any, q *query) ([]byte, error) {
	v := doc
	if q != nil {
		var err error
		if v, err = q.apply(doc); err != nil {
			return nil, err
		}
	}
	out, err := encodeJSON(v, "    ")
	if err != nil {
		what := "document"
		if q != nil {
			what = "query result"
		}
		return nil, fmt.Errorf("encode %s as %s: %w", what, f, err)
	}
	if f == YAML {
		if out, err = jsonToYAML(out); err != nil {
			return nil, fmt.Errorf("encode yaml: %w", err)
		}
	}
	return out, nil
}

// encodeJSON marshals v like json.MarshalIndent (indent "" means compact) but
// leaves <, > and & alone, as the AWS CLI does. The result ends in a newline.
// Beyond what encoding/json escapes (C0 controls, U+2028, U+2029), the
// characters that act on a terminal (DEL, C1 controls, bidirectional
// controls, the byte-order mark) are written as \u escapes too: the same
// JSON value, safe to print.
func encodeJSON(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	// Outside its strings, encoding/json writes only ASCII punctuation,
	// digits, letters, spaces and newlines.
	return escapeQuoted(buf.Bytes(), false), nil
}
