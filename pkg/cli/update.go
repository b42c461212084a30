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
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

type updateOptions struct {
	deps   *Deps
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
	cmdutil.ClusterFlag(cmd, &opts.req.Cluster)
	cmdutil.EntryPrincipalFlag(cmd, &opts.req.Principal)
	f := cmd.Flags()
	f.Var(cmdutil.NewListValue(&opts.groups), "group", "Kubernetes `group`: replaces the set (repeatable, or comma-separated)")
	f.BoolVar(&opts.req.NoGroups, "no-groups", false, "remove every Kubernetes group")
	f.StringVar(&opts.req.Username, "username", "", "new Kubernetes `username`")
	f.BoolVar(&opts.force, "force", false, "update even if that leaves your own entry no access")
	return cmd
}

// validate gathers the flags into the request and checks it offline.
func (o *updateOptions) validate(cmd *cobra.Command) error {
	if err := cmdutil.RequireCluster(o.deps.Env, &o.req.Cluster); err != nil {
		return err
	}
	if err := cmdutil.RequirePrincipal(o.req.Principal); err != nil {
		return err
	}
	o.req.SetGroups = cmd.Flags().Changed("group")
	o.req.SetUsername = cmd.Flags().Changed("username")
	o.req.Groups = access.NormalizeGroups(o.groups)
	if err := o.req.Validate(); err != nil {
		return cmdutil.UsageError(err)
	}
	cmdutil.Warn(o.deps.IO.ErrOut, o.req.Warnings()...)
	return nil
}

// runUpdate reads the entry, works out both fields, checks that the
// caller keeps its access, reads the entry again to catch another writer,
// sends both fields, and reads the entry back to catch one that wrote at
// the same time.
func runUpdate(ctx context.Context, o *updateOptions) error {
	client, err := entryClient(ctx, o.deps, &o.req.Principal)
	if err != nil {
		return err
	}
	t := entryTarget{cluster: o.req.Cluster, principal: o.req.Principal}
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
	// The fields sent are the ones read plus the change: if another writer
	// changed the entry since, sending them would undo that change.
	again, err := client.DescribeEntry(ctx, t.cluster, t.principal)
	if err != nil {
		return err
	}
	if changes := apply.Changes(current, again); len(changes) > 0 {
		return cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("access entry %s in cluster %s changed while eksaccess was updating it (%s): nothing was sent, so as not to undo that change", t.principal, t.cluster, strings.Join(changes, "; ")),
			"run the command again to apply your change to the entry as it is now (eksaccess describe --cluster %s --principal %s shows it)", t.cluster, t.principal), cmdutil.ExitConflict)

	}
	// The entry was just described, so a not-found here is EKS's eventual
	// consistency (an entry created moments ago): wait for it, bounded.
	var updated access.Entry
	stillThere := func(ctx context.Context) (bool, error) { return client.EntryExists(ctx, t.cluster, t.principal) }
	err = o.deps.waiter().ForEntry(ctx, "the entry "+t.principal.String(), stillThere, func() error {
		var err error
		updated, err = client.UpdateEntry(ctx, t.cluster, t.principal, groups, username)
		return err
	})
	if err != nil {
		return cmdutil.MayHaveApplied(err, "the update", fmt.Sprintf("eksaccess describe --cluster %s --principal %s", t.cluster, t.principal))
	}
	back, err := o.verify(ctx, client, t, again, updated, guard.own)
	if err != nil {
		return err
	}
	if err := o.restoreIfLockedOut(ctx, client, t, guard, current, back); err != nil {
		return err
	}
	return o.deps.print(cmdutil.EntryResult(updated, nil))
}

// verify reads the entry back after the write. EKS has no conditional
// write: another writer that wrote the entry after this update may have
// undone it (and this update may have undone one it made just before).
// When the groups or username read back are not the ones sent, that
// happened: exit 4, saying what changed. A read-back EKS answers from
// before the write (the entry exactly as it was, eventual consistency) is
// no other writer. It returns the entry read back. A failure to read it
// leaves the update made and the check not: stopped (Ctrl-C, SIGTERM,
// --timeout), that is the command's error, with the command's exit code
// (130, 143, 1); any other failure (access denied, a 5xx after the
// retries) is a warning naming what to check, and the update stands.
// own says the entry is the caller's, whose lockout check (which needs
// the entry read back) is then not made either.
func (o *updateOptions) verify(ctx context.Context, client *eksapi.Client, t entryTarget, before, written access.Entry, own bool) (*access.Entry, error) {
	back, err := client.DescribeEntry(ctx, t.cluster, t.principal)
	describe := fmt.Sprintf("eksaccess describe --cluster %s --principal %s", t.cluster, t.principal)
	switch {
	case errors.Is(err, eksapi.ErrNotFound) && !eksapi.IsClusterNotFound(err):
		return nil, cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("updated access entry %s in cluster %s, but another writer changed this entry at the same time: it was deleted", t.principal, t.cluster),
			"%s shows whether it is back", describe), cmdutil.ExitConflict)

	case err != nil:
		unchecked := "whether another writer changed it at the same time"
		if own {
			unchecked += ", or took the rest of your access"
			describe += " --with-policies"
		}
		if cmdutil.StoppedBy(ctx, err) {
			return nil, cmdutil.WithHint(fmt.Errorf("updated access entry %s in cluster %s, but eksaccess stopped before reading it back, so it did not check %s: %w", t.principal, t.cluster, unchecked, cmdutil.StopErr(ctx, err)),
				"the update was made; check by hand: %s", describe)
		}
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("the update was made, but reading the entry back failed, so eksaccess cannot tell %s: %v; check by hand: %s", unchecked, err, describe))
		return nil, nil
	}
	if apply.ReadFromBefore(before, back) {
		return &back, nil // read from before the write: nothing to tell
	}
	if changes := apply.Overwritten(written, back); len(changes) > 0 {
		return nil, cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("updated access entry %s in cluster %s, but another writer changed this entry at the same time: %s", t.principal, t.cluster, strings.Join(changes, "; ")),
			"your change may have been undone: check the entry (%s) and run the command again if it should still apply", describe), cmdutil.ExitConflict)

	}
	return &back, nil
}

// restoreIfLockedOut checks, after an update of the caller's own entry,
// that another writer did not take the rest of its access at the same
// time (a disassociation of its last policy while this update removed its
// groups: each guard saw the other's still there). If so it sets the
// groups back as they were and exits 4, saying so.
func (o *updateOptions) restoreIfLockedOut(ctx context.Context, client *eksapi.Client, t entryTarget, guard lockoutState, was access.Entry, back *access.Entry) error {
	if !guard.own || back == nil {
		return nil
	}
	l, err := guard.putBack(ctx, client, t, apply.Taken{Regrouped: true, Groups: was.KubernetesGroups}, back)
	if err != nil {
		check := fmt.Sprintf("eksaccess describe --cluster %s --principal %s --with-policies", t.cluster, t.principal)
		if cmdutil.StoppedBy(ctx, err) {
			return cmdutil.WithHint(fmt.Errorf("updated access entry %s in cluster %s, but eksaccess stopped before reading your access back, so it did not check whether another writer took the rest of it at the same time: %w", t.principal, t.cluster, cmdutil.StopErr(ctx, err)),
				"the update was made; check by hand: %s", check)
		}
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("the update was made, but reading your access back failed, so eksaccess cannot tell whether another writer took the rest of it at the same time: %v; check by hand: %s", err, check))
		return nil
	}
	if l == nil {
		return nil
	}
	groups := sortedGroups(was.KubernetesGroups)
	return lockedOutMeanwhile(fmt.Sprintf("updated access entry %s in cluster %s", t.principal, t.cluster), l.Refusal,
		fmt.Sprintf("its groups were set back to [%s]", strings.Join(groups, " ")), restoreError(l),
		fmt.Sprintf("eksaccess update --cluster %s --principal %s --group %s", t.cluster, t.principal, cmdutil.ShellQuote(strings.Join(groups, ","))))
}

func sortedGroups(groups []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(groups)))
}
