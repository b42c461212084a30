// Package yamlerr is what eksaccess says about a YAML file it reads (an
// apply file, an aws-auth ConfigMap): the place of a problem (Error: file,
// line, field) with its hint, the depth guard both loaders share
// (TooDeep), and the parser's own errors turned into the line and the
// kind of problem, never the file's text.
//
// go.yaml.in/yaml/v3 quotes the file in some of its errors (an alias
// names its anchor: "unknown anchor 'ghp_...' referenced"; a type error
// quotes the scalar), and a file given by mistake (a symlink to a
// credentials file, a token) may hold a secret. plan.Load and
// awsauth.Convert report parse errors through Describe.
package yamlerr

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Describe returns the line err names (0 when it names none) and the
// problem, in words that quote nothing from the file: the parser's own
// message where it quotes nothing, else a description of its kind.
func Describe(err error) (line int, problem string) {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := lineRE().FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	return line, "not valid YAML: " + problemOf(msg)
}

// The patterns compile on first use, not at start-up: most runs never
// meet a YAML error.
var lineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^line (\d+): (.*)$`) })

// quoting are the parser's messages that quote the file, and what to say
// instead.
var quoting = sync.OnceValue(func() []quotingRule {
	return []quotingRule{
		{regexp.MustCompile(`^unknown anchor .* referenced$`), "an alias (*NAME) refers to an anchor (&NAME) not defined before it"},
		{regexp.MustCompile(`^anchor .* value contains itself$`), "an anchor (&NAME) contains an alias to itself"},
		{regexp.MustCompile(`^mapping key .* already defined at line (\d+)$`), "repeated key (first at line $1)"},
		{regexp.MustCompile(`^cannot unmarshal (!!\w+) .* into .*$`), "a value of type $1 where another type is wanted"},
		{regexp.MustCompile(`^cannot decode (!!\w+) .* as an? (!!\w+)$`), "a value tagged $2 that is not one"},
		{regexp.MustCompile(`^invalid map key: .*$`), "a key that cannot be a mapping key"},
	}
})

type quotingRule struct {
	re   *regexp.Regexp
	says string
}

// problemOf is msg, a parser message without its "yaml: line N: " prefix,
// unless it may quote the file.
func problemOf(msg string) string {
	for _, q := range quoting() {
		if m := q.re.FindStringSubmatchIndex(msg); m != nil {
			return string(q.re.ExpandString(nil, q.says, msg, m))
		}
	}
	if quotesNothing(msg) {
		return msg
	}
	return "the file is not a YAML (or JSON) document"
}

// quotesNothing reports whether msg is one of the parser's plain
// messages ("did not find expected key", "could not find expected ':'"):
// printable ASCII, short, and quoting at most single characters ('-',
// ':') and the parser's token names (<document start>).
func quotesNothing(msg string) bool {
	if len(msg) > 120 {
		return false
	}
	msg = singleCharRE().ReplaceAllString(msg, "")
	for _, r := range msg {
		if r < ' ' || r > '~' || strings.ContainsRune("'\"`", r) {
			return false
		}
	}
	return true
}

var singleCharRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`'.'`) })
