package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

type deleteOptions struct {
	deps *Deps
	entryTarget
	ifExists bool
	yes      bool
	force    bool
}

func newDeleteCmd(deps *Deps, runF func(context.Context, *deleteOptions) error) *cobra.Command {
	opts := &deleteOptions{deps: deps}
	cmd := &cobra.Command{
		Use:     "delete --cluster NAME --principal ARN [--if-exists] [--yes]",
		Aliases: []string{"rm"},
		Short:   "Delete an access entry and its policy associations",
		Long: `Delete an access entry; its access policy associations go with it.

On a terminal, eksaccess asks first unless --yes. Without a terminal it never
asks: there --yes is required. It refuses to delete your own entry (the
identity your credentials belong to) unless --force.`,
		Example: `  eksaccess delete --cluster prod --principal arn:aws:iam::111122223333:role/dev
  # In CI: no prompt, and no error when it is already gone
  eksaccess rm --cluster prod --principal arn:aws:iam::111122223333:role/dev --yes --if-exists`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.require(deps); err != nil {
				return err
			}
			if !opts.yes && !deps.IO.CanPrompt() {
				return flagErrorf("--yes is required when stdin or stderr is not a terminal")
			}
			if runF == nil {
				runF = runDelete
			}
			return runF(cmd.Context(), opts)
		},
	}
	opts.addFlags(cmd)
	f := cmd.Flags()
	f.BoolVar(&opts.ifExists, "if-exists", false, "succeed when there is no such entry")
	f.BoolVarP(&opts.yes, "yes", "y", false, "do not ask for confirmation")
	f.BoolVar(&opts.force, "force", false, "delete even your own access entry")
	return cmd
}

func runDelete(ctx context.Context, o *deleteOptions) error {
	client, err := entryClient(ctx, o.deps, o.principal)
	if err != nil {
		return err
	}
	if err := guardLockout(ctx, client, o.cluster, o.principal, "", o.force); err != nil {
		return err
	}
	if !o.yes {
		ok, err := o.deps.Confirm(ctx, fmt.Sprintf("Delete access entry %s from cluster %s, with its access policies?", o.principal, o.cluster))
		if err != nil {
			return fmt.Errorf("read confirmation: %w", err)
		}
		if !ok {
			fmt.Fprintln(o.deps.IO.ErrOut, "not deleted")
			return &silentError{code: exitError}
		}
	}
	err = client.DeleteEntry(ctx, o.cluster, o.principal)
	switch {
	case errors.Is(err, eksapi.ErrNotFound) && o.ifExists:
		// Nothing to delete is success, but a cluster that does not exist
		// is still an error: a typo in --cluster must not pass silently.
		if _, cerr := client.DescribeCluster(ctx, o.cluster); cerr != nil {
			return cerr
		}
		fmt.Fprintf(o.deps.IO.ErrOut, "no access entry %s in cluster %s: nothing to delete\n", o.principal, o.cluster)
		return nil
	case errors.Is(err, eksapi.ErrNotFound):
		return withHint(err, "add --if-exists to treat a missing entry as success")
	case err != nil:
		return err
	}
	o.deps.done("deleted access entry %s from cluster %s", o.principal, o.cluster)
	return nil
}
