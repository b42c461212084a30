package yamlerr

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a problem at a place in a YAML file that eksaccess reads (an
// apply file, an aws-auth ConfigMap): "access.yaml:12:
// entries[1].kubernetesGroups[0]: ...". The loaders return every problem
// as an *Error wrapping the rule's own error, which may carry a hint.
type Error struct {
	File  string
	Line  int    // 0 when the problem has no line (the file is too large)
	Field string // the path of the field, "" for the file as a whole
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Hint is what the user should do ("" for nothing): the hint of the
// error it wraps. The CLI prints it as "hint: ...".
func (e *Error) Hint() string {
	if h, ok := e.Err.(interface{ Hint() string }); ok { //nolint:errorlint // the hint of this error, not of one deeper
		return h.Hint()
	}
	return ""
}

// Problem is a problem a loader finds, with a hint ("" for none).
func Problem(hint, format string, args ...any) error {
	return &hintError{msg: fmt.Sprintf(format, args...), hint: hint}
}

type hintError struct{ msg, hint string }

func (e *hintError) Error() string { return e.msg }
func (e *hintError) Hint() string  { return e.hint }

// TooDeep returns the first node of doc nested deeper than maxDepth, or
// nil. It walks the whole tree (iteratively, so a deep file cannot
// exhaust the stack) but never follows an alias.
func TooDeep(doc *yaml.Node, maxDepth int) *yaml.Node {
	type item struct {
		n     *yaml.Node
		depth int
	}
	stack := []item{{doc, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth > maxDepth {
			return it.n
		}
		for _, c := range it.n.Content {
			stack = append(stack, item{c, it.depth + 1})
		}
	}
	return nil
}
