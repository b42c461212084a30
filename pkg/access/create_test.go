package access_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/internal/accesstest"
)

var (
	mustPrincipal = accesstest.Principal
	mustAssoc     = accesstest.Assoc
)

func mustAssocs(t *testing.T, list ...string) []access.PolicyAssociation {
	t.Helper()
	var out []access.PolicyAssociation
	for _, s := range list {
		out = append(out, mustAssoc(t, s))
	}
	return out
}

func TestCreateEntryValidate(t *testing.T) {
	t.Parallel()
	const (
		usernameHint = "leave --username unset for the EKS default, or pick a name without the reserved prefixes system:, eks:, aws:, amazon:, iam:"
		groupHint    = "group names beginning with system:, eks:, aws:, amazon:, iam: are reserved; pick another name"
		tokenHint    = "leave it empty and eksaccess generates one"
		autoHint     = "Auto Mode node entries take only --policy AmazonEKSAutoNodePolicy:cluster"
	)
	role, user := mustPrincipal(t, roleARN), mustPrincipal(t, userARN)
	cnRole := mustPrincipal(t, "arn:aws-cn:iam::"+acct+":role/admin")
	many := access.Tags{}
	for _, k := range strings.Split("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "") {
		many[k] = ""
	}

	tests := []struct {
		name string
		// req is completed with Cluster "demo" and the role principal
		// unless noCluster or noPrincipal.
		req         access.CreateEntry
		noCluster   bool
		noPrincipal bool
		errs        []want
	}{
		{name: "minimal"},
		{
			name: "every field",
			req: access.CreateEntry{
				Type:               access.TypeStandard,
				Groups:             []string{"admins", "dev"},
				Username:           "admin:{{SessionName}}",
				Tags:               access.Tags{"team": "platform", "empty": ""},
				ClientRequestToken: "fd448123-ea81-4342-b427-f3c2efb80094",
				Policies:           mustAssocs(t, "AmazonEKSViewPolicy", "AmazonEKSEditPolicy:namespace=dev,test-*", viewARN[:len(viewARN)-len("ViewPolicy")]+"AdminPolicy"),
			},
		},
		{name: "user principal", req: access.CreateEntry{Principal: user}},
		{name: "repeated groups are no error", req: access.CreateEntry{Groups: []string{"a", "a"}}},

		// cluster and principal
		{name: "no cluster", noCluster: true, errs: []want{{"--cluster is required", noHint}}},
		{name: "bad cluster", req: access.CreateEntry{Cluster: "my.cluster"}, errs: []want{{`--cluster: cluster name "my.cluster" contains "."`, noHint}}},
		{name: "no principal", noPrincipal: true, errs: []want{{"--principal is required", noHint}}},
		{name: "neither", noCluster: true, noPrincipal: true, errs: []want{{"--cluster is required", noHint}, {"--principal is required", noHint}}},

		// type
		{name: "unknown type", req: access.CreateEntry{Type: "node"}, errs: []want{{`--type: unknown access-entry type "node"; valid types: STANDARD,`, noHint}}},
		{
			name: "unknown type hides the rules that depend on it",
			req:  access.CreateEntry{Type: "bad", Principal: user, Groups: []string{"system:x"}, Username: "aws:x", Policies: mustAssocs(t, "AmazonEKSViewPolicy")},
			errs: []want{{`--type: unknown access-entry type "bad"`, noHint}},
		},
		{name: "type not normalised", req: access.CreateEntry{Type: "ec2_linux"}, errs: []want{{`--type: unknown access-entry type "ec2_linux"`, noHint}}},

		// node types
		{name: "EC2_LINUX role", req: access.CreateEntry{Type: access.TypeEC2Linux}},
		{name: "EC2_WINDOWS role", req: access.CreateEntry{Type: access.TypeEC2Windows}},
		{name: "FARGATE_LINUX role", req: access.CreateEntry{Type: access.TypeFargateLinux}},
		{name: "HYBRID_LINUX role", req: access.CreateEntry{Type: access.TypeHybridLinux}},
		{name: "HYPERPOD_LINUX role", req: access.CreateEntry{Type: access.TypeHyperpodLinux}},
		{name: "EC2 role", req: access.CreateEntry{Type: access.TypeEC2}},
		{name: "EC2 with AutoNodePolicy", req: access.CreateEntry{Type: access.TypeEC2, Policies: mustAssocs(t, "AmazonEKSAutoNodePolicy:cluster")}},
		{
			name: "node type with user",
			req:  access.CreateEntry{Type: access.TypeEC2Linux, Principal: user},
			errs: []want{{`--type EC2_LINUX needs an IAM role, but "` + userARN + `" is not one`, "node entries are for the IAM role the nodes run with"}},
		},
		{name: "EC2 with user", req: access.CreateEntry{Type: access.TypeEC2, Principal: user}, errs: []want{{"--type EC2 needs an IAM role", "the IAM role the nodes run with"}}},
		{name: "node type with group", req: access.CreateEntry{Type: access.TypeEC2Windows, Groups: []string{"ops"}}, errs: []want{{"--group cannot be used with --type EC2_WINDOWS: EKS sets the groups of node entries", noHint}}},
		{name: "node type with username", req: access.CreateEntry{Type: access.TypeHybridLinux, Username: "node"}, errs: []want{{"--username cannot be used with --type HYBRID_LINUX: EKS sets the username of node entries", noHint}}},
		{name: "node type with reserved username", req: access.CreateEntry{Type: access.TypeFargateLinux, Username: "system:node:x"}, errs: []want{{"--username cannot be used with --type FARGATE_LINUX", noHint}}},
		{name: "node type with reserved group", req: access.CreateEntry{Type: access.TypeEC2Linux, Groups: []string{"system:nodes"}}, errs: []want{{"--group cannot be used with --type EC2_LINUX", noHint}}},
		{
			name: "node type with policy",
			req:  access.CreateEntry{Type: access.TypeFargateLinux, Policies: mustAssocs(t, "AmazonEKSViewPolicy", "AmazonEKSEditPolicy")},
			errs: []want{{"--policy cannot be used with --type FARGATE_LINUX: access policies are for STANDARD entries", noHint}},
		},
		{name: "HYPERPOD_LINUX with AutoNodePolicy", req: access.CreateEntry{Type: access.TypeHyperpodLinux, Policies: mustAssocs(t, "AmazonEKSAutoNodePolicy")}, errs: []want{{"--policy cannot be used with --type HYPERPOD_LINUX", noHint}}},
		{name: "EC2 with another policy", req: access.CreateEntry{Type: access.TypeEC2, Policies: mustAssocs(t, "AmazonEKSViewPolicy")}, errs: []want{{"--policy AmazonEKSViewPolicy:cluster cannot be used with --type EC2", autoHint}}},
		{
			name: "EC2 with namespaced AutoNodePolicy",
			req:  access.CreateEntry{Type: access.TypeEC2, Policies: mustAssocs(t, "AmazonEKSAutoNodePolicy:namespace=kube-system")},
			errs: []want{{"--policy AmazonEKSAutoNodePolicy:namespace=kube-system cannot be used with --type EC2", autoHint}},
		},
		{
			name: "node type, everything wrong",
			req:  access.CreateEntry{Type: access.TypeEC2Linux, Principal: user, Groups: []string{"g"}, Username: "u", Policies: mustAssocs(t, "AmazonEKSViewPolicy")},
			errs: []want{{"needs an IAM role", ""}, {"--group cannot be used", noHint}, {"--username cannot be used", noHint}, {"--policy cannot be used", noHint}},
		},

		// username
		{name: "username", req: access.CreateEntry{Username: "alice"}},
		{name: "1024-character username", req: access.CreateEntry{Username: strings.Repeat("é", 1024)}},
		{name: "username with a newline", req: access.CreateEntry{Username: "dev\nops"}, errs: []want{{`--username: "dev\nops" contains a newline (U+000A)`, noHint}}},
		{name: "username with an escape", req: access.CreateEntry{Username: "dev\x1b[31m"}, errs: []want{{`contains the control character U+001B`, noHint}}},
		{name: "username with a C1 control", req: access.CreateEntry{Username: "dev\u0085"}, errs: []want{{`contains the control character U+0085`, noHint}}},
		{name: "username not UTF-8", req: access.CreateEntry{Username: "dev\xff"}, errs: []want{{`--username: "dev\xff" is not valid UTF-8 (byte 0xff at offset 3)`, noHint}}},
		{name: "1025-character username", req: access.CreateEntry{Username: strings.Repeat("u", 1025)}, errs: []want{{"--username is 1025 characters; the limit is 1024", noHint}}},
		{
			name: "a long username is echoed cut",
			req:  access.CreateEntry{Username: "system:" + strings.Repeat("x", 300)},
			errs: []want{{`--username "system:` + strings.Repeat("x", 193) + `"... (307 characters) must not begin with "system:"`, usernameHint}},
		},

		// groups
		{name: "1024-character group", req: access.CreateEntry{Groups: []string{strings.Repeat("g", 1024)}}},
		{name: "group with a tab", req: access.CreateEntry{Groups: []string{"ops\tadmins"}}, errs: []want{{`--group: "ops\tadmins" contains a tab (U+0009)`, noHint}}},
		{name: "group with a newline", req: access.CreateEntry{Groups: []string{"ops\nadmins"}}, errs: []want{{`--group: "ops\nadmins" contains a newline (U+000A)`, noHint}}},
		{name: "group not UTF-8", req: access.CreateEntry{Groups: []string{"a\xc3"}}, errs: []want{{`--group: "a\xc3" is not valid UTF-8 (byte 0xc3 at offset 1)`, noHint}}},
		{name: "1025-character group", req: access.CreateEntry{Groups: []string{strings.Repeat("g", 1025)}}, errs: []want{{"--group is 1025 characters; the limit is 1024", noHint}}},

		// tags and token: text too
		{name: "tag value with a newline", req: access.CreateEntry{Tags: access.Tags{"team": "a\nb"}}, errs: []want{{`value of tag "team": "a\nb" contains a newline`, noHint}}},
		{name: "tag key not UTF-8", req: access.CreateEntry{Tags: access.Tags{"t\xffeam": "a"}}, errs: []want{{`tag key: "t\xffeam" is not valid UTF-8`, noHint}}},
		{name: "token with a control character", req: access.CreateEntry{ClientRequestToken: strings.Repeat("t", 40) + "\x00"}, errs: []want{{"contains the control character U+0000", noHint}}},
		{name: "username like a reserved prefix", req: access.CreateEntry{Username: "systemx"}},
		{name: "reserved prefix later", req: access.CreateEntry{Username: "my:system:x"}},
		{name: "system: username", req: access.CreateEntry{Username: "system:x"}, errs: []want{{`--username "system:x" must not begin with "system:"`, usernameHint}}},
		{name: "eks: username", req: access.CreateEntry{Username: "eks:x"}, errs: []want{{`--username "eks:x" must not begin with "eks:"`, usernameHint}}},
		{name: "aws: username", req: access.CreateEntry{Username: "aws:x"}, errs: []want{{`must not begin with "aws:"`, usernameHint}}},
		{name: "amazon: username", req: access.CreateEntry{Username: "amazon:x"}, errs: []want{{`must not begin with "amazon:"`, usernameHint}}},
		{name: "iam: username", req: access.CreateEntry{Username: "iam:x"}, errs: []want{{`must not begin with "iam:"`, usernameHint}}},
		{name: "reserved prefix in upper case", req: access.CreateEntry{Username: "SYSTEM:x"}, errs: []want{{`--username "SYSTEM:x" must not begin with "system:"`, usernameHint}}},
		{name: "reserved prefix in mixed case", req: access.CreateEntry{Username: "Eks:x"}, errs: []want{{`must not begin with "eks:"`, usernameHint}}},
		{name: "colon before SessionName", req: access.CreateEntry{Username: "jo:hn{{SessionName}}"}},
		{name: "leading colon", req: access.CreateEntry{Username: ":john{{SessionName}}"}},
		{name: "colon before SessionNameRaw", req: access.CreateEntry{Username: "sso:{{SessionNameRaw}}"}},
		{name: "both variables after a colon", req: access.CreateEntry{Username: "a:{{SessionName}}-{{SessionNameRaw}}"}},
		{name: "other variables need no colon", req: access.CreateEntry{Username: "node{{EC2PrivateDNSName}}"}},
		{
			name: "no colon before SessionName",
			req:  access.CreateEntry{Username: "john{{SessionName}}"},
			errs: []want{{`--username "john{{SessionName}}" needs a ":" before {{SessionName}}`, `EKS requires it, e.g. --username "john:{{SessionName}}"`}},
		},
		{
			name: "SessionNameRaw first",
			req:  access.CreateEntry{Username: "{{SessionNameRaw}}"},
			errs: []want{{`needs a ":" before {{SessionNameRaw}}`, `e.g. --username "NAME:{{SessionNameRaw}}"`}},
		},
		{
			name: "SessionName first, colon before SessionNameRaw",
			req:  access.CreateEntry{Username: "ab{{SessionName}}c:{{SessionNameRaw}}"},
			errs: []want{{`needs a ":" before {{SessionName}}`, `"ab:{{SessionName}}c:{{SessionNameRaw}}"`}},
		},
		{name: "colon only after SessionName", req: access.CreateEntry{Username: "john{{SessionName}}:x"}, errs: []want{{`needs a ":" before {{SessionName}}`, `"john:{{SessionName}}:x"`}}},
		{
			name: "colon between the variables",
			req:  access.CreateEntry{Username: "ab{{SessionNameRaw}}c:{{SessionName}}"},
			errs: []want{{`needs a ":" before {{SessionNameRaw}}`, `"ab:{{SessionNameRaw}}c:{{SessionName}}"`}},
		},

		// groups
		{name: "group like a reserved prefix", req: access.CreateEntry{Groups: []string{"systemx", "my:system:x"}}},
		{name: "empty group", req: access.CreateEntry{Groups: []string{""}}, errs: []want{{`--group "" is empty`, noHint}}},
		{name: "blank group", req: access.CreateEntry{Groups: []string{" "}}, errs: []want{{`--group " " is empty`, noHint}}},
		{
			name: "system:masters",
			req:  access.CreateEntry{Groups: []string{"system:masters"}},
			errs: []want{{`--group "system:masters" is invalid: it cannot start with "system:"`, "for cluster-admin access associate a policy instead: --policy AmazonEKSClusterAdminPolicy"}},
		},
		{name: "system: group", req: access.CreateEntry{Groups: []string{"system:nodes"}}, errs: []want{{`--group "system:nodes" is invalid: it cannot start with "system:"`, groupHint}}},
		{name: "eks: group", req: access.CreateEntry{Groups: []string{"eks:x"}}, errs: []want{{`cannot start with "eks:"`, groupHint}}},
		{name: "aws: group", req: access.CreateEntry{Groups: []string{"aws:x"}}, errs: []want{{`cannot start with "aws:"`, groupHint}}},
		{name: "amazon: group", req: access.CreateEntry{Groups: []string{"amazon:x"}}, errs: []want{{`cannot start with "amazon:"`, groupHint}}},
		{name: "iam: group", req: access.CreateEntry{Groups: []string{"iam:x"}}, errs: []want{{`cannot start with "iam:"`, groupHint}}},
		{name: "upper-case system: group", req: access.CreateEntry{Groups: []string{"System:Masters"}}, errs: []want{{`--group "System:Masters" is invalid`, "AmazonEKSClusterAdminPolicy"}}},
		{name: "each bad group", req: access.CreateEntry{Groups: []string{"ok", "eks:a", "aws:b"}}, errs: []want{{`"eks:a"`, groupHint}, {`"aws:b"`, groupHint}}},

		// tags
		{name: "reserved tag", req: access.CreateEntry{Tags: access.Tags{"aws:x": "1"}}, errs: []want{{`tag key "aws:x" is reserved`, noHint}}},
		{name: "too many tags", req: access.CreateEntry{Tags: many}, errs: []want{{"52 tags; the limit is 50", noHint}}},

		// client request token
		{name: "33-character token", req: access.CreateEntry{ClientRequestToken: strings.Repeat("t", 33)}},
		{name: "126-character token", req: access.CreateEntry{ClientRequestToken: strings.Repeat("t", 126)}},
		{name: "100 two-byte characters", req: access.CreateEntry{ClientRequestToken: strings.Repeat("é", 100)}},
		{name: "32-character token", req: access.CreateEntry{ClientRequestToken: strings.Repeat("t", 32)}, errs: []want{{"--client-request-token is 32 characters; it must be 33 to 126", tokenHint}}},
		{name: "127-character token", req: access.CreateEntry{ClientRequestToken: strings.Repeat("t", 127)}, errs: []want{{"--client-request-token is 127 characters", tokenHint}}},

		// policies
		{name: "full ARN in the principal's partition", req: access.CreateEntry{Policies: mustAssocs(t, viewARN)}},
		{name: "short name in China", req: access.CreateEntry{Principal: cnRole, Policies: mustAssocs(t, "AmazonEKSViewPolicy")}},
		{name: "policy twice", req: access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy", "AmazonEKSViewPolicy:namespace=dev")}, errs: []want{{"--policy AmazonEKSViewPolicy is given twice; a policy has one scope per entry", noHint}}},
		{name: "short name and ARN of one policy", req: access.CreateEntry{Policies: mustAssocs(t, viewARN, "AmazonEKSViewPolicy")}, errs: []want{{"--policy AmazonEKSViewPolicy is given twice", noHint}}},
		{
			name: "namespaces split over two --policy",
			req:  access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSEditPolicy:namespace=dev", "AmazonEKSEditPolicy:namespace=test,qa")},
			errs: []want{{"--policy AmazonEKSEditPolicy is given twice", "name the namespaces once: --policy AmazonEKSEditPolicy:namespace=dev,test,qa"}},
		},
		{
			name: "policy three times",
			req:  access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy", "AmazonEKSViewPolicy", "AmazonEKSViewPolicy")},
			errs: []want{{"given twice", noHint}, {"given twice", noHint}},
		},
		{
			name: "invalid scope",
			req:  access.CreateEntry{Policies: []access.PolicyAssociation{{Policy: mustPolicy(t, "AmazonEKSViewPolicy"), Scope: nsScope()}}},
			errs: []want{{"--policy AmazonEKSViewPolicy: namespace scope needs at least one namespace", "write namespace=NS[,NS...]"}},
		},
		{name: "no scope", req: access.CreateEntry{Policies: []access.PolicyAssociation{{Policy: mustPolicy(t, "AmazonEKSViewPolicy")}}}, errs: []want{{`--policy AmazonEKSViewPolicy: unknown scope type ""`, noHint}}},
		{name: "no policy", req: access.CreateEntry{Policies: []access.PolicyAssociation{{Scope: clusterScope}}}, errs: []want{{"--policy has no policy name", noHint}}},
		{
			name: "policy ARN in another partition",
			req:  access.CreateEntry{Principal: cnRole, Policies: mustAssocs(t, viewARN)},
			errs: []want{{`--policy ` + viewARN + ` is not in partition "aws-cn" of the principal`, "give the short name AmazonEKSViewPolicy to get the principal's partition"}},
		},

		{
			name: "policies reserved for service-linked roles",
			req:  access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy", "AmazonEKSHybridPolicy", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSComputePolicy")},
			errs: []want{
				{"--policy: access policy AmazonEKSHybridPolicy is reserved for AWS service-linked roles", "EKS associates it itself"},
				{"--policy: access policy AmazonEKSComputePolicy is reserved for AWS service-linked roles", "EKS associates it itself"},
			},
		},

		// all problems together, in field order
		{
			name:      "every problem",
			noCluster: true,
			req: access.CreateEntry{
				Username: "aws:x", Groups: []string{"system:x"}, Tags: access.Tags{"k": "aws:v"},
				ClientRequestToken: "short", Policies: mustAssocs(t, "AmazonEKSViewPolicy", "AmazonEKSViewPolicy"),
			},
			errs: []want{
				{"--cluster is required", noHint}, {`--username "aws:x"`, usernameHint},
				{`--group "system:x"`, groupHint}, {`value of tag "k" is reserved`, noHint}, {"--client-request-token is 5 characters", tokenHint},
				{"--policy AmazonEKSViewPolicy is given twice", noHint},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.req
			if req.Cluster == "" && !tt.noCluster {
				req.Cluster = "demo"
			}
			if req.Principal.IsZero() && !tt.noPrincipal {
				req.Principal = role
			}
			checkErrors(t, req.Validate(), tt.errs...)
		})
	}
}

// TestEntryWarnings: a {{SessionName}} spelled in another case is valid
// but not replaced by EKS: a warning, for create and update.
func TestEntryWarnings(t *testing.T) {
	t.Parallel()
	const sso = "arn:aws:iam::" + acct + ":role/AWSReservedSSO_Admin_0123456789abcdef"
	tests := []struct {
		name      string
		principal string
		username  string
		want      []string // substrings, one per warning
	}{
		{name: "none", username: "dev:{{SessionName}}"},
		{name: "raw", username: "dev:{{SessionNameRaw}}"},
		{name: "no username"},
		{name: "other variables are not ours to judge", username: "dev:{{AccountID}}:{{sessionid}}"},
		{name: "lower case", username: "dev:{{sessionname}}", want: []string{`--username "dev:{{sessionname}}" has {{sessionname}}, which EKS does not replace with the session name: did you mean {{SessionName}}?`}},
		{name: "upper case raw", username: "dev:{{SESSIONNAMERAW}}", want: []string{"did you mean {{SessionNameRaw}}?"}},
		{name: "spaces inside", username: "dev:{{ SessionName }}", want: []string{"has {{ SessionName }}, which EKS does not replace with the session name: did you mean {{SessionName}}?"}},
		{name: "two of them", username: "a:{{Sessionname}}-{{sessionNameRaw}}", want: []string{"did you mean {{SessionName}}?", "did you mean {{SessionNameRaw}}?"}},
		{name: "unclosed", username: "dev:{{sessionname"},
		{name: "with the principal's", principal: sso, username: "x:{{sessionName}}", want: []string{"aws-reserved/sso.amazonaws.com/", "did you mean {{SessionName}}?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := roleARN
			if tt.principal != "" {
				p = tt.principal
			}
			check := func(kind string, got []string, want []string) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s warnings %q, want %d", kind, got, len(want))
				}
				for i := range want {
					if !strings.Contains(got[i], want[i]) {
						t.Errorf("%s warning %d = %q, want it to contain %q", kind, i, got[i], want[i])
					}
				}
			}
			check("create", access.CreateEntry{Cluster: "demo", Principal: mustPrincipal(t, p), Username: tt.username}.Warnings(), tt.want)
			if tt.principal == "" {
				check("update", access.UpdateEntry{Cluster: "demo", Principal: mustPrincipal(t, p), Username: tt.username, SetUsername: true}.Warnings(), tt.want)
				// a username update does not name is not looked at
				check("update without --username", access.UpdateEntry{Username: tt.username, NoGroups: true}.Warnings(), nil)
			}
		})
	}
}

func TestNormalizeGroups(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, nil},
		{"only empty", []string{"", " ", "\t"}, nil},
		{"unchanged", []string{"b", "a"}, []string{"b", "a"}},
		{"trimmed", []string{" a ", "b\t"}, []string{"a", "b"}},
		{"empty dropped", []string{"a", "", "b"}, []string{"a", "b"}},
		{"repeats dropped, first order kept", []string{"c", "a", " c", "b", "a"}, []string{"c", "a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, access.NormalizeGroups(tt.in)); diff != "" {
				t.Errorf("NormalizeGroups(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCreateEntryCompare(t *testing.T) {
	t.Parallel()
	const (
		adminARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"
		cnView   = "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	)
	role := mustPrincipal(t, roleARN)
	cnRole := mustPrincipal(t, "arn:aws-cn:iam::"+acct+":role/admin")
	// entry is what EKS returns for a STANDARD role entry created with no options.
	entry := func(mod func(*access.Entry)) access.Entry {
		e := access.Entry{
			ClusterName:      "demo",
			PrincipalARN:     access.UncheckedPrincipalARN(roleARN),
			KubernetesGroups: []string{},
			Tags:             map[string]string{},
			Username:         "arn:aws:sts::" + acct + ":assumed-role/admin/{{SessionName}}",
			Type:             "STANDARD",
		}
		if mod != nil {
			mod(&e)
		}
		return e
	}
	assoc := func(arn string, scope access.Scope) access.AssociatedPolicy {
		return access.AssociatedPolicy{PolicyARN: arn, AccessScope: scope}
	}

	tests := []struct {
		name    string
		req     access.CreateEntry // completed with Cluster "demo", Principal role
		entry   access.Entry
		have    []access.AssociatedPolicy
		diffs   []string
		missing []string // PolicyAssociation.String()
	}{
		{name: "identical", entry: entry(nil)},

		// identity
		{name: "other cluster", entry: entry(func(e *access.Entry) { e.ClusterName = "prod" }), diffs: []string{`cluster: want "demo", have "prod"`}},
		{name: "other principal", entry: entry(func(e *access.Entry) { e.PrincipalARN = access.UncheckedPrincipalARN(userARN) }), diffs: []string{`principal: want "` + roleARN + `", have "` + userARN + `"`}},
		{name: "entry without identity fields", entry: entry(func(e *access.Entry) { e.ClusterName, e.PrincipalARN = "", access.PrincipalARN{} })},
		{name: "unset type is STANDARD", entry: entry(nil), req: access.CreateEntry{Type: ""}},
		{name: "entry without type is STANDARD", entry: entry(func(e *access.Entry) { e.Type = "" }), req: access.CreateEntry{Type: access.TypeStandard}},
		{name: "type differs", entry: entry(func(e *access.Entry) { e.Type = "EC2_LINUX" }), diffs: []string{"type: want STANDARD, have EC2_LINUX"}},
		{
			name:  "node type differs",
			req:   access.CreateEntry{Type: access.TypeEC2Linux},
			entry: entry(nil),
			diffs: []string{"type: want EC2_LINUX, have STANDARD"},
		},

		// username
		{name: "username unset, EKS default kept", entry: entry(nil)},
		{name: "same username", req: access.CreateEntry{Username: "admin"}, entry: entry(func(e *access.Entry) { e.Username = "admin" })},
		{name: "username differs", req: access.CreateEntry{Username: "x"}, entry: entry(func(e *access.Entry) { e.Username = "y" }), diffs: []string{`username: want "x", have "y"`}},

		// groups
		{name: "same groups, other order", req: access.CreateEntry{Groups: []string{"b", "a"}}, entry: entry(func(e *access.Entry) { e.KubernetesGroups = []string{"a", "b"} })},
		{name: "groups normalised", req: access.CreateEntry{Groups: []string{"a", " a", ""}}, entry: entry(func(e *access.Entry) { e.KubernetesGroups = []string{"a"} })},
		{name: "nil groups", entry: entry(func(e *access.Entry) { e.KubernetesGroups = nil })},
		{
			name:  "groups differ",
			req:   access.CreateEntry{Groups: []string{"b", "a"}},
			entry: entry(func(e *access.Entry) { e.KubernetesGroups = []string{"a"} }),
			diffs: []string{`groups: want ["a" "b"], have ["a"]`},
		},
		{name: "no groups requested", entry: entry(func(e *access.Entry) { e.KubernetesGroups = []string{"ops"} }), diffs: []string{`groups: want [], have ["ops"]`}},
		{
			name:  "node groups are EKS's",
			req:   access.CreateEntry{Type: access.TypeEC2Linux},
			entry: entry(func(e *access.Entry) { e.Type, e.KubernetesGroups = "EC2_LINUX", []string{"system:nodes"} }),
		},

		// tags
		{name: "tags not requested", entry: entry(func(e *access.Entry) { e.Tags = map[string]string{"team": "x"} })},
		{
			name: "same tags, aws: tags ignored",
			req:  access.CreateEntry{Tags: access.Tags{"team": "a"}},
			entry: entry(func(e *access.Entry) {
				e.Tags = map[string]string{"team": "a", "aws:cloudformation:stack-name": "s", "AWS:x": "y"}
			}),
		},
		{name: "tag value differs", req: access.CreateEntry{Tags: access.Tags{"team": "a"}}, entry: entry(func(e *access.Entry) { e.Tags = map[string]string{"team": "b"} }), diffs: []string{`tag "team": want "a", have "b"`}},
		{name: "tag missing", req: access.CreateEntry{Tags: access.Tags{"team": "a"}}, entry: entry(nil), diffs: []string{`tag "team": want "a", have none`}},
		{name: "empty tag value missing", req: access.CreateEntry{Tags: access.Tags{"team": ""}}, entry: entry(nil), diffs: []string{`tag "team": want "", have none`}},
		{
			name:  "extra tag, sorted",
			req:   access.CreateEntry{Tags: access.Tags{"team": "a"}},
			entry: entry(func(e *access.Entry) { e.Tags = map[string]string{"team": "a", "z": "1", "b": "2"} }),
			diffs: []string{`tag "b": want none, have "2"`, `tag "z": want none, have "1"`},
		},
		{
			// An entry apply created: its own tags are bookkeeping, not
			// something the request lacks (issue 15 item 7).
			name: "apply's own tags are not a difference",
			req:  access.CreateEntry{Tags: access.Tags{"team": "a"}},
			entry: entry(func(e *access.Entry) {
				e.Tags = map[string]string{"team": "a", access.ManagedTagKey: access.ManagedTagValue, access.OwnerTagKey: "team-b"}
			}),
		},
		{
			name:  "another tool's managed-by is a difference",
			req:   access.CreateEntry{Tags: access.Tags{"team": "a"}},
			entry: entry(func(e *access.Entry) { e.Tags = map[string]string{"team": "a", access.ManagedTagKey: "terraform"} }),
			diffs: []string{`tag "managed-by": want none, have "terraform"`},
		},
		{
			name: "apply's tags named in the request are compared",
			req:  access.CreateEntry{Tags: access.Tags{access.ManagedTagKey: "x", access.OwnerTagKey: "team-a"}},
			entry: entry(func(e *access.Entry) {
				e.Tags = map[string]string{access.ManagedTagKey: access.ManagedTagValue, access.OwnerTagKey: "team-b"}
			}),
			diffs: []string{`tag "eksaccess/owner": want "team-a", have "team-b"`, `tag "managed-by": want "x", have "eksaccess"`},
		},

		// policies
		{name: "policy associated", req: access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy")}, entry: entry(nil), have: []access.AssociatedPolicy{assoc(viewARN, access.Scope{Type: access.ScopeCluster, Namespaces: []string{}})}},
		{name: "policy given as ARN", req: access.CreateEntry{Policies: mustAssocs(t, viewARN)}, entry: entry(nil), have: []access.AssociatedPolicy{assoc(viewARN, clusterScope)}},
		{
			name:  "namespaces in other order",
			req:   access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy:namespace=b,a")},
			entry: entry(nil),
			have:  []access.AssociatedPolicy{assoc(viewARN, nsScope("a", "b"))},
		},
		{
			name:  "scope differs",
			req:   access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy:namespace=dev")},
			entry: entry(nil),
			have:  []access.AssociatedPolicy{assoc(viewARN, clusterScope)},
			diffs: []string{"policy AmazonEKSViewPolicy: want scope namespace=dev, have cluster"},
		},
		{
			name:    "policy not associated yet",
			req:     access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy", "AmazonEKSAdminPolicy:namespace=dev")},
			entry:   entry(nil),
			have:    []access.AssociatedPolicy{assoc(viewARN, clusterScope)},
			missing: []string{"AmazonEKSAdminPolicy:namespace=dev"},
		},
		{name: "policies not requested", entry: entry(nil), have: []access.AssociatedPolicy{assoc(viewARN, clusterScope)}},
		{
			name:  "extra policy, when policies are requested",
			req:   access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy")},
			entry: entry(nil),
			have:  []access.AssociatedPolicy{assoc("arn:aws:eks::aws:cluster-access-policy/Zed", clusterScope), assoc(viewARN, clusterScope), assoc(adminARN, nsScope("dev"))},
			diffs: []string{"policy AmazonEKSAdminPolicy: not requested, have scope namespace=dev", "policy Zed: not requested, have scope cluster"},
		},
		{
			name:  "extra policy that is not an access-policy ARN",
			req:   access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy")},
			entry: entry(nil),
			have:  []access.AssociatedPolicy{assoc(viewARN, clusterScope), assoc("odd", clusterScope)},
			diffs: []string{"policy odd: not requested, have scope cluster"},
		},
		{
			name:  "short names take the principal's partition",
			req:   access.CreateEntry{Principal: cnRole, Policies: mustAssocs(t, "AmazonEKSViewPolicy")},
			entry: entry(func(e *access.Entry) { e.PrincipalARN = cnRole }),
			have:  []access.AssociatedPolicy{assoc(cnView, clusterScope)},
		},
		{
			name:    "policy in another partition",
			req:     access.CreateEntry{Policies: mustAssocs(t, "AmazonEKSViewPolicy")},
			entry:   entry(nil),
			have:    []access.AssociatedPolicy{assoc(cnView, clusterScope)},
			diffs:   []string{"policy AmazonEKSViewPolicy: not requested, have scope cluster"},
			missing: []string{"AmazonEKSViewPolicy:cluster"},
		},

		// everything, in a stable order
		{
			name: "every difference",
			req: access.CreateEntry{
				Username: "x", Groups: []string{"a"}, Tags: access.Tags{"team": "a"},
				Policies: mustAssocs(t, "AmazonEKSViewPolicy:namespace=dev", "AmazonEKSEditPolicy"),
			},
			entry: entry(func(e *access.Entry) {
				e.ClusterName, e.Type, e.Username, e.KubernetesGroups, e.Tags = "prod", "EC2", "y", []string{"b"}, map[string]string{"team": "b"}
			}),
			have: []access.AssociatedPolicy{assoc(adminARN, clusterScope), assoc(viewARN, clusterScope)},
			diffs: []string{
				`cluster: want "demo", have "prod"`, "type: want STANDARD, have EC2", `username: want "x", have "y"`,
				`groups: want ["a"], have ["b"]`, `tag "team": want "a", have "b"`,
				"policy AmazonEKSViewPolicy: want scope namespace=dev, have cluster", "policy AmazonEKSAdminPolicy: not requested, have scope cluster",
			},
			missing: []string{"AmazonEKSEditPolicy:cluster"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.req
			req.Cluster = "demo"
			if req.Principal.IsZero() {
				req.Principal = role
			}
			d := req.Compare(tt.entry, tt.have)
			diffs, missing := d.Conflicts().Lines(), d.Missing()
			if diff := cmp.Diff(tt.diffs, diffs); diff != "" {
				t.Errorf("diffs mismatch (-want +got):\n%s", diff)
			}
			var gotMissing []string
			for _, m := range missing {
				gotMissing = append(gotMissing, m.String())
			}
			if diff := cmp.Diff(tt.missing, gotMissing); diff != "" {
				t.Errorf("missing mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
