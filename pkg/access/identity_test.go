package access

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCallerIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		caller  string
		want    Identity
		wantErr bool
	}{
		{caller: "arn:aws:sts::111122223333:assumed-role/admin/alice",
			want: Identity{ARN: "arn:aws:iam::111122223333:role/admin", Kind: "role", Name: "admin"}},
		{caller: "arn:aws-cn:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com",
			want: Identity{ARN: "arn:aws-cn:iam::111122223333:role/AWSReservedSSO_Admin_0123456789abcdef", Kind: "role", Name: "AWSReservedSSO_Admin_0123456789abcdef"}},
		{caller: "arn:aws:iam::111122223333:user/people/alice",
			want: Identity{ARN: "arn:aws:iam::111122223333:user/people/alice", Kind: "user", Name: "alice", PathKnown: true}},
		{caller: "arn:aws:iam::111122223333:root",
			want: Identity{ARN: "arn:aws:iam::111122223333:root", Kind: "root", PathKnown: true}},
		{caller: "arn:aws:sts::111122223333:federated-user/bob",
			want: Identity{ARN: "arn:aws:sts::111122223333:federated-user/bob", Kind: "federated-user", Name: "bob", PathKnown: true}},
		{caller: "not-an-arn", wantErr: true},
		{caller: "arn:aws:s3:::bucket", wantErr: true},
		{caller: "arn:aws:sts::111122223333:assumed-role/", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.caller, func(t *testing.T) {
			t.Parallel()
			got, err := CallerIdentity(tt.caller)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSSOPermissionSet(t *testing.T) {
	t.Parallel()
	for arn, want := range map[string]string{
		"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef":           "Admin",
		"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Read_Only_0123456789ab": "Read_Only",
		"arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123456789abcdef":                                          "Admin",
		"arn:aws:iam::111122223333:role/AWSReservedSSO_":                                                                "",
		"arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_":                                                          "",
		"arn:aws:iam::111122223333:role/admin":                                                                          "",
		"arn:aws:iam::111122223333:user/AWSReservedSSO_Admin_0123":                                                      "",
		"nonsense": "",
	} {
		if got := SSOPermissionSet(arn); got != want {
			t.Errorf("SSOPermissionSet(%s) = %q, want %q", arn, got, want)
		}
	}
}

const (
	acct    = "arn:aws:iam::111122223333:"
	ssoPfx  = acct + "role/aws-reserved/sso.amazonaws.com/"
	ssoNew  = ssoPfx + "AWSReservedSSO_Admin_1111111111111111"
	ssoOld  = ssoPfx + "AWSReservedSSO_Admin_0000000000000000"
	ssoRead = ssoPfx + "AWSReservedSSO_Read_2222222222222222"
	editARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
)

func TestRelated(t *testing.T) {
	t.Parallel()
	entries := []string{acct + "role/admin", acct + "role/dev/admin", acct + "role/admin2", acct + "user/admin",
		"arn:aws:iam::444455556666:role/admin", ssoOld, ssoNew, ssoRead, acct + "role/AWSReservedSSO_Admin_1111111111111111"}
	tests := []struct {
		name string
		id   Identity
		want []string
	}{
		{"a role: every path of its name, not other kinds, names or accounts",
			Identity{ARN: acct + "role/dev/admin", Kind: "role", Name: "admin", PathKnown: true},
			[]string{acct + "role/admin", acct + "role/dev/admin"}},
		{"a user", Identity{ARN: acct + "user/admin", Kind: "user", Name: "admin", PathKnown: true}, []string{acct + "user/admin"}},
		{"an Identity Center role: its permission set's other roles too",
			Identity{ARN: ssoNew, Kind: "role", Name: "AWSReservedSSO_Admin_1111111111111111", PathKnown: true},
			[]string{acct + "role/AWSReservedSSO_Admin_1111111111111111", ssoOld, ssoNew}},
		{"none", Identity{ARN: acct + "role/nobody", Kind: "role", Name: "nobody"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Related(tt.id, entries)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	id := Identity{ARN: ssoNew, Kind: "role", Name: "AWSReservedSSO_Admin_1111111111111111", PathKnown: true}
	if got := SSOSiblings(id, Related(id, entries)); !cmp.Equal(got, []string{ssoOld}) {
		t.Errorf("SSOSiblings = %v, want [%s]", got, ssoOld)
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	entry := func(arn string, groups []string, policies ...AssociatedPolicy) EntryFacts {
		return EntryFacts{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(arn), Type: "STANDARD", KubernetesGroups: groups, CreatedAt: t0}, Policies: policies}
	}
	view := AssociatedPolicy{PolicyARN: viewPolicyARN, AccessScope: clusterWide}
	edit := AssociatedPolicy{PolicyARN: editARN, AccessScope: Scope{Type: ScopeNamespace, Namespaces: []string{"dev", "test"}}}
	devAdmin := Identity{ARN: acct + "role/dev/admin", Kind: "role", Name: "admin", PathKnown: true, Created: t0.Add(-time.Hour)}
	plainAdmin := Identity{ARN: acct + "role/admin", Kind: "role", Name: "admin", PathKnown: true, Created: t0.Add(-time.Hour)}
	const caller = "arn:aws:sts::111122223333:assumed-role/admin/alice"

	tests := []struct {
		name      string
		facts     Facts
		wantMatch string // the matched entry's principal, "" for none
		want      []Reason
	}{
		{
			name:      "the entry matches and grants a policy",
			facts:     Facts{Cluster: "demo", AuthMode: "API", Caller: caller, Identity: devAdmin, Entries: []EntryFacts{entry(acct+"role/dev/admin", nil, view)}},
			wantMatch: acct + "role/dev/admin",
		},
		{
			name:      "groups alone grant",
			facts:     Facts{Cluster: "demo", AuthMode: "API", Identity: devAdmin, Entries: []EntryFacts{entry(acct+"role/dev/admin", []string{"devs"})}},
			wantMatch: acct + "role/dev/admin",
		},
		{
			name: "a node entry grants through its type",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: devAdmin, Entries: []EntryFacts{
				{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(acct + "role/dev/admin"), Type: "EC2_LINUX", CreatedAt: t0}}}},
			wantMatch: acct + "role/dev/admin",
		},
		{
			name:  "aws-auth only: entries are not even looked at",
			facts: Facts{Cluster: "legacy", AuthMode: "CONFIG_MAP", Identity: devAdmin, Entries: []EntryFacts{entry(acct+"role/dev/admin", nil, view)}},
			want: []Reason{{Code: ReasonAWSAuthOnly,
				Message: "cluster legacy honours only the aws-auth ConfigMap (authentication mode CONFIG_MAP): it ignores access entries; until it moves to API_AND_CONFIG_MAP, access comes only from a mapping in aws-auth, which the EKS API cannot read",
				Fix:     []string{"eksaccess auth-mode --cluster legacy --set API_AND_CONFIG_MAP"}}},
		},
		{
			name:  "no entry",
			facts: Facts{Cluster: "demo", AuthMode: "API_AND_CONFIG_MAP", Identity: devAdmin, Entries: nil},
			want: []Reason{{Code: ReasonNoEntry,
				Message: "no access entry names arn:aws:iam::111122223333:role/dev/admin: create one with the access policies (or Kubernetes groups) the role needs; AmazonEKSViewPolicy reads the cluster",
				Fix:     []string{"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --policy AmazonEKSViewPolicy"}}},
		},
		{
			name: "an entry without the path: create the right one (with its access), delete the other (--force: the guard takes it for yours)",
			facts: Facts{Cluster: "demo", AuthMode: "API", Caller: caller, Identity: devAdmin, Entries: []EntryFacts{
				{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(acct + "role/admin"), Type: "STANDARD", Username: "admin:{{SessionName}}", KubernetesGroups: []string{"a", "b"}, CreatedAt: t0},
					Policies: []AssociatedPolicy{view, edit}}}},
			want: []Reason{{Code: ReasonOtherForm, Entry: acct + "role/admin",
				Message: "an access entry names arn:aws:iam::111122223333:role/admin, but IAM's ARN of the role is arn:aws:iam::111122223333:role/dev/admin: the entry's ARN lacks the path /dev/; EKS matches the ARN exactly, so the entry is not this role's",
				Fix: []string{
					"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --username 'admin:{{SessionName}}' --group a --group b --policy AmazonEKSEditPolicy:namespace=dev,test --policy AmazonEKSViewPolicy:cluster",
					"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/admin --yes --force",
				}}},
		},
		{
			name: "an entry with a path the role does not have; EKS's generated username is not copied",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: plainAdmin, Entries: []EntryFacts{
				{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(acct + "role/ops/admin"), Type: "STANDARD", Username: "arn:aws:sts::111122223333:assumed-role/admin/{{SessionName}}", CreatedAt: t0}, Policies: []AssociatedPolicy{view}}}},
			want: []Reason{{Code: ReasonOtherForm, Entry: acct + "role/ops/admin",
				Message: "an access entry names arn:aws:iam::111122223333:role/ops/admin, but IAM's ARN of the role is arn:aws:iam::111122223333:role/admin: the entry's ARN has the path /ops/, which the role does not have; EKS matches the ARN exactly, so the entry is not this role's",
				Fix: []string{
					"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/admin --policy AmazonEKSViewPolicy:cluster",
					"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/ops/admin --yes",
				}}},
		},
		{
			name: "an entry under another path",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: devAdmin, Entries: []EntryFacts{
				entry(acct+"role/ops/admin", []string{"ops"})}},
			want: []Reason{{Code: ReasonOtherForm, Entry: acct + "role/ops/admin",
				Message: "an access entry names arn:aws:iam::111122223333:role/ops/admin, but IAM's ARN of the role is arn:aws:iam::111122223333:role/dev/admin: the entry's ARN has the path /ops/ where IAM has /dev/; EKS matches the ARN exactly, so the entry is not this role's",
				Fix: []string{
					"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --group ops",
					"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/ops/admin --yes",
				}}},
		},
		{
			name: "IAM could not say the path: an entry of the name under any path is taken",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: acct + "role/admin", Kind: "role", Name: "admin"}, Entries: []EntryFacts{
				entry(acct+"role/dev/admin", nil), entry(acct+"role/ops/admin", nil, view)}},
			wantMatch: acct + "role/ops/admin",
		},
		{
			name: "the role was created again after its entry",
			facts: Facts{Cluster: "demo", AuthMode: "API", Caller: caller, Identity: Identity{ARN: acct + "role/dev/admin", Kind: "role", Name: "admin", PathKnown: true, Created: t0.Add(time.Second)},
				Entries: []EntryFacts{{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(acct + "role/dev/admin"), Type: "STANDARD", KubernetesGroups: []string{"devs"}, CreatedAt: t0}, Policies: []AssociatedPolicy{view}}}},
			wantMatch: acct + "role/dev/admin",
			want: []Reason{{Code: ReasonRecreated, Entry: acct + "role/dev/admin",
				Message: "IAM role arn:aws:iam::111122223333:role/dev/admin was created at 2026-01-02T03:04:06Z, after its access entry (created 2026-01-02T03:04:05Z): EKS keeps the unique ID of the role the entry was made for, so the entry grants nothing; delete it and create it again",
				Fix: []string{
					"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --yes --force",
					"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --group devs --policy AmazonEKSViewPolicy:cluster",
				}}},
		},
		{
			name: "created in the same instant as the entry: not recreated",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: acct + "role/dev/admin", Kind: "role", Name: "admin", PathKnown: true, Created: t0},
				Entries: []EntryFacts{entry(acct+"role/dev/admin", nil, view)}},
			wantMatch: acct + "role/dev/admin",
		},
		{
			name: "an unknown creation date is not compared",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: acct + "role/dev/admin", Kind: "role", Name: "admin", PathKnown: true},
				Entries: []EntryFacts{entry(acct+"role/dev/admin", nil, view)}},
			wantMatch: acct + "role/dev/admin",
		},
		{
			name: "Identity Center re-provisioned: the entry's role is gone",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: ssoNew, Kind: "role", Name: "AWSReservedSSO_Admin_1111111111111111", PathKnown: true},
				Entries: []EntryFacts{{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(ssoOld), Type: "STANDARD", CreatedAt: t0}, Policies: []AssociatedPolicy{view}, Principal: PrincipalGone}}},
			want: []Reason{{Code: ReasonSSOReprovisioned, Entry: ssoOld,
				Message: "an access entry names " + ssoOld + ", an IAM Identity Center role of permission set Admin that no longer exists: the permission set was re-provisioned as " + ssoNew + ", which the entry does not name",
				Fix: []string{
					"eksaccess create --cluster demo --principal " + ssoNew + " --policy AmazonEKSViewPolicy:cluster",
					"eksaccess delete --cluster demo --principal " + ssoOld + " --yes",
				}}},
		},
		{
			name: "Identity Center: IAM could not say whether the old role exists",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: ssoNew, Kind: "role", Name: "AWSReservedSSO_Admin_1111111111111111", PathKnown: true},
				Entries: []EntryFacts{{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(ssoOld), Type: "STANDARD", CreatedAt: t0}, Policies: []AssociatedPolicy{view}}}},
			want: []Reason{{Code: ReasonSSOReprovisioned, Entry: ssoOld,
				Message: "an access entry names " + ssoOld + ", another IAM Identity Center role of permission set Admin (IAM could not be read to confirm that it no longer exists): if the permission set was re-provisioned, it now is " + ssoNew + ", which the entry does not name",
				Fix: []string{
					"eksaccess create --cluster demo --principal " + ssoNew + " --policy AmazonEKSViewPolicy:cluster",
					"eksaccess delete --cluster demo --principal " + ssoOld + " --yes",
				}}},
		},
		{
			name: "Identity Center: the other role exists, so it is someone else's entry",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: ssoNew, Kind: "role", Name: "AWSReservedSSO_Admin_1111111111111111", PathKnown: true},
				Entries: []EntryFacts{{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(ssoOld), Type: "STANDARD", CreatedAt: t0}, Policies: []AssociatedPolicy{view}, Principal: PrincipalExists}}},
			want: []Reason{{Code: ReasonNoEntry,
				Message: "no access entry names " + ssoNew + ": create one with the access policies (or Kubernetes groups) the role needs; AmazonEKSViewPolicy reads the cluster",
				Fix:     []string{"eksaccess create --cluster demo --principal " + ssoNew + " --policy AmazonEKSViewPolicy"}}},
		},
		{
			name:      "an entry that grants nothing",
			facts:     Facts{Cluster: "demo", AuthMode: "API", Identity: devAdmin, Entries: []EntryFacts{entry(acct+"role/dev/admin", []string{})}},
			wantMatch: acct + "role/dev/admin",
			want: []Reason{{Code: ReasonGrantsNothing, Entry: acct + "role/dev/admin",
				Message: "the access entry of arn:aws:iam::111122223333:role/dev/admin is STANDARD with no access policy and no Kubernetes group: it authenticates, and grants nothing",
				Fix:     []string{"eksaccess policy associate --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --policy AmazonEKSViewPolicy --cluster-scope"}}},
		},
		{
			name: "the role was deleted: its entry grants nothing (who names its ARN)",
			facts: Facts{Cluster: "c2", AuthMode: "API", Identity: Identity{ARN: acct + "role/gone", Kind: "role", Name: "gone", PathGiven: true, Gone: true},
				Entries: []EntryFacts{entry(acct+"role/gone", nil, view)}},
			wantMatch: acct + "role/gone",
			want: []Reason{{Code: ReasonDeleted, Entry: acct + "role/gone",
				Message: "IAM has no role arn:aws:iam::111122223333:role/gone: it was deleted, and its access entry, which holds the deleted role's unique ID, grants nothing (a role created again under that ARN would not be let in either); delete the entry",
				Fix:     []string{"eksaccess delete --cluster c2 --principal arn:aws:iam::111122223333:role/gone --yes"}}},
		},
		{
			name: "a deleted Identity Center role named by its old ARN: the new one gets the entry's access",
			facts: Facts{Cluster: "c2", AuthMode: "API", Identity: Identity{ARN: ssoOld, Kind: "role", Name: "AWSReservedSSO_Admin_0000000000000000", PathGiven: true, Gone: true, ReprovisionedAs: ssoNew},
				Entries: []EntryFacts{entry(ssoOld, nil, view)}},
			wantMatch: ssoOld,
			want: []Reason{{Code: ReasonSSOReprovisioned, Entry: ssoOld,
				Message: "IAM has no role " + ssoOld + ": the IAM Identity Center permission set Admin was re-provisioned as " + ssoNew + ", so the entry, which holds the old role's unique ID, grants nothing",
				Fix: []string{
					"eksaccess create --cluster c2 --principal " + ssoNew + " --policy AmazonEKSViewPolicy:cluster",
					"eksaccess delete --cluster c2 --principal " + ssoOld + " --yes",
				}}},
		},
		{
			name:  "a deleted role without an entry: nothing to create for it",
			facts: Facts{Cluster: "c2", AuthMode: "API", Identity: Identity{ARN: acct + "role/gone", Kind: "role", Name: "gone", PathGiven: true, Gone: true}},
			want: []Reason{{Code: ReasonNoEntry,
				Message: "no access entry names arn:aws:iam::111122223333:role/gone, and IAM has no such role: EKS refuses an entry for a principal that does not exist", Fix: []string{}}},
		},
		{
			name: "an ARN given with its path, IAM unread: only that exact ARN matches",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: acct + "role/dev/admin", Kind: "role", Name: "admin", PathGiven: true},
				Entries: []EntryFacts{entry(acct+"role/admin", nil, AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", AccessScope: clusterWide})}},
			want: []Reason{{Code: ReasonOtherForm, Entry: acct + "role/admin",
				Message: "an access entry names arn:aws:iam::111122223333:role/admin, not arn:aws:iam::111122223333:role/dev/admin (the entry's ARN lacks the path /dev/), and IAM could not be read to say which ARN is the role's; EKS matches the ARN exactly: if IAM's is arn:aws:iam::111122223333:role/dev/admin, copy the entry's access to it and delete the entry, else arn:aws:iam::111122223333:role/dev/admin is not a principal",
				Fix:     []string{}}},
		},
		{
			name:  "your own entry in API_AND_CONFIG_MAP: the create carries --force, and says why",
			facts: Facts{Cluster: "demo", AuthMode: "API_AND_CONFIG_MAP", Caller: caller, Identity: devAdmin, Entries: []EntryFacts{entry(acct+"role/admin", nil, view)}},
			want: []Reason{{Code: ReasonOtherForm, Entry: acct + "role/admin",
				Message: "an access entry names arn:aws:iam::111122223333:role/admin, but IAM's ARN of the role is arn:aws:iam::111122223333:role/dev/admin: the entry's ARN lacks the path /dev/; EKS matches the ARN exactly, so the entry is not this role's" +
					"; the create carries --force: in demo, which honours aws-auth, your new entry takes precedence over aws-auth, so whatever aws-auth gives you (system:masters, say) ends with it; add --policy AmazonEKSClusterAdminPolicy to it to keep cluster admin",
				Fix: []string{
					"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --policy AmazonEKSViewPolicy:cluster --force",
					"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/admin --yes --force",
				}}},
		},
		{
			name: "your own entry in API_AND_CONFIG_MAP with cluster admin: no --force needed",
			facts: Facts{Cluster: "demo", AuthMode: "API_AND_CONFIG_MAP", Caller: caller, Identity: devAdmin,
				Entries: []EntryFacts{entry(acct+"role/admin", nil, AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", AccessScope: clusterWide})}},
			want: []Reason{{Code: ReasonOtherForm, Entry: acct + "role/admin",
				Message: "an access entry names arn:aws:iam::111122223333:role/admin, but IAM's ARN of the role is arn:aws:iam::111122223333:role/dev/admin: the entry's ARN lacks the path /dev/; EKS matches the ARN exactly, so the entry is not this role's",
				Fix: []string{
					"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --policy AmazonEKSClusterAdminPolicy:cluster",
					"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/admin --yes --force",
				}}},
		},
		{
			name:  "no entry for you in API_AND_CONFIG_MAP: the create carries --force",
			facts: Facts{Cluster: "demo", AuthMode: "API_AND_CONFIG_MAP", Caller: caller, Identity: devAdmin},
			want: []Reason{{Code: ReasonNoEntry,
				Message: "no access entry names arn:aws:iam::111122223333:role/dev/admin: create one with the access policies (or Kubernetes groups) the role needs; AmazonEKSViewPolicy reads the cluster" +
					"; the create carries --force: in demo, which honours aws-auth, your new entry takes precedence over aws-auth, so whatever aws-auth gives you (system:masters, say) ends with it; add --policy AmazonEKSClusterAdminPolicy to it to keep cluster admin",
				Fix: []string{"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --policy AmazonEKSViewPolicy --force"}}},
		},
		{
			name: "two entries under other paths: one create, copying the one that grants more, first; a delete each",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: devAdmin, Entries: []EntryFacts{
				entry(acct+"role/admin", []string{"a"}), entry(acct+"role/ops/admin", []string{"ops"}, view)}},
			want: []Reason{
				{Code: ReasonOtherForm, Entry: acct + "role/ops/admin",
					Message: "an access entry names arn:aws:iam::111122223333:role/ops/admin, but IAM's ARN of the role is arn:aws:iam::111122223333:role/dev/admin: the entry's ARN has the path /ops/ where IAM has /dev/; EKS matches the ARN exactly, so the entry is not this role's",
					Fix: []string{
						"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --group ops --policy AmazonEKSViewPolicy:cluster",
						"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/ops/admin --yes",
					}},
				{Code: ReasonOtherForm, Entry: acct + "role/admin",
					Message: "an access entry names arn:aws:iam::111122223333:role/admin, but IAM's ARN of the role is arn:aws:iam::111122223333:role/dev/admin: the entry's ARN lacks the path /dev/; EKS matches the ARN exactly, so the entry is not this role's" +
						"; the create of arn:aws:iam::111122223333:role/dev/admin copies the entry of arn:aws:iam::111122223333:role/ops/admin, which grants more (or is newer)",
					Fix: []string{"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/admin --yes"}},
			},
		},
		{
			name: "recreated: the create keeps the tags (--tag-literal where --tag would split), not AWS's own, and leaves out a group with a comma",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: acct + "role/dev/admin", Kind: "role", Name: "admin", PathKnown: true, Created: t0.Add(time.Second)},
				Entries: []EntryFacts{{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(acct + "role/dev/admin"), Type: "STANDARD", KubernetesGroups: []string{"devs", "a,b"}, CreatedAt: t0,
					Tags: map[string]string{"managed-by": "eksaccess", "eksaccess/owner": "team a", "url": "https://x/?a=b,c=d", "aws:created": "x"}}}}},
			wantMatch: acct + "role/dev/admin",
			want: []Reason{{Code: ReasonRecreated, Entry: acct + "role/dev/admin",
				Message: "IAM role arn:aws:iam::111122223333:role/dev/admin was created at 2026-01-02T03:04:06Z, after its access entry (created 2026-01-02T03:04:05Z): EKS keeps the unique ID of the role the entry was made for, so the entry grants nothing; delete it and create it again" +
					"; the create leaves out Kubernetes group \"a,b\": --group splits at commas, so no flag can carry it; add it with apply and a file (kubernetesGroups)",
				Fix: []string{
					"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --yes",
					"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:role/dev/admin --group devs --tag 'eksaccess/owner=team a' --tag managed-by=eksaccess --tag-literal 'url=https://x/?a=b,c=d'",
				}}},
		},
		{
			name:  "a federated user can have no entry",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: "arn:aws:sts::111122223333:federated-user/bob", Kind: "federated-user", Name: "bob", PathKnown: true}},
			want: []Reason{{Code: ReasonNoEntryPossible,
				Message: "arn:aws:sts::111122223333:federated-user/bob is an STS federated user: no access entry can name one", Fix: []string{}}},
		},
		{
			name:  "the account root: no fix but a role",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: "arn:aws:iam::111122223333:root", Kind: "root", PathKnown: true}},
			want: []Reason{{Code: ReasonNoEntry,
				Message: "no access entry names arn:aws:iam::111122223333:root, and none can grant the account root anything: use an IAM role", Fix: []string{}}},
		},
		{
			name: "a user's name in a quoted username and groups",
			facts: Facts{Cluster: "demo", AuthMode: "API", Identity: Identity{ARN: acct + "user/people/alice", Kind: "user", Name: "alice", PathKnown: true},
				Entries: []EntryFacts{{Entry: Entry{PrincipalARN: UncheckedPrincipalARN(acct + "user/alice"), Type: "STANDARD", Username: "alice smith", KubernetesGroups: []string{"a b"}}}}},
			want: []Reason{{Code: ReasonOtherForm, Entry: acct + "user/alice",
				Message: "an access entry names arn:aws:iam::111122223333:user/alice, but IAM's ARN of the user is arn:aws:iam::111122223333:user/people/alice: the entry's ARN lacks the path /people/; EKS matches the ARN exactly, so the entry is not this user's",
				Fix: []string{
					"eksaccess create --cluster demo --principal arn:aws:iam::111122223333:user/people/alice --username 'alice smith' --group 'a b'",
					"eksaccess delete --cluster demo --principal arn:aws:iam::111122223333:user/alice --yes",
				}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := Explain(tt.facts)
			got := ""
			if x.Match != nil {
				got = x.Match.Entry.PrincipalARN.String()
			}
			if got != tt.wantMatch {
				t.Errorf("match = %q, want %q", got, tt.wantMatch)
			}
			if diff := cmp.Diff(tt.want, x.Reasons); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if grants := tt.wantMatch != "" && len(tt.want) == 0; x.Grants() != grants {
				t.Errorf("Grants() = %v, want %v", x.Grants(), grants)
			}
		})
	}
}
