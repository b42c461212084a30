package access_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// want is one expected problem: substrings of its message and hint.
// An empty hint means "not checked"; noHint asserts there is none.
type want struct {
	msg  string
	hint string
}

const noHint = "\x00none"

// leaves flattens err's errors.Join tree and asserts that every leaf is an
// *access.Error, the package's promise to the CLI.
func leaves(t *testing.T, err error) []*access.Error {
	t.Helper()
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*access.Error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(t, e)...)
		}
		return out
	}
	e, ok := err.(*access.Error) //nolint:errorlint // leaves of a Join are bare *Error by contract
	if !ok {
		t.Fatalf("error %q is a %T, want *access.Error", err, err)
	}
	return []*access.Error{e}
}

// checkErrors asserts that err holds exactly the problems in wants, in order.
func checkErrors(t *testing.T, err error, wants ...want) {
	t.Helper()
	got := leaves(t, err)
	if len(got) != len(wants) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(wants), err)
	}
	for i, w := range wants {
		msg, hint := got[i].Error(), got[i].Hint()
		if !strings.Contains(msg, w.msg) {
			t.Errorf("error %d = %q, want it to contain %q", i, msg, w.msg)
		}
		switch {
		case w.hint == noHint && hint != "":
			t.Errorf("error %d %q has hint %q, want none", i, msg, hint)
		case w.hint != noHint && !strings.Contains(hint, w.hint):
			t.Errorf("error %d %q has hint %q, want it to contain %q", i, msg, hint, w.hint)
		}
		if strings.HasSuffix(msg, ".") || msg != "" && strings.ToLower(msg[:1]) != msg[:1] {
			t.Errorf("error %q must be lowercase with no final period", msg)
		}
	}
}

// checkError asserts a single problem, or none when w.msg is "".
func checkError(t *testing.T, err error, w want) {
	t.Helper()
	if w.msg == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v (hint %q)", err, access.Hints(err))
		}
		return
	}
	checkErrors(t, err, w)
}

func TestHints(t *testing.T) {
	t.Parallel()
	hinted := func(hint string) error {
		_, err := access.ParsePrincipalARN("arn:aws:iam::111122223333:" + hint)
		return err
	}
	root, group := hinted("root"), hinted("group/ops")
	noHintErr := func() error { var c access.ClusterName; return c.Set("") }()
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"nil", nil, nil},
		{"no hint", noHintErr, nil},
		{"one", root, []string{access.Hints(root)[0]}},
		{"joined, in order", errors.Join(group, noHintErr, root), []string{access.Hints(group)[0], access.Hints(root)[0]}},
		{"wrapped", fmt.Errorf("create: %w", root), []string{access.Hints(root)[0]}},
		{"repeats dropped", errors.Join(root, fmt.Errorf("again: %w", root)), []string{access.Hints(root)[0]}},
		{"not an access error", errors.New("boom"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, access.Hints(tt.err)); diff != "" {
				t.Errorf("Hints mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClusterNameSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		err  want
	}{
		{name: "letters", in: "demo"},
		{name: "one character", in: "a"},
		{name: "begins with digit", in: "0demo"},
		{name: "dashes and underscores", in: "my-cluster_1"},
		{name: "ends with dash", in: "A-"},
		{name: "100 characters", in: strings.Repeat("a", 100)},
		{name: "empty", in: "", err: want{msg: "cluster name is empty"}},
		{name: "101 characters", in: strings.Repeat("a", 101), err: want{msg: "cluster name is 101 characters; the limit is 100"}},
		{name: "begins with dash", in: "-demo", err: want{msg: `cluster name "-demo" must begin with a letter or digit`}},
		{name: "begins with underscore", in: "_demo", err: want{msg: "must begin with a letter or digit"}},
		{name: "dot", in: "my.cluster", err: want{msg: `cluster name "my.cluster" contains "."; use letters, digits, "-" and "_"`}},
		{name: "space", in: "my cluster", err: want{msg: `contains " "`}},
		{name: "trailing newline", in: "demo\n", err: want{msg: `contains "\n"`}},
		{name: "non-ASCII letter", in: "démo", err: want{msg: `contains "é"`}},
		{name: "non-ASCII first letter", in: "éa", err: want{msg: "must begin with a letter or digit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := access.ClusterName("before")
			err := c.Set(tt.in)
			checkError(t, err, tt.err)
			wantValue := tt.in
			if err != nil {
				wantValue = "before" // a failed Set changes nothing
			}
			if c.String() != wantValue {
				t.Errorf("value = %q, want %q", c, wantValue)
			}
		})
	}
	if got := access.ClusterName("").Type(); got != "name" {
		t.Errorf("Type() = %q", got)
	}
}

func TestEntryTypeSet(t *testing.T) {
	t.Parallel()
	const valid = "valid types: STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2, HYBRID_LINUX, HYPERPOD_LINUX"
	tests := []struct {
		in   string
		want access.EntryType
		err  want
	}{
		{in: "STANDARD", want: access.TypeStandard},
		{in: "Standard", want: access.TypeStandard},
		{in: "standard", want: access.TypeStandard},
		{in: "ec2_linux", want: access.TypeEC2Linux},
		{in: "ec2-linux", want: access.TypeEC2Linux},
		{in: "Ec2-Windows", want: access.TypeEC2Windows},
		{in: "fargate_linux", want: access.TypeFargateLinux},
		{in: "ec2", want: access.TypeEC2},
		{in: "hybrid-linux", want: access.TypeHybridLinux},
		{in: "HYPERPOD_linux", want: access.TypeHyperpodLinux},
		{in: "", err: want{msg: `unknown access-entry type ""; ` + valid}},
		{in: "node", err: want{msg: `unknown access-entry type "node"; ` + valid}},
		{in: "ec2 linux", err: want{msg: `unknown access-entry type "ec2 linux"`}},
		{in: "EC2LINUX", err: want{msg: `unknown access-entry type "EC2LINUX"`}},
		{in: " standard", err: want{msg: "unknown access-entry type"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			typ := access.EntryType("before")
			err := typ.Set(tt.in)
			checkError(t, err, tt.err)
			if err != nil {
				tt.want = "before"
			}
			if typ != tt.want {
				t.Errorf("value = %q, want %q", typ, tt.want)
			}
		})
	}
}

func TestEntryTypeDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        access.EntryType
		orDefault access.EntryType
		isNode    bool
	}{
		{"", access.TypeStandard, false},
		{access.TypeStandard, access.TypeStandard, false},
		{access.TypeEC2Linux, access.TypeEC2Linux, true},
		{access.TypeEC2Windows, access.TypeEC2Windows, true},
		{access.TypeFargateLinux, access.TypeFargateLinux, true},
		{access.TypeEC2, access.TypeEC2, true},
		{access.TypeHybridLinux, access.TypeHybridLinux, true},
		{access.TypeHyperpodLinux, access.TypeHyperpodLinux, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			t.Parallel()
			if got := tt.in.OrDefault(); got != tt.orDefault {
				t.Errorf("OrDefault() = %q, want %q", got, tt.orDefault)
			}
			if got := tt.in.IsNode(); got != tt.isNode {
				t.Errorf("IsNode() = %v, want %v", got, tt.isNode)
			}
		})
	}
	if got := access.EntryTypes(); len(got) != 7 || got[0] != access.TypeStandard {
		t.Errorf("EntryTypes() = %v, want 7 types with STANDARD first", got)
	}
}
