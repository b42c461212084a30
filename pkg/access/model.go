package access

// This file holds the error type and the small value types. The principal
// is in principal.go, tags in tags.go, policies and scopes in policy.go,
// and the request types in create.go and update.go. Exported signatures are
// what the rest of the code base builds on: change them only together with
// their callers.

import (
	"fmt"
	"slices"
	"strings"
)

// Error is a validation error that may carry a hint: one line that tells
// the user what to do instead. The CLI prints it as "hint: ...".
//
// Every error this package returns is an *Error, or an errors.Join of
// them, so errors.As(err, new(*access.Error)) tells a validation error
// (exit code 2) from anything else. The one exception is CheckLockout's
// *LockoutError, which is not about the request's form.
type Error struct {
	msg  string
	hint string
}

// newError returns an *Error with message msg and hint hint ("" for none).
func newError(msg, hint string) *Error { return &Error{msg: msg, hint: hint} }

// errorf returns an *Error without a hint, formatted as by fmt.Sprintf.
func errorf(format string, args ...any) *Error {
	return &Error{msg: fmt.Sprintf(format, args...)}
}

// prefixed returns err with "prefix: " before its message and its hint
// kept, so a value's error can name the flag it came from.
func prefixed(prefix string, err error) error {
	if e, ok := err.(*Error); ok { //nolint:errorlint // only a bare *Error is re-prefixed; wrapped ones get %w below
		return newError(prefix+": "+e.msg, e.hint)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

func (e *Error) Error() string { return e.msg }

// Hint is what the user should do instead ("" when there is nothing to add).
func (e *Error) Hint() string { return e.hint }

// Hints returns the hints of every *Error in err's tree (errors.Join and
// %w wrapping included), in order and without repeats. errors.As finds only
// the first *Error; Validate joins several, so the CLI prints hints with this.
func Hints(err error) []string {
	var hints []string
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) { //nolint:errorlint // walks the tree itself, level by level
		case nil:
		case *Error:
			if e.hint != "" && !slices.Contains(hints, e.hint) {
				hints = append(hints, e.hint)
			}
		case interface{ Unwrap() []error }:
			for _, err := range e.Unwrap() {
				walk(err)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return hints
}

// ClusterName is an EKS cluster name: ^[0-9A-Za-z][A-Za-z0-9\-_]*$, 1-100 chars.
type ClusterName string

const maxClusterName = 100

// Set validates and stores s (pflag.Value).
func (c *ClusterName) Set(s string) error {
	if err := checkClusterName(s); err != nil {
		return err
	}
	*c = ClusterName(s)
	return nil
}

// String returns the name.
func (c ClusterName) String() string { return string(c) }

// Type names the flag's value in help (pflag.Value).
func (c ClusterName) Type() string { return "name" }

func checkClusterName(s string) error {
	switch {
	case s == "":
		return errorf("cluster name is empty")
	case len(s) > maxClusterName:
		return errorf("cluster name is %d characters; the limit is %d", len(s), maxClusterName)
	case !isAlnum(s[0]):
		return errorf("cluster name %q must begin with a letter or digit", s)
	}
	for _, r := range s {
		if r > 0x7f || !isAlnum(byte(r)) && r != '-' && r != '_' {
			return errorf(`cluster name %q contains %q; use letters, digits, "-" and "_"`, s, string(r))
		}
	}
	return nil
}

func isAlnum(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// EntryType is an access entry's type, normalised to the API's spelling.
type EntryType string

// The access-entry types the API knows.
const (
	TypeStandard      EntryType = "STANDARD"
	TypeEC2Linux      EntryType = "EC2_LINUX"
	TypeEC2Windows    EntryType = "EC2_WINDOWS"
	TypeFargateLinux  EntryType = "FARGATE_LINUX"
	TypeEC2           EntryType = "EC2"
	TypeHybridLinux   EntryType = "HYBRID_LINUX"
	TypeHyperpodLinux EntryType = "HYPERPOD_LINUX"
)

// EntryTypes lists every type, STANDARD first (for help and completion).
func EntryTypes() []EntryType {
	return []EntryType{TypeStandard, TypeEC2Linux, TypeEC2Windows, TypeFargateLinux, TypeEC2, TypeHybridLinux, TypeHyperpodLinux}
}

// Set accepts any case ("Standard", "ec2_linux"), and "-" for "_"
// ("ec2-linux"), and stores the API value.
func (t *EntryType) Set(s string) error {
	want := EntryType(strings.ToUpper(strings.ReplaceAll(s, "-", "_")))
	for _, known := range EntryTypes() {
		if want == known {
			*t = known
			return nil
		}
	}
	return errorf("unknown access-entry type %q; valid types: %s", s, typeList())
}

// String returns the API value ("" when unset).
func (t EntryType) String() string { return string(t) }

// Type names the flag's value in help (pflag.Value).
func (t EntryType) Type() string { return "type" }

// OrDefault returns t, or STANDARD when t is unset.
func (t EntryType) OrDefault() EntryType {
	if t == "" {
		return TypeStandard
	}
	return t
}

// IsNode reports whether t is a node type (anything but STANDARD; unset is STANDARD).
func (t EntryType) IsNode() bool { return t.OrDefault() != TypeStandard }

// checkType accepts "" (the API default) and the exact API values: a type
// that did not come through Set must already be normalised.
func checkType(t EntryType) error {
	if t == "" || slices.Contains(typeStrings(), string(t)) {
		return nil
	}
	return errorf("unknown access-entry type %q; valid types: %s", string(t), typeList())
}

func typeStrings() []string {
	var s []string
	for _, t := range EntryTypes() {
		s = append(s, string(t))
	}
	return s
}

func typeList() string { return strings.Join(typeStrings(), ", ") }
