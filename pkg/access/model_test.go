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

func TestClusterNameSetARN(t *testing.T) {
	t.Parallel()
	var c access.ClusterName
	if err := c.Set("arn:aws:eks:us-west-2:111122223333:cluster/prod"); err != nil || c != "prod" {
		t.Fatalf("Set(ARN) = %v, cluster %q; want prod", err, c)
	}
}

func TestParseCluster(t *testing.T) {
	t.Parallel()
	const hint = "give the cluster's name (prod) or its ARN (arn:aws:eks:REGION:ACCOUNT:cluster/prod)"
	tests := []struct {
		in     string
		name   access.ClusterName
		region string
		err    want
	}{
		{in: "prod", name: "prod"},
		{in: "arn:aws:eks:us-west-2:111122223333:cluster/prod", name: "prod", region: "us-west-2"},
		{in: "arn:aws-cn:eks:cn-north-1:111122223333:cluster/my_cluster-1", name: "my_cluster-1", region: "cn-north-1"},
		{in: "arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/gov", name: "gov", region: "us-gov-west-1"},
		{in: "bad name", err: want{msg: `cluster name "bad name" contains " "`}},
		{in: "arn:aws:eks", err: want{`not a cluster ARN: "arn:aws:eks"`, hint}},
		{in: "arn:aws:iam::111122223333:role/prod", err: want{`is an ARN of service "iam", not an EKS cluster`, hint}},
		{in: "arn:aws:eks:us-west-2:111122223333:nodegroup/prod/ng/x", err: want{"is not an EKS cluster ARN", hint}},
		{in: "arn:aws:eks:us-west-2:111122223333:cluster/", err: want{"is not an EKS cluster ARN", hint}},
		{
			in:  "arn:aws:eks:us-west-2:111122223333:access-entry/prod/role/111122223333/dev/abc",
			err: want{"is an access-entry ARN, not a cluster ARN", "give the cluster's name, prod, and the entry's principal with --principal"},
		},
		{in: "arn:aws:eks::111122223333:cluster/prod", err: want{`cluster ARN "arn:aws:eks::111122223333:cluster/prod" has no region`, hint}},
		{in: "arn:aws:eks:us-west-2:1111:cluster/prod", err: want{`account ID "1111" in`, noHint}},
		{in: "arn:azure:eks:us-west-2:111122223333:cluster/prod", err: want{msg: `unknown partition "azure"`}},
		{in: "arn:aws:eks:us-west-2:111122223333:cluster/my.cluster", err: want{`"arn:aws:eks:us-west-2:111122223333:cluster/my.cluster": cluster name "my.cluster" contains "."`, noHint}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			name, region, err := access.ParseCluster(tt.in)
			checkError(t, err, tt.err)
			if name != tt.name || region != tt.region {
				t.Errorf("ParseCluster = %q, %q; want %q, %q", name, region, tt.name, tt.region)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 199) + "é" + strings.Repeat("b", 50)
	tests := []struct{ in, want string }{
		{"", `""`},
		{"dev", `"dev"`},
		{"a\nb", `"a\nb"`},
		{strings.Repeat("x", 200), `"` + strings.Repeat("x", 200) + `"`},
		{strings.Repeat("x", 201), `"` + strings.Repeat("x", 200) + `"... (201 characters)`},
		// cut after 200 characters, not bytes: the é is kept whole
		{long, `"` + strings.Repeat("a", 199) + `é"... (250 characters)`},
		{strings.Repeat("\xff", 300), `"` + strings.Repeat(`\xff`, 200) + `"... (300 characters)`},
	}
	for _, tt := range tests {
		if got := access.Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%.20q...) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in  string
		err string
	}{
		{in: ""},
		{in: "dev-team"},
		{in: "with space"},
		{in: "日本語 é ü"},
		{in: "a\nb", err: `"a\nb" contains a newline (U+000A)`},
		{in: "a\r\n", err: `contains a carriage return (U+000D)`},
		{in: "\tx", err: `"\tx" contains a tab (U+0009)`},
		{in: "x\x00", err: "contains the control character U+0000"},
		{in: "x\x7f", err: "contains the control character U+007F"},
		{in: "x\u009b", err: "contains the control character U+009B"},
		{in: "ok\xff", err: `"ok\xff" is not valid UTF-8 (byte 0xff at offset 2)`},
		{in: "\xc3(", err: "is not valid UTF-8 (byte 0xc3 at offset 0)"},
		{in: "\xed\xa0\x80", err: "is not valid UTF-8 (byte 0xed at offset 0)"}, // a surrogate
	}
	for _, tt := range tests {
		err := access.CheckText(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("CheckText(%q) = %v, want nil", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("CheckText(%q) = %v, want %q", tt.in, err, tt.err)
		case err != nil:
			checkError(t, err, want{tt.err, noHint})
		}
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
