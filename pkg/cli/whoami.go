package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

type whoamiOptions struct {
	deps    *Deps
	cluster access.ClusterName
	region  bool // --region given: the fix commands carry it
}

func newWhoamiCmd(deps *Deps, runF func(context.Context, *whoamiOptions) error) *cobra.Command {
	opts := &whoamiOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "whoami [--cluster NAME]",
		Short: "Show who you are to EKS, and why a cluster lets you in or not",
		Long: `Show who the credentials belong to (STS GetCallerIdentity), as the IAM
role or user ARN an access entry must name: an assumed-role session
(arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION) is its role, whose path
IAM knows (GetRole) and the session ARN does not carry.

With --cluster (or EKSACCESS_CLUSTER), also how the cluster sees you: the
access entry that matches, with its type, username, groups and access
policies with their scopes; or every reason none grants you anything, each
with the commands that fix it:

  no-entry             no access entry names you
  other-arn-form       an entry names your role or user under another path
                       (none, or a different one): EKS matches the whole ARN
  recreated-principal  your role or user was created again after its entry,
                       which holds the old one's unique ID and grants nothing
  sso-reprovisioned    an entry names the IAM Identity Center role your
                       permission set had before it was re-provisioned
  aws-auth-only        the cluster's authentication mode is CONFIG_MAP: it
                       ignores access entries (only aws-auth counts)
  grants-nothing       your entry is STANDARD with no access policy and no
                       Kubernetes group
  deleted-principal    IAM no longer has your role or user: its entry holds
                       the deleted one's unique ID and grants nothing

Every fix runs as printed. The fix commands that delete an entry of your
name carry --force: the lockout guard would take it for yours, though it
grants you nothing. A create of your own entry without cluster admin in a
cluster that honours aws-auth (API_AND_CONFIG_MAP) carries --force too, and
its reason says so: the new entry takes precedence over aws-auth, so what
aws-auth gives you ends with it; add --policy AmazonEKSClusterAdminPolicy
to keep cluster admin. Where several entries name your role under other
paths, one create copies the one that grants most (the newest on a tie),
and each is deleted. A create copies the old entry's type, username,
groups, tags (--tag-literal where --tag would split the value) and
policies; a Kubernetes group holding a comma cannot be given with --group,
and the reason says to add it with apply and a file.

Where IAM cannot be read (access denied), a warning line says what could
not be checked, and whoami goes on: an entry of your role's name under any
path is then taken for yours, and a recreated role goes unnoticed.

Exit codes: 0 when your entry grants something (or without --cluster), 3
when it does not, as when no entry matches.

-o json (and yaml) print:

  {"caller": STS ARN, "principal": {"arn", "kind", "name", "createDate"},
   "cluster": {"name", "authenticationMode", "accessEntry" (or null),
     "associatedAccessPolicies", "grantsAccess",
     "reasons": [{"code", "message", "entry", "fix": [commands]}]},
   "unchecked": [what IAM could not tell]}

("cluster" only with --cluster; --query principal.arn, --query
cluster.reasons[].code).`,
		Example: `  eksaccess whoami
  eksaccess whoami --cluster prod
  eksaccess whoami --cluster prod -o json --query 'cluster.reasons[].fix[]'`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runWhoami),
	}
	cmdutil.ClusterFlag(cmd, &opts.cluster)
	return cmd
}

// validate fills --cluster from EKSACCESS_CLUSTER when it is set; whoami
// needs no cluster.
func (o *whoamiOptions) validate(cmd *cobra.Command) error {
	o.region = regionGiven(cmd)
	if o.cluster != "" || o.deps.Env("EKSACCESS_CLUSTER") == "" {
		return nil
	}
	return cmdutil.RequireCluster(o.deps.Env, &o.cluster)
}

func runWhoami(ctx context.Context, o *whoamiOptions) error {
	client, err := o.deps.Client(ctx)
	if err != nil {
		return err
	}
	caller, err := client.CallerIdentity(ctx)
	if cmdutil.StoppedBy(ctx, err) {
		return err // Ctrl-C, SIGTERM, --timeout: no hint about where STS is
	}
	if err != nil {
		return cmdutil.WithHint(err, "STS calls go to AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL, not --endpoint-url")
	}
	id, err := access.CallerIdentity(caller)
	if err != nil {
		return fmt.Errorf("get caller identity: %w", err)
	}
	iam := &iamReader{client: client}
	id, err = iam.restore(ctx, id)
	if err != nil {
		return err
	}
	doc := whoamiDoc{Caller: caller, Principal: id}
	if o.cluster != "" {
		view, err := readClusterView(ctx, client, iam, o.cluster, id, caller, commandRegion(o.region, client, client))
		if err != nil {
			return err
		}
		doc.Cluster = &view
	}
	doc.Unchecked = iam.warnings()
	cmdutil.Warn(o.deps.IO.ErrOut, doc.Unchecked...)
	if err := o.deps.print(whoamiResult(doc)); err != nil {
		return err
	}
	if doc.Cluster != nil && !doc.Cluster.GrantsAccess {
		return cmdutil.Silent(cmdutil.ExitNotFound) // the result said why
	}
	return nil
}

// whoamiDoc is whoami's JSON and YAML document.
type whoamiDoc struct {
	Caller    string          `json:"caller"`
	Principal access.Identity `json:"principal"`
	Cluster   *clusterView    `json:"cluster,omitempty"`
	Unchecked []string        `json:"unchecked"`
}

// clusterView is how a cluster sees an identity: the entry it matches,
// or why none grants it anything.
type clusterView struct {
	Name               string                    `json:"name"`
	AuthenticationMode string                    `json:"authenticationMode"`
	AccessEntry        *access.Entry             `json:"accessEntry"`
	Policies           []access.AssociatedPolicy `json:"associatedAccessPolicies"`
	GrantsAccess       bool                      `json:"grantsAccess"`
	Reasons            []access.Reason           `json:"reasons"`
}

// iamReader reads IAM for whoami and who: once IAM has refused a read, it
// reads no more (each read would be refused too) and keeps one warning
// line per check that could not be made.
type iamReader struct {
	client *eksapi.Client
	mu     sync.Mutex // exists runs for several clusters at once (who)
	denied bool
	lines  []string
}

// add records a warning line.
func (r *iamReader) add(line string) { r.lines = append(r.lines, line) }

func (r *iamReader) warnings() []string {
	if r.lines == nil {
		return []string{}
	}
	return r.lines
}

// unchecked records err when it is an IAM check that could not be made
// (with what the command does without it) and reports whether it was.
func (r *iamReader) unchecked(err error, consequence string) bool {
	var u *eksapi.UncheckedError
	if !errors.As(err, &u) {
		return false
	}
	r.denied = r.denied || errors.Is(err, eksapi.ErrAccessDenied)
	r.add(u.Warning() + ": " + consequence)
	return true
}

// restore completes id from IAM: a role's path, and the creation date of
// a role or user. IAM denied: id as it is, and a warning.
func (r *iamReader) restore(ctx context.Context, id access.Identity) (access.Identity, error) {
	var (
		p   eksapi.IAMPrincipal
		err error
	)
	switch id.Kind {
	case "role":
		p, err = r.client.GetRole(ctx, id.Name)
	case "user":
		p, err = r.client.GetUser(ctx, id.Name)
	default:
		return id, nil // root: IAM keeps no record of it
	}
	switch {
	case err == nil:
		return id.WithIAM(p.ARN, p.Created), nil
	case r.unchecked(err, fmt.Sprintf("its path and creation date are unknown, so an entry of its name under any path counts as its own, and a %s created again after its entry goes unnoticed", id.Kind)):
		return id, nil
	case errors.Is(err, eksapi.ErrNotFound):
		return r.gone(ctx, id, fmt.Sprintf("IAM has no %s %s (deleted since the credentials were issued?): its path and creation date are unknown, and an entry for it grants nothing", id.Kind, id.Name))
	}
	return id, err
}

// gone marks id as a role or user IAM does not have, with the warning
// line; for an IAM Identity Center role, it looks for the role IAM now
// has for its permission set (ListRoles), which the warning names.
func (r *iamReader) gone(ctx context.Context, id access.Identity, warning string) (access.Identity, error) {
	id.Gone = true
	if ps := access.SSOPermissionSet(id.ARN); ps != "" && id.Kind == "role" {
		roles, err := r.client.ListRoles(ctx, ssoRolePath)
		switch {
		case err == nil:
			if newest := newestSSORole(roles, id.ARN); newest.ARN != "" {
				id.ReprovisionedAs = newest.ARN
				warning += fmt.Sprintf("; its permission set %s was re-provisioned as %s", ps, newest.ARN)
			}
		case r.unchecked(err, "whether the permission set was re-provisioned is unknown"):
		default:
			return id, err
		}
	}
	r.add(warning)
	return id, nil
}

// ssoRolePath is the path IAM Identity Center provisions its roles under.
const ssoRolePath = "/aws-reserved/sso.amazonaws.com/"

// sameAccount reports whether two ARNs are of one partition and account.
func sameAccount(a, b string) bool {
	x, errX := arn.Parse(a)
	y, errY := arn.Parse(b)
	return errX == nil && errY == nil && x.Partition == y.Partition && x.AccountID == y.AccountID
}

// exists says whether IAM has the role of principal (for an IAM Identity
// Center role an entry names), without asking once IAM refused.
func (r *iamReader) exists(ctx context.Context, principal string) (access.PrincipalState, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.denied {
		return access.PrincipalUnknown, nil
	}
	name := principal[strings.LastIndexByte(principal, '/')+1:]
	_, err := r.client.GetRole(ctx, name)
	switch {
	case err == nil:
		return access.PrincipalExists, nil
	case r.unchecked(err, "whether the permission set was re-provisioned is unknown"):
		return access.PrincipalUnknown, nil
	case errors.Is(err, eksapi.ErrNotFound):
		return access.PrincipalGone, nil
	}
	return access.PrincipalUnknown, err
}

// readClusterView reads what access.Explain needs of cluster for id (the
// cluster's mode; the entries that may be id's, described, with their
// policies; whether the IAM Identity Center roles they name still exist)
// and returns its conclusion. caller is STS's ARN ("" when unknown);
// region is the --region the fix commands carry (commandRegion).
func readClusterView(ctx context.Context, client *eksapi.Client, iam *iamReader, cluster access.ClusterName, id access.Identity, caller, region string) (clusterView, error) {
	cl, err := client.DescribeCluster(ctx, cluster)
	if err != nil {
		return clusterView{}, err
	}
	facts := access.Facts{Cluster: string(cluster), CommandRegion: region, AuthMode: cl.AuthenticationMode, Caller: caller, Identity: id}
	if !strings.EqualFold(cl.AuthenticationMode, string(modeConfigMap)) {
		if facts.Entries, err = readRelated(ctx, client, iam, cluster, id); err != nil {
			return clusterView{}, err
		}
	}
	x := access.Explain(facts)
	view := clusterView{
		Name:               string(cluster),
		AuthenticationMode: cl.AuthenticationMode,
		Policies:           []access.AssociatedPolicy{},
		GrantsAccess:       x.Grants(),
		Reasons:            x.Reasons,
	}
	if view.Reasons == nil {
		view.Reasons = []access.Reason{}
	}
	if x.Match != nil {
		view.AccessEntry = &x.Match.Entry
		view.Policies = cmdutil.SortPolicies(x.Match.Policies)
	}
	return view, nil
}

// readRelated describes the entries of cluster that may be id's
// (access.Related), with their policies.
func readRelated(ctx context.Context, client *eksapi.Client, iam *iamReader, cluster access.ClusterName, id access.Identity) ([]access.EntryFacts, error) {
	listed, err := client.ListEntries(ctx, cluster, eksapi.ListOptions{})
	if err != nil {
		return nil, err
	}
	arns := make([]string, len(listed))
	for i, p := range listed {
		arns[i] = p.String()
	}
	related := access.Related(id, arns)
	siblings := access.SSOSiblings(id, related)
	var out []access.EntryFacts
	for _, arn := range related {
		p := access.UncheckedPrincipalARN(arn)
		e, err := client.DescribeEntry(ctx, cluster, p)
		if errors.Is(err, eksapi.ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return nil, err
		}
		policies, err := client.ListAssociatedPolicies(ctx, cluster, p)
		if errors.Is(err, eksapi.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		f := access.EntryFacts{Entry: e, Policies: policies}
		for _, s := range siblings {
			if s == arn {
				if f.Principal, err = iam.exists(ctx, arn); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// whoamiResult renders whoami: a field/value table for people.
func whoamiResult(doc whoamiDoc) output.Result {
	rows := [][]string{
		{"CALLER", doc.Caller},
		{"PRINCIPAL", doc.Principal.ARN},
	}
	if !doc.Principal.Created.IsZero() {
		rows = append(rows, []string{"CREATED", cmdutil.Timestamp(doc.Principal.Created)})
	}
	if v := doc.Cluster; v != nil {
		rows = append(rows, clusterRows(*v)...)
	}
	return output.Result{Doc: doc, Table: output.Table{Header: []string{"FIELD", "VALUE"}, Rows: rows}}
}

// clusterRows are the table rows of a clusterView.
func clusterRows(v clusterView) [][]string {
	rows := [][]string{
		{"CLUSTER", v.Name},
		{"AUTH MODE", v.AuthenticationMode},
	}
	if e := v.AccessEntry; e != nil {
		rows = append(rows,
			[]string{"ENTRY", e.PrincipalARN.String()},
			[]string{"TYPE", e.Type.String()},
			[]string{"USERNAME", e.Username},
			[]string{"GROUPS", strings.Join(e.KubernetesGroups, ",")},
			[]string{"POLICIES", cmdutil.PolicySummary(v.Policies)},
		)
	} else if !strings.EqualFold(v.AuthenticationMode, string(modeConfigMap)) {
		rows = append(rows, []string{"ENTRY", "none"})
	}
	grants := "yes"
	if !v.GrantsAccess {
		grants = "no"
	}
	rows = append(rows, []string{"ACCESS", grants})
	for _, r := range v.Reasons {
		rows = append(rows, []string{"WHY NOT", r.Code + ": " + r.Message})
		for _, f := range r.Fix {
			rows = append(rows, []string{"FIX", f})
		}
	}
	return rows
}

// regionGiven reports whether --region was on the command line.
func regionGiven(cmd *cobra.Command) bool {
	f := cmd.Flags().Lookup("region")
	return f != nil && f.Changed
}

// commandRegion is the --region of the commands printed for a cluster
// that c reads (the fixes of whoami, who and audit): c's region when
// --region was given (the shell that runs them may have another default)
// or when it is not base's (the cluster named by an ARN of another
// region); "" where the command runs in the cluster's region as it is.
func commandRegion(given bool, base, c *eksapi.Client) string {
	if given || c.Region() != base.Region() {
		return c.Region()
	}
	return ""
}
