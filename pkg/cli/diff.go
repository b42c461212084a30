package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

type diffOptions struct {
	planOptions
}

func newDiffCmd(deps *Deps, runF func(context.Context, *diffOptions) error) *cobra.Command {
	opts := &diffOptions{planOptions: planOptions{deps: deps}}
	cmd := &cobra.Command{
		Use:   "diff -f FILE [--prune]",
		Short: "Show how clusters' access entries differ from a file (exit 7 when they do)",
		Long: `Read the live state of every cluster a file names and print the plan apply
would carry out, changing nothing: + create, ~ update, - delete (with
--prune), ! refused. The plan goes to stderr; -o json or yaml prints it as
data on stdout.

Exit 0 when every cluster matches the file, 7 when one does not: a drift
gate for CI.`,
		Example: `  eksaccess diff -f access.yaml

  # CI drift gate: fails (exit 7) when someone changed access by hand
  eksaccess diff -f access.yaml --prune

  # The plan as data
  eksaccess diff -f access.yaml -o json --query 'plans[].summary'`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runDiff),
	}
	opts.addFlags(cmd)
	return cmd
}

func runDiff(ctx context.Context, o *diffOptions) error {
	plans, err := o.planAll(ctx)
	if err != nil {
		return err
	}
	if err := o.printPlans(plans); err != nil {
		return err
	}
	if err := planErrors(plans); err != nil {
		return err
	}
	for _, cp := range plans {
		if !cp.plan.InSync() {
			return cmdutil.Silent(cmdutil.ExitDrift) // the plan said it all
		}
	}
	return nil
}
