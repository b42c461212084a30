package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/plan"
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

eksaccess describes the entry first: a missing entry is not found (exit 3,
or success with --if-exists) before anything is asked. Deleting a node
entry (EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX, EC2, ...) is
said on stderr: nodes that use its role stop joining the cluster.

On a terminal, eksaccess asks first unless --yes; declining exits 2 with
nothing sent. Without a terminal it never asks: there --yes is required.
It refuses (exit 4) to delete your own entry (the identity your
credentials belong to) unless --force.`,
		Example: `  eksaccess delete --cluster prod --principal arn:aws:iam::111122223333:role/dev
  # In CI: no prompt, and no error when it is already gone
  eksaccess rm --cluster prod --principal arn:aws:iam::111122223333:role/dev --yes --if-exists`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runDelete),
	}
	opts.addFlags(cmd)
	f := cmd.Flags()
	f.BoolVar(&opts.ifExists, "if-exists", false, "succeed when there is no such entry")
	cmdutil.YesFlag(cmd, &opts.yes)
	f.BoolVar(&opts.force, "force", false, "delete even your own access entry")
	return cmd
}

// validate checks the flags; nothing here talks to AWS.
func (o *deleteOptions) validate(_ *cobra.Command) error {
	if err := o.entryTarget.validate(o.deps); err != nil {
		return err
	}
	if !o.yes && !o.deps.IO.CanPrompt() {
		return cmdutil.UsageErrorf("--yes is required when stdin or stderr is not a terminal")
	}
	return nil
}

func runDelete(ctx context.Context, o *deleteOptions) error {
	client, err := entryClient(ctx, o.deps, &o.principal)
	if err != nil {
		return err
	}
	// Describe first: nothing is asked about an entry that is not there,
	// and the entry's type decides what the question says.
	entry, err := client.DescribeEntry(ctx, o.cluster, o.principal)
	if errors.Is(err, eksapi.ErrNotFound) {
		return o.nothingToDelete(ctx, client, err)
	}
	if err != nil {
		return err
	}
	gone := func(access.EntryAccess) access.EntryAccess { return access.EntryAccess{} }
	if err := guardLockout(ctx, client, o.entryTarget, o.force, &entry, fmt.Sprintf("delete access entry %s in cluster %s", o.principal, o.cluster), gone); err != nil {
		return err
	}
	typ := entry.Type.OrDefault()
	if typ.IsNode() {
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("access entry %s is of type %s: once it is deleted, nodes that use this role stop joining cluster %s, and nodes already in it lose their access", o.principal, typ, o.cluster))
	}
	if !o.yes {
		if err := cmdutil.Confirm(ctx, o.deps.Confirm, deleteQuestion(o.entryTarget, typ), "not deleted"); err != nil {
			return err
		}
	}
	// The executor reads the entry again and deletes it, unless it changed
	// hands since the describe (apply.ErrChangedMeanwhile): a one-entry plan.
	out := o.deps.executor(client).Do(ctx, o.cluster, plan.Change{Principal: o.principal, Action: plan.ActionDelete, Have: &plan.Live{Entry: entry}})
	err = out.Err
	if errors.Is(err, eksapi.ErrNotFound) {
		// Described a moment ago: another writer deleted it meanwhile.
		return o.nothingToDelete(ctx, client, err)
	}
	if err != nil && !out.Writing {
		return err // stopped or failed in the re-read: nothing was sent
	}
	if err != nil {
		return cmdutil.MayHaveApplied(err, "the deletion", fmt.Sprintf("eksaccess describe --cluster %s --principal %s (not found means it is deleted)", o.cluster, o.principal))
	}
	o.deps.done("deleted access entry %s from cluster %s", o.principal, o.cluster)
	return nil
}

// nothingToDelete handles an entry that is not there: success with
// --if-exists, not found (exit 3) otherwise.
func (o *deleteOptions) nothingToDelete(ctx context.Context, client *eksapi.Client, err error) error {
	if !o.ifExists {
		if eksapi.IsClusterNotFound(err) {
			return err // the cluster's hint is kindHint's
		}
		return cmdutil.WithHint(err, "add --if-exists to treat a missing entry as success")
	}
	// Nothing to delete is success, but a cluster that does not exist is
	// still an error: a typo in --cluster must not pass silently.
	if _, cerr := client.DescribeCluster(ctx, o.cluster); cerr != nil {
		return cerr
	}
	fmt.Fprintf(o.deps.IO.ErrOut, "no access entry %s in cluster %s: nothing to delete\n", o.principal, o.cluster)
	return nil
}

// deleteQuestion is the confirmation for deleting an entry of type typ. It
// names what goes with it: the access policies of a STANDARD or EC2 entry
// (the only types that can have any), the nodes of a node entry.
func deleteQuestion(t entryTarget, typ access.EntryType) string {
	q := fmt.Sprintf("Delete access entry %s from cluster %s", t.principal, t.cluster)
	if typ.IsNode() {
		q = fmt.Sprintf("Delete %s access entry %s from cluster %s", typ, t.principal, t.cluster)
	}
	if typ == access.TypeStandard || typ == access.TypeEC2 {
		q += ", with its access policies"
	}
	q += "?"
	if typ.IsNode() {
		q += " Nodes that use this role will stop joining the cluster"
	}
	return q
}
