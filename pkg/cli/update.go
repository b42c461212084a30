package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

type updateOptions struct {
	deps *Deps
	entryTarget
	req    access.UpdateEntry
	groups []string
	force  bool
}

func newUpdateCmd(deps *Deps, runF func(context.Context, *updateOptions) error) *cobra.Command {
	opts := &updateOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "update --cluster NAME --principal ARN [--group G]... [--no-groups] [--username U]",
		Short: "Change an access entry's Kubernetes groups or username",
		Long: `Change the Kubernetes groups or the username of a STANDARD access entry.

--group replaces the whole set of groups; a field you do not name keeps its
value: eksaccess reads the entry first and sends both fields, because the
EKS API resets any field a request leaves out.

Just before it writes, eksaccess reads the entry again: if another writer
changed it in between (groups, username, or its modification time), it
sends nothing and exits 4, saying what changed, rather than undo that
change. Run the command again to apply yours to the entry as it is now.
After the write it reads the entry back: if another writer changed it at
the same time (so yours may have been undone), it exits 4, saying what
changed. EKS has no conditional write: a change landing between the
second read and the write is overwritten unseen.

It refuses (exit 4) to take the last access from your own entry (the
identity your credentials belong to): its last Kubernetes group when no
access policy is left either. If another writer took the entry's last
policy at the same time, so that the two changes together leave you
nothing, it sets the groups back and exits 4. --force skips both checks.`,
		Example: `  # Replace the groups, keep the username
  eksaccess update --cluster prod --principal arn:aws:iam::111122223333:role/dev --group dev-team,readers

  # Change the username, keep the groups
  eksaccess update --cluster prod --principal arn:aws:iam::111122223333:role/dev --username 'dev:{{SessionName}}'

  # Remove every group
  eksaccess update --cluster prod --principal arn:aws:iam::111122223333:role/dev --no-groups`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runUpdate),
	}
	opts.addFlags(cmd)
	f := cmd.Flags()
	f.Var(cmdutil.NewListValue(&opts.groups), "group", "Kubernetes `group`: replaces the set (repeatable, or comma-separated)")
	f.BoolVar(&opts.req.NoGroups, "no-groups", false, "remove every Kubernetes group")
	f.StringVar(&opts.req.Username, "username", "", "new Kubernetes `username`")
	f.BoolVar(&opts.force, "force", false, "update even if that leaves your own entry no access")
	return cmd
}

// validate gathers the flags into the request and checks it offline.
func (o *updateOptions) validate(cmd *cobra.Command) error {
	// Not entryTarget.validate: update warns about the username only
	// (below), not about the principal as delete and describe do.
	if err := o.require(o.deps); err != nil {
		return err
	}
	o.req.Cluster, o.req.Principal = o.cluster, o.principal
	o.req.SetGroups = cmd.Flags().Changed("group")
	o.req.SetUsername = cmd.Flags().Changed("username")
	o.req.Groups = access.NormalizeGroups(o.groups)
	if err := o.req.Validate(); err != nil {
		return cmdutil.UsageError(err)
	}
	cmdutil.Warn(o.deps.IO.ErrOut, o.req.Warnings()...)
	return nil
}

// runUpdate reads the entry, works out both fields and checks that the
// caller keeps its access; the executor (a one-entry plan) reads the entry
// again to catch another writer, sends both fields, and reads the entry
// back to catch one that wrote at the same time, and then the caller's
// access (Outcome.LockedOut).
func runUpdate(ctx context.Context, o *updateOptions) error {
	client, err := entryClient(ctx, o.deps, &o.principal) // resolves sso:NAME
	if err != nil {
		return err
	}
	o.req.Principal = o.principal
	t := o.entryTarget
	current, err := client.DescribeEntry(ctx, t.cluster, t.principal)
	if err != nil {
		return err
	}
	groups, username, err := o.req.Apply(current)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	after := func(a access.EntryAccess) access.EntryAccess { return a.WithGroups(groups) }
	guard, err := readLockout(ctx, client, t, o.force, &current, fmt.Sprintf("update access entry %s in cluster %s", t.principal, t.cluster), after)
	if err != nil {
		return err
	}
	// The fields sent are the ones read plus the change: the executor
	// reads the entry again first, and sends nothing if another writer
	// changed it since (sending them would undo that change).
	want := access.CreateEntry{Cluster: t.cluster, Principal: t.principal, Groups: groups, Username: username}
	var diff access.Diff
	if o.req.SetGroups || o.req.NoGroups {
		diff.Changes = append(diff.Changes, access.Change{Field: access.FieldGroups, Want: groups, Have: current.KubernetesGroups})
	}
	if o.req.SetUsername {
		diff.Changes = append(diff.Changes, access.Change{Field: access.FieldUsername, Want: username, Have: current.Username})
	}
	x := o.deps.executor(client)
	x.Caller = guard.ownCaller()
	out := x.Do(ctx, t.cluster, plan.Change{Principal: t.principal, Action: plan.ActionUpdate, Want: &want, Have: &plan.Live{Entry: current}, Diff: diff})
	if err := o.outcome(ctx, t, guard, current, out); err != nil {
		return err
	}
	return o.deps.print(cmdutil.EntryResult(out.Entry, nil))
}

// outcome words what the executor reports of the update. Before the
// write: another writer changed the entry since it was read (exit 4,
// nothing sent). The write: stopped on its way, it may have been made.
// After it, the read-back (apply.Executor's verify): EKS has no
// conditional write, so another writer that wrote the entry after this
// update may have undone it (and this update may have undone one it made
// just before); groups or username read back that are not the ones sent
// mean that happened: exit 4, saying what changed. Then, for the caller's
// own entry, that another writer did not take the rest of its access at
// the same time (a disassociation of its last policy while this update
// removed its groups: each guard saw the other's still there); if so the
// groups were set back as they were: exit 4, saying so. A failure to read
// leaves the update made and the check not: stopped (Ctrl-C, SIGTERM,
// --timeout), that is the command's error, with the command's exit code
// (130, 143, 1); any other failure (access denied, a 5xx after the
// retries) is a warning naming what to check, and the update stands.
func (o *updateOptions) outcome(ctx context.Context, t entryTarget, guard lockoutState, was access.Entry, out apply.Outcome) error {
	describe := fmt.Sprintf("eksaccess describe --cluster %s --principal %s", t.cluster, t.principal)
	updated := fmt.Sprintf("updated access entry %s in cluster %s", t.principal, t.cluster)
	err := out.Err
	switch {
	case len(out.Done) == 0 && errors.Is(err, apply.ErrChangedMeanwhile):
		return cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("access entry %s in cluster %s changed while eksaccess was updating it (%s): nothing was sent, so as not to undo that change", t.principal, t.cluster, strings.Join(out.Meanwhile, "; ")),
			"run the command again to apply your change to the entry as it is now (%s shows it)", describe), cmdutil.ExitConflict)
	case len(out.Done) == 0 && !out.Writing && err != nil:
		return err // the read before the write: nothing was sent
	case out.Writing:
		return cmdutil.MayHaveApplied(err, "the update", describe)
	case out.DeletedMeanwhile:
		return cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("%s, but another writer changed this entry at the same time: it was deleted", updated),
			"%s shows whether it is back", describe), cmdutil.ExitConflict)
	case out.LockedOut != nil:
		groups := sortedGroups(was.KubernetesGroups)
		return lockedOutMeanwhile(updated, out.LockedOut.Refusal,
			fmt.Sprintf("its groups were set back to [%s]", strings.Join(groups, " ")), restoreError(out.LockedOut),
			fmt.Sprintf("eksaccess update --cluster %s --principal %s --group %s", t.cluster, t.principal, cmdutil.ShellQuote(strings.Join(groups, ","))))
	case errors.Is(err, apply.ErrChangedMeanwhile):
		return cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("%s, but another writer changed this entry at the same time: %s", updated, strings.Join(out.Meanwhile, "; ")),
			"your change may have been undone: check the entry (%s) and run the command again if it should still apply", describe), cmdutil.ExitConflict)
	case slices.Contains(out.Unchecked, apply.CheckOtherWriter):
		unchecked := "whether another writer changed it at the same time"
		if guard.own {
			unchecked += ", or took the rest of your access"
			describe += " --with-policies"
		}
		if err != nil {
			return cmdutil.WithHint(fmt.Errorf("%s, but eksaccess stopped before reading it back, so it did not check %s: %w", updated, unchecked, cmdutil.StopErr(ctx, err)),
				"the update was made; check by hand: %s", describe)
		}
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("the update was made, but reading the entry back failed, so eksaccess cannot tell %s: %v; check by hand: %s", unchecked, out.UncheckedErr, describe))
	case slices.Contains(out.Unchecked, apply.CheckLockout):
		check := describe + " --with-policies"
		if err != nil {
			return cmdutil.WithHint(fmt.Errorf("%s, but eksaccess stopped before reading your access back, so it did not check whether another writer took the rest of it at the same time: %w", updated, cmdutil.StopErr(ctx, err)),
				"the update was made; check by hand: %s", check)
		}
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("the update was made, but reading your access back failed, so eksaccess cannot tell whether another writer took the rest of it at the same time: %v; check by hand: %s", out.UncheckedErr, check))
	case err != nil:
		return err
	}
	return nil
}

func sortedGroups(groups []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(groups)))
}
