package yamlerr

import (
	"bytes"
	"errors"
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
// Locate.
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

// Locate is Describe for the YAML syntax error err that go.yaml.in/yaml/v3
// returned for data: the line the problem is on (1-based; 0 when unknown)
// and the problem, quoting nothing from the file.
//
// The line yaml/v3 names depends on the problem. For the scanner's (a tab,
// an unclosed quote) it is the problem's line, or where the quoted
// scalar or key it was reading began: right. For the parser's it is where
// the enclosing collection began, less one (a 0-based mark): right, once
// shifted, for an unclosed [ or {, but for a row's key indented one space
// too few it names the line above data:, not the row. yaml/v2 runs the
// same parser and reports where it found the problem (0-based too), so
// for those the locator parses data again with it.
func Locate(data []byte, err error) (line int, problem string) {
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
	_, problem = Describe(err)
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
