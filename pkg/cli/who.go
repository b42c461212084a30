package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/fleet"
	"github.com/eksaccess/eksaccess/pkg/output"
)

type whoOptions struct {
	deps      *Deps
	principal access.PrincipalARN
	fleet     fleetFlags
	region    bool // --region given: the fix commands carry it
}

// whoConcurrency bounds the clusters who reads at once.
const whoConcurrency = 8

func newWhoCmd(deps *Deps, runF func(context.Context, *whoOptions) error) *cobra.Command {
	opts := &whoOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "who --principal ARN (--cluster NAME... | --all-clusters)",
		Short: "Show what one principal may do on each cluster",
		Long: `Show what one IAM role or user may do on every cluster named: a row per
cluster with the access entry that matches it (or none), its username,
Kubernetes groups and access policies with their scopes, and, when it gets
nothing, why (the reasons of whoami: no-entry, other-arn-form,
recreated-principal, sso-reprovisioned, aws-auth-only, grants-nothing,
deleted-principal).

--principal may be sso:NAME, the role IAM Identity Center provisioned for
permission set NAME (iam:ListRoles finds it; none is exit 3, several exit
2, and nothing is read from the clusters).

--cluster may be repeated (or comma-separated); --all-clusters reads every
cluster of the region (ListClusters). --region and --profile may be given
more than once, and --all-regions reads every region of the partition:
clusters are read side by side, each region at its own API limit
(docs/guides/fleets.md). IAM
is read once for the principal (GetRole or GetUser): the path an entry must
name, and its creation date. A role or user IAM no longer has gets nothing
from its entry (deleted-principal); for an IAM Identity Center role, IAM is
asked (ListRoles) for the role its permission set was re-provisioned as,
which the reason (sso-reprovisioned) names. Where IAM cannot be read
(access denied, another account) a warning line says what could not be
checked, and only an entry of exactly the ARN given counts, as in EKS.

A cluster that fails is reported in its row (and on stderr); the others
still run, and the exit code is the highest of theirs. A principal without
access is not an error: exit 0.

-o json (and yaml) print:

  {"principal": {"arn", "kind", "name", "createDate"},
   "clusters": [{"name", "account", "profile" (when given), "region",
     "authenticationMode", "accessEntry" (or null),
     "associatedAccessPolicies", "grantsAccess",
     "reasons": [{"code", "message", "entry", "fix"}],
     "error" (only when the cluster could not be read)}],
   "unchecked": [what IAM could not tell]}

(--query 'clusters[?grantsAccess].name').`,
		Example: `  eksaccess who --principal arn:aws:iam::111122223333:role/dev --cluster prod --cluster staging
  eksaccess who --principal arn:aws:iam::111122223333:role/dev --all-clusters
  eksaccess who --principal arn:aws:iam::111122223333:role/dev --all-clusters \
      -o json --query 'clusters[?grantsAccess].name'`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runWho),
	}
	cmdutil.EntryPrincipalFlag(cmd, &opts.principal)
	addFleetFlags(cmd, &opts.fleet)
	return cmd
}

// validate checks the flags; nothing here talks to AWS.
func (o *whoOptions) validate(cmd *cobra.Command) error {
	o.region = regionGiven(cmd)
	if err := cmdutil.RequirePrincipal(o.principal); err != nil {
		return err
	}
	return o.fleet.require(o.deps)
}

func runWho(ctx context.Context, o *whoOptions) error {
	client, err := o.deps.Client(ctx)
	if err != nil {
		return err
	}
	if err := resolvePrincipal(ctx, o.deps, client, &o.principal); err != nil {
		return err
	}
	iam := &iamReader{client: client}
	id, err := iam.lookup(ctx, o.principal)
	if err != nil {
		return err
	}
	// Who is asking, for the fixes: the lockout guard of create and
	// delete refuses some writes to the caller's own entry without
	// --force, which the fixes then carry. (Only for a role or user,
	// which STS was asked about already; a failure leaves the fixes
	// without --force.)
	caller := ""
	if id.Kind == "role" || id.Kind == "user" {
		caller, _ = client.CallerIdentity(ctx)
	}

	read := readFleet(ctx, o.deps, &o.fleet, whoConcurrency, func(ctx context.Context, c *eksapi.Client, t fleet.Target) (clusterView, error) {
		return readClusterView(ctx, c, iam, access.ClusterName(t.Cluster), id, caller, commandRegion(o.region, client, c))
	})
	rows := make([]whoCluster, len(read.results))
	for i, r := range read.results {
		rows[i] = whoCluster{clusterView: r.Value, Account: r.Account, Profile: r.Profile, Region: r.Region}
		if r.Err != nil {
			rows[i].Name = r.Cluster
			rows[i].Policies, rows[i].Reasons = []access.AssociatedPolicy{}, []access.Reason{}
			rows[i].Error = r.Err.Error()
		}
	}

	doc := whoDoc{Principal: id, Clusters: rows, Unchecked: iam.warnings()}
	cmdutil.Warn(o.deps.IO.ErrOut, doc.Unchecked...)
	if err := o.deps.print(whoResult(doc)); err != nil {
		return err
	}
	return finishFleet(ctx, o.deps, read)
}

// lookup returns the identity of principal as IAM has it: its path (when
// the ARN's differs, IAM's, with a warning) and its creation date. IAM
// denied, another account, or no such principal: the ARN as given, with
// a warning.
func (r *iamReader) lookup(ctx context.Context, principal access.PrincipalARN) (access.Identity, error) {
	id := access.PrincipalIdentity(principal)
	if id.Kind != "role" && id.Kind != "user" {
		return id, nil // the account root: IAM keeps no record of it
	}
	p, err := r.client.LookupPrincipal(ctx, principal)
	var other *eksapi.OtherPathError
	switch {
	case err == nil:
		return id.WithIAM(p.ARN, p.Created), nil
	case errors.As(err, &other):
		r.add(fmt.Sprintf("%s; showing what %s may do", err, other.Actual.ARN))
		return id.WithIAM(other.Actual.ARN, other.Actual.Created), nil
	case r.unchecked(err, fmt.Sprintf("its path and creation date are not checked, so only an entry of exactly that ARN counts as its own, and a %s created again after its entry goes unnoticed", id.Kind)):
		return id, nil
	case errors.Is(err, eksapi.ErrNotFound):
		return r.gone(ctx, id, fmt.Sprintf("IAM has no %s %s: an entry for it grants nothing", id.Kind, principal))
	}
	return id, err
}

// clusterList is who's --cluster: repeatable, comma-separated, each a
// cluster name or ARN (whose region the cluster is read in).
type clusterList struct {
	names    []access.ClusterName
	regions  []string
	accounts []string // an ARN's account, else ""
}

func (l *clusterList) Set(s string) error {
	for part := range strings.SplitSeq(s, ",") {
		name, region, err := access.ParseCluster(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		l.names = append(l.names, name)
		l.regions = append(l.regions, region)
		l.accounts = append(l.accounts, arnAccount(strings.TrimSpace(part)))
	}
	return nil
}

func (l *clusterList) String() string {
	out := make([]string, len(l.names))
	for i, n := range l.names {
		out[i] = string(n)
	}
	return strings.Join(out, ",")
}

func (l *clusterList) Type() string { return "stringSlice" }

// Append, Replace and GetSlice make it a pflag.SliceValue: repeatable.
func (l *clusterList) Append(s string) error { return l.Set(s) }

func (l *clusterList) Replace(vals []string) error {
	*l = clusterList{}
	for _, v := range vals {
		if err := l.Set(v); err != nil {
			return err
		}
	}
	return nil
}

func (l *clusterList) GetSlice() []string {
	if len(l.names) == 0 {
		return []string{}
	}
	return strings.Split(l.String(), ",")
}

type clusterTarget struct {
	name    access.ClusterName
	region  string // "" for the region in use
	account string // "" for any account read
}

// targets are the clusters named, each once, in the order given.
func (l *clusterList) targets() []clusterTarget {
	var out []clusterTarget
	for i, n := range l.names {
		t := clusterTarget{name: n, region: l.regions[i], account: l.accounts[i]}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// whoDoc is who's JSON and YAML document.
type whoDoc struct {
	Principal access.Identity `json:"principal"`
	Clusters  []whoCluster    `json:"clusters"`
	Unchecked []string        `json:"unchecked"`
}

// whoCluster is one cluster's result, or its error.
type whoCluster struct {
	clusterView
	Account string `json:"account"`
	Profile string `json:"profile,omitempty"`
	Region  string `json:"region"`
	Error   string `json:"error,omitempty"`
}

// whoResult renders who: a row per cluster for people.
func whoResult(doc whoDoc) output.Result {
	t := output.Table{Header: []string{"CLUSTER", "REGION", "ENTRY", "USERNAME", "GROUPS", "POLICIES", "ACCESS", "WHY NOT"}}
	// An ACCOUNT column when the clusters are in several accounts.
	accounts := map[string]bool{}
	for _, c := range doc.Clusters {
		accounts[c.Account] = true
	}
	several := len(accounts) > 1
	if several {
		t.Header = append([]string{"ACCOUNT"}, t.Header...)
	}
	for _, c := range doc.Clusters {
		row := []string{c.Name, c.Region, "", "", "", "", "", ""}

		switch {
		case c.Error != "":
			row[6], row[7] = "error", c.Error
		default:
			row[2] = "none"
			if e := c.AccessEntry; e != nil {
				row[2], row[3], row[4], row[5] = e.PrincipalARN.String(), e.Username, strings.Join(e.KubernetesGroups, ","), cmdutil.PolicySummary(c.Policies)
			} else if strings.EqualFold(c.AuthenticationMode, string(modeConfigMap)) {
				row[2] = "(aws-auth only)"
			}
			row[6] = "no"
			if c.GrantsAccess {
				row[6] = "yes"
			}
			codes := make([]string, len(c.Reasons))
			for i, r := range c.Reasons {
				codes[i] = r.Code
			}
			row[7] = strings.Join(codes, ",")
		}
		if several {
			row = append([]string{c.Account}, row...)
		}
		t.Rows = append(t.Rows, row)
	}
	return output.Result{Doc: doc, Table: t}
}
