package access_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// TestWords: one rule, two vocabularies. The flags' words are pinned by
// create_test.go and update_test.go; here each rule is run in both, and
// the file's words name the format's own keys.
func TestWords(t *testing.T) {
	t.Parallel()
	file := access.FileWords("kubernetesUsername", "policyARN")
	role, user := mustPrincipal(t, "arn:aws:iam::111122223333:role/node"), mustPrincipal(t, "arn:aws:iam::111122223333:user/bob")
	view := mustAssoc(t, "AmazonEKSViewPolicy:cluster")
	cases := []struct {
		name       string
		err        func(access.Words) error
		flag, file want
		field      access.Field
		index      int
	}{
		{
			name: "reserved username", err: func(w access.Words) error { return w.CheckUsername("EKS:x") },
			flag:  want{`--username "EKS:x" must not begin with "eks:"`, "leave --username unset for the EKS default"},
			file:  want{`username "EKS:x" must not begin with "eks:"`, "leave it out for the EKS default"},
			field: access.FieldUsername, index: -1,
		},
		{
			name: "session variable without a colon", err: func(w access.Words) error { return w.CheckUsername("{{SessionName}}") },
			flag:  want{`--username "{{SessionName}}" needs a ":" before {{SessionName}}`, `e.g. --username "NAME:{{SessionName}}"`},
			file:  want{`username "{{SessionName}}" needs a ":" before {{SessionName}}`, `EKS requires it, e.g. "NAME:{{SessionName}}"`},
			field: access.FieldUsername, index: -1,
		},
		{
			name: "system:masters", err: func(w access.Words) error { return w.CheckGroup(2, "system:masters") },
			flag:  want{`--group "system:masters" is invalid: it cannot start with "system:"`, "--policy AmazonEKSClusterAdminPolicy"},
			file:  want{`group "system:masters" is invalid: it cannot start with "system:"`, "accessPolicies: [{policyARN: AmazonEKSClusterAdminPolicy, accessScope: {type: cluster}}]"},
			field: access.FieldGroups, index: 2,
		},
		{
			name: "empty group", err: func(w access.Words) error { return w.CheckGroup(0, "") },
			flag: want{`--group "" is empty`, noHint}, file: want{"group name is empty", noHint},
			field: access.FieldGroups, index: 0,
		},
		{
			name: "node entry for a user", err: func(w access.Words) error {
				return errors.Join(w.NodeProblems(access.TypeEC2Linux, user, nil, "", nil)...)
			},
			flag:  want{`--type EC2_LINUX needs an IAM role, but "arn:aws:iam::111122223333:user/bob" is not one`, "node entries are for the IAM role"},
			file:  want{"type EC2_LINUX needs an IAM role, but arn:aws:iam::111122223333:user/bob is not one", "node entries are for the IAM role"},
			field: access.FieldPrincipal, index: -1,
		},
		{
			name: "node entry with a username", err: func(w access.Words) error {
				return errors.Join(w.NodeProblems(access.TypeEC2Linux, role, nil, "bob", nil)...)
			},
			flag:  want{"--username cannot be used with --type EC2_LINUX", noHint},
			file:  want{"type EC2_LINUX takes no kubernetesUsername: EKS sets the username of node entries", "leave kubernetesUsername out"},
			field: access.FieldUsername, index: -1,
		},
		{
			name: "Auto Mode entry with another policy", err: func(w access.Words) error {
				return errors.Join(w.NodeProblems(access.TypeEC2, role, nil, "", []access.PolicyAssociation{mustAssoc(t, "AmazonEKSAutoNodePolicy:cluster"), view})...)
			},
			flag:  want{"--policy AmazonEKSViewPolicy:cluster cannot be used with --type EC2", "--policy AmazonEKSAutoNodePolicy:cluster"},
			file:  want{"type EC2 cannot have policy AmazonEKSViewPolicy with scope cluster", "AmazonEKSAutoNodePolicy at cluster scope"},
			field: access.FieldPolicies, index: 1,
		},
		{
			name: "policy of another partition", err: func(w access.Words) error {
				return w.CheckPolicyPartition(3, mustPrincipal(t, "arn:aws-cn:iam::111122223333:role/a"), mustAssoc(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy").Policy)
			},
			flag:  want{`--policy arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy is not in partition "aws-cn" of the principal`, "give the short name AmazonEKSViewPolicy"},
			file:  want{`policy arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy is not in partition "aws-cn" of the principal`, "write the short name AmazonEKSViewPolicy"},
			field: access.FieldPolicies, index: 3,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, w := range []struct {
				words access.Words
				want  want
			}{{access.FlagWords, tc.flag}, {file, tc.file}} {
				err := tc.err(w.words)
				checkErrors(t, err, w.want)
				var ae *access.Error
				if !errors.As(err, &ae) {
					t.Fatalf("%v is not an *access.Error", err)
				}
				if f, i := ae.Field(); f != tc.field || i != tc.index {
					t.Errorf("%q is about field %q[%d], want %q[%d]", err, f, i, tc.field, tc.index)
				}
			}
		})
	}
}

func TestReservedPrefix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"system:masters": "system:", "EKS:x": "eks:", "Aws:": "aws:", "amazon:a": "amazon:", "IAM:x": "iam:",
		"systems": "", "dev": "", "": "", "x:system:": "",
	} {
		if got := access.ReservedPrefix(in); got != want {
			t.Errorf("ReservedPrefix(%q) = %q, want %q", in, got, want)
		}
	}
	if got := access.ReservedPrefixes(); got != "system:, eks:, aws:, amazon:, iam:" {
		t.Errorf("ReservedPrefixes() = %q", got)
	}
}

func TestSessionVariable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		i       int
		varName string
	}{
		{"admin", -1, ""},
		{"a:{{SessionName}}", 2, "{{SessionName}}"},
		{"{{SessionNameRaw}}-{{SessionName}}", 0, "{{SessionNameRaw}}"},
		{"x-{{SessionName}}{{SessionNameRaw}}", 2, "{{SessionName}}"},
		{"{{sessionname}}", -1, ""},
	}
	for _, tc := range cases {
		if i, v := access.SessionVariable(tc.in); i != tc.i || v != tc.varName {
			t.Errorf("SessionVariable(%q) = %d, %q; want %d, %q", tc.in, i, v, tc.i, tc.varName)
		}
	}
}

func TestPrincipalParts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		arn, name, path, defaultUsername string
	}{
		{"arn:aws:iam::111122223333:role/admin", "admin", "", "arn:aws:sts::111122223333:assumed-role/admin/{{SessionName}}"},
		{"arn:aws-cn:iam::111122223333:role/team/dev/admin", "admin", "team/dev", "arn:aws-cn:sts::111122223333:assumed-role/admin/{{SessionName}}"},
		{"arn:aws:iam::111122223333:user/ops/bob", "bob", "ops", "arn:aws:iam::111122223333:user/ops/bob"},
	}
	for _, tc := range cases {
		p := mustPrincipal(t, tc.arn)
		if p.Name() != tc.name || p.Path() != tc.path || access.DefaultUsername(p) != tc.defaultUsername {
			t.Errorf("%s: Name %q, Path %q, DefaultUsername %q; want %q, %q, %q", tc.arn, p.Name(), p.Path(), access.DefaultUsername(p), tc.name, tc.path, tc.defaultUsername)
		}
	}
}

func TestServiceLinkedRole(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		name string
		ok   bool
	}{
		{"arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS", "AWSServiceRoleForAmazonEKS", true},
		{"arn:aws:iam::111122223333:role/admin", "", false},
		{"arn:aws:sts::111122223333:role/aws-service-role/x", "", false},
		{"role/aws-service-role/x", "", false},
	}
	for _, tc := range cases {
		if name, ok := access.ServiceLinkedRole(tc.in); name != tc.name || ok != tc.ok {
			t.Errorf("ServiceLinkedRole(%q) = %q, %v; want %q, %v", tc.in, name, ok, tc.name, tc.ok)
		}
	}
}

// TestEntryJSON: the typed principal and type of an Entry print as the
// API's strings, and read back as they were (an ARN eksaccess would not
// create included: EKS has it).
func TestEntryJSON(t *testing.T) {
	t.Parallel()
	for _, arn := range []string{"arn:aws:iam::111122223333:role/dev/admin", "arn:aws:iam::111122223333:root", ""} {
		e := access.Entry{PrincipalARN: access.UncheckedPrincipalARN(arn), Type: "HYPERPOD_LINUX"}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"principalArn":"` + arn + `"`; !strings.Contains(string(b), want) || !strings.Contains(string(b), `"type":"HYPERPOD_LINUX"`) {
			t.Errorf("%s lacks %s or the type", b, want)
		}
		var back access.Entry
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !back.PrincipalARN.Equal(e.PrincipalARN) || back.Type != e.Type || back.PrincipalARN.IsZero() != (arn == "") {
			t.Errorf("%s read back as %q %q", b, back.PrincipalARN, back.Type)
		}
	}
}
