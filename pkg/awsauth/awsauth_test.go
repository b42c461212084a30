package awsauth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/internal/accesstest"
)

// configMap is an aws-auth ConfigMap as kubectl prints it, with the given
// data keys as literal blocks (in the order given).
func configMap(data ...string) string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n")
	for i := 0; i+1 < len(data); i += 2 {
		fmt.Fprintf(&b, "  %s: |\n", data[i])
		for _, line := range strings.Split(strings.TrimSuffix(data[i+1], "\n"), "\n") {
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}

var entryOpts = cmp.Options{
	cmp.Comparer(func(a, b access.PrincipalARN) bool { return a.String() == b.String() }),
	cmp.Comparer(func(a, b access.PolicyRef) bool { return a.String() == b.String() }),
	cmpopts.EquateEmpty(),
}

var mustPrincipal = accesstest.Principal

const acct = "arn:aws:iam::111122223333:"

// TestConvert_rows: each rule, one row at a time: the report line, its
// notes and the entry (or none).
func TestConvert_rows(t *testing.T) {
	t.Parallel()
	admin := []access.PolicyAssociation{{Policy: mustPolicy(t, "AmazonEKSClusterAdminPolicy"), Scope: access.Scope{Type: access.ScopeCluster}}}
	cases := []struct {
		name      string
		key, rows string
		line      string   // the report line
		notes     []string // substrings, one per note, in order
		entry     *access.CreateEntry
	}{
		{
			name: "linux node role", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/nodes: mapped as EC2_LINUX: a node role (username system:node:{{EC2PrivateDNSName}})",
			notes: []string{"if this role belongs to a managed node group, EKS created this entry itself"},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/nodes"), Type: access.TypeEC2Linux},
		},
		{
			name: "windows node role, extra group dropped", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/win\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes, eks:kube-proxy-windows, node-readers]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/win: mapped as EC2_WINDOWS: a node role (username system:node:{{EC2PrivateDNSName}})",
			notes: []string{"groups node-readers dropped: EKS sets the groups of node entries", "managed node group"},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/win"), Type: access.TypeEC2Windows},
		},
		{
			name: "node username on a user", key: "mapUsers",
			rows: "- userarn: " + acct + "user/node\n  username: system:node:{{EC2PrivateDNSName}}\n",
			line: "mapUsers[0] (line 8) " + acct + "user/node: skipped because its username is system:node:{{EC2PrivateDNSName}}, which only node roles have, but it is not a role",
		},
		{
			name: "fargate pod-execution role", key: "mapRoles",
			rows: "- rolearn: " + acct + "role/fargate\n  username: system:node:{{SessionName}}\n  groups: [system:bootstrappers, system:nodes, system:node-proxier]\n",
			line: "mapRoles[0] (line 8) " + acct + "role/fargate: left to EKS because it is a Fargate pod-execution role (username system:node:{{SessionName}} with system:node-proxier): EKS creates its FARGATE_LINUX entry itself for each Fargate profile",
		},
		{
			name: "hybrid nodes role", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/hybrid\n  username: system:node:{{SessionName}}\n  groups: [system:bootstrappers, system:nodes]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/hybrid: mapped as HYBRID_LINUX: an EKS Hybrid Nodes role (username system:node:{{SessionName}} without system:node-proxier)",
			notes: []string{"remote networks for hybrid nodes"},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/hybrid"), Type: access.TypeHybridLinux},
		},
		{
			name: "system:masters with other groups kept", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/admin\n  username: admin:{{SessionName}}\n  groups: [system:masters, platform, system:authenticated, eks:x]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/admin: mapped as STANDARD with group platform and AmazonEKSClusterAdminPolicy at cluster scope (for system:masters), username admin:{{SessionName}}",
			notes: []string{"groups system:authenticated, eks:x dropped: access entries cannot carry groups beginning with system:"},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/admin"), Groups: []string{"platform"}, Username: "admin:{{SessionName}}", Policies: admin},
		},
		{
			name: "a user with groups, trimmed and without repeats", key: "mapUsers",
			rows:  "- userarn: " + acct + "user/bob\n  username: bob\n  groups: [' dev ', dev, qa, '']\n",
			line:  "mapUsers[0] (line 8) " + acct + "user/bob: mapped as STANDARD with groups dev, qa, username bob",
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"user/bob"), Groups: []string{"dev", "qa"}, Username: "bob"},
		},
		{
			name: "no groups, no username", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/plain\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/plain: mapped as STANDARD with no groups and no access policy",
			notes: []string{"it can authenticate, and do only what RBAC grants its username"},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/plain")},
		},
		{
			name: "username with a separator before the session name", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/admin\n  username: admin-{{SessionName}}\n  groups: [ops]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/admin: mapped as STANDARD with group ops, username admin:{{SessionName}}",
			notes: []string{`username "admin-{{SessionName}}" became "admin:{{SessionName}}"`},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/admin"), Groups: []string{"ops"}, Username: "admin:{{SessionName}}"},
		},
		{
			name: "username without a separator", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/admin\n  username: admin{{SessionNameRaw}}\n  groups: [ops]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/admin: mapped as STANDARD with group ops, username admin:{{SessionNameRaw}}",
			notes: []string{`username "admin{{SessionNameRaw}}" became "admin:{{SessionNameRaw}}"`},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/admin"), Groups: []string{"ops"}, Username: "admin:{{SessionNameRaw}}"},
		},
		{
			name: "username that is only the session name", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/team/readonly\n  username: '{{SessionName}}'\n  groups: [viewers]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/team/readonly: mapped as STANDARD with group viewers, username readonly:{{SessionName}}",
			notes: []string{`username "{{SessionName}}" became "readonly:{{SessionName}}"`},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/team/readonly"), Groups: []string{"viewers"}, Username: "readonly:{{SessionName}}"},
		},
		{
			name: "reserved username left out", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/auditor\n  username: system:auditor\n  groups: [auditors]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/auditor: mapped as STANDARD with group auditors",
			notes: []string{`username "system:auditor" left out, so EKS's default applies (arn:aws:sts::111122223333:assumed-role/auditor/{{SessionName}}): access entries reject usernames beginning with "system:"`},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/auditor"), Groups: []string{"auditors"}},
		},
		{
			name: "reserved username of a user left out", key: "mapUsers",
			rows:  "- userarn: " + acct + "user/ci\n  username: eks:ci\n",
			line:  "mapUsers[0] (line 8) " + acct + "user/ci: mapped as STANDARD with no groups and no access policy",
			notes: []string{`username "eks:ci" left out, so EKS's default applies (the user's ARN)`, "it can authenticate"},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"user/ci")},
		},
		{
			name: "a template variable access entries may not render", key: "mapUsers",
			rows:  "- userarn: " + acct + "user/ci\n  username: ci:{{AccessKeyID}}\n  groups: [ci]\n",
			line:  "mapUsers[0] (line 8) " + acct + "user/ci: mapped as STANDARD with group ci, username ci:{{AccessKeyID}}",
			notes: []string{`uses {{AccessKeyID}}, which the access-entry docs do not promise to render`},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"user/ci"), Groups: []string{"ci"}, Username: "ci:{{AccessKeyID}}"},
		},
		{
			name: "SSO role without its path", key: "mapRoles",
			rows:  "- rolearn: " + acct + "role/AWSReservedSSO_Admin_0123456789abcdef\n  groups: [system:masters]\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/AWSReservedSSO_Admin_0123456789abcdef: mapped as STANDARD with AmazonEKSClusterAdminPolicy at cluster scope (for system:masters)",
			notes: []string{"written as arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef; check it with aws iam get-role"},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"), Policies: admin},
		},
		{
			name: "keys in any case, unknown keys noted", key: "mapRoles",
			rows:  "- roleARN: " + acct + "role/a\n  UserName: a\n  Groups: [g]\n  usrname: typo\n",
			line:  "mapRoles[0] (line 8) " + acct + "role/a: mapped as STANDARD with group g, username a",
			notes: []string{`key "usrname" ignored: mapRoles rows have rolearn, username, groups`},
			entry: &access.CreateEntry{Principal: mustPrincipal(t, acct+"role/a"), Groups: []string{"g"}, Username: "a"},
		},
		{
			name: "service-linked role", key: "mapRoles",
			rows: "- rolearn: " + acct + "role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS\n  groups: [x]\n",
			line: "mapRoles[0] (line 8) " + acct + "role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS: skipped because it is not migratable: AWSServiceRoleForAmazonEKS is a service-linked role, and EKS does not allow access entries for service-linked roles",
		},
		{
			name: "malformed ARN", key: "mapRoles",
			rows:  "- rolearn: arn:aws:iam:111122223333:role/x\n",
			line:  `mapRoles[0] (line 8) arn:aws:iam:111122223333:role/x: skipped because the ARN is not usable: not an ARN: "arn:aws:iam:111122223333:role/x"`,
			notes: []string{"use arn:aws:iam::<account>:role/[path/]NAME"},
		},
		{
			name: "session ARN", key: "mapRoles",
			rows:  "- rolearn: arn:aws:sts::111122223333:assumed-role/ci/build\n",
			line:  `mapRoles[0] (line 8) arn:aws:sts::111122223333:assumed-role/ci/build: skipped because the ARN is not usable: "arn:aws:sts::111122223333:assumed-role/ci/build" is an STS assumed-role session, not an IAM role`,
			notes: []string{"use the role's ARN, arn:aws:iam::111122223333:role/ci"},
		},
		{
			name: "account root", key: "mapUsers",
			rows:  "- userarn: arn:aws:iam::111122223333:root\n  groups: [system:masters]\n",
			line:  `mapUsers[0] (line 8) arn:aws:iam::111122223333:root: skipped because the ARN is not usable: "arn:aws:iam::111122223333:root" is the account root: EKS accepts it, but the entry grants no access`,
			notes: []string{"create the entry for an IAM role or user of account 111122223333 instead"},
		},
		{
			name: "rolearn in mapUsers", key: "mapUsers",
			rows:  "- rolearn: " + acct + "role/a\n",
			line:  "mapUsers[0] (line 8): skipped because it has no userarn",
			notes: []string{`key "rolearn" ignored: mapUsers rows have userarn, username, groups`},
		},
		{name: "a huge ARN", key: "mapRoles", rows: "- rolearn: " + acct + "role/" + strings.Repeat("x", 3000) + "\n", line: "mapRoles[0] (line 8) " + acct + "role/" + strings.Repeat("x", 29) + "...: skipped because its rolearn is 3031 bytes long; IAM ARNs have at most 2048"},
		{name: "no ARN", key: "mapRoles", rows: "- groups: [a]\n", line: "mapRoles[0] (line 8): skipped because it has no rolearn"},
		{name: "not a mapping", key: "mapRoles", rows: "- " + acct + "role/a\n", line: "mapRoles[0] (line 8): skipped because it is not a mapping (- rolearn: ARN, username: NAME, groups: [...])"},
		{name: "groups not a list", key: "mapRoles", rows: "- rolearn: " + acct + "role/a\n  groups: system:masters\n", line: "mapRoles[0] (line 8): skipped because its groups are not a list"},
		{name: "a group not a name", key: "mapRoles", rows: "- rolearn: " + acct + "role/a\n  groups: [[a]]\n", line: "mapRoles[0] (line 8): skipped because its groups are not a list of names"},
		{name: "ARN not a string", key: "mapRoles", rows: "- rolearn: [a]\n", line: "mapRoles[0] (line 8): skipped because its rolearn is not a string"},
		{name: "username not a string", key: "mapRoles", rows: "- rolearn: " + acct + "role/a\n  username: {a: b}\n", line: "mapRoles[0] (line 8): skipped because its username is not a string"},
		{name: "an alias in a row", key: "mapRoles", rows: "- rolearn: &a " + acct + "role/a\n", line: "mapRoles[0] (line 8): skipped because its rolearn uses a YAML anchor or alias; write the row out in full"},
		{
			name: "an account", key: "mapAccounts",
			rows:  "- \"444455556666\"\n",
			line:  "mapAccounts[0] (line 8) 444455556666: skipped because it is not migratable: an account mapping lets in every IAM principal of the account, and an access entry names one role or user",
			notes: []string{"create an entry for each role or user of account 444455556666"},
		},
		{name: "an account that is not an ID", key: "mapAccounts", rows: "- [1]\n", line: "mapAccounts[0] (line 8): skipped because it is not an account ID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := Convert("aws-auth.yaml", strings.NewReader(configMap(tc.key, tc.rows)))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != 1 {
				t.Fatalf("%d rows: %q", len(res.Rows), res.Report())
			}
			row := res.Rows[0]
			if got := row.String(); got != tc.line {
				t.Errorf("line\n got %s\nwant %s", got, tc.line)
			}
			if len(row.Notes) != len(tc.notes) {
				t.Fatalf("notes %q, want %d like %q", row.Notes, len(tc.notes), tc.notes)
			}
			for i, n := range tc.notes {
				if !strings.Contains(row.Notes[i], n) {
					t.Errorf("note %d = %q, want it to contain %q", i, row.Notes[i], n)
				}
			}
			var want []access.CreateEntry
			if tc.entry != nil {
				want = []access.CreateEntry{*tc.entry}
				if row.Outcome != Mapped {
					t.Errorf("outcome %v with an entry", row.Outcome)
				}
			}
			if diff := cmp.Diff(want, res.Entries, entryOpts); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

var mustPolicy = accesstest.Policy

// TestConvert_file: the rules across rows (the last of an ARN wins), the
// order of the report, the file-wide notes and the summary.
func TestConvert_file(t *testing.T) {
	t.Parallel()
	src := configMap(
		"mapAccounts", "- '444455556666'\n",
		"mapRoles", "- rolearn: "+acct+"role/dev\n  groups: [dev]\n- rolearn: "+acct+"role/DEV\n  groups: [ops]\n- rolearn: "+acct+"role/team/x\n",
		"mapUsers", "- userarn: "+acct+"user/a\n",
		"other", "x",
	)
	res, err := Convert("aws-auth.yaml", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"mapRoles[0] (line 10) " + acct + "role/dev: skipped because mapRoles[1], a later row, maps the same ARN, and EKS uses the last row of an ARN",
		"  note: compare the rows: if this one was meant, edit the entry in the file",
		"mapRoles[1] (line 12) " + acct + "role/DEV: mapped as STANDARD with group ops",
		"  note: mapRoles[0] maps the same ARN earlier: EKS uses this row, the last",
		"mapRoles[2] (line 14) " + acct + "role/team/x: mapped as STANDARD with no groups and no access policy",
		"  note: it can authenticate, and do only what RBAC grants its username",
		"mapUsers[0] (line 16) " + acct + "user/a: mapped as STANDARD with no groups and no access policy",
		"  note: it can authenticate, and do only what RBAC grants its username",
		"mapAccounts[0] (line 8) 444455556666: skipped because it is not migratable: an account mapping lets in every IAM principal of the account, and an access entry names one role or user",
		"  note: create an entry for each role or user of account 444455556666 that needs the cluster",
		"note: data.other ignored: EKS reads only mapRoles, mapUsers, mapAccounts",
		"note: aws-auth role ARNs are written without the role's IAM path (the EKS docs ask for that), but an access entry needs the full ARN: for a role created with a path, fix principalArn in the file (aws iam get-role --role-name NAME shows the ARN), or import again with --resolve to restore the paths from IAM",
		"5 rows: 3 mapped, 0 left to EKS, 2 skipped",
	}
	if diff := cmp.Diff(want, res.Report()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if len(res.Entries) != 3 || res.Entries[0].Groups[0] != "ops" {
		t.Errorf("entries %+v", res.Entries)
	}
	// Every entry is valid for a cluster.
	for _, e := range res.Entries {
		e.Cluster = "prod"
		if err := e.Validate(); err != nil {
			t.Error(err)
		}
	}
}

// TestConvert_lastRowWins: of the rows that name one ARN (in any case,
// in mapRoles and mapUsers, an Identity Center role with and without its
// path), the last is the one EKS's authenticator uses, whatever became
// of the others: only its entry is written.
func TestConvert_lastRowWins(t *testing.T) {
	t.Parallel()
	const sso = "role/AWSReservedSSO_Admin_0123456789abcdef"
	cases := []struct {
		name    string
		data    []string
		outcome []Outcome // per row
		entries []string  // principal and groups of each entry
	}{
		{
			name:    "three rows, the last wins",
			data:    []string{"mapRoles", "- {rolearn: " + acct + "role/a, groups: [one]}\n- {rolearn: " + acct + "role/b, groups: [b]}\n- {rolearn: " + acct + "role/A, groups: [two]}\n- {rolearn: " + acct + "role/a, groups: [three]}\n"},
			outcome: []Outcome{Skipped, Mapped, Skipped, Mapped},
			entries: []string{acct + "role/b [b]", acct + "role/a [three]"},
		},
		{
			name:    "a later Fargate row replaces a mapped one",
			data:    []string{"mapRoles", "- {rolearn: " + acct + "role/f, groups: [dev]}\n- {rolearn: " + acct + "role/f, username: 'system:node:{{SessionName}}', groups: [system:node-proxier]}\n"},
			outcome: []Outcome{Skipped, LeftToEKS},
		},
		{
			name:    "a later skipped row still replaces the earlier",
			data:    []string{"mapRoles", "- {rolearn: " + acct + "role/n, groups: [dev]}\n- {rolearn: " + acct + "role/n, username: 'system:node:{{EC2PrivateDNSName}}'}\n"},
			outcome: []Outcome{Skipped, Mapped},
			entries: []string{acct + "role/n []"},
		},
		{
			name:    "an Identity Center role with and without its path",
			data:    []string{"mapRoles", "- {rolearn: " + acct + sso + ", groups: [x]}\n- {rolearn: '" + acct + "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef', groups: [y]}\n"},
			outcome: []Outcome{Skipped, Mapped},
			entries: []string{acct + "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef [y]"},
		},
		{
			name:    "mapUsers comes after mapRoles",
			data:    []string{"mapUsers", "- {userarn: " + acct + "user/u, groups: [users]}\n", "mapRoles", "- {rolearn: " + acct + "user/u, groups: [roles]}\n"},
			outcome: []Outcome{Skipped, Mapped},
			entries: []string{acct + "user/u [users]"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := Convert("aws-auth.yaml", strings.NewReader(configMap(tc.data...)))
			if err != nil {
				t.Fatal(err)
			}
			var got []Outcome
			for _, r := range res.Rows {
				got = append(got, r.Outcome)
			}
			if diff := cmp.Diff(tc.outcome, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s\nreport:\n%s", diff, strings.Join(res.Report(), "\n"))
			}
			var entries []string
			for _, e := range res.Entries {
				entries = append(entries, fmt.Sprintf("%s %v", e.Principal, e.Groups))
			}
			if diff := cmp.Diff(tc.entries, entries, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			// The earlier rows name the one that wins, which names them.
			for _, r := range res.Rows[:len(res.Rows)-1] {
				if r.Outcome == Skipped && !strings.Contains(r.What, "a later row, maps the same ARN, and EKS uses the last row of an ARN") {
					t.Errorf("row %s", r)
				}
			}
			if last := res.Rows[len(res.Rows)-1]; !slices.ContainsFunc(last.Notes, func(n string) bool { return strings.Contains(n, "EKS uses this row, the last") }) {
				t.Errorf("the last row's notes %q", last.Notes)
			}
		})
	}
}

// TestConvert_clusterConfig: eksctl's iamIdentityMappings are aws-auth
// rows (eksctl writes them into the ConfigMap), converted by the same
// rules; the ClusterConfig is eksctl's example 35-iamidentitymappings.
func TestConvert_clusterConfig(t *testing.T) {
	t.Parallel()
	const src = `---
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig

metadata:
  name: cluster-with-iamidentitymappings
  region: us-east-1

iamIdentityMappings:
  - arn: arn:aws:iam::000000000000:role/myAdminRole
    groups:
      - system:masters
    username: admin
    noDuplicateArns: true # prevents shadowing of ARNs

  - arn: arn:aws:iam::000000000000:user/myUserRole
    groups:
      - eks-dashboard-full-access
    username: dashboard-full-access
    noDuplicateArns: true # prevents shadowing of ARNs

  - serviceName: emr-containers
    namespace: emr # serviceName requires namespace

  - account: "000000000000" # account must be configured with no other options

  - arn: arn:aws:iam::000000000000:role/myAdminRole
    groups: [admins]
    usernme: typo

accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::000000000000:role/ci

nodeGroups:
  - name: ng-1
    instanceType: m5.large
    desiredCapacity: 1
`
	res, err := Convert("cluster.yaml", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"iamIdentityMappings[0] (line 10) arn:aws:iam::000000000000:role/myAdminRole: skipped because iamIdentityMappings[4], a later row, maps the same ARN, and EKS uses the last row of an ARN",
		"  note: compare the rows: if this one was meant, edit the entry in the file",
		"iamIdentityMappings[1] (line 16) arn:aws:iam::000000000000:user/myUserRole: mapped as STANDARD with group eks-dashboard-full-access, username dashboard-full-access",
		"iamIdentityMappings[2] (line 22) serviceName emr-containers: skipped because it is not migratable: it maps the service's service-linked role, and EKS does not allow access entries for service-linked roles",
		"  note: EMR on EKS (eksctl's one service) sets up its own access for the virtual clusters created while the cluster takes access entries; older virtual clusters keep needing this aws-auth row: see \"Enable cluster access for Amazon EMR on EKS\" in the EMR on EKS guide",
		"iamIdentityMappings[3] (line 25) 000000000000: skipped because it is not migratable: an account mapping lets in every IAM principal of the account, and an access entry names one role or user",
		"  note: create an entry for each role or user of account 000000000000 that needs the cluster",
		"iamIdentityMappings[4] (line 27) arn:aws:iam::000000000000:role/myAdminRole: mapped as STANDARD with group admins",
		`  note: key "usernme" ignored: iamIdentityMappings rows have arn, username, groups`,
		"  note: iamIdentityMappings[0] maps the same ARN earlier: EKS uses this row, the last",
		"note: the ClusterConfig's 1 accessConfig.accessEntries are not in this file, which has only its iamIdentityMappings: put the entries of both in one file before apply --prune",
		"note: aws-auth role ARNs are written without the role's IAM path (the EKS docs ask for that), but an access entry needs the full ARN: for a role created with a path, fix principalArn in the file (aws iam get-role --role-name NAME shows the ARN), or import again with --resolve to restore the paths from IAM",
		"5 rows: 2 mapped, 0 left to EKS, 3 skipped",
	}
	if diff := cmp.Diff(want, res.Report()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	wantEntries := []access.CreateEntry{
		{Principal: mustPrincipal(t, "arn:aws:iam::000000000000:user/myUserRole"), Groups: []string{"eks-dashboard-full-access"}, Username: "dashboard-full-access"},
		{Principal: mustPrincipal(t, "arn:aws:iam::000000000000:role/myAdminRole"), Groups: []string{"admins"}},
	}
	if diff := cmp.Diff(wantEntries, res.Entries, entryOpts); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}

	const head = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod}\n"
	for _, tc := range []struct{ name, src, want, hint string }{
		{"no mappings", head + "accessConfig: {accessEntries: []}\n", "cluster.yaml:1: iamIdentityMappings: no iamIdentityMappings: nothing to import", "eksaccess apply -f reads a ClusterConfig's accessConfig.accessEntries itself"},
		{"empty mappings", head + "iamIdentityMappings: []\n", "cluster.yaml:1: iamIdentityMappings: no iamIdentityMappings: nothing to import", ""},
		{"mappings not a list", head + "iamIdentityMappings: {arn: x}\n", "cluster.yaml:4: iamIdentityMappings: want a list, not a YAML mapping", "iamIdentityMappings: [{arn: ARN"},
		{"another apiVersion", "apiVersion: v1\nkind: ClusterConfig\n", "cluster.yaml:2: kind: kind ClusterConfig, not ConfigMap", ""},
	} {
		_, err := Convert("cluster.yaml", strings.NewReader(tc.src))
		var e *Error
		if !errors.As(err, &e) || err.Error() != tc.want && !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.want)
			continue
		}
		if !strings.Contains(e.Hint(), tc.hint) {
			t.Errorf("%s: hint %q lacks %q", tc.name, e.Hint(), tc.hint)
		}
	}
}

// TestConvert_pathNote: the note on IAM paths is there only when a role
// without a path was mapped.
func TestConvert_pathNote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rows string
		want bool
	}{
		{"- rolearn: " + acct + "role/a\n", true},
		{"- rolearn: " + acct + "role/team/a\n", false},
		{"- userarn: " + acct + "user/a\n", false},
		{"- rolearn: " + acct + "role/a\n  username: system:node:{{SessionName}}\n  groups: [system:node-proxier]\n", false},
	} {
		key := "mapRoles"
		if strings.Contains(tc.rows, "userarn") {
			key = "mapUsers"
		}
		res, err := Convert("aws-auth.yaml", strings.NewReader(configMap(key, tc.rows)))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Notes) == 1; got != tc.want {
			t.Errorf("%q: notes %q, want the path note: %v", tc.rows, res.Notes, tc.want)
		}
	}
}

// TestConvert_errors: a file that is not an aws-auth ConfigMap, or that a
// hostile hand made, is an *Error naming the file and line; nothing else.
func TestConvert_errors(t *testing.T) {
	t.Parallel()
	const head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\n"
	cases := []struct {
		name, src, want, hint string
	}{
		{"empty", "", "aws-auth.yaml: file is empty", "kubectl get configmap aws-auth"},
		{"not YAML", "kind: [", "aws-auth.yaml:1: not valid YAML: did not find expected node content", ""},
		{"two documents", head + "data: {mapRoles: ''}\n---\n" + head, `aws-auth.yaml:5: more than one YAML document`, ""},
		{"a list", "- a\n", "aws-auth.yaml:1: not a Kubernetes object: the file holds a YAML list", ""},
		{"no kind", "apiVersion: v1\n", "aws-auth.yaml:1: kind: no kind", ""},
		{"another kind", "kind: Secret\n", "aws-auth.yaml:1: kind: kind Secret, not ConfigMap", ""},
		{"a List", "kind: List\nitems: []\n", "aws-auth.yaml:1: kind: a List, not the aws-auth ConfigMap", "get the one ConfigMap by name"},
		{"no name", "kind: ConfigMap\ndata: {mapRoles: ''}\n", `aws-auth.yaml:1: metadata.name: ConfigMap "", not aws-auth`, ""},
		{"another ConfigMap", "kind: ConfigMap\nmetadata:\n  name: kube-proxy\n", `aws-auth.yaml:3: metadata.name: ConfigMap "kube-proxy", not aws-auth`, ""},
		{"another namespace", "kind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: default\n", `aws-auth.yaml:4: metadata.namespace: namespace "default": EKS reads the aws-auth ConfigMap of kube-system only`, ""},
		{"no data", head, "aws-auth.yaml:1: data: no mapRoles, mapUsers or mapAccounts: nothing to import", ""},
		{"data not a mapping", head + "data: [a]\n", "aws-auth.yaml:4: data: want a mapping of keys to strings, not a YAML list", ""},
		{"no map keys", head + "data:\n  mapRole: x\n", "aws-auth.yaml:5: data: no mapRoles, mapUsers or mapAccounts", "the data has mapRole"},
		{"mapRoles not a string", head + "data:\n  mapRoles:\n    - rolearn: x\n", "aws-auth.yaml:6: data.mapRoles: want a string holding a YAML list, not a YAML list", `write "mapRoles: |" and below it the same list, indented further than mapRoles`},
		{"mapRoles not YAML", head + "data:\n  mapRoles: |\n    - rolearn: a\n     b: [\n", "aws-auth.yaml:7: data.mapRoles[0]: not valid YAML: did not find expected '-' indicator", "- rolearn: ARN"},
		{"mapRoles not YAML, quoted", head + "data:\n  mapRoles: \"- a: [\"\n", "aws-auth.yaml:5: data.mapRoles[0]: not valid YAML: did not find expected node content (line 1 of the mapRoles string)", ""},
		// the parser's message quotes the alias: not shown
		{"mapRoles alias to no anchor", head + "data:\n  mapRoles: |\n    - rolearn: *ghp_0123456789secret\n", "aws-auth.yaml:5: data.mapRoles: not valid YAML: an alias (*NAME) refers to an anchor (&NAME) not defined before it (in the mapRoles string)", ""},
		{"alias to no anchor", "kind: ConfigMap\ntoken: *ghp_0123456789secret\n", "aws-auth.yaml: not valid YAML: an alias (*NAME) refers to an anchor (&NAME) not defined before it", ""},
		{"mapRoles not a list", head + "data:\n  mapRoles: |\n    rolearn: a\n", "aws-auth.yaml:5: data.mapRoles: want a YAML list, not a mapping", ""},
		{"alias in the ConfigMap", "kind: ConfigMap\nx: &n aws-auth\nmetadata: {name: *n}\n", "aws-auth.yaml:3: metadata.name: YAML aliases (*NAME) are not supported", "write the value out in full"},
		{"anchor on data", head + "data: &d {mapRoles: ''}\n", "aws-auth.yaml:4: data: YAML anchors (&NAME) are not supported", ""},
		{"alias in mapRoles", head + "data:\n  mapRoles: |\n    - &r {rolearn: a}\n    - *r\n", "", ""},
		{"alias bomb in mapRoles", head + "data:\n  mapRoles: |\n    - &a [x,x,x,x,x,x,x,x,x]\n    - &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n    - &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n    - [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n", "", ""},
		{"nested too deep", head + "data: {mapRoles: ''}\nx: " + strings.Repeat("[", 80) + strings.Repeat("]", 80) + "\n", "nested deeper than 64 levels", ""},
		{"nested too deep in mapRoles", head + "data:\n  mapRoles: '" + strings.Repeat("[", 80) + strings.Repeat("]", 80) + "'\n", "aws-auth.yaml:5: data.mapRoles: nested deeper than 64 levels", ""},
		{"too large", head + "data: {mapRoles: ''}\n# " + strings.Repeat("x", MaxFileSize), "aws-auth.yaml: file larger than 4 MiB", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := Convert("aws-auth.yaml", strings.NewReader(tc.src))
			if tc.want == "" { // bounded: the rows are reported, never expanded
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range res.Rows {
					if r.Outcome != Skipped {
						t.Errorf("row %s", r)
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; report %q", res.Report())
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("%v is not an *awsauth.Error", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want %q", err, tc.want)
			}
			if tc.hint != "" && (e == nil || !strings.Contains(e.Hint(), tc.hint)) {
				t.Errorf("hint of %v lacks %q", err, tc.hint)
			}
		})
	}
	boom := errors.New("boom")
	if _, err := Convert("-", iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("read error = %v", err)
	}
}

// TestConvert_syntax: a YAML syntax error names the line it is on (not
// the line where the enclosing block began, as the YAML parser does), in
// the ConfigMap or inside the mapRoles string, and the row it is in.
func TestConvert_syntax(t *testing.T) {
	t.Parallel()
	const meta = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n"
	cases := []struct {
		name, src, want, hint string
		notHint               string // a hint that must not be given
	}{
		{
			name: "a key of the ConfigMap indented too little",
			src:  "apiVersion: v1\nkind: ConfigMap\ndata:\n  mapRoles: |\n    - rolearn: " + acct + "role/a\nmetadata:\n  name: aws-auth\n namespace: kube-system\n",
			want: "aws-auth.yaml:8: not valid YAML: did not find expected key", hint: "kubectl get configmap aws-auth",
		},
		{
			name: "rows not indented under mapRoles: | (a copy of the EKS docs)",
			src:  meta + "data:\n  mapRoles: |\n  - rolearn: " + acct + "role/a\n    username: a\n    groups:\n      - system:masters\n",
			want: "aws-auth.yaml:8: not valid YAML: did not find expected key", hint: `indent the rows below "mapRoles: |" further than mapRoles itself`,
		},
		{
			name: "rows of mapUsers not indented, after mapRoles",
			src:  meta + "data:\n  mapRoles: |\n    - rolearn: " + acct + "role/a\n  mapUsers: |\n  - userarn: " + acct + "user/u\n",
			want: "aws-auth.yaml:10: not valid YAML: did not find expected key", hint: `indent the rows below "mapUsers: |" further than mapUsers itself`,
		},
		{
			name: "a tab",
			src:  meta + "data:\n\tmapRoles: x\n",
			want: "aws-auth.yaml:7: not valid YAML: found character that cannot start any token", hint: "kubectl get configmap aws-auth",
		},
		{
			name: "a row's key indented too little in the block",
			src:  meta + "data:\n  mapRoles: |\n    - rolearn: " + acct + "role/a\n      groups: [a]\n    - rolearn: " + acct + "role/b\n      username: b\n     groups: [b]\n",
			want: "aws-auth.yaml:12: data.mapRoles[1]: not valid YAML: did not find expected '-' indicator", hint: "- rolearn: ARN",
		},
		{
			name: "an unclosed list in a row",
			src:  meta + "data:\n  mapUsers: |\n    - userarn: " + acct + "user/a\n    - userarn: " + acct + "user/b\n      groups: [a\n    - userarn: " + acct + "user/c\n",
			want: "aws-auth.yaml:10: data.mapUsers[1]: not valid YAML: did not find expected ',' or ']'",
			hint: "close the list that [ opens with ]", notHint: "rolearn",
		},
		{
			name: "an unclosed list in the first row of mapUsers",
			src:  meta + "data:\n  mapRoles: |\n    - rolearn: " + acct + "role/a\n  mapUsers: |\n    - userarn: " + acct + "user/a\n      groups: [x, y\n",
			want: "aws-auth.yaml:11: data.mapUsers[0]: not valid YAML: did not find expected ',' or ']'",
			hint: "close the list that [ opens with ]", notHint: "must be a YAML list",
		},
		{
			name: "an unclosed mapping in a row",
			src:  meta + "data:\n  mapRoles: |\n    - {rolearn: " + acct + "role/a, username: a\n",
			want: "aws-auth.yaml:8: data.mapRoles[0]: not valid YAML: did not find expected ',' or '}'",
			hint: "close the mapping that { opens with }", notHint: "must be a YAML list",
		},
		{
			name: "a mapUsers row's key indented too little: the hint names userarn",
			src:  meta + "data:\n  mapUsers: |\n    - userarn: " + acct + "user/a\n     groups: [b]\n",
			want: "aws-auth.yaml:9: data.mapUsers[0]: not valid YAML: did not find expected '-' indicator", hint: "- userarn: ARN", notHint: "rolearn",
		},
		{
			name: "a mapAccounts row's key indented too little: the hint names account IDs",
			src:  meta + "data:\n  mapAccounts: |\n    - \"111122223333\"\n     - x: [b]\n",
			want: "aws-auth.yaml:9: data.mapAccounts[0]: not valid YAML: did not find expected '-' indicator", hint: "list of account IDs", notHint: "rolearn",
		},
		{
			name: "a syntax error on the first line of the block names the row",
			src:  meta + "data:\n  mapRoles: |\n    - rolearn: a: b\n",
			want: "aws-auth.yaml:8: data.mapRoles[0]: not valid YAML: mapping values are not allowed in this context", hint: "- rolearn: ARN",
		},
		{
			name: "an unclosed quote",
			src:  meta + "data:\n  mapRoles: |\n    - rolearn: " + acct + "role/a\n  other: \"x\n  more: y\n",
			want: "aws-auth.yaml:9: not valid YAML: found unexpected end of stream", hint: "kubectl get configmap aws-auth",
		},
		{
			name: "JSON, as kubectl -o json prints it",
			src:  `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "aws-auth"},` + "\n" + ` "data": {` + "\n" + `  "mapRoles": "- rolearn: a\n- rolearn: b\n  groups:\n  - x\n- rolearn: c\n groups: [d]\n"}}` + "\n",
			want: "aws-auth.yaml:3: data.mapRoles[2]: not valid YAML: did not find expected '-' indicator (line 6 of the mapRoles string)",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Convert("aws-auth.yaml", strings.NewReader(tc.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *awsauth.Error", err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("err = %q\nwant  %q", got, tc.want)
			}
			if !strings.Contains(e.Hint(), tc.hint) {
				t.Errorf("hint %q lacks %q", e.Hint(), tc.hint)
			}
			if tc.notHint != "" && strings.Contains(e.Hint(), tc.notHint) {
				t.Errorf("hint %q has %q", e.Hint(), tc.notHint)
			}
		})
	}
}

// TestConvert_emptySections: empty or null map* values are no rows.
func TestConvert_emptySections(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"kind: ConfigMap\nmetadata: {name: aws-auth}\ndata: {mapRoles: ''}\n",
		"kind: ConfigMap\nmetadata: {name: aws-auth}\ndata: {mapUsers: '[]'}\n",
		"kind: ConfigMap\nmetadata: {name: aws-auth}\ndata: {mapAccounts: '~'}\n",
		"kind: ConfigMap\nmetadata: {name: aws-auth}\ndata: {mapRoles: '# nothing'}\n",
	} {
		res, err := Convert("aws-auth.yaml", strings.NewReader(src))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if len(res.Rows) != 0 || len(res.Entries) != 0 {
			t.Errorf("%q: rows %v", src, res.Rows)
		}
		if got := res.Report(); len(got) != 1 || got[0] != "0 rows: 0 mapped, 0 left to EKS, 0 skipped" {
			t.Errorf("%q: report %q", src, got)
		}
	}
}
