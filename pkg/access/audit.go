package access

// This file is audit's rulebook: the findings of a cluster's access
// entries. The rules an entry's principal breaks in IAM (recreated,
// deleted, re-provisioned) and grants-nothing are Explain's, the reasoning
// whoami and who use, asked of each entry's own principal: one rulebook.
// The command reads EKS and IAM and hands the facts here; nothing here
// does I/O.

import (
	"fmt"
	"slices"
	"strings"
)

// Severity is how bad an audit finding is.
type Severity string

// The severities, from the worst.
const (
	SeverityHigh   Severity = "high"
	SeverityMedium Severity = "medium"
	SeverityLow    Severity = "low"
)

// Rank orders severities: high 3, medium 2, low 1 (0 for none).
func (s Severity) Rank() int {
	switch s {
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 1
	}
	return 0
}

// FailOn is audit's --fail-on: the lowest severity that fails the audit
// (exit 8), or none ("never").
type FailOn string

// FailOnLevels are --fail-on's values, from the strictest.
var FailOnLevels = []string{"low", "medium", "high", "never"}

// Set implements pflag.Value.
func (f *FailOn) Set(s string) error {
	v := strings.ToLower(strings.TrimSpace(s))
	if !slices.Contains(FailOnLevels, v) {
		return fmt.Errorf("must be one of high, medium, low or never, not %s", Quote(s))
	}
	*f = FailOn(v)
	return nil
}

func (f FailOn) String() string {
	if f == "" {
		return string(SeverityHigh)
	}
	return string(f)
}

// Type implements pflag.Value.
func (f FailOn) Type() string { return "level" }

// Fails reports whether a finding of severity s fails the audit.
func (f FailOn) Fails(s Severity) bool {
	if f == "never" {
		return false
	}
	return s.Rank() >= Severity(f.String()).Rank()
}

// The audit rule ids. The first four are Explain's reasons of the same id.
const (
	RuleRecreated        = ReasonRecreated
	RuleDeleted          = ReasonDeleted
	RuleSSOReprovisioned = ReasonSSOReprovisioned
	RuleAWSAuthHonoured  = "aws-auth-honoured"
	RuleClusterAdmin     = "cluster-admin"
	RuleIAMUser          = "iam-user"
	RuleCrossAccount     = "cross-account"
	RuleGrantsNothing    = ReasonGrantsNothing
)

// AuditRule is one rule of audit, as its reference and SARIF describe it.
type AuditRule struct {
	ID       string
	Severity Severity
	// Summary is a sentence: what the finding is.
	Summary string
	// Description says why it matters.
	Description string
	// Help says what to do, in plain text (Markdown-safe).
	Help string
	// Fixable: audit --fix repairs it.
	Fixable bool
}

// AuditRules are audit's rules, in the order of the contract's table.
var AuditRules = []AuditRule{
	{
		ID: RuleRecreated, Severity: SeverityHigh, Fixable: true,
		Summary: "The entry's IAM role or user was created after the entry: the entry grants nothing.",
		Description: "EKS stores an access entry's principal by its IAM unique ID, not its ARN. A role or user deleted and created again under the same ARN " +
			"(a Terraform replace, a re-created node group role) has a new unique ID, and its entry, which still holds the old one, " +
			"authenticates no one: kubectl answers \"You must be logged in to the server (Unauthorized)\". audit sees it by IAM's CreateDate being later than the entry's createdAt.",
		Help: "Delete the entry and create it again, with the same type, username, groups, tags and policies: eksaccess audit --cluster CLUSTER --fix does that, after showing the plan.",
	},
	{
		ID: RuleDeleted, Severity: SeverityHigh,
		Summary: "The entry's IAM role or user no longer exists.",
		Description: "IAM has no role or user of the entry's ARN: the entry holds the unique ID of one that was deleted and grants nothing. " +
			"A principal created again under that ARN would not be let in by it either.",
		Help: "Delete the entry (eksaccess delete --cluster CLUSTER --principal ARN); create one for the principal that replaced it, if any. audit --fix never deletes entries of deleted principals.",
	},
	{
		ID: RuleSSOReprovisioned, Severity: SeverityHigh, Fixable: true,
		Summary: "An IAM Identity Center role that no longer exists, while a role for the same permission set does.",
		Description: "IAM Identity Center re-provisions a permission set's role with a new random suffix (AWSReservedSSO_NAME_<suffix>). " +
			"An entry naming the old role grants nothing; the users of the permission set come in as the new role, which no entry names.",
		Help: "Create the entry again for the new role, with the same type, groups, tags and policies, and delete the old one: eksaccess audit --cluster CLUSTER --fix does both. " +
			"Name the role sso:NAME in apply files so that apply follows re-provisioning.",
	},
	{
		ID: RuleAWSAuthHonoured, Severity: SeverityMedium,
		Summary: "The cluster still honours the aws-auth ConfigMap.",
		Description: "In authentication mode CONFIG_MAP or API_AND_CONFIG_MAP, the aws-auth ConfigMap in kube-system grants access that the EKS API cannot list nor audit: " +
			"whoever can edit it can grant themselves system:masters.",
		Help: "Move its mappings to access entries (kubectl get configmap aws-auth -n kube-system -o yaml | eksaccess import aws-auth -f - --cluster CLUSTER > access.yaml; eksaccess apply -f access.yaml), " +
			"then eksaccess auth-mode --cluster CLUSTER --set API.",
	},
	{
		ID: RuleClusterAdmin, Severity: SeverityLow,
		Summary:     "A STANDARD entry holds AmazonEKSClusterAdminPolicy or AmazonEKSAdminPolicy at cluster scope.",
		Description: "Cluster-wide admin access, for review: it can read every Secret and change every workload.",
		Help:        "Keep it where it is meant; otherwise associate a narrower policy (AmazonEKSEditPolicy, AmazonEKSViewPolicy, or namespace scope) and disassociate the admin policy.",
	},
	{
		ID: RuleIAMUser, Severity: SeverityLow,
		Summary:     "A long-term IAM user, not a role, is a principal.",
		Description: "An IAM user's access keys do not expire: a leaked key opens the cluster until someone notices.",
		Help:        "Give the person or system an IAM role (or an IAM Identity Center permission set), create its entry, and delete the user's.",
	},
	{
		ID: RuleCrossAccount, Severity: SeverityLow,
		Summary:     "A STANDARD entry's principal is in another account than the cluster.",
		Description: "Access from another AWS account, for review: that account's administrators decide who becomes the principal, and its IAM cannot be read with these credentials to check it.",
		Help:        "Keep it where it is meant; otherwise delete the entry.",
	},
	{
		ID: RuleGrantsNothing, Severity: SeverityLow,
		Summary:     "A STANDARD entry with no access policy and no Kubernetes group.",
		Description: "The entry authenticates its principal and grants nothing, unless Kubernetes RBAC binds its username, which audit cannot see.",
		Help:        "Associate the access policy it needs (eksaccess policy associate), give it a Kubernetes group that RBAC binds, or delete it.",
	},
}

// AuditRuleByID returns the rule of that id.
func AuditRuleByID(id string) (AuditRule, bool) {
	i := slices.IndexFunc(AuditRules, func(r AuditRule) bool { return r.ID == id })
	if i < 0 {
		return AuditRule{}, false
	}
	return AuditRules[i], true
}

// Finding is one thing audit found wrong.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Cluster  string   `json:"cluster"`
	Region   string   `json:"region"`
	// Account and Profile are the cluster's account and the profile that
	// read it, in a fleet audit (several clusters, regions or profiles).
	Account string `json:"account,omitempty"`
	Profile string `json:"profile,omitempty"`
	// Principal is the entry's principal ARN ("" for a finding about the
	// cluster).
	Principal string `json:"principal,omitempty"`
	Message   string `json:"message"`
	// Fix are the commands that repair it, in order.
	Fix []string `json:"fix"`
	// ReplaceWith is, for a finding --fix repairs, the principal the entry
	// is created again for: the same ARN for a recreated principal, the
	// new role for a re-provisioned one.
	ReplaceWith string `json:"replaceWith,omitempty"`
	// Fixed: audit --fix repaired it in this run.
	Fixed bool `json:"fixed"`
	// Recreate is, for a finding --fix repairs, the command that creates
	// the new entry: what is left to run by hand when a repair stopped
	// after its delete (a second audit no longer sees the entry).
	Recreate string `json:"-"`
}

// AuditEntry is an entry of the cluster with what IAM says of its own
// principal: Identity is PrincipalIdentity of its ARN, completed from IAM
// (WithIAM; or Gone, with ReprovisionedAs for an IAM Identity Center role),
// or as given when IAM could not be read.
type AuditEntry struct {
	EntryFacts
	Identity Identity
}

// ClusterAudit are the facts of one cluster that Audit judges.
type ClusterAudit struct {
	Cluster string
	Region  string
	// CommandRegion is the --region the fix commands carry (Facts).
	CommandRegion string
	// Account is the cluster's account ("" unknown: cross-account is not
	// judged).
	Account  string
	AuthMode string
	// Caller is STS's ARN, for the fix commands' --force (see Facts).
	Caller string
	// Entries are the cluster's entries (none read in CONFIG_MAP).
	Entries []AuditEntry
	// Scope are the flags, besides CommandRegion's --region, that point a
	// command at the cluster's account ("--profile", "prod"), added to each
	// eksaccess command of the fixes (after its --cluster and --region) so
	// that they run as printed from a fleet audit; none for the profile in
	// use.
	Scope []string
}

// Audit returns the findings of one cluster, the worst first, then in the
// rules' order, then by principal.
func Audit(c ClusterAudit) []Finding {
	var out []Finding
	add := func(rule, principal, msg string, fix []string) *Finding {
		r, _ := AuditRuleByID(rule)
		if fix == nil {
			fix = []string{}
		}
		out = append(out, Finding{Rule: rule, Severity: r.Severity, Cluster: c.Cluster, Region: c.Region, Principal: principal, Message: msg, Fix: fix})
		return &out[len(out)-1]
	}
	configMapOnly := strings.EqualFold(c.AuthMode, "CONFIG_MAP")
	if configMapOnly || strings.EqualFold(c.AuthMode, "API_AND_CONFIG_MAP") {
		msg := fmt.Sprintf("cluster %s honours the aws-auth ConfigMap (authentication mode %s): whoever can edit it in kube-system grants access the EKS API cannot list", c.Cluster, c.AuthMode)
		fix := []string{fmt.Sprintf("eksaccess auth-mode --cluster %s --set API", clusterArgs(c.Cluster, c.CommandRegion))}
		if configMapOnly {
			msg += "; the cluster ignores access entries until it moves to API_AND_CONFIG_MAP"
			fix = []string{fmt.Sprintf("eksaccess auth-mode --cluster %s --set API_AND_CONFIG_MAP", clusterArgs(c.Cluster, c.CommandRegion))}
		}
		fix = slices.Insert(fix, 0, fmt.Sprintf("kubectl get configmap aws-auth -n kube-system -o yaml | eksaccess import aws-auth -f - --cluster %s > access.yaml && eksaccess apply -f access.yaml", clusterArgs(c.Cluster, c.CommandRegion)))
		add(RuleAWSAuthHonoured, "", msg+"; move its mappings to access entries, then set the mode to API", fix)
	}
	if configMapOnly {
		return out
	}
	entries := slices.Clone(c.Entries)
	slices.SortFunc(entries, func(a, b AuditEntry) int {
		return strings.Compare(a.Entry.PrincipalARN.String(), b.Entry.PrincipalARN.String())
	})
	for _, e := range entries {
		p := e.Entry.PrincipalARN.String()
		standard := isStandard(string(e.Entry.Type))
		// The entry's own principal, asked of Explain with only its
		// entry: the reason it gives is audit's finding of that id.
		facts := Facts{Cluster: c.Cluster, CommandRegion: c.CommandRegion, AuthMode: c.AuthMode, Caller: c.Caller, Identity: e.Identity, Entries: []EntryFacts{e.EntryFacts}}
		x := Explain(facts)
		if x.Match != nil {
			for _, r := range x.Reasons {
				f := add(r.Code, p, r.Message, r.Fix)
				switch r.Code {
				case RuleRecreated:
					f.ReplaceWith = p
				case RuleSSOReprovisioned:
					f.ReplaceWith = e.Identity.ReprovisionedAs
				}
				if f.ReplaceWith != "" {
					f.Fix = slices.Insert(f.Fix, 0, fmt.Sprintf("eksaccess audit --cluster %s --fix", clusterArgs(c.Cluster, c.CommandRegion)))
					f.Recreate = facts.createCmd(f.ReplaceWith, e.EntryFacts)
				}
			}
		}
		if standard && clusterWideAdmin(e.Policies) != "" {
			add(RuleClusterAdmin, p, fmt.Sprintf("%s holds %s at cluster scope (for review)", p, clusterWideAdmin(e.Policies)),
				[]string{fmt.Sprintf("eksaccess policy disassociate --cluster %s --principal %s --policy %s", clusterArgs(c.Cluster, c.CommandRegion), ShellWord(p), clusterWideAdmin(e.Policies))})
		}
		if e.Entry.PrincipalARN.IsUser() {
			add(RuleIAMUser, p, fmt.Sprintf("%s is a long-term IAM user: give it an IAM role (or an IAM Identity Center permission set) with this access, then delete this entry", p),
				[]string{fmt.Sprintf("eksaccess delete --cluster %s --principal %s --yes", clusterArgs(c.Cluster, c.CommandRegion), ShellWord(p))})
		}
		if acct := e.Entry.PrincipalARN.Account(); standard && c.Account != "" && acct != "" && acct != c.Account {
			add(RuleCrossAccount, p, fmt.Sprintf("%s is in account %s, and cluster %s in account %s (for review)", p, acct, c.Cluster, c.Account),
				[]string{fmt.Sprintf("eksaccess describe --cluster %s --principal %s --with-policies", clusterArgs(c.Cluster, c.CommandRegion), ShellWord(p))})
		}
	}
	if len(c.Scope) > 0 {
		for i := range out {
			for j, cmd := range out[i].Fix {
				out[i].Fix[j] = scoped(cmd, c.Cluster, c.Scope)
			}
			if out[i].Recreate != "" {
				out[i].Recreate = scoped(out[i].Recreate, c.Cluster, c.Scope)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if d := b.Severity.Rank() - a.Severity.Rank(); d != 0 {
			return d
		}
		if d := ruleIndex(a.Rule) - ruleIndex(b.Rule); d != 0 {
			return d
		}
		return strings.Compare(a.Principal, b.Principal)
	})
	return out
}

// scoped adds scope's flags to each eksaccess command of a fix (commands
// joined by "&&" or "|"): after its --cluster CLUSTER, or at its end (before
// a redirection). Other commands (kubectl) are left as they are.
func scoped(fix, cluster string, scope []string) string {
	flags := make([]string, len(scope))
	for i, f := range scope {
		flags[i] = ShellWord(f)
	}
	add := " " + strings.Join(flags, " ")
	words := strings.Split(fix, " ")
	var out []string
	inEKSAccess, added := false, false
	finish := func() {
		if inEKSAccess && !added {
			out = append(out, add[1:])
		}
		inEKSAccess, added = false, false
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "&&" || w == "|" || w == ">" || w == "||":
			finish()
			out = append(out, w)
			continue
		case w == "eksaccess" && (i == 0 || out[len(out)-1] == "&&" || out[len(out)-1] == "|" || out[len(out)-1] == "||"):
			inEKSAccess = true
		}
		out = append(out, w)
		if inEKSAccess && !added && w == "--cluster" && i+1 < len(words) && words[i+1] == ShellWord(cluster) {
			out = append(out, words[i+1])
			i++
			if i+2 < len(words) && words[i+1] == "--region" { // CommandRegion's
				out = append(out, words[i+1], words[i+2])
				i += 2
			}
			out = append(out, add[1:])
			added = true
		}
	}
	finish()
	return strings.Join(out, " ")
}

func ruleIndex(id string) int {
	return slices.IndexFunc(AuditRules, func(r AuditRule) bool { return r.ID == id })
}

// clusterWideAdmin is the admin policy policies hold at cluster scope
// (AmazonEKSClusterAdminPolicy first), or "".
func clusterWideAdmin(policies []AssociatedPolicy) string {
	for _, name := range []string{ClusterAdminPolicy, "AmazonEKSAdminPolicy"} {
		if slices.ContainsFunc(policies, func(p AssociatedPolicy) bool {
			return PolicyName(p.PolicyARN) == name && p.AccessScope.Type == ScopeCluster
		}) {
			return name
		}
	}
	return ""
}
