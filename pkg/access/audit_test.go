package access

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAudit(t *testing.T) {
	t.Parallel()
	const acct = "arn:aws:iam::111122223333:"
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	view := AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", AccessScope: Scope{Type: ScopeCluster}}
	admin := AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", AccessScope: Scope{Type: ScopeCluster}}
	nsAdmin := AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", AccessScope: Scope{Type: ScopeNamespace, Namespaces: []string{"a"}}}
	entry := func(principal, typ string, policies ...AssociatedPolicy) AuditEntry {
		p := UncheckedPrincipalARN(principal)
		return AuditEntry{
			EntryFacts: EntryFacts{Entry: Entry{PrincipalARN: p, Type: EntryType(typ), CreatedAt: created}, Policies: policies},
			Identity:   PrincipalIdentity(p),
		}
	}
	withIAM := func(e AuditEntry, iamCreated time.Time) AuditEntry {
		e.Identity = e.Identity.WithIAM(e.Entry.PrincipalARN.String(), iamCreated)
		return e
	}
	gone := func(e AuditEntry, as string) AuditEntry {
		e.Identity.Gone, e.Identity.ReprovisionedAs = true, as
		return e
	}
	oldSSO := acct + "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1111111111111111"
	newSSO := acct + "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_2222222222222222"
	tests := []struct {
		name    string
		mode    string
		entries []AuditEntry
		// want is rule@principal-suffix, in order
		want []string
		// replace is the ReplaceWith of each finding that has one
		replace map[string]string
	}{
		{name: "recreated: IAM's CreateDate after the entry's", mode: "API",
			entries: []AuditEntry{withIAM(entry(acct+"role/app", "", view), created.Add(time.Second))},
			want:    []string{"recreated-principal@role/app"}, replace: map[string]string{"role/app": acct + "role/app"}},
		{name: "created before the entry: fine", mode: "API",
			entries: []AuditEntry{withIAM(entry(acct+"role/app", "", view), created.Add(-time.Second))}},
		{name: "the same second: fine", mode: "API",
			entries: []AuditEntry{withIAM(entry(acct+"role/app", "", view), created)}},
		{name: "IAM unread: no IAM rule", mode: "API",
			entries: []AuditEntry{entry(acct+"role/app", "", view)}},
		{name: "deleted", mode: "API",
			entries: []AuditEntry{gone(entry(acct+"role/gone", "", view), "")},
			want:    []string{"deleted-principal@role/gone"}},
		{name: "re-provisioned", mode: "API",
			entries: []AuditEntry{gone(entry(oldSSO, "", view), newSSO)},
			want:    []string{"sso-reprovisioned@" + strings.TrimPrefix(oldSSO, acct)}, replace: map[string]string{strings.TrimPrefix(oldSSO, acct): newSSO}},
		{name: "grants nothing; a node entry does", mode: "API",
			entries: []AuditEntry{withIAM(entry(acct+"role/empty", ""), created), withIAM(entry(acct+"role/node", "EC2_LINUX"), created)},
			want:    []string{"grants-nothing@role/empty"}},
		{name: "cluster admin at cluster scope, not at namespace scope", mode: "API",
			entries: []AuditEntry{entry(acct+"role/a", "", admin), entry(acct+"role/b", "", nsAdmin)},
			want:    []string{"cluster-admin@role/a"}},
		{name: "an IAM user", mode: "API",
			entries: []AuditEntry{entry(acct+"user/people/bob", "", view)},
			want:    []string{"iam-user@user/people/bob"}},
		{name: "another account's STANDARD principal, not its node role", mode: "API",
			entries: []AuditEntry{entry("arn:aws:iam::444455556666:role/x", "", view), entry("arn:aws:iam::444455556666:role/n", "EC2_LINUX")},
			want:    []string{"cross-account@arn:aws:iam::444455556666:role/x"}},
		{name: "aws-auth honoured, the worst first", mode: "API_AND_CONFIG_MAP",
			entries: []AuditEntry{entry(acct+"role/empty", ""), gone(entry(acct+"role/gone", "", view), "")},
			want:    []string{"deleted-principal@role/gone", "aws-auth-honoured@", "grants-nothing@role/empty"}},
		{name: "CONFIG_MAP: entries are not judged", mode: "CONFIG_MAP",
			entries: []AuditEntry{entry(acct+"role/empty", "")},
			want:    []string{"aws-auth-honoured@"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Audit(ClusterAudit{Cluster: "prod", Region: "eu-west-1", Account: "111122223333", AuthMode: tt.mode, Entries: tt.entries})
			var ids []string
			for _, f := range got {
				ids = append(ids, f.Rule+"@"+strings.TrimPrefix(f.Principal, acct))
				if f.Cluster != "prod" || f.Region != "eu-west-1" || f.Message == "" || len(f.Fix) == 0 {
					t.Errorf("%s: incomplete: %+v", f.Rule, f)
				}
				if r, _ := AuditRuleByID(f.Rule); r.Severity != f.Severity {
					t.Errorf("%s: severity %s, want the rule's %s", f.Rule, f.Severity, r.Severity)
				}
				if want := tt.replace[strings.TrimPrefix(f.Principal, acct)]; f.ReplaceWith != want {
					t.Errorf("%s: ReplaceWith %q, want %q", f.Rule, f.ReplaceWith, want)
				}
				if f.ReplaceWith != "" && f.Fix[0] != "eksaccess audit --cluster prod --fix" {
					t.Errorf("%s: first fix %q, want audit --fix", f.Rule, f.Fix[0])
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("findings %q, want %q", ids, tt.want)
			}
		})
	}
}

func TestFailOn(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		level             string
		high, medium, low bool
	}{
		{"", true, false, false}, // the default: high
		{"high", true, false, false},
		{"Medium", true, true, false},
		{"low", true, true, true},
		{"never", false, false, false},
	} {
		var f FailOn
		if tt.level != "" {
			if err := f.Set(tt.level); err != nil {
				t.Fatal(err)
			}
		}
		if f.Fails(SeverityHigh) != tt.high || f.Fails(SeverityMedium) != tt.medium || f.Fails(SeverityLow) != tt.low {
			t.Errorf("--fail-on %q: high %v medium %v low %v", tt.level, f.Fails(SeverityHigh), f.Fails(SeverityMedium), f.Fails(SeverityLow))
		}
	}
	var f FailOn
	if err := f.Set("critical"); err == nil {
		t.Error("--fail-on critical accepted")
	}
}

// Every rule of the table has its words, and the IAM rules are Explain's
// reasons: one rulebook.
func TestAuditRules(t *testing.T) {
	t.Parallel()
	want := []string{"recreated-principal", "deleted-principal", "sso-reprovisioned", "aws-auth-honoured", "cluster-admin", "iam-user", "cross-account", "grants-nothing"}
	var ids []string
	for _, r := range AuditRules {
		ids = append(ids, r.ID)
		if r.Severity.Rank() == 0 || r.Summary == "" || r.Description == "" || r.Help == "" {
			t.Errorf("%s: incomplete", r.ID)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("rules %v, want %v", ids, want)
	}
	for _, id := range []string{ReasonRecreated, ReasonDeleted, ReasonSSOReprovisioned, ReasonGrantsNothing} {
		if _, ok := AuditRuleByID(id); !ok {
			t.Errorf("whoami's reason %s is no audit rule", id)
		}
	}
}

// TestAuditScope: a fleet audit's fixes carry the cluster's region and
// profile, in each eksaccess command (not kubectl's), after its --cluster.
func TestAuditScope(t *testing.T) {
	t.Parallel()
	scope := []string{"--region", "eu-west-1", "--profile", "two"}
	tests := []struct{ fix, want string }{
		{"eksaccess audit --cluster prod --fix", "eksaccess audit --cluster prod --region eu-west-1 --profile two --fix"},
		{"eksaccess delete --cluster prod --principal arn:aws:iam::1:role/x --yes", "eksaccess delete --cluster prod --region eu-west-1 --profile two --principal arn:aws:iam::1:role/x --yes"},
		{"kubectl get configmap aws-auth -n kube-system -o yaml | eksaccess import aws-auth -f - --cluster prod > access.yaml && eksaccess apply -f access.yaml",
			"kubectl get configmap aws-auth -n kube-system -o yaml | eksaccess import aws-auth -f - --cluster prod --region eu-west-1 --profile two > access.yaml && eksaccess apply -f access.yaml --region eu-west-1 --profile two"},
		{"eksaccess describe --cluster prod2 --principal p", "eksaccess describe --cluster prod2 --principal p --region eu-west-1 --profile two"},
	}
	for _, tt := range tests {
		if got := scoped(tt.fix, "prod", scope); got != tt.want {
			t.Errorf("scoped(%q)\n got %q\nwant %q", tt.fix, got, tt.want)
		}
	}
	// After CommandRegion's --region, which comes with --cluster.
	if got, want := scoped("eksaccess audit --cluster prod --region us-east-1 --fix", "prod", []string{"--profile", "two"}), "eksaccess audit --cluster prod --region us-east-1 --profile two --fix"; got != want {
		t.Errorf("scoped: %q, want %q", got, want)
	}
	// Audit applies it to every fix; without a scope the fixes are as before.
	p, _ := ParsePrincipalARN("arn:aws:iam::111122223333:user/u")
	c := ClusterAudit{Cluster: "prod", Region: "eu-west-1", AuthMode: "API", Entries: []AuditEntry{{EntryFacts: EntryFacts{Entry: Entry{PrincipalARN: p, Type: "STANDARD"}}, Identity: PrincipalIdentity(p)}}}
	plain := Audit(c)
	c.Scope = scope
	for i, f := range Audit(c) {
		for j, cmd := range f.Fix {
			if want := scoped(plain[i].Fix[j], "prod", scope); cmd != want || cmd == plain[i].Fix[j] {
				t.Errorf("%s fix %q, want %q", f.Rule, cmd, want)
			}
		}
	}
	if len(plain) == 0 {
		t.Fatal("no findings for an IAM user's entry")
	}
}

// TestAuditCommandRegion: with a CommandRegion, every eksaccess command a
// finding prints names the cluster with --region (run from another
// shell, it reaches the cluster the audit read); without, none does.
func TestAuditCommandRegion(t *testing.T) {
	t.Parallel()
	const acct = "arn:aws:iam::111122223333:"
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	admin := AssociatedPolicy{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", AccessScope: Scope{Type: ScopeCluster}}
	entry := func(principal string, policies ...AssociatedPolicy) AuditEntry {
		p := UncheckedPrincipalARN(principal)
		return AuditEntry{EntryFacts: EntryFacts{Entry: Entry{PrincipalARN: p, CreatedAt: created}, Policies: policies}, Identity: PrincipalIdentity(p)}
	}
	recreated := entry(acct+"role/app", admin)
	recreated.Identity = recreated.Identity.WithIAM(acct+"role/app", created.Add(time.Hour))
	gone := entry(acct + "role/gone")
	gone.Identity.Gone = true
	sso := entry(acct + "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1111111111111111")
	sso.Identity.Gone, sso.Identity.ReprovisionedAs = true, acct+"role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_2222222222222222"
	entries := []AuditEntry{recreated, gone, sso, entry(acct + "user/bob"), entry("arn:aws:iam::444455556666:role/x", admin), entry(acct + "role/empty")}
	for _, region := range []string{"eu-west-1", ""} {
		got := Audit(ClusterAudit{Cluster: "prod", Region: "eu-west-1", CommandRegion: region, Account: "111122223333", AuthMode: "API_AND_CONFIG_MAP", Entries: entries})
		if len(got) < 7 {
			t.Fatalf("region %q: %d findings, want one of every rule", region, len(got))
		}
		for _, f := range got {
			cmds := f.Fix
			if f.Recreate != "" {
				cmds = append(slices.Clone(cmds), f.Recreate)
			}
			for _, cmd := range cmds {
				if !strings.Contains(cmd, "eksaccess ") {
					continue
				}
				if has := strings.Contains(cmd, "--cluster prod --region eu-west-1 "); has != (region != "") {
					t.Errorf("region %q: %s: %q", region, f.Rule, cmd)
				}
				if region == "" && strings.Contains(cmd, "--region") {
					t.Errorf("no region: %s: %q carries --region", f.Rule, cmd)
				}
			}
		}
	}
}

// TestAuditNodeEntryFix: the create that repairs a recreated node role's
// entry (a node group's role created again) is one create accepts: EKS
// sets a node entry's username and groups, and create refuses them, as it
// refuses AWS's own tags (aws: in any case).
func TestAuditNodeEntryFix(t *testing.T) {
	t.Parallel()
	const role = "arn:aws:iam::111122223333:role/nodes"
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := UncheckedPrincipalARN(role)
	e := AuditEntry{EntryFacts: EntryFacts{Entry: Entry{PrincipalARN: p, Type: "EC2_LINUX", CreatedAt: created,
		Username: "system:node:{{EC2PrivateDNSName}}", KubernetesGroups: []string{"system:nodes"},
		// AWS's own tags, in whatever case, are not the create's to set
		Tags: map[string]string{"aws:cloudformation:stack-name": "a", "AWS:Owner": "b"}}}}
	e.Identity = PrincipalIdentity(p).WithIAM(role, created.Add(time.Hour))
	got := Audit(ClusterAudit{Cluster: "prod", Region: "us-west-2", AuthMode: "API", Entries: []AuditEntry{e}})
	if len(got) != 1 || got[0].Rule != RuleRecreated {
		t.Fatalf("findings %+v, want one recreated-principal", got)
	}
	want := "eksaccess create --cluster prod --principal " + role + " --type EC2_LINUX"
	if got[0].Recreate != want || !slices.Contains(got[0].Fix, want) {
		t.Errorf("the create: %q (fixes %q), want %q", got[0].Recreate, got[0].Fix, want)
	}
}
