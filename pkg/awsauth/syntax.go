package awsauth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml11 "go.yaml.in/yaml/v2"
)

// yamlLine matches the YAML parsers' syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// parserProblems are the messages of libyaml's parser (the scanner has the
// others). The two Go ports count lines differently for them; see
// syntaxError.
var parserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found undefined tag handle",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
}

// syntaxError finds where the YAML syntax error err (from go.yaml.in/yaml/v3
// on data) is: the line (1-based; 0 when unknown) and the problem without
// the "yaml: line N:" prefix.
//
// The line yaml/v3 names depends on the problem. For the scanner's (a tab,
// an unclosed quote) it is the problem's line, or where the quoted
// scalar or key it was reading began: right. For the parser's it is where
// the enclosing collection began, less one (a 0-based mark): right, once
// shifted, for an unclosed [ or {, but for a row's key indented one space
// too few it names the line above data:, not the row. yaml/v2 runs the
// same parser and reports where it found the problem (0-based too), so
// for those the locator parses data again with it.
func syntaxError(data []byte, err error) (line int, problem string) {
	line, problem = splitYAMLError(err.Error())
	switch {
	case !slices.Contains(parserProblems, problem): // the scanner's
	case strings.HasPrefix(problem, "did not find expected ','"): // an unclosed flow collection
		line++
	default:
		line = problemLine(data, line+1)
	}
	// A problem found at the end of the stream is on the line after
	// the last when the file does not end with a newline: name the last.
	last := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		last++
	}
	return min(line, last), problem
}

func splitYAMLError(msg string) (line int, problem string) {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// problemLine is the 1-based line where yaml/v2 finds a parser error in
// data, or else.
func problemLine(data []byte, orElse int) int {
	dec := yaml11.NewDecoder(bytes.NewReader(data))
	for {
		// yaml/v2 bounds what aliases may expand to, and parses a
		// document whole before it decodes it: it stops at the error.
		var v any
		err := dec.Decode(&v)
		switch {
		case errors.Is(err, io.EOF):
			return orElse
		case err != nil:
			line, problem := splitYAMLError(err.Error())
			if !slices.Contains(parserProblems, problem) {
				return orElse
			}
			return line + 1 // 0 (unnamed) is the first line
		}
	}
}

// rowAt returns the index of the row of the YAML list text that line
// (1-based) of text belongs to, or -1 when text is not a block list or
// line comes before its first row. It reads only indentation: text may
// not parse.
func rowAt(text string, line int) int {
	indent, row := -1, -1
	for i, l := range strings.Split(text, "\n") {
		if i >= line {
			break
		}
		t := strings.TrimLeft(l, " ")
		if t == "" || t[0] == '#' {
			continue
		}
		n := len(l) - len(t)
		item := t == "-" || strings.HasPrefix(t, "- ")
		if indent < 0 {
			if !item {
				return -1
			}
			indent = n
		}
		if item && n == indent {
			row++
		}
	}
	return row
}

// blockHint is the hint for a syntax error at line of the ConfigMap data,
// where the rows of mapRoles, mapUsers or mapAccounts sit no deeper than
// the key itself: "mapRoles: |" then "- rolearn: ..." under the m of
// mapRoles, as a copy of the examples in the EKS docs often ends up. The
// YAML parser then sees an empty string and a list where a key should
// be. "" when that is not the case.
func blockHint(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	for i := min(line, len(lines)) - 1; i >= 0; i-- {
		l := lines[i]
		t := strings.TrimLeft(l, " ")
		key, rest, ok := strings.Cut(t, ":")
		if !ok || !slices.Contains(mapKeys, key) {
			continue
		}
		if v := strings.TrimSpace(rest); v != "|" && v != "|-" && v != "" {
			return ""
		}
		// The first row below the key.
		for _, next := range lines[i+1:] {
			nt := strings.TrimLeft(next, " ")
			if nt == "" || nt[0] == '#' {
				continue
			}
			if strings.HasPrefix(nt, "- ") && len(next)-len(nt) <= len(l)-len(t) {
				return fmt.Sprintf(`indent the rows below "%s: |" further than %s itself, as kubectl writes them (%s 2 spaces in, its rows 4)`, key, key, key)
			}
			break
		}
		return ""
	}
	return ""
}
