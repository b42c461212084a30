package yamlerr

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	yaml11 "go.yaml.in/yaml/v2"
)

// yamlLine matches the YAML parsers' syntax errors.
var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`) })

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
//
// yaml/v3 names no line when the problem is on the first line (its mark
// is 0), nor for the reader's problems (a control character, bad UTF-8),
// whose marks it never sets. Locate names the first line for the
// scanner's problems there, and the line of the first character the
// reader refuses for the reader's. Other problems that name no line (an
// alias without its anchor) keep 0: the parser says nothing of where.
func Locate(data []byte, err error) (line int, problem string) {
	line, problem = splitYAMLError(err.Error())
	switch {
	case line == 0 && slices.Contains(readerProblems, problem):
		line = refusedLine(data)
	case line == 0 && isScannerProblem(problem):
		line = 1
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

// readerProblems are the messages of libyaml's reader: a character it
// refuses before scanning.
var readerProblems = []string{
	"control characters are not allowed",
	"invalid leading UTF-8 octet",
	"incomplete UTF-8 octet sequence",
	"invalid trailing UTF-8 octet",
	"invalid length of a UTF-8 sequence",
	"invalid Unicode character",
}

// scannerProblems are the messages of libyaml's scanner (scannerc.go).
var scannerProblems = []string{
	"block sequence entries are not allowed in this context",
	"could not find expected ':'",
	"could not find expected directive name",
	"did not find URI escaped octet",
	"did not find expected '!'",
	"did not find expected alphabetic or numeric character",
	"did not find expected comment or line break",
	"did not find expected digit or '.' character",
	"did not find expected hexdecimal number",
	"did not find expected tag URI",
	"did not find expected version number",
	"did not find expected whitespace",
	"did not find expected whitespace or line break",
	"did not find the expected '>'",
	"found a tab character that violates indentation",
	"found a tab character where an indentation space is expected",
	"found an incorrect leading UTF-8 octet",
	"found an incorrect trailing UTF-8 octet",
	"found an indentation indicator equal to 0",
	"found character that cannot start any token",
	"found extremely long version number",
	"found invalid Unicode character escape code",
	"found unexpected document indicator",
	"found unexpected end of stream",
	"found unexpected non-alphabetical character",
	"found unknown directive name",
	"found unknown escape character",
	"mapping keys are not allowed in this context",
	"mapping values are not allowed in this context",
}

func isScannerProblem(problem string) bool {
	return slices.Contains(scannerProblems, problem) || strings.HasPrefix(problem, "exceeded max depth of ")
}

// refusedLine is the 1-based line of the first character of data that
// libyaml's reader refuses (readerc.go): bytes that are not UTF-8, and
// the characters outside YAML's printable set. 0 when there is none.
func refusedLine(data []byte) int {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // the byte-order mark
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || !printable(r) {
			return bytes.Count(data[:i], []byte("\n")) + 1
		}
		i += size
	}
	return 0
}

// printable reports whether libyaml's reader takes r.
func printable(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0x7E || r == 0x85 ||
		r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func splitYAMLError(msg string) (line int, problem string) {
	if m := yamlLine().FindStringSubmatch(msg); m != nil {
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
