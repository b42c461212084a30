package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The AWS API calls each command may make, as IAM actions, and when: the
// one source for docs/guides/iam-policy.md's per-command table and for
// docs/iam-policy.json (both written by cmd/gendocs). A test in
// cmd/eksaccess runs every command against the emulator and fails when one
// makes a call its entry here does not list, or when a call listed here is
// made by no run of the command: change a command's calls, change this.

// APICall is an IAM action a command may need, and when it does.
type APICall struct {
	Action string // "eks:CreateAccessEntry"
	When   string // "" for every run that reaches AWS; else the condition, in Markdown
}

// CommandCalls are the calls of one command.
type CommandCalls struct {
	Command string // the command's path below eksaccess: "policy associate"
	Calls   []APICall
}

const (
	guardCaller = "unless `--force` (the lockout guard asks who you are)"
	guardOwn    = "when the entry is your own, unless `--force` (the lockout guard reads what it grants)"
	catalog     = "checks the policy names against the catalog"
	// the lockout guard of a create: in API_AND_CONFIG_MAP your own new
	// entry takes precedence over aws-auth
	ownWithoutAdmin = "when it would create your own entry without cluster admin, unless `--force` (does aws-auth count?)"
	// an sso:NAME principal is resolved before anything is sent
	ssoCaller = "with an `sso:NAME` principal (whose account's IAM Identity Center roles IAM lists)"
	ssoList   = "with an `sso:NAME` principal (the role of the permission set, under `/aws-reserved/sso.amazonaws.com/`)"
	fileSSO   = "when the file names `sso:NAME` principals"
	// A fleet (several clusters, regions or profiles): fleet.go.
	fleetListClusters = "with `--all-clusters`, in each region; with `--all-regions` and `--cluster`, to find the regions of the clusters named"
	fleetCaller       = "when reading several clusters, regions or profiles: each profile's account, for the results"
)

// commandCalls lists every command that calls AWS. Commands not here call
// nothing: noCalls.
var commandCalls = []CommandCalls{
	{"create", []APICall{
		{"eks:CreateAccessEntry", "unless `--if-not-exists` finds the entry"},
		{"eks:ListAccessPolicies", "with `--policy`: " + catalog},
		{"eks:AssociateAccessPolicy", "with `--policy`"},
		{"eks:DescribeAccessEntry", "with `--if-not-exists`"},
		{"eks:ListAssociatedAccessPolicies", "with `--if-not-exists`, when the entry exists"},
		{"sts:GetCallerIdentity", "unless `--force` or the entry holds cluster admin (is it your own?); " + ssoCaller},
		{"eks:DescribeCluster", ownWithoutAdmin},
		{"iam:ListRoles", ssoList + ", `--dry-run` too"},
	}},
	{"describe", []APICall{
		{"eks:DescribeAccessEntry", ""},
		{"eks:ListAssociatedAccessPolicies", "for the table and text output (the POLICIES row), and with `--with-policies`"},
		{"sts:GetCallerIdentity", ssoCaller},
		{"iam:ListRoles", ssoList},
	}},
	{"list", []APICall{
		{"eks:ListAccessEntries", ""},
		{"eks:ListAccessPolicies", "with `--associated-policy`: " + catalog},
		{"eks:DescribeAccessEntry", "with `--details`"},
		{"eks:ListAssociatedAccessPolicies", "with `--details`"},
		{"eks:ListClusters", fleetListClusters},
		{"sts:GetCallerIdentity", fleetCaller},
	}},
	{"update", []APICall{
		{"eks:DescribeAccessEntry", ""},
		{"eks:UpdateAccessEntry", ""},
		{"sts:GetCallerIdentity", guardCaller + "; " + ssoCaller},
		{"eks:ListAssociatedAccessPolicies", guardOwn},
		{"iam:ListRoles", ssoList},
	}},
	{"delete", []APICall{
		{"eks:DescribeAccessEntry", ""},
		{"eks:DeleteAccessEntry", "when the entry exists"},
		{"sts:GetCallerIdentity", guardCaller + "; " + ssoCaller},
		{"eks:ListAssociatedAccessPolicies", guardOwn},
		{"eks:DescribeCluster", "with `--if-exists`, when the entry does not exist (is the cluster there?)"},
		{"iam:ListRoles", ssoList},
	}},
	{"policy associate", []APICall{
		{"eks:ListAccessPolicies", catalog},
		{"eks:AssociateAccessPolicy", ""},
		{"sts:GetCallerIdentity", guardCaller + "; " + ssoCaller},
		{"eks:DescribeAccessEntry", guardOwn + "; when the entry is not found (is it new, still propagating?)"},
		{"eks:ListAssociatedAccessPolicies", guardOwn},
		{"iam:ListRoles", ssoList},
	}},
	{"policy disassociate", []APICall{
		{"eks:DisassociateAccessPolicy", ""},
		{"sts:GetCallerIdentity", guardCaller + "; " + ssoCaller},
		{"eks:DescribeAccessEntry", guardOwn},
		{"eks:ListAssociatedAccessPolicies", guardOwn + "; when the policy is not associated (to suggest the ones that are)"},
		{"eks:AssociateAccessPolicy", "when another writer's change and this one together left you no access: puts the policy back"},
		{"iam:ListRoles", ssoList},
	}},
	{"policy list", []APICall{
		{"eks:ListAccessPolicies", ""},
	}},
	{"policy list-associated", []APICall{
		{"eks:ListAssociatedAccessPolicies", ""},
		{"sts:GetCallerIdentity", ssoCaller},
		{"iam:ListRoles", ssoList},
	}},
	{"apply", []APICall{
		{"sts:GetCallerIdentity", guardCaller + "; " + fileSSO},
		{"iam:ListRoles", fileSSO + " (the role of each permission set, under `/aws-reserved/sso.amazonaws.com/`; on every run)"},
		{"eks:ListAccessPolicies", "when the file names policies: " + catalog},
		{"eks:ListAccessEntries", ""},
		{"eks:DescribeAccessEntry", "for every entry"},
		{"eks:ListAssociatedAccessPolicies", "for every entry"},
		{"eks:CreateAccessEntry", "when the plan creates an entry (tagged `managed-by=eksaccess`)"},
		{"eks:AssociateAccessPolicy", "when the plan adds a policy or changes its scope"},
		{"eks:UpdateAccessEntry", "when the plan changes groups or username"},
		{"eks:TagResource", "when the plan adds or changes tags"},
		{"eks:UntagResource", "when the plan removes tags"},
		{"eks:DisassociateAccessPolicy", "when the plan removes a policy"},
		{"eks:DeleteAccessEntry", "with `--prune`, when the plan deletes an entry"},
		{"eks:DescribeCluster", ownWithoutAdmin},
	}},
	{"diff", []APICall{
		{"sts:GetCallerIdentity", guardCaller + "; " + fileSSO},
		{"iam:ListRoles", fileSSO + " (the role of each permission set, under `/aws-reserved/sso.amazonaws.com/`)"},
		{"eks:ListAccessPolicies", "when the file names policies: " + catalog},
		{"eks:ListAccessEntries", ""},
		{"eks:DescribeAccessEntry", "for every entry"},
		{"eks:ListAssociatedAccessPolicies", "for every entry"},
		{"eks:DescribeCluster", ownWithoutAdmin},
	}},
	{"export", []APICall{
		{"eks:ListAccessEntries", ""},
		{"eks:DescribeAccessEntry", "for every entry"},
		{"eks:ListAssociatedAccessPolicies", "for every entry"},
		{"eks:ListClusters", fleetListClusters},
		{"sts:GetCallerIdentity", fleetCaller + "; with `--sso-names`, when an entry is of an IAM Identity Center role (whose account's roles IAM lists)"},
		{"iam:ListRoles", "with `--sso-names`, when an entry is of an IAM Identity Center role: does IAM still have it? (under `/aws-reserved/sso.amazonaws.com/`)"},
	}},
	{"auth-mode", []APICall{
		{"eks:DescribeCluster", ""},
		{"eks:UpdateClusterConfig", "with `--set`, when the mode changes"},
		{"eks:ListAccessEntries", "with `--set API`, unless `--force` (the lockout guard: does the cluster have entries?)"},
		{"sts:GetCallerIdentity", "with `--set API`, unless `--force`, when the cluster has entries"},
		{"eks:DescribeAccessEntry", "with `--set API`, unless `--force`: your own entries"},
		{"eks:ListAssociatedAccessPolicies", "with `--set API`, unless `--force`: your own entries"},
	}},
	{"whoami", []APICall{
		{"sts:GetCallerIdentity", ""},
		{"iam:GetRole", "when you are a role (its path and creation date); with `--cluster`, for each entry naming another IAM Identity Center role of your permission set (does it still exist?)"},
		{"iam:GetUser", "when you are an IAM user (its creation date)"},
		{"iam:ListRoles", "when you are an IAM Identity Center role IAM no longer has (the role its permission set was re-provisioned as)"},
		{"eks:DescribeCluster", "with `--cluster` (its authentication mode)"},
		{"eks:ListAccessEntries", "with `--cluster`, unless the cluster honours only aws-auth"},
		{"eks:DescribeAccessEntry", "with `--cluster`, for each entry that may be yours"},
		{"eks:ListAssociatedAccessPolicies", "with `--cluster`, for each entry that may be yours"},
	}},
	{"who", []APICall{
		{"sts:GetCallerIdentity", "for a role or user (is it in the credentials' account, whose IAM they read?)"},
		{"iam:GetRole", "for a role (its path and creation date), and for each entry naming another IAM Identity Center role of its permission set (does it still exist?)"},
		{"iam:GetUser", "for a user (its path and creation date)"},
		{"iam:ListRoles", "for an IAM Identity Center role IAM no longer has (the role its permission set was re-provisioned as); " + ssoList},
		{"eks:ListClusters", fleetListClusters},
		{"eks:DescribeCluster", "for each cluster (its authentication mode)"},
		{"eks:ListAccessEntries", "for each cluster, unless it honours only aws-auth"},
		{"eks:DescribeAccessEntry", "for each entry that may be the principal's"},
		{"eks:ListAssociatedAccessPolicies", "for each entry that may be the principal's"},
	}},
	{"audit", []APICall{
		{"sts:GetCallerIdentity", "once per profile (the caller, for the fixes' --force and --fix's lockout guard; and, when reading several clusters, regions or profiles, each profile's account)"},
		{"eks:ListClusters", fleetListClusters + "; with `--all-regions` alone, in each region"},
		{"eks:DescribeCluster", "for each cluster (its authentication mode, its account)"},
		{"eks:ListAccessEntries", "for each cluster, unless it honours only aws-auth"},
		{"eks:DescribeAccessEntry", "for each entry"},
		{"eks:ListAssociatedAccessPolicies", "for each entry"},
		{"iam:GetRole", "once for each role an entry names, in each account read with its own credentials (its creation date; does it exist?)"},
		{"iam:GetUser", "once for each user an entry names, in each account read with its own credentials"},
		{"iam:ListRoles", "when an entry names an IAM Identity Center role IAM no longer has (the role its permission set was re-provisioned as)"},
		{"eks:DeleteAccessEntry", "with `--fix`, for each entry it repairs"},
		{"eks:CreateAccessEntry", "with `--fix`, for each entry it repairs"},
		{"eks:AssociateAccessPolicy", "with `--fix`, for each policy of an entry it repairs"},
	}},
	{"import aws-auth", []APICall{
		{"sts:GetCallerIdentity", "with `--resolve` (whose account's IAM the credentials read)"},
		{"iam:GetRole", "with `--resolve`, for each role the file maps (its path; is it there?)"},
		{"iam:GetUser", "with `--resolve`, for each user the file maps (its path; is it there?)"},
	}},
	{"__complete", []APICall{
		{"eks:ListClusters", "completing `--cluster`"},
		{"eks:ListAccessEntries", "completing `--principal`"},
		{"eks:ListAccessPolicies", "completing `--policy`"},
		{"eks:ListAssociatedAccessPolicies", "completing `--policy` of `policy disassociate`"},
	}},
}

// noCalls are the commands that call nothing.
var noCalls = []string{"version", "completion", "help"}

// APICalls returns the calls of every command that calls AWS, in the
// order of the docs.
func APICalls() []CommandCalls {
	out := make([]CommandCalls, len(commandCalls))
	for i, c := range commandCalls {
		out[i] = CommandCalls{Command: c.Command, Calls: slices.Clone(c.Calls)}
	}
	return out
}

// NoAPICalls returns the commands that call nothing (a parent stands for
// its subcommands: completion for completion bash, ...).
func NoAPICalls() []string { return slices.Clone(noCalls) }

// IAMStatement is a statement of the policy docs/iam-policy.json.
type IAMStatement struct {
	Sid      string
	Actions  []string
	Resource []string
	Why      string // what needs it, for the guide's table (the commands are added)
}

const (
	policyClusterARN = "arn:aws:eks:*:111122223333:cluster/*"
	policyEntryARN   = "arn:aws:eks:*:111122223333:access-entry/*"
	policyRoleARN    = "arn:aws:iam::111122223333:role/*"
	policyUserARN    = "arn:aws:iam::111122223333:user/*"
)

// iamStatements group the actions of commandCalls into the statements of
// the policy: a role drops the ones it does not need.
var iamStatements = []IAMStatement{
	{"ReadAccessEntries", []string{"eks:ListAccessEntries", "eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies"}, []string{policyClusterARN, policyEntryARN}, "reading entries and their policies"},
	{"ReadAccessPolicyCatalog", []string{"eks:ListAccessPolicies"}, []string{"*"}, "the policy catalog (it has no resource)"},
	{"WriteAccessEntries", []string{"eks:CreateAccessEntry", "eks:UpdateAccessEntry", "eks:DeleteAccessEntry", "eks:AssociateAccessPolicy", "eks:DisassociateAccessPolicy"}, []string{policyClusterARN, policyEntryARN}, "changing entries and their policies"},
	{"TagAccessEntries", []string{"eks:TagResource", "eks:UntagResource"}, []string{policyEntryARN}, "`apply`'s tags on the entries it manages"},
	{"AuthenticationMode", []string{"eks:DescribeCluster", "eks:UpdateClusterConfig"}, []string{policyClusterARN}, "the cluster's authentication mode"},
	{"ListClusters", []string{"eks:ListClusters"}, []string{"*"}, "cluster names: `--all-clusters` (`list`, `export`, `who`, `audit`) and shell completion"},
	{"WhoAmI", []string{"sts:GetCallerIdentity"}, []string{"*"}, "who is calling, for the lockout guard, `whoami`, and the account of each result of a fleet read"},
	{"ReadIAMPrincipals", []string{"iam:GetRole", "iam:GetUser"}, []string{policyRoleARN, policyUserARN}, "IAM's record of a role or user: its path and creation date, for `whoami`, `who`, `audit` and `import aws-auth --resolve` (read-only)"},
	{"ListIAMRoles", []string{"iam:ListRoles"}, []string{"*"}, "the role IAM Identity Center provisioned for a permission set, for `sso:NAME` principals, `whoami`, `who` and `audit` (read-only; iam:ListRoles has no resource type, so it takes `*`)"},
}

// IAMStatements returns the statements of docs/iam-policy.json.
func IAMStatements() []IAMStatement {
	out := make([]IAMStatement, len(iamStatements))
	for i, s := range iamStatements {
		out[i] = IAMStatement{Sid: s.Sid, Actions: slices.Clone(s.Actions), Resource: slices.Clone(s.Resource), Why: s.Why}
	}
	return out
}

// IAMPolicyJSON renders docs/iam-policy.json.
func IAMPolicyJSON() ([]byte, error) {
	type statement struct {
		Sid      string
		Effect   string
		Action   []string
		Resource any
	}
	doc := struct {
		Version   string
		Statement []statement
	}{Version: "2012-10-17"}
	for _, s := range iamStatements {
		var res any = s.Resource
		if len(s.Resource) == 1 {
			res = s.Resource[0]
		}
		doc.Statement = append(doc.Statement, statement{Sid: s.Sid, Effect: "Allow", Action: s.Actions, Resource: res})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// commandsNeeding returns the commands that may call one of actions,
// backticked, in commandCalls's order.
func commandsNeeding(actions []string) []string {
	var out []string
	for _, c := range commandCalls {
		for _, call := range c.Calls {
			if slices.Contains(actions, call.Action) {
				out = append(out, "`"+docName(c.Command)+"`")
				break
			}
		}
	}
	return out
}

// docName is how the docs name a command: __complete is the shell's
// completion at the TAB key.
func docName(command string) string {
	if command == "__complete" {
		return "completion (TAB)"
	}
	return command
}

// IAMStatementsMarkdown renders the guide's table of statements.
func IAMStatementsMarkdown() string {
	var b strings.Builder
	b.WriteString("| statement (`Sid`) | actions | for | needed by |\n|---|---|---|---|\n")
	for _, s := range iamStatements {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", s.Sid, backtickList(s.Actions), s.Why, strings.Join(commandsNeeding(s.Actions), ", "))
	}
	return b.String()
}

// APICallsMarkdown renders the guide's table of every command's calls.
func APICallsMarkdown() string {
	var b strings.Builder
	b.WriteString("| command | action | when |\n|---|---|---|\n")
	for _, c := range commandCalls {
		for i, call := range c.Calls {
			name := ""
			if i == 0 {
				name = "`" + docName(c.Command) + "`"
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s |\n", name, call.Action, cmpOr(call.When, "always"))
		}
	}
	names := make([]string, len(noCalls))
	for i, n := range noCalls {
		names[i] = "`" + n + "`"
	}
	fmt.Fprintf(&b, "\n%s call nothing.\n", strings.Join(names, ", "))
	return b.String()
}

func backtickList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Generated sections of a Markdown file lie between a line
// "<!-- generated: NAME -->" and a line "<!-- end generated -->".

// ReplaceGenerated replaces the section NAME of md with content.
func ReplaceGenerated(md, name, content string) (string, error) {
	begin := "<!-- generated: " + name + " -->\n"
	const end = "<!-- end generated -->\n"
	i := strings.Index(md, begin)
	if i < 0 {
		return "", fmt.Errorf("no line %q", strings.TrimSpace(begin))
	}
	j := strings.Index(md[i:], end)
	if j < 0 {
		return "", fmt.Errorf("%q has no %q after it", strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	return md[:i] + begin + content + md[i+j:], nil
}

// IAMGuide rewrites the generated sections of docs/guides/iam-policy.md.
func IAMGuide(md string) (string, error) {
	md, err := ReplaceGenerated(md, "iam-statements", IAMStatementsMarkdown())
	if err != nil {
		return "", err
	}
	return ReplaceGenerated(md, "api-calls", APICallsMarkdown())
}
