package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
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
		Long: `Show one access entry. The table (and -o text) lists its access policies
with their scopes too. -o json and yaml print DescribeAccessEntry's own
document, as the AWS CLI does; --with-policies adds associatedAccessPolicies
to it.`,
		Example: `  eksaccess describe --cluster prod --principal arn:aws:iam::111122223333:role/dev
  eksaccess get --cluster prod --principal arn:aws:iam::111122223333:role/dev --with-policies -o yaml
  eksaccess describe --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      -o json --query accessEntry.username`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runDescribe),
	}
	opts.addFlags(cmd)
	cmd.Flags().BoolVar(&opts.withPolicies, "with-policies", false, "also list the entry's access policies and their scopes")
	return cmd
}

// validate checks the flags; nothing here talks to AWS.
func (o *describeOptions) validate(_ *cobra.Command) error {
	return o.entryTarget.validate(o.deps)
}

func runDescribe(ctx context.Context, o *describeOptions) error {
	client, err := entryClient(ctx, o.deps, &o.principal)
	if err != nil {
		return err
	}
	entry, err := client.DescribeEntry(ctx, o.cluster, o.principal)
	if err != nil {
		return err
	}
	// The table shows the policies always; the document only when asked
	// (--with-policies), so that it keeps the API's shape.
	f := o.deps.Output.Format
	forTable := o.deps.Output.Query == "" && (f == "" || f == output.TableFormat || f == output.Text)
	var policies []access.AssociatedPolicy
	if o.withPolicies || forTable {
		policies, err = client.ListAssociatedPolicies(ctx, o.cluster, o.principal)
		switch {
		case err == nil:
		case !o.withPolicies && errors.Is(err, eksapi.ErrAccessDenied):
			// Not asked for: the entry is still worth showing.
			cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("the entry's access policies are not shown: %v", err))
		default:
			return err
		}
	}
	r := cmdutil.EntryResult(entry, policies)
	if !o.withPolicies {
		r.Doc = cmdutil.EntryDoc{AccessEntry: entry}
	}
	return o.deps.print(r)
}
