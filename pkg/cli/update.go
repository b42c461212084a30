package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
)

type updateOptions struct {
	deps   *Deps
	req    access.UpdateEntry
	groups []string
}

func newUpdateCmd(deps *Deps, runF func(context.Context, *updateOptions) error) *cobra.Command {
	opts := &updateOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "update --cluster NAME --principal ARN [--group G]... [--no-groups] [--username U]",
		Short: "Change an access entry's Kubernetes groups or username",
		Long: `Change the Kubernetes groups or the username of a STANDARD access entry.

--group replaces the whole set of groups; a field you do not name keeps its
value: eksaccess reads the entry first and sends both fields, because the
EKS API resets any field a request leaves out.`,
		Example: `  # Replace the groups, keep the username
  eksaccess update --cluster prod --principal arn:aws:iam::111122223333:role/dev --group dev-team,readers

  # Change the username, keep the groups
  eksaccess update --cluster prod --principal arn:aws:iam::111122223333:role/dev --username 'dev:{{SessionName}}'

  # Remove every group
  eksaccess update --cluster prod --principal arn:aws:iam::111122223333:role/dev --no-groups`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireCluster(deps, &opts.req.Cluster); err != nil {
				return err
			}
			if err := requirePrincipal(opts.req.Principal); err != nil {
				return err
			}
			opts.req.SetGroups = cmd.Flags().Changed("group")
			opts.req.SetUsername = cmd.Flags().Changed("username")
			opts.req.Groups = access.NormalizeGroups(opts.groups)
			if err := opts.req.Validate(); err != nil {
				return &FlagError{err}
			}
			warn(deps, opts.req.Warnings()...)
			if runF == nil {
				runF = runUpdate
			}
			return runF(cmd.Context(), opts)
		},
	}
	clusterFlag(cmd, &opts.req.Cluster)
	entryPrincipalFlag(cmd, &opts.req.Principal)
	f := cmd.Flags()
	f.Var(newListValue(&opts.groups), "group", "Kubernetes `group`: replaces the set (repeatable, or comma-separated)")
	f.BoolVar(&opts.req.NoGroups, "no-groups", false, "remove every Kubernetes group")
	f.StringVar(&opts.req.Username, "username", "", "new Kubernetes `username`")
	return cmd
}

// runUpdate reads the entry, works out both fields and sends them.
func runUpdate(ctx context.Context, o *updateOptions) error {
	client, err := entryClient(ctx, o.deps, o.req.Principal)
	if err != nil {
		return err
	}
	current, err := client.DescribeEntry(ctx, o.req.Cluster, o.req.Principal)
	if err != nil {
		return err
	}
	groups, username, err := o.req.Apply(current)
	if err != nil {
		return &FlagError{err}
	}
	// The entry was just described, so a not-found here is EKS's eventual
	// consistency (an entry created moments ago): wait for it, bounded.
	var updated access.Entry
	err = untilEntryVisible(ctx, func() error {
		var err error
		updated, err = client.UpdateEntry(ctx, o.req.Cluster, o.req.Principal, groups, username)
		return err
	})
	if err != nil {
		return err
	}
	return o.deps.print(entryResult(updated, nil))
}
