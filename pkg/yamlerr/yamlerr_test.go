package yamlerr_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/eksaccess/eksaccess/pkg/yamlerr"
)

const secret = "ghp_0123456789abcdefSECRET"

// TestDescribeNeverQuotesTheFile: every parser error, those that quote the
// file among them, becomes its line and a problem without the file's text.
func TestDescribeNeverQuotesTheFile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		line      int
		want      string
	}{
		{"an alias without its anchor", "a: 1\ntoken: *" + secret + "\n", 0, "not valid YAML: an alias (*NAME) refers to an anchor (&NAME) not defined before it"},
		{"an ini credentials file", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n", 1, "not valid YAML: did not find expected <document start>"},
		{"a mapping value on an env line", "TOKEN=" + secret + "\nOTHER: x\n", 2, "not valid YAML: mapping values are not allowed in this context"},
		{"an unclosed flow list", "{\"token\": \"" + secret + "\", \"x\": [1,\n", 1, "not valid YAML: did not find expected node content"},
		{"an unclosed quote", "token: \"" + secret + "\n", 2, "not valid YAML: found unexpected end of stream"},
		{"a tab", "a:\n\t- " + secret + "\n", 2, "not valid YAML: found character that cannot start any token"},
		{"a missing colon", "a: 1\nb\nc: " + secret + "\n", 2, "not valid YAML: could not find expected ':'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// as the loaders read: a document, then the check for a second
			dec := yaml.NewDecoder(bytes.NewReader([]byte(tc.src)))
			var doc yaml.Node
			err := dec.Decode(&doc)
			if err == nil {
				err = dec.Decode(&doc)
			}
			if err == nil || errors.Is(err, io.EOF) {
				t.Fatalf("the parser took it: %v", err)
			}
			line, problem := yamlerr.Describe(err)
			if line != tc.line || problem != tc.want {
				t.Errorf("Describe(%q) = %d, %q; want %d, %q", err, line, problem, tc.line, tc.want)
			}
			if strings.Contains(problem, "ghp_") {
				t.Errorf("Describe(%q) quotes the file: %q", err, problem)
			}
		})
	}
}

// TestDescribeTypeErrors: the decoder's type errors quote the value; the
// description keeps the line and the type only.
func TestDescribeTypeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		into      any
		line      int
		want      string
	}{
		{"a string into a number", "a: 1\nn: " + secret + "\n", &struct{ N int }{}, 2, "not valid YAML: a value of type !!str where another type is wanted"},
		{"a repeated key", "k: 1\nk: " + secret + "\n", &map[string]string{}, 2, "not valid YAML: repeated key (first at line 1)"},
		{"a tagged value that is not one", "n: !!int " + secret + "\n", &map[string]any{}, 0, "not valid YAML: a value tagged !!int that is not one"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := yaml.Unmarshal([]byte(tc.src), tc.into)
			if err == nil {
				t.Fatal("the decoder took it")
			}
			line, problem := yamlerr.Describe(err)
			if line != tc.line || problem != tc.want {
				t.Errorf("Describe(%q) = %d, %q; want %d, %q", err, line, problem, tc.line, tc.want)
			}
			if strings.Contains(problem, "ghp_") {
				t.Errorf("Describe(%q) quotes the file: %q", err, problem)
			}
		})
	}
}

// TestDescribeUnknownMessages: a message Describe does not know, that may
// quote something, is described by its kind only.
func TestDescribeUnknownMessages(t *testing.T) {
	t.Parallel()
	for _, msg := range []string{
		"yaml: line 4: something new about '" + secret + "'",
		"yaml: line 4: something new about `" + secret + "`",
		"yaml: line 4: something new about \"" + secret + "\"",
		"yaml: line 4: found \x1b]0;title\x07",
		"yaml: line 4: " + strings.Repeat("x", 200),
	} {
		line, problem := yamlerr.Describe(errorString(msg))
		if line != 4 || problem != "not valid YAML: the file is not a YAML (or JSON) document" {
			t.Errorf("Describe(%q) = %d, %q", msg, line, problem)
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// TestLocate: the line of a syntax error, also where yaml/v3 names none:
// the scanner's problems on the first line, and the reader's (a control
// character, bytes that are not UTF-8), whose line it never names.
func TestLocate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		line      int
		want      string
	}{
		{"a mapping value on line 1", "apiVersion: a: b\nkind: AccessConfig\n", 1, "not valid YAML: mapping values are not allowed in this context"},
		{"a mapping value on line 5", "a: 1\nb: 2\nc: 3\nd: 4\napiVersion: a: b\n", 5, "not valid YAML: mapping values are not allowed in this context"},
		{"a tab on line 1", "\t- b\n", 1, "not valid YAML: found character that cannot start any token"},
		{"a tab on line 2", "a:\n\t- b\n", 2, "not valid YAML: found character that cannot start any token"},
		{"a row with two colons", "- rolearn: a: b\n", 1, "not valid YAML: mapping values are not allowed in this context"},
		{"a control character on line 1", "a: \x01\n", 1, "not valid YAML: control characters are not allowed"},
		{"a control character on line 3", "a: 1\n\nb: x\x7f\n", 3, "not valid YAML: control characters are not allowed"},
		{"a control character after the byte-order mark", "\xef\xbb\xbfa: 1\nb: \x1b\n", 2, "not valid YAML: control characters are not allowed"},
		{"a C1 control", "a: 1\nb: \u0080\n", 2, "not valid YAML: control characters are not allowed"},
		{"not UTF-8 on line 2", "a: 1\nb: \xff\n", 2, "not valid YAML: invalid leading UTF-8 octet"},
		{"an unclosed flow list on line 1", "[a\n", 1, "not valid YAML: did not find expected ',' or ']'"},
		{"an alias without its anchor: no line", "a: 1\nb: *x\n", 0, "not valid YAML: an alias (*NAME) refers to an anchor (&NAME) not defined before it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var doc yaml.Node
			err := yaml.Unmarshal([]byte(tc.src), &doc)
			if err == nil {
				t.Fatal("the parser took it")
			}
			line, problem := yamlerr.Locate([]byte(tc.src), err)
			if line != tc.line || problem != tc.want {
				t.Errorf("Locate(%q) = %d, %q; want %d, %q", err, line, problem, tc.line, tc.want)
			}
		})
	}
}
