package access

// This file holds the error type and the small value types. The principal
// is in principal.go, tags in tags.go, policies and scopes in policy.go,
// and the request types in create.go and update.go. Exported signatures are
// what the rest of the code base builds on: change them only together with
// their callers.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
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
	// field and index say which field of an entry the problem is about
	// (see Field); the rules of rules.go set them.
	field Field
	index int
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

// Field is the field of an entry the problem is about, "" when the rule
// is not about one field; index is the item of a list field (a group, a
// policy), -1 for the field as a whole. A caller that reads the entry
// from a file places the problem at that field's line.
func (e *Error) Field() (field Field, index int) { return e.field, e.index }

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

// maxEcho is how many characters of a value an error message repeats.
const maxEcho = 200

// Quote renders a value for an error message: quoted as by %q, and cut
// after 200 characters, saying how long it was, so that a file pasted into
// a flag does not flood the terminal. Every message that echoes input uses
// it.
func Quote(s string) string {
	n := 0
	for i := range s {
		if n == maxEcho {
			return fmt.Sprintf("%s... (%d characters)", strconv.Quote(s[:i]), utf8.RuneCountInString(s))
		}
		n++
	}
	return strconv.Quote(s)
}

// CheckText is the rule for free text sent to EKS (Kubernetes groups and
// usernames, tag keys and values, list items): valid UTF-8 without control
// characters. A newline or a tab in a group is a pasting mistake, not a
// group, and the SDK would send invalid UTF-8 as U+FFFD, so that EKS would
// store something other than what was typed.
func CheckText(s string) error {
	if !utf8.ValidString(s) {
		i := 0
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return errorf("%s is not valid UTF-8 (byte 0x%02x at offset %d)", Quote(s), s[i], i)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return errorf("%s contains %s", Quote(s), controlName(r))
		}
	}
	return nil
}

// controlName names a control character for a message.
func controlName(r rune) string {
	switch r {
	case '\n':
		return "a newline (U+000A)"
	case '\r':
		return "a carriage return (U+000D)"
	case '\t':
		return "a tab (U+0009)"
	}
	return fmt.Sprintf("the control character U+%04X", r)
}

// ClusterName is an EKS cluster name: ^[0-9A-Za-z][A-Za-z0-9\-_]*$, 1-100 chars.
type ClusterName string

const maxClusterName = 100

// Set validates and stores s (pflag.Value): a cluster name, or a cluster
// ARN, whose name is kept (see ParseCluster).
func (c *ClusterName) Set(s string) error {
	name, _, err := ParseCluster(s)
	if err != nil {
		return err
	}
	*c = name
	return nil
}

const clusterARNHint = "give the cluster's name (prod) or its ARN (arn:aws:eks:REGION:ACCOUNT:cluster/prod)"

// ParseCluster reads a cluster name, or a cluster ARN as the console and
// `aws eks describe-cluster` show it (arn:aws:eks:us-west-2:111122223333:cluster/prod).
// It returns the name and the ARN's region ("" for a bare name): the caller
// checks that the region is the one in use.
func ParseCluster(s string) (name ClusterName, region string, err error) {
	if !strings.HasPrefix(s, "arn:") {
		if err := checkClusterName(s); err != nil {
			return "", "", err
		}
		return ClusterName(s), "", nil
	}
	a, perr := arn.Parse(s)
	if perr != nil {
		return "", "", newError(fmt.Sprintf("not a cluster ARN: %s", Quote(s)), clusterARNHint)
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	switch {
	case a.Service != "eks":
		return "", "", newError(fmt.Sprintf("%s is an ARN of service %q, not an EKS cluster", Quote(s), a.Service), clusterARNHint)
	case kind == "access-entry":
		cluster, _, _ := strings.Cut(rest, "/")
		return "", "", newError(fmt.Sprintf("%s is an access-entry ARN, not a cluster ARN", Quote(s)),
			fmt.Sprintf("give the cluster's name, %s, and the entry's principal with --principal", cluster))
	case kind != "cluster" || rest == "":
		return "", "", newError(fmt.Sprintf("%s is not an EKS cluster ARN", Quote(s)), clusterARNHint)
	}
	if err := checkPartition(s, a.Partition); err != nil {
		return "", "", err
	}
	switch {
	case a.Region == "":
		return "", "", newError(fmt.Sprintf("cluster ARN %s has no region", Quote(s)), clusterARNHint)
	case len(a.AccountID) != 12 || !isDigits(a.AccountID):
		return "", "", errorf("account ID %s in %s is not 12 digits", Quote(a.AccountID), Quote(s))
	}
	if err := checkClusterName(rest); err != nil {
		return "", "", prefixed(Quote(s), err)
	}
	return ClusterName(rest), a.Region, nil
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
		return errorf("cluster name %s must begin with a letter or digit", Quote(s))
	}
	for _, r := range s {
		if r > 0x7f || !isAlnum(byte(r)) && r != '-' && r != '_' {
			return errorf(`cluster name %s contains %q; use letters, digits, "-" and "_"`, Quote(s), string(r))
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
	// ASCII case only: strings.ToUpper would make "ſtandard" (U+017F)
	// STANDARD, a name no one typed.
	want := strings.ReplaceAll(s, "-", "_")
	for _, known := range EntryTypes() {
		if strings.EqualFold(want, string(known)) && isASCII(want) {
			*t = known
			return nil
		}
	}
	return errorf("unknown access-entry type %s; valid types: %s", Quote(s), typeList())
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

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
