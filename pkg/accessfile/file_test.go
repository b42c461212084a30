package accessfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/eksaccess/eksaccess/pkg/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// modelOpts compare models by what they mean: principals and policies by
// their text, the order of groups and namespaces ignored, nil and empty
// alike.
var modelOpts = cmp.Options{
	baseOpts,
	cmp.Comparer(func(a, b access.PolicyRef) bool { return a.String() == b.String() }),
}

var baseOpts = cmp.Options{
	cmp.Comparer(func(a, b access.PrincipalARN) bool { return a.String() == b.String() }),
	cmpopts.EquateEmpty(),
}

func principal(t *testing.T, s string) access.PrincipalARN {
	t.Helper()
	p, err := access.ParsePrincipalARN(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func association(t *testing.T, s string) access.PolicyAssociation {
	t.Helper()
	a, err := access.ParsePolicyAssociation(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func loadFile(t *testing.T, path string) *File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Load(filepath.Base(path), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func ptr[T any](v T) *T { return &v }

// TestLoad_samples: the contract's example, eksctl's example from the
// migration notes as it is, and an eksctl config with every other section
// a real one has, load into the same model.
func TestLoad_samples(t *testing.T) {
	t.Parallel()
	const acct = "arn:aws:iam::210987654321:"
	cases := []struct {
		file string
		want File
	}{
		{"contract-sample.yaml", File{
			Name: "contract-sample.yaml", Format: APIVersion,
			Clusters: []Cluster{{Name: "prod", Region: "eu-west-1"}},
			Entries: []Entry{{
				Principal: principal(t, "arn:aws:iam::111122223333:role/platform/oncall"),
				Type:      access.TypeStandard,
				Groups:    []string{"oncall"},
				Username:  "oncall:{{SessionName}}",
				Tags:      access.Tags{"team": "platform"},
				Policies: []access.PolicyAssociation{
					association(t, "AmazonEKSClusterAdminPolicy:cluster"),
					association(t, "AmazonEKSEditPolicy:namespace=dev,preview-*"),
				},
			}},
		}},
		{"eksctl-sample.yaml", File{
			Name: "eksctl-sample.yaml", Format: EksctlAPIVersion,
			Clusters:           []Cluster{{Name: "payments-prod", Region: "eu-west-1"}},
			AuthenticationMode: "API_AND_CONFIG_MAP",
			Entries: []Entry{
				{
					Principal: principal(t, acct+"role/platform/oncall-admin"),
					Policies:  []access.PolicyAssociation{association(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy:cluster")},
				},
				{
					Principal: principal(t, acct+"role/team-ledger-dev"),
					Groups:    []string{"ledger-readers"},
					Username:  "ledger-dev:{{SessionName}}",
					Policies:  []access.PolicyAssociation{association(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy:namespace=ledger,ledger-preview-*")},
				},
				{Principal: principal(t, acct+"role/karpenter-node"), Type: access.TypeEC2Linux},
			},
		}},
		{"eksctl-full.yaml", File{
			Name: "eksctl-full.yaml", Format: EksctlAPIVersion,
			Clusters:                                []Cluster{{Name: "payments-prod", Region: "eu-west-1"}},
			AuthenticationMode:                      "API",
			BootstrapClusterCreatorAdminPermissions: ptr(false),
			Entries: []Entry{
				{
					Principal: principal(t, acct+"role/platform/oncall-admin"),
					Type:      access.TypeStandard,
					Policies:  []access.PolicyAssociation{association(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy:cluster")},
				},
				{Principal: principal(t, acct+"user/ci"), Groups: []string{"deployers"}},
				{
					Principal: principal(t, acct+"role/auto-node"),
					Type:      access.TypeEC2,
					Policies:  []access.PolicyAssociation{association(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy:cluster")},
				},
			},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			got := loadFile(t, filepath.Join("testdata", tc.file))
			if diff := cmp.Diff(&tc.want, got, modelOpts); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoad_valid covers what a valid file may do beyond the samples.
func TestLoad_valid(t *testing.T) {
	t.Parallel()
	const head = "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: prod}, {name: prod, region: us-east-1}, {name: dev, region: cn-north-1}]\n"
	cases := []struct {
		name, src string
		check     func(*testing.T, *File)
	}{
		{"no entries", head + "entries: []\n", func(t *testing.T, f *File) {
			if len(f.Entries) != 0 || len(f.Clusters) != 3 {
				t.Errorf("clusters %v, entries %v", f.Clusters, f.Entries)
			}
		}},
		{"same cluster name in two regions", head + "entries: []\n", func(t *testing.T, f *File) {
			want := []Cluster{{"prod", ""}, {"prod", "us-east-1"}, {"dev", "cn-north-1"}}
			if diff := cmp.Diff(want, f.Clusters); diff != "" {
				t.Error(diff)
			}
		}},
		{"sso: names, unresolved, policies of any partition until they are", head + "entries:\n  - principalArn: SSO:Admin\n    accessPolicies: [{policyArn: 'arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: {type: cluster}}]\n  - principalArn: sso:Dev@444455556666\n", func(t *testing.T, f *File) {
			if len(f.Entries) != 2 || !f.Entries[0].Principal.Unresolved() || f.Entries[0].Principal.String() != "sso:Admin" || f.Entries[1].Principal.Account() != "444455556666" {
				t.Errorf("entries %v", f.Entries)
			}
		}},
		{"type in any case, null values as unset", head + "entries:\n  - principalArn: arn:aws:iam::111122223333:role/n\n    type: ec2-linux\n    username: ~\n    kubernetesGroups:\n    tags:\n", func(t *testing.T, f *File) {
			e := f.Entries[0]
			if e.Type != access.TypeEC2Linux || e.Username != "" || e.Groups != nil || e.Tags != nil {
				t.Errorf("entry %+v", e)
			}
		}},
		{"tag values are text, whatever YAML makes of them", head + "entries:\n  - principalArn: arn:aws:iam::111122223333:role/a\n    tags: {on: yes, n: 0123, empty: '', t: true}\n", func(t *testing.T, f *File) {
			want := access.Tags{"on": "yes", "n": "0123", "empty": "", "t": "true"}
			if diff := cmp.Diff(want, f.Entries[0].Tags); diff != "" {
				t.Error(diff)
			}
		}},
		{"JSON is YAML", `{"apiVersion": "eksaccess/v1", "kind": "AccessConfig", "clusters": [{"name": "prod"}], "entries": [{"principalArn": "arn:aws:iam::111122223333:user/a"}]}`, func(t *testing.T, f *File) {
			if len(f.Entries) != 1 || f.Entries[0].Principal.String() != "arn:aws:iam::111122223333:user/a" {
				t.Errorf("entries %v", f.Entries)
			}
		}},
		{"eksctl stating no entries", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod}\nvpc: {cidr: 10.0.0.0/16}\naccessConfig: {accessEntries: []}\n", func(t *testing.T, f *File) {
			if len(f.Entries) != 0 || f.Clusters[0] != (Cluster{Name: "prod"}) || f.AuthenticationMode != "" || f.BootstrapClusterCreatorAdminPermissions != nil {
				t.Errorf("%+v", f)
			}
		}},
		{"eksctl anchors and aliases outside accessConfig", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod}\nx-defaults: &d {instanceType: m5.large}\nnodeGroups: [{<<: *d, name: a}]\naccessConfig: {bootstrapClusterCreatorAdminPermissions: true, accessEntries: []}\n", func(t *testing.T, f *File) {
			if b := f.BootstrapClusterCreatorAdminPermissions; b == nil || !*b {
				t.Errorf("bootstrap = %v", b)
			}
		}},
		{"eksctl authentication mode in any case", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod}\naccessConfig: {authenticationMode: api_and_config_map, accessEntries: []}\n", func(t *testing.T, f *File) {
			if f.AuthenticationMode != "API_AND_CONFIG_MAP" {
				t.Errorf("mode %q", f.AuthenticationMode)
			}
		}},
		{"no owner: the default owner", head + "entries: []\n", func(t *testing.T, f *File) {
			if f.Owner != "" {
				t.Errorf("owner %q", f.Owner)
			}
		}},
		{"an owner", "apiVersion: eksaccess/v1\nkind: AccessConfig\nowner: team-payments\nclusters: [{name: prod}]\nentries: []\n", func(t *testing.T, f *File) {
			if f.Owner != "team-payments" {
				t.Errorf("owner %q", f.Owner)
			}
		}},
		{"eksctl owner in metadata.annotations, other annotations left alone", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\n  annotations: {eksaccess/owner: platform, team: x}\naccessConfig: {accessEntries: []}\n", func(t *testing.T, f *File) {
			if f.Owner != "platform" || f.Clusters[0] != (Cluster{Name: "prod"}) {
				t.Errorf("owner %q, clusters %v", f.Owner, f.Clusters)
			}
		}},
		{"eksctl annotations without an owner", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod, annotations: {team: x}}\naccessConfig: {accessEntries: []}\n", func(t *testing.T, f *File) {
			if f.Owner != "" {
				t.Errorf("owner %q", f.Owner)
			}
		}},
		{"Auto Mode node entry with its policy", head + "entries:\n  - principalArn: arn:aws:iam::111122223333:role/auto\n    type: EC2\n    accessPolicies: [{policyArn: AmazonEKSAutoNodePolicy, accessScope: {type: cluster}}]\n", func(t *testing.T, f *File) {
			if len(f.Entries[0].Policies) != 1 {
				t.Errorf("policies %v", f.Entries[0].Policies)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := Load("access.yaml", strings.NewReader(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, f)
		})
	}
}

// problems splits Load's error into its joined problems.
func problems(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok { //nolint:errorlint // the top of Load's error is the join itself
		return j.Unwrap()
	}
	return []error{err}
}

// hintsOf returns the hints (Hint() string) in err's tree.
func hintsOf(err error) []string {
	var out []string
	for _, p := range problems(err) {
		for e := p; e != nil; e = errors.Unwrap(e) {
			if h, ok := e.(interface{ Hint() string }); ok && h.Hint() != "" { //nolint:errorlint // walks the chain itself
				out = append(out, h.Hint())
			}
		}
	}
	return out
}

const (
	own     = "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: prod}]\n"
	eksctl  = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod}\n"
	role    = "arn:aws:iam::111122223333:role/dev"
	ownRole = own + "entries:\n  - principalArn: " + role + "\n"
)

// TestLoad_errors: every rule, in both formats. Each case lists every
// problem Load must report (as substrings of their lines, in order; no
// more, no fewer), and optionally a hint one of them must carry.
func TestLoad_errors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		want      []string
		hint      string
	}{
		// the document
		{"empty", "", []string{"access.yaml: file is empty"}, "apiVersion: eksaccess/v1"},
		{"only comments", "# nothing\n", []string{"access.yaml: file is empty"}, ""},
		{"syntax error", "apiVersion: [\n", []string{"access.yaml:1: not valid YAML: did not find expected node content"}, ""},
		// yaml/v3 names no line for these: Load does
		{"a scanner error on line 1", "apiVersion: a: b\nkind: AccessConfig\nclusters: [{name: prod}]\nentries: []\n", []string{"access.yaml:1: not valid YAML: mapping values are not allowed in this context"}, ""},
		{"the same on line 5", "kind: AccessConfig\nclusters: [{name: prod}]\nentries: []\n\napiVersion: a: b\n", []string{"access.yaml:5: not valid YAML: mapping values are not allowed in this context"}, ""},
		{"a control character", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: \x01prod}]\n", []string{"access.yaml:3: not valid YAML: control characters are not allowed"}, ""},
		{"bytes that are not UTF-8", "apiVersion: eksaccess/v1\n\nkind: Access\xffConfig\n", []string{"access.yaml:3: not valid YAML: invalid leading UTF-8 octet"}, ""},
		{"two documents", own + "entries: []\n---\n" + own, []string{`access.yaml:5: more than one YAML document`}, "one document"},
		{"a list at the top", "- a\n", []string{`access.yaml:1: want a mapping (key: value) at the top, not a list`}, ""},
		{"a string", "hello", []string{`access.yaml:1: want a mapping (key: value) at the top, not a string`}, ""},
		{"a number", "12", []string{`access.yaml:1: want a mapping (key: value) at the top, not a number`}, ""},

		// apiVersion and kind
		{"no apiVersion", "kind: AccessConfig\n", []string{"access.yaml:1: apiVersion: apiVersion is required"}, "eksctl.io/v1alpha5"},
		{"unknown apiVersion", "apiVersion: eksaccess/v2\nkind: AccessConfig\n", []string{`access.yaml:1: apiVersion: unsupported apiVersion "eksaccess/v2"`}, ""},
		{"old eksctl apiVersion", "apiVersion: eksctl.io/v1alpha4\nkind: ClusterConfig\n", []string{`unsupported apiVersion "eksctl.io/v1alpha4"`}, ""},
		{"apiVersion not a string", "apiVersion: [eksaccess/v1]\nkind: AccessConfig\n", []string{"access.yaml:1: apiVersion: want a string, not a list"}, ""},
		{"no kind", "apiVersion: eksaccess/v1\n", []string{"access.yaml:1: kind: kind is required: AccessConfig for apiVersion eksaccess/v1"}, ""},
		{"kind of the other format", "apiVersion: eksaccess/v1\nkind: ClusterConfig\n", []string{`access.yaml:2: kind: kind "ClusterConfig" does not go with apiVersion eksaccess/v1: want AccessConfig`}, ""},
		{"eksctl kind wrong", "apiVersion: eksctl.io/v1alpha5\nkind: NodeGroup\n", []string{`access.yaml:2: kind: kind "NodeGroup" does not go with apiVersion eksctl.io/v1alpha5: want ClusterConfig`}, ""},

		// own format: keys
		{"unknown top-level key", own + "entries: []\nprune: true\n", []string{`access.yaml:5: prune: unknown key "prune"`}, "the keys here are apiVersion, kind, owner, clusters, entries"},
		{"owner empty", own + "owner:\nentries: []\n", []string{"access.yaml:4: owner: owner is empty"}, "leave owner out for the default owner"},
		{"owner not a name", own + "owner: team a\nentries: []\n", []string{`access.yaml:4: owner: owner "team a" has " "`}, "owner: team-payments"},
		{"owner a list", own + "owner: [a]\nentries: []\n", []string{"access.yaml:4: owner: want a string, not a list"}, ""},
		{"owner reserved", own + "owner: aws:x\nentries: []\n", []string{`owner "aws:x" is reserved`}, ""},
		{"owner with a control character: the field named once", own + "owner: \"team\\u202eevil\"\nentries: []\n", []string{`access.yaml:4: owner: owner "team\u202eevil" contains`}, ""},
		{"owner tag in an entry", ownRole + "    tags: {eksaccess/owner: team-a}\n", []string{"access.yaml:6: entries[0].tags.eksaccess/owner: tag eksaccess/owner is apply's own"}, "owner: NAME"},
		{"eksctl owner annotation invalid", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod, annotations: {eksaccess/owner: -x}}\naccessConfig: {accessEntries: []}\n",
			[]string{`access.yaml:3: metadata.annotations.eksaccess/owner: owner "-x" must begin with a letter or a digit`}, ""},
		{"eksctl owner annotation misspelt", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod, annotations: {EKSaccess/Owner: x}}\naccessConfig: {accessEntries: []}\n",
			[]string{`access.yaml:3: metadata.annotations.EKSaccess/Owner: unknown key "EKSaccess/Owner"`}, `did you mean "eksaccess/owner"?`},
		{"repeated key", own + "entries: []\nentries: []\n", []string{`access.yaml:5: entries: repeated key (first at line 4)`}, ""},
		{"unknown entry key", ownRole + "    groups: [a]\n", []string{`access.yaml:6: entries[0].groups: unknown key "groups"`}, "principalArn, type, kubernetesGroups"},
		{"eksctl's spelling in the own format", own + "entries:\n  - principalARN: " + role + "\n", []string{
			`access.yaml:5: entries[0].principalARN: unknown key "principalARN"`,
			`access.yaml:5: entries[0].principalArn: principalArn is required`,
		}, `did you mean "principalArn"?`},
		{"eksctl's username key in the own format", ownRole + "    kubernetesUsername: dev\n", []string{`entries[0].kubernetesUsername: unknown key`}, `this format spells it "username"`},
		{"a typo in a policy name", ownRole + "    accessPolicies:\n      - policyArn: AmazonEKSAdminVewPolicy\n        accessScope: {type: cluster}\n",
			[]string{`access.yaml:7: entries[0].accessPolicies[0].policyArn: unknown access policy "AmazonEKSAdminVewPolicy"`}, "did you mean AmazonEKSAdminViewPolicy?"},
		{"unknown policy key", ownRole + "    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster}, scope: cluster}]\n", []string{`access.yaml:6: entries[0].accessPolicies[0].scope: unknown key "scope"`}, ""},
		{"unknown scope key", ownRole + "    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster, namespace: [a]}}]\n", []string{`entries[0].accessPolicies[0].accessScope.namespace: unknown key "namespace"`}, `did you mean "namespaces"?`},
		{"unknown cluster key", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: prod, profile: x}]\nentries: []\n", []string{`access.yaml:3: clusters[0].profile: unknown key "profile"`}, ""},
		{"an entry that is not a mapping", own + "entries: [" + role + "]\n", []string{`access.yaml:4: entries[0]: want a mapping (key: value), not "` + role + `"`}, ""},
		{"entries not a list", own + "entries: {a: b}\n", []string{`access.yaml:4: entries: want a list, not a mapping`}, ""},

		// own format: clusters
		{"no clusters key", "apiVersion: eksaccess/v1\nkind: AccessConfig\nentries: []\n", []string{"access.yaml:1: clusters: clusters is required"}, "list at least one"},
		{"empty clusters", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: []\nentries: []\n", []string{"access.yaml:3: clusters: no cluster"}, ""},
		{"null clusters", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters:\nentries: []\n", []string{"access.yaml:3: clusters: no cluster"}, ""},
		{"cluster without a name", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{region: eu-west-1}]\nentries: []\n", []string{"access.yaml:3: clusters[0].name: the cluster's name is required"}, ""},
		{"bad cluster name", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters:\n  - name: my.cluster\nentries: []\n", []string{`access.yaml:4: clusters[0].name: cluster name "my.cluster" contains "."`}, ""},
		{"bad region", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters:\n  - name: prod\n    region: Europe\nentries: []\n", []string{`access.yaml:5: clusters[0].region: "Europe" is not an AWS region`}, "eu-west-1"},
		{"cluster twice", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters:\n  - {name: prod, region: eu-west-1}\n  - {name: prod, region: eu-west-1}\nentries: []\n", []string{`access.yaml:5: clusters[1]: cluster prod in eu-west-1 is listed twice (first at line 4)`}, ""},
		{"no entries key", own, []string{"access.yaml:1: entries: entries is required"}, "entries: []"},

		// eksctl format: the parts eksaccess reads
		{"eksctl without metadata", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\naccessConfig: {accessEntries: []}\n", []string{"access.yaml:1: metadata: metadata is required"}, "metadata: {name: NAME"},
		{"eksctl metadata without a name", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {region: eu-west-1, version: '1.31'}\naccessConfig: {accessEntries: []}\n", []string{"access.yaml:3: metadata.name: the cluster's name is required"}, ""},
		{"eksctl without accessConfig", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod}\nvpc: {cidr: 10.0.0.0/16}\n", []string{"access.yaml:1: accessConfig.accessEntries: accessConfig.accessEntries is required"}, "accessEntries: []"},
		{"eksctl accessConfig without entries", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod}\naccessConfig: {authenticationMode: API}\n", []string{"access.yaml:4: accessConfig.accessEntries: accessConfig.accessEntries is required"}, "accessEntries: []"},
		{"entries all commented out", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: prod}]\nentries:\n#  - principalArn: arn:aws:iam::111122223333:role/a\n", []string{"access.yaml:4: entries: entries is empty (null)"}, "entries: []"},
		{"an SSO role without its path", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: prod}]\nentries:\n  - principalArn: arn:aws:iam::111122223333:role/AWSReservedSSO_Ops_0123456789abcdef\n", []string{"access.yaml:5: entries[0].principalArn: role AWSReservedSSO_Ops_0123456789abcdef has no aws-reserved/sso.amazonaws.com/ path"}, "aws-reserved/sso.amazonaws.com/AWSReservedSSO_Ops_0123456789abcdef"},
		{"a group with spaces around it", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: prod}]\nentries:\n  - principalArn: arn:aws:iam::111122223333:role/a\n    kubernetesGroups: [' x']\n", []string{`access.yaml:6: entries[0].kubernetesGroups[0]: group " x" has spaces around it: give the name exactly as the RBAC bindings spell it`}, ""},
		{"apply's own tag", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: prod}]\nentries:\n  - principalArn: arn:aws:iam::111122223333:role/a\n    tags: {managed-by: terraform}\n", []string{"access.yaml:6: entries[0].tags.managed-by: tag managed-by is apply's own"}, "use another key"},
		{"eksctl metadata not a mapping", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: prod\naccessConfig: {accessEntries: []}\n", []string{`access.yaml:3: metadata: want a mapping (key: value), not "prod"`}, ""},
		{"eksctl accessConfig misspelt", eksctl + "accessconfig:\n  accessEntries: []\n", []string{`access.yaml:4: accessconfig: unknown key "accessconfig"`, "access.yaml:1: accessConfig.accessEntries: accessConfig.accessEntries is required"}, `did you mean "accessConfig"?`},
		{"eksctl unknown key in accessConfig", eksctl + "accessConfig:\n  entries: []\n", []string{`access.yaml:5: accessConfig.entries: unknown key "entries"`, "access.yaml:5: accessConfig.accessEntries: accessConfig.accessEntries is required"}, "authenticationMode, bootstrapClusterCreatorAdminPermissions, accessEntries"},
		{"eksctl unknown key in an entry", eksctl + "accessConfig:\n  accessEntries:\n    - principalARN: " + role + "\n      username: dev\n", []string{`access.yaml:7: accessConfig.accessEntries[0].username: unknown key "username"`}, `this format spells it "kubernetesUsername"`},
		{"eksctl entries have no tags", eksctl + "accessConfig:\n  accessEntries:\n    - principalARN: " + role + "\n      tags: {a: b}\n", []string{`accessConfig.accessEntries[0].tags: unknown key "tags"`}, "eksctl access entries have no tags"},
		{"eksctl policyArn spelling", eksctl + "accessConfig:\n  accessEntries:\n    - principalARN: " + role + "\n      accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster}}]\n", []string{
			`access.yaml:7: accessConfig.accessEntries[0].accessPolicies[0].policyArn: unknown key "policyArn"`,
			`access.yaml:7: accessConfig.accessEntries[0].accessPolicies[0].policyARN: policyARN is required`,
		}, `did you mean "policyARN"?`},
		{"eksctl unknown authentication mode", eksctl + "accessConfig: {authenticationMode: IAM, accessEntries: []}\n", []string{`access.yaml:4: accessConfig.authenticationMode: unknown authentication mode "IAM"`}, ""},
		{"eksctl bootstrap not a bool", eksctl + "accessConfig: {bootstrapClusterCreatorAdminPermissions: maybe, accessEntries: []}\n", []string{`access.yaml:4: accessConfig.bootstrapClusterCreatorAdminPermissions: want true or false, not "maybe"`}, ""},
		{"eksctl repeated accessConfig", eksctl + "accessConfig: {accessEntries: []}\naccessConfig: {}\n", []string{`access.yaml:5: accessConfig: repeated key (first at line 4)`}, ""},

		// principals
		{"no principal", own + "entries:\n  - kubernetesGroups: [a]\n", []string{"access.yaml:5: entries[0].principalArn: principalArn is required"}, ""},
		{"not an ARN", own + "entries:\n  - principalArn: dev\n", []string{`access.yaml:5: entries[0].principalArn: not an ARN: "dev"`}, ""},
		{"a bad sso: name", own + "entries:\n  - principalArn: sso:Ad/min\n", []string{`access.yaml:5: entries[0].principalArn: permission set name "Ad/min" in "sso:Ad/min" contains "/"`}, "sso:NAME"},
		{"an sso: name twice", own + "entries:\n  - principalArn: sso:Admin\n  - principalArn: SSO:Admin\n", []string{`access.yaml:6: entries[1].principalArn: principal sso:Admin is listed twice (first at line 5)`}, ""},
		{"an sso: name in eksctl's format, twice", eksctl + "accessConfig:\n  accessEntries:\n    - principalARN: sso:Admin\n    - principalARN: sso:Admin\n", []string{`principal sso:Admin is listed twice`}, ""},
		{"assumed-role session", own + "entries:\n  - principalArn: arn:aws:sts::111122223333:assumed-role/dev/alice\n", []string{`entries[0].principalArn: "arn:aws:sts::111122223333:assumed-role/dev/alice" is an STS assumed-role session`}, "use the role's ARN, arn:aws:iam::111122223333:role/dev"},
		{"service-linked role", own + "entries:\n  - principalArn: arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS\n", []string{"is a service-linked role"}, ""},
		{"duplicate principal", ownRole + "  - principalArn: " + role + "\n", []string{`access.yaml:6: entries[1].principalArn: principal ` + role + ` is listed twice (first at line 5)`}, "merge the two entries"},
		{"duplicate principal in another case", ownRole + "  - principalArn: arn:aws:iam::111122223333:role/DEV\n", []string{`entries[1].principalArn: principal arn:aws:iam::111122223333:role/DEV is listed twice (first at line 5)`}, ""},
		{"eksctl duplicate principal", eksctl + "accessConfig:\n  accessEntries:\n    - principalARN: " + role + "\n    - principalARN: " + role + "\n      type: STANDARD\n", []string{`access.yaml:7: accessConfig.accessEntries[1].principalARN: principal ` + role + ` is listed twice (first at line 6)`}, ""},

		// type
		{"unknown type", ownRole + "    type: NODE\n", []string{`access.yaml:6: entries[0].type: unknown access-entry type "NODE"`}, ""},

		// groups
		{"reserved group", ownRole + "    kubernetesGroups: [dev, system:masters, eks:x]\n", []string{
			`access.yaml:6: entries[0].kubernetesGroups[1]: group "system:masters" is invalid: it cannot start with "system:"`,
			`access.yaml:6: entries[0].kubernetesGroups[2]: group "eks:x" is invalid: it cannot start with "eks:"`,
		}, "AmazonEKSClusterAdminPolicy"},
		{"empty group", ownRole + "    kubernetesGroups: ['  ']\n", []string{`entries[0].kubernetesGroups[0]: group name is empty`}, ""},
		{"repeated group", ownRole + "    kubernetesGroups:\n      - dev\n      - dev\n", []string{`access.yaml:8: entries[0].kubernetesGroups[1]: group "dev" is listed twice (first at line 7)`}, ""},
		{"groups not a list", ownRole + "    kubernetesGroups: dev\n", []string{`access.yaml:6: entries[0].kubernetesGroups: want a list, not "dev"`}, ""},
		{"group not a string", ownRole + "    kubernetesGroups: [[dev]]\n", []string{`access.yaml:6: entries[0].kubernetesGroups[0]: want a string, not a list`}, ""},

		// username
		{"reserved username", ownRole + "    username: system:admin\n", []string{`access.yaml:6: entries[0].username: username "system:admin" must not begin with "system:"`}, "leave it out for the EKS default"},
		{"session name without a colon", ownRole + "    username: admin-{{SessionName}}\n", []string{`entries[0].username: username "admin-{{SessionName}}" needs a ":" before {{SessionName}}`}, `"admin-:{{SessionName}}"`},
		// The request model's text rules, named in the file's words at the
		// field's line (they used to come from the backstop, in flag words,
		// at the entry's line).
		{"username with a tab", ownRole + "    username: \"dev\\tops\"\n", []string{`access.yaml:6: entries[0].username: username: "dev\tops" contains a tab (U+0009)`}, ""},
		{"group with a newline", ownRole + "    kubernetesGroups: [\"dev\\nops\"]\n", []string{`access.yaml:6: entries[0].kubernetesGroups[0]: group: "dev\nops" contains a newline (U+000A)`}, ""},
		{"eksctl system:masters", eksctl + "accessConfig:\n  accessEntries:\n    - principalARN: " + role + "\n      kubernetesGroups: [system:masters]\n", []string{`access.yaml:7: accessConfig.accessEntries[0].kubernetesGroups[0]: group "system:masters" is invalid`}, "accessPolicies: [{policyARN: AmazonEKSClusterAdminPolicy"},
		{"eksctl username without a colon", eksctl + "accessConfig:\n  accessEntries:\n    - principalARN: " + role + "\n      kubernetesUsername: '{{SessionNameRaw}}'\n", []string{`access.yaml:7: accessConfig.accessEntries[0].kubernetesUsername: username "{{SessionNameRaw}}" needs a ":"`}, `"NAME:{{SessionNameRaw}}"`},

		// tags
		{"reserved tag key", ownRole + "    tags: {aws:team: x}\n", []string{`access.yaml:6: entries[0].tags.aws:team: tag key "aws:team" is reserved`}, ""},
		{"tag value too long", ownRole + "    tags: {team: " + strings.Repeat("x", 257) + "}\n", []string{`entries[0].tags.team: value of tag "team" is 257 characters; the limit is 256`}, ""},
		{"repeated tag key", ownRole + "    tags:\n      a: x\n      a: y\n", []string{`access.yaml:8: entries[0].tags.a: repeated tag key (first at line 7)`}, ""},
		{"tags not a mapping", ownRole + "    tags: [a=b]\n", []string{`access.yaml:6: entries[0].tags: want a mapping (key: value), not a list`}, "tags: {KEY: VALUE"},
		{"too many tags", ownRole + "    tags: {" + manyTags(51) + "}\n", []string{`access.yaml:6: entries[0].tags: 51 tags; the limit is 50`}, ""},

		// policies
		{"policy without a name", ownRole + "    accessPolicies: [{accessScope: {type: cluster}}]\n", []string{`access.yaml:6: entries[0].accessPolicies[0].policyArn: policyArn is required`}, ""},
		{"IAM policy", ownRole + "    accessPolicies: [{policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', accessScope: {type: cluster}}]\n", []string{`entries[0].accessPolicies[0].policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" is an IAM policy, not an EKS access policy`}, ""},
		{"policy without a scope", ownRole + "    accessPolicies: [{policyArn: AmazonEKSViewPolicy}]\n", []string{`access.yaml:6: entries[0].accessPolicies[0].accessScope: accessScope is required`}, "{type: cluster}"},
		{"scope without a type", ownRole + "    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {namespaces: [a]}}]\n", []string{`entries[0].accessPolicies[0].accessScope.type: the scope's type is required`}, ""},
		{"unknown scope type", ownRole + "    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: Cluster}}]\n", []string{`access.yaml:6: entries[0].accessPolicies[0].accessScope.type: unknown scope type "Cluster"; use cluster or namespace`}, ""},
		{"cluster scope with namespaces", ownRole + "    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster, namespaces: [dev]}}]\n", []string{`entries[0].accessPolicies[0].accessScope.namespaces: cluster scope takes no namespaces`}, ""},
		{"namespace scope without namespaces", ownRole + "    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: namespace}}]\n", []string{`entries[0].accessPolicies[0].accessScope.namespaces: namespace scope needs at least one namespace`}, ""},
		{"bad namespaces", ownRole + "    accessPolicies:\n      - policyArn: AmazonEKSViewPolicy\n        accessScope:\n          type: namespace\n          namespaces:\n            - Dev\n            - ok\n            - '*'\n", []string{
			`access.yaml:11: entries[0].accessPolicies[0].accessScope.namespaces[0]: namespace "Dev" is not valid`,
			`access.yaml:13: entries[0].accessPolicies[0].accessScope.namespaces[2]: namespace "*" matches every namespace`,
		}, "use cluster scope instead"},
		{"policy twice", ownRole + "    accessPolicies:\n      - {policyArn: AmazonEKSViewPolicy, accessScope: {type: namespace, namespaces: [a]}}\n      - {policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: {type: namespace, namespaces: [b]}}\n", []string{
			`access.yaml:8: entries[0].accessPolicies[1].policyArn: policy AmazonEKSViewPolicy is listed twice (first at line 7); a policy has one scope per entry`,
		}, "namespaces: [a, b]"},
		{"policy of another partition", own + "entries:\n  - principalArn: arn:aws-cn:iam::111122223333:role/dev\n    accessPolicies: [{policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: {type: cluster}}]\n", []string{
			`access.yaml:6: entries[0].accessPolicies[0].policyArn: policy arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy is not in partition "aws-cn" of the principal`,
		}, "short name AmazonEKSViewPolicy"},

		// node types
		{"node entry with groups, username and policies", ownRole + "    type: EC2_LINUX\n    kubernetesGroups: [system:nodes]\n    username: system:node:{{EC2PrivateDNSName}}\n    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster}}]\n", []string{
			`access.yaml:7: entries[0].kubernetesGroups: type EC2_LINUX takes no kubernetesGroups`,
			`access.yaml:8: entries[0].username: type EC2_LINUX takes no username`,
			`access.yaml:9: entries[0].accessPolicies: type EC2_LINUX takes no accessPolicies`,
		}, ""},
		{"node entry for a user", own + "entries:\n  - principalArn: arn:aws:iam::111122223333:user/bob\n    type: FARGATE_LINUX\n", []string{`access.yaml:5: entries[0].principalArn: type FARGATE_LINUX needs an IAM role, but arn:aws:iam::111122223333:user/bob is not one`}, ""},
		{"Auto Mode node entry with another policy", ownRole + "    type: EC2\n    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster}}]\n", []string{`access.yaml:7: entries[0].accessPolicies[0]: type EC2 cannot have policy AmazonEKSViewPolicy with scope cluster`}, "AmazonEKSAutoNodePolicy"},
		{"eksctl node entry with a username", eksctl + "accessConfig:\n  accessEntries:\n    - principalARN: " + role + "\n      type: EC2_WINDOWS\n      kubernetesUsername: bob\n", []string{`access.yaml:8: accessConfig.accessEntries[0].kubernetesUsername: type EC2_WINDOWS takes no kubernetesUsername`}, ""},

		// hostile files
		{"an alias", own + "entries:\n  - principalArn: " + role + "\n    kubernetesGroups: &g [a]\n  - principalArn: arn:aws:iam::111122223333:role/b\n    kubernetesGroups: *g\n", []string{
			`access.yaml:6: entries[0].kubernetesGroups: YAML anchors (&NAME) are not supported`,
			`access.yaml:8: entries[1].kubernetesGroups: YAML aliases (*NAME) are not supported`,
		}, "write the value out in full"},
		{"a merge key", own + "x: &e {type: STANDARD}\nentries:\n  - <<: *e\n    principalArn: " + role + "\n", []string{
			`access.yaml:4: x: unknown key "x"`,
			`access.yaml:6: entries[0].<<: unknown key "<<"`,
		}, ""},
		{"an alias bomb", own + "entries: []\n" + aliasBomb("x"), []string{`access.yaml:5: x: unknown key "x"`}, ""},
		{"an alias bomb in eksctl's accessConfig", eksctl + aliasBomb("nodeGroups") + "accessConfig: {accessEntries: *i}\n", []string{`access.yaml:14: accessConfig.accessEntries: YAML aliases (*NAME) are not supported`}, ""},
		{"nested too deep", own + "entries: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n", []string{`access.yaml:4: nested deeper than 64 levels`}, ""},
		{"deep in an ignored eksctl section", eksctl + "vpc: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n", []string{`access.yaml:4: nested deeper than 64 levels`}, ""},
		{"a huge value", own + "entries:\n  - principalArn: arn:aws:iam::111122223333:role/" + strings.Repeat("x", 5000) + "\n", []string{`access.yaml:5: entries[0].principalArn: value of 5031 bytes; no field takes more than 4096`}, ""},
		{"an apiVersion of another shape is not quoted", "apiVersion: " + strings.Repeat("v", 100) + "\n", []string{`access.yaml:1: apiVersion: unsupported apiVersion (a string)`}, ""},
		{"a key that is a mapping", own + "entries:\n  - {principalArn: " + role + ", ? {a: b} : c}\n", []string{`access.yaml:5: entries[0]: a key must be a string, not a mapping`}, ""},

		// every problem, not only the first
		{"many problems", own + "entries:\n  - principalArn: nope\n    type: EC3\n    kubernetesGroups: [system:x]\n    username: iam:x\n    tags: {aws:a: b}\n    accessPolicies: [{policyArn: Nope!, accessScope: {type: everywhere}}]\n  - principalArn: " + role + "\n    colour: blue\n", []string{
			`access.yaml:5: entries[0].principalArn: not an ARN: "nope"`,
			`access.yaml:6: entries[0].type: unknown access-entry type "EC3"`,
			`access.yaml:7: entries[0].kubernetesGroups[0]: group "system:x" is invalid`,
			`access.yaml:8: entries[0].username: username "iam:x" must not begin with "iam:"`,
			`access.yaml:9: entries[0].tags.aws:a: tag key "aws:a" is reserved`,
			`access.yaml:10: entries[0].accessPolicies[0].policyArn: policy name "Nope!" contains "!"`,
			`access.yaml:10: entries[0].accessPolicies[0].accessScope.type: unknown scope type "everywhere"`,
			`access.yaml:12: entries[1].colour: unknown key "colour"`,
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := Load("access.yaml", strings.NewReader(tc.src))
			if err == nil {
				t.Fatalf("no error; loaded %+v", f)
			}
			if f != nil {
				t.Errorf("a file came back with the error: %+v", f)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Errorf("%v is not a *plan.Error", err)
			}
			got := problems(err)
			if len(got) != len(tc.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(got), len(tc.want), err)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i].Error(), w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
			if tc.hint != "" && !anyContains(hintsOf(err), tc.hint) {
				t.Errorf("hints %q lack %q", hintsOf(err), tc.hint)
			}
		})
	}
}

// anyContains reports whether one of list contains s.
func anyContains(list []string, s string) bool {
	for _, l := range list {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func manyTags(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf("k%d: v", i))
	}
	return strings.Join(parts, ", ")
}

// aliasBomb is a billion-laughs document under key (9^9 strings if
// expanded), and anchor *i at its last level.
func aliasBomb(key string) string {
	var b strings.Builder
	b.WriteString(key + ":\n")
	b.WriteString(`  - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "  - &%s [*%[2]s,*%[2]s,*%[2]s,*%[2]s,*%[2]s,*%[2]s,*%[2]s,*%[2]s,*%[2]s]\n", name, prev)
		prev = name
	}
	return b.String()
}

// TestLoad_limits: the size limit is read through a limit (a larger
// stream is not read to its end), read errors are passed on.
func TestLoad_limits(t *testing.T) {
	t.Parallel()
	big := own + "entries: []\n# " + strings.Repeat("x", MaxFileSize) + "\n"
	_, err := Load("big.yaml", strings.NewReader(big))
	if err == nil || err.Error() != "big.yaml: file larger than 4 MiB" {
		t.Errorf("err = %v", err)
	}
	// exactly at the limit is fine
	fits := own + "entries: []\n#"
	fits += strings.Repeat("x", MaxFileSize-len(fits))
	if _, err := Load("fits.yaml", strings.NewReader(fits)); err != nil {
		t.Errorf("a file of exactly %d bytes: %v", MaxFileSize, err)
	}
	// an endless stream stops at the limit
	if _, err := Load("zero", iotest.OneByteReader(endless{})); err == nil || !strings.Contains(err.Error(), "file larger than") {
		t.Errorf("endless stream: %v", err)
	}
	boom := errors.New("boom")
	if _, err := Load("-", iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("read error = %v, want it wrapped", err)
	}
}

// endless is an infinite stream of spaces.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestEntryRequest: an entry becomes a request for a cluster, sharing
// nothing with the file's model.
func TestEntryRequest(t *testing.T) {
	t.Parallel()
	e := Entry{
		Principal: principal(t, role),
		Groups:    []string{"a"},
		Tags:      access.Tags{"k": "v"},
		Policies:  []access.PolicyAssociation{association(t, "AmazonEKSViewPolicy")},
	}
	r := e.Request("prod")
	if r.Cluster != "prod" || r.Principal.String() != role || len(r.Policies) != 1 {
		t.Errorf("request %+v", r)
	}
	r.Groups[0], r.Tags["k"] = "changed", "changed"
	if e.Groups[0] != "a" || e.Tags["k"] != "v" {
		t.Error("the request shares its slices or maps with the entry")
	}
	if err := r.Validate(); err != nil {
		t.Error(err)
	}
}

// TestMarshal writes the contract's format in a stable order (golden),
// and what it writes loads back as the same model, for both formats and a
// model with every awkward value.
func TestMarshal(t *testing.T) {
	t.Parallel()
	awkward := &File{
		Clusters: []Cluster{{Name: "b"}, {Name: "a", Region: "us-gov-west-1"}},
		Entries: []Entry{
			{Principal: principal(t, "arn:aws:iam::111122223333:user/zed"), Username: "@x: y:{{SessionName}}"},
			{
				Principal: principal(t, "arn:aws:iam::111122223333:role/a/b"),
				Type:      access.TypeStandard,
				Groups:    []string{"yes", "123", "null", "b", "a"},
				Username:  "u:{{SessionNameRaw}}",
				Tags:      access.Tags{"on": "true", "n": "0123", "tilde": "~", "empty": "", "colon": "a: b", "hash": "#x", "quote": "a \"b\" 'c'"},
				Policies: []access.PolicyAssociation{
					association(t, "AmazonEKSViewPolicy:namespace=z,a-*,m"),
					association(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy:cluster"),
				},
			},
			{Principal: principal(t, "arn:aws:iam::111122223333:role/node"), Type: access.TypeEC2Windows},
		},
	}
	cases := []struct {
		name string
		f    func(t *testing.T) *File
	}{
		{"contract", func(t *testing.T) *File { return loadFile(t, "testdata/contract-sample.yaml") }},
		{"eksctl", func(t *testing.T) *File { return loadFile(t, "testdata/eksctl-sample.yaml") }},
		{"eksctl_full", func(t *testing.T) *File { return loadFile(t, "testdata/eksctl-full.yaml") }},
		{"awkward", func(*testing.T) *File { return awkward }},
		{"empty", func(*testing.T) *File { return &File{Clusters: []Cluster{{Name: "prod"}}} }},
		{"owner", func(t *testing.T) *File {
			return &File{Owner: "team-payments", Clusters: []Cluster{{Name: "prod"}}, Entries: []Entry{{Principal: principal(t, role)}}}
		}},
	}
	sorted := cmp.Options{baseOpts,
		cmpopts.SortSlices(func(a, b string) bool { return a < b }),
		cmpopts.SortSlices(func(a, b Entry) bool { return a.Principal.String() < b.Principal.String() }),
		cmpopts.SortSlices(func(a, b access.PolicyAssociation) bool { return a.Policy.Name() < b.Policy.Name() }),
		// Marshal writes short names: in the principal's partition the same ARN
		cmp.Comparer(func(a, b access.PolicyRef) bool { return a.Name() == b.Name() }),
		cmpopts.IgnoreFields(File{}, "Name", "Format", "AuthenticationMode", "BootstrapClusterCreatorAdminPermissions"),
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := tc.f(t)
			out, err := f.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, out)
			back, err := Load("back.yaml", bytes.NewReader(out))
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if diff := cmp.Diff(f, back, sorted); diff != "" {
				t.Errorf("Load(Marshal(f)) differs (-f +back):\n%s", diff)
			}
			again, err := back.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, again) {
				t.Errorf("Marshal is not stable:\n%s\nthen\n%s", out, again)
			}
		})
	}
}

// TestMarshal_refuses a model Load would not read back.
func TestMarshal_refuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		f    *File
		want string
	}{
		{"no cluster", &File{}, "clusters: no cluster"},
		{"an entry the model rejects", &File{Clusters: []Cluster{{Name: "prod"}}, Entries: []Entry{{Principal: principal(t, role), Username: "system:x"}}}, `username "system:x" must not begin`},
		{"a zero principal", &File{Clusters: []Cluster{{Name: "prod"}}, Entries: []Entry{{Groups: []string{"a"}}}}, "principalArn"},
		{"an owner the rule refuses", &File{Owner: "team a", Clusters: []Cluster{{Name: "prod"}}}, `owner: owner "team a" has " "`},
		{"the same principal twice", &File{Clusters: []Cluster{{Name: "prod"}}, Entries: []Entry{{Principal: principal(t, role)}, {Principal: principal(t, role)}}}, "listed twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := tc.f.Marshal()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q; wrote\n%s", err, tc.want, out)
			}
		})
	}
}

// TestLoad_identityMappings: a ClusterConfig whose access is in
// iamIdentityMappings (aws-auth rows) and that has no accessEntries is
// told so, and pointed at import aws-auth, never at "accessEntries: []"
// (which under --prune would delete every entry).
func TestLoad_identityMappings(t *testing.T) {
	t.Parallel()
	const head = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod}\n"
	const mappings = "iamIdentityMappings:\n  - arn: arn:aws:iam::111122223333:role/admin\n    groups: [system:masters]\n  - account: '111122223333'\n"
	for name, tc := range map[string]struct{ file, src, want, hint string }{
		"no accessConfig":       {"cluster.yaml", head + mappings, "cluster.yaml:1: accessConfig.accessEntries: accessConfig.accessEntries is required; the file's access is in iamIdentityMappings (2 rows), aws-auth rows that apply does not read", "eksaccess import aws-auth -f cluster.yaml --cluster NAME"},
		"accessConfig, no list": {"cluster.yaml", head + "accessConfig: {authenticationMode: API_AND_CONFIG_MAP}\n" + mappings, "cluster.yaml:4: accessConfig.accessEntries: accessConfig.accessEntries is required; the file's access is in iamIdentityMappings (2 rows)", "eksaccess import aws-auth -f cluster.yaml"},
		"from stdin":            {"<stdin>", head + mappings, "<stdin>:1: accessConfig.accessEntries: accessConfig.accessEntries is required; the file's access is in iamIdentityMappings", "eksaccess import aws-auth -f - --cluster NAME"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tc.file, strings.NewReader(tc.src))
			if err == nil || err.Error() != tc.want && !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %s", err, tc.want)
			}
			hints := hintsOf(err)
			if !anyContains(hints, tc.hint) || anyContains(hints, "[]") {
				t.Errorf("hints %q: want %q, and no []", hints, tc.hint)
			}
		})
	}
	// With accessEntries, the mappings are eksctl's (it writes them into
	// aws-auth), and apply reads the entries.
	f, err := Load("cluster.yaml", strings.NewReader(head+mappings+"accessConfig:\n  accessEntries:\n    - principalARN: arn:aws:iam::111122223333:role/dev\n"))
	if err != nil || len(f.Entries) != 1 {
		t.Errorf("Load = %+v, %v", f, err)
	}
}

// TestLoadNeverQuotesAnotherFile: a file given by mistake (a token, a
// credentials file, a symlink to one) is refused with its line and the
// kind of problem; not a character of what it holds is in the message or
// its hints.
func TestLoadNeverQuotesAnotherFile(t *testing.T) {
	t.Parallel()
	const secret = "ghp_0123456789abcdefghijSECRET"
	cases := []struct{ name, src, want string }{
		{"a token", secret + "\n", "f.yaml:1: want a mapping (key: value) at the top, not a string"},
		{"a long token", strings.Repeat(secret, 10), "f.yaml:1: want a mapping (key: value) at the top, not a string"},
		{"a credentials file", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n", "f.yaml:2: not valid YAML: did not find expected <document start>"},
		{"an env file", "TOKEN=" + secret + "\nOTHER: x\n", "f.yaml:2: not valid YAML: mapping values are not allowed in this context"},
		{"an alias without its anchor", "apiVersion: eksaccess/v1\ntoken: *" + secret + "\n", "f.yaml: not valid YAML: an alias (*NAME) refers to an anchor (&NAME) not defined before it"},
		{"an anchor at the top", "&" + secret + " {a: 1}\n", "f.yaml:1: YAML anchors (&NAME) are not supported"},
		{"an alias", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: &" + secret + " [{name: prod}]\nentries: *" + secret + "\n", "f.yaml:4: entries: YAML aliases (*NAME) are not supported"},
		{"a secret as apiVersion", "apiVersion: " + secret + "\nkind: AccessConfig\n", "f.yaml:1: apiVersion: unsupported apiVersion (a string)"},
		{"a number as apiVersion", "apiVersion: 12345678\n", "f.yaml:1: apiVersion: unsupported apiVersion (a number)"},
		{"an unclosed quote", "apiVersion: \"" + secret + "\n", "f.yaml:1: not valid YAML: found unexpected end of stream"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load("f.yaml", strings.NewReader(tc.src))
			if err == nil {
				t.Fatal("loaded")
			}
			text := err.Error() + "\n" + strings.Join(hintsOf(err), "\n")
			if strings.Contains(text, "ghp_") || strings.Contains(text, "SECRET") || strings.Contains(text, "12345678") || strings.Contains(text, "AKIA") {
				t.Errorf("the message quotes the file:\n%s", text)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}
