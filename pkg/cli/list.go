package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

type listOptions struct {
	deps             *Deps
	cluster          access.ClusterName
	fleet            fleetFlags
	associatedPolicy string            // as given
	policyRef        *access.PolicyRef // parsed; its ARN takes the partition of the region
	maxItems         int
	details          bool
	concurrency      int
}

func newListCmd(deps *Deps, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{deps: deps}
	cmd := &cobra.Command{
		Use:     "list --cluster NAME",
		Aliases: []string{"ls"},
		Short:   "List a cluster's access entries",
		Long: `List the principal ARNs of a cluster's access entries, every page of them.

--details describes every entry: one row each with its type, username,
groups, policies (with their scopes) and tags. The table keeps within 120
columns by cutting long usernames (then tags, groups and policies, never
a policy's name) with an ellipsis; the principal is always printed whole,
so a long one makes the table wider. Its TAGS shows the entry's own tags first and apply's bookkeeping
tags as one word: "managed" (managed-by=eksaccess) or "managed:OWNER" (with
eksaccess/owner=OWNER). -o text, json and yaml print every value whole.

Many clusters (docs/guides/fleets.md): --cluster may be repeated (or
comma-separated), --all-clusters lists every cluster of each region
(ListClusters), --region and --profile may be given more than once, and
--all-regions reads every region of the partition where EKS answers (a
region that refuses the caller, not enabled for the account, is named on
stderr and skipped). Regions and accounts are read side by side, each at
its own API limit. The table then starts with ACCOUNT, REGION and
CLUSTER; -o json and yaml print one document,

  {"clusters": [{"profile" (when given), "account", "region", "cluster",
    "accessEntries": [...] (or null), "error" (when it failed)}]}

so that --query works across the fleet. A cluster that fails is reported
in its row and on stderr; the others are listed; the exit code is the
highest.`,
		Example: `  eksaccess list --cluster prod
  eksaccess ls --cluster prod -o text | wc -l
  eksaccess list --cluster prod --associated-policy AmazonEKSClusterAdminPolicy
  # One row per entry: type, username, groups, policies with their scopes, tags
  eksaccess list --cluster prod --details
  # Every cluster of every region of two accounts, as one JSON document
  eksaccess list --all-regions --all-clusters --profile prod --profile dev --details -o json`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runList),
	}
	addFleetFlags(cmd, &opts.fleet)
	f := cmd.Flags()
	f.StringVar(&opts.associatedPolicy, "associated-policy", "", "only entries with this access `policy` (short name or ARN, checked against the catalog)")
	f.IntVar(&opts.maxItems, "max-items", 0, "print at most `N` entries (default: all)")
	f.BoolVar(&opts.details, "details", false, "describe every entry and list its policies: one row per entry, with its tags")
	f.IntVar(&opts.concurrency, "concurrency", cmdutil.BulkConcurrency, "with --details, "+cmdutil.ConcurrencyUsage)
	return cmd
}

// validate checks the flags and parses --associated-policy; nothing here talks to AWS.
func (o *listOptions) validate(_ *cobra.Command) error {
	if err := o.fleet.validate(o.deps, &o.cluster); err != nil {
		return err
	}
	if o.concurrency < 1 {
		return cmdutil.UsageErrorf("--concurrency must be at least 1, got %d", o.concurrency)
	}
	if o.maxItems < 0 {
		return cmdutil.UsageErrorf("--max-items must be positive, got %d", o.maxItems)
	}
	if o.associatedPolicy != "" {
		ref, err := access.ParsePolicyRef(o.associatedPolicy)
		if err != nil {
			return cmdutil.UsageError(fmt.Errorf("--associated-policy: %w", err))
		}
		o.policyRef = &ref
	}
	return nil
}

// listDoc is ListAccessEntries' document: {"accessEntries": [...]}.
type listDoc struct {
	AccessEntries []string `json:"accessEntries"`
}

func runList(ctx context.Context, o *listOptions) error {
	if o.fleet.many(o.deps) {
		return runListFleet(ctx, o)
	}
	var refs []access.PolicyRef
	if o.policyRef != nil {
		refs = append(refs, *o.policyRef)
	}
	client, err := entryClient(ctx, o.deps, &access.PrincipalARN{}, refs...)
	if err != nil {
		return err
	}
	lo := eksapi.ListOptions{MaxItems: o.maxItems}
	if o.policyRef != nil {
		// An unknown name would filter out every entry: "no access
		// entries" would then hide a typo.
		if err := checkPolicyExists(ctx, o.deps, client, *o.policyRef); err != nil {
			return err
		}
		lo.AssociatedPolicyARN = o.policyRef.ARN(access.PartitionOf(client.Region()))
	}
	arns, err := client.ListEntries(ctx, o.cluster, lo)
	if err != nil { // a missing cluster's hint names the region (kindHint)
		return err
	}
	slices.SortFunc(arns, func(a, b access.PrincipalARN) int { return strings.Compare(a.String(), b.String()) })
	switch {
	case len(arns) > 0:
	case o.policyRef != nil:
		fmt.Fprintf(o.deps.IO.ErrOut, "no access entries with access policy %s in cluster %s\n", o.policyRef.Name(), o.cluster)
	default:
		fmt.Fprintf(o.deps.IO.ErrOut, "no access entries in cluster %s\n", o.cluster)
	}
	if o.details {
		return o.printDetails(describeAll(ctx, o, client, arns))
	}
	rows := make([][]string, 0, len(arns))
	names := make([]string, 0, len(arns))
	for _, a := range arns {
		rows = append(rows, []string{a.String()})
		names = append(names, a.String())
	}
	return o.deps.print(output.Result{
		Doc:   listDoc{AccessEntries: names},
		Table: output.Table{Header: []string{"PRINCIPAL"}, Rows: rows},
	})
}
