package cli

import (
	"context"
	"sort"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
)

type describeOptions struct {
	deps *Deps
	entryTarget
	withPolicies bool
}

func newDescribeCmd(deps *Deps, runF func(context.Context, *describeOptions) error) *cobra.Command {
	opts := &describeOptions{deps: deps}
	cmd := &cobra.Command{
		Use:     "describe --cluster NAME --principal ARN",
		Aliases: []string{"get"},
		Short:   "Show one access entry",
		Example: `  eksaccess describe --cluster prod --principal arn:aws:iam::111122223333:role/dev
  eksaccess get --cluster prod --principal arn:aws:iam::111122223333:role/dev --with-policies -o yaml
  eksaccess describe --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      -o json --query accessEntry.username`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.require(deps); err != nil {
				return err
			}
			if runF == nil {
				runF = runDescribe
			}
			return runF(cmd.Context(), opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().BoolVar(&opts.withPolicies, "with-policies", false, "also list the entry's access policies and their scopes")
	return cmd
}

func runDescribe(ctx context.Context, o *describeOptions) error {
	client, err := entryClient(ctx, o.deps, o.principal)
	if err != nil {
		return err
	}
	entry, err := client.DescribeEntry(ctx, o.cluster, o.principal)
	if err != nil {
		return err
	}
	var policies []access.AssociatedPolicy
	if o.withPolicies {
		if policies, err = client.ListAssociatedPolicies(ctx, o.cluster, o.principal); err != nil {
			return err
		}
	}
	return o.deps.print(entryResult(entry, policies))
}

// sortPolicies orders policies by ARN (stable output whatever the API order).
func sortPolicies(p []access.AssociatedPolicy) []access.AssociatedPolicy {
	sort.Slice(p, func(i, j int) bool { return p[i].PolicyARN < p[j].PolicyARN })
	return p
}
