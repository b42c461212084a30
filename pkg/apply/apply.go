package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// ErrChangedMeanwhile: the entry changed between the plan's read and the
// write; apply leaves it alone rather than undo another writer's change.
// It is an eksapi.ErrConflict (exit 4).
var ErrChangedMeanwhile error = &conflict{"changed by another writer since the plan was read"}

// writtenMeanwhile: another writer wrote the entry while apply did (its
// read-back after UpdateAccessEntry found other groups or username), so
// apply's change may have been undone. It is an ErrChangedMeanwhile.
type writtenMeanwhile struct {
	principal access.PrincipalARN
	cluster   access.ClusterName
	changes   []string
}

func (e *writtenMeanwhile) Error() string {
	return fmt.Sprintf("access entry %s in cluster %s: another writer changed this entry at the same time: %s: apply again to plan from its new state",
		e.principal, e.cluster, strings.Join(e.changes, "; "))
}

func (e *writtenMeanwhile) Is(target error) bool {
	return target == ErrChangedMeanwhile || target == eksapi.ErrConflict
}

// lockedOutMeanwhile: apply's update of the caller's own entry, with
// another writer's change made at the same time, left the caller without
// access; apply put back what it removed. It is an ErrChangedMeanwhile.
type lockedOutMeanwhile struct {
	principal access.PrincipalARN
	cluster   access.ClusterName
	refusal   error
	restored  []string
	failed    error // why putting something back failed, if it did
}

func (e *lockedOutMeanwhile) Error() string {
	msg := fmt.Sprintf("access entry %s in cluster %s: another writer changed this entry at the same time, and the two changes together lock you out: %v",
		e.principal, e.cluster, e.refusal)
	if len(e.restored) > 0 {
		msg += "; put back: " + strings.Join(e.restored, ", ")
	}
	if e.failed != nil {
		msg += fmt.Sprintf("; putting the rest back failed: %v", e.failed)
	}
	return msg
}

func (e *lockedOutMeanwhile) Is(target error) bool {
	return target == ErrChangedMeanwhile || target == eksapi.ErrConflict
}

// ErrRefused: the plan refuses the change (a type change, a lockout). It
// is an eksapi.ErrConflict (exit 4).
var ErrRefused error = &conflict{"refused"}

// conflict is a sentinel of the planner that is a kind of
// eksapi.ErrConflict: the state is not what the change needs.
type conflict struct{ msg string }

func (e *conflict) Error() string        { return e.msg }
func (e *conflict) Is(target error) bool { return target == eksapi.ErrConflict }

// Executor carries out plans against one cluster's client.
type Executor struct {
	Client *eksapi.Client
	Waiter eksapi.Waiter
	// Concurrency bounds the entries worked on at once (at least 1); the
	// client's limiter (eksapi.Limiter) decides how many of their requests
	// are in flight.
	Concurrency int
	// Progress, when set, is told after each entry changed, done of
	// total; refusals change nothing and are not counted, so that progress
	// counts what the plan counts.
	Progress func(done, total int)
	// Caller is the identity running apply (plan.Options.Caller), for the
	// check after an update of its own entry; "" skips it (--force).
	Caller string

	// Single: the executor carries out a single command's change (create,
	// update, delete, policy associate or disassociate), not a plan of
	// many: its notices need not name the entry, and its user runs the
	// command, not apply, again. Do sets it. An update then waits for the
	// entry only while it exists, and reads the entry back once, for
	// another writer and then for the caller's access (see update).
	Single bool
	// Rerun is the command a plan's notices tell the user to run again
	// after another writer changed an entry ("eksaccess audit" under
	// audit --fix, whose second run reads the new state); "" is apply.
	Rerun string
}

// Outcome is what became of one entry's change.
type Outcome struct {
	Principal string
	Action    plan.Action
	// Done lists the writes that took effect, in order ("create entry",
	// "associate AmazonEKSViewPolicy").
	Done []string
	// Err is why the change did not finish; nil when it did.
	Err error
	// Started is false when apply stopped (Ctrl-C, --timeout) before it
	// began this entry.
	Started bool
	// Writing is true while a write request of this entry is on its way,
	// and stays true when that write fails: set right before each write
	// call, cleared once the call succeeds. Stopped with it set, the write
	// may have taken effect with the answer lost; stopped without it (in
	// a read), nothing more was sent than Done says.
	Writing bool
	// Unchecked names the checks that follow the writes (Check) and were
	// not made, every write having been made: with Err nil, because a
	// read failed (UncheckedErr says why: access denied, a 5xx after the
	// retries); with Err a context error, because apply stopped first.
	Unchecked    []Check
	UncheckedErr error
	// Entry is the entry a create made, and Policies the associations it
	// made, as EKS answered them (for a single command to print; with Err,
	// what exists of a create that stopped half-way).
	Entry    access.Entry
	Policies []access.AssociatedPolicy
	// Meanwhile is what another writer changed, with Err an
	// ErrChangedMeanwhile: as the read before the write found it
	// (changedFields; nothing was written), or as the read-back after
	// UpdateAccessEntry found it (overwritten; "it was deleted" when it
	// was, and then DeletedMeanwhile).
	Meanwhile        []string
	DeletedMeanwhile bool
	// LockedOut is what the check of the caller's own access after the
	// writes found and put back, with Err an ErrChangedMeanwhile.
	LockedOut *LockedOut
}

// Check is a check apply makes after an entry's writes, in the words that
// say what it would have found out.
type Check string

const (
	// CheckOtherWriter: the read-back after UpdateAccessEntry (another
	// writer's groups or username, written at the same time).
	CheckOtherWriter Check = "whether another writer changed it at the same time"
	// CheckLockout: the read of the caller's own entry after an update
	// that took something away (another writer took the rest of its
	// access at the same time).
	CheckLockout Check = "whether another writer took the rest of your access at the same time"
)

// State is what became of one entry's change, as apply reports it.
type State int

const (
	// StateDone: every write was made (Unchecked may name checks after
	// them that could not be made).
	StateDone State = iota
	// StateNotStarted: apply stopped before any write of the entry was
	// sent (it may have read it): nothing was written.
	StateNotStarted
	// StateInFlight: apply stopped while a write was on its way: it may
	// have taken effect, with the answer lost.
	StateInFlight
	// StatePartial: apply stopped between the entry's writes: those in
	// Done were made, the rest were not sent.
	StatePartial
	// StateUnchecked: apply stopped after every write was made, before
	// the checks Unchecked names.
	StateUnchecked
	// StateRefused: the plan refused the change; nothing was sent.
	StateRefused
	// StateFailed: the change failed (Err), Done saying what was made.
	StateFailed
)

// State says what became of the entry's change.
func (o Outcome) State() State {
	switch {
	case o.Err == nil:
		return StateDone
	case errors.Is(o.Err, ErrRefused):
		return StateRefused
	case !stopped(o.Err):
		return StateFailed
	case !o.Started:
		return StateNotStarted
	case o.Writing:
		return StateInFlight
	case len(o.Unchecked) > 0:
		return StateUnchecked
	case len(o.Done) > 0:
		return StatePartial
	}
	return StateNotStarted
}

// stopped reports whether err is apply stopping: Ctrl-C, SIGTERM or
// --timeout ended its context.
func stopped(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// write makes one write of o's entry, marking it on its way (o.Writing)
// until it succeeds.
func write(o *Outcome, call func() error) error {
	o.Writing = true
	err := call()
	if err == nil {
		o.Writing = false
	}
	return err
}

// unchecked records that the checks after o's writes could not be made,
// the writes having been made: read failed with err. When apply stopped,
// that is o's error (the command's exit code is the stop's); otherwise
// the change stands, and the checks not made are reported beside it.
func unchecked(ctx context.Context, o *Outcome, err error, checks ...Check) error {
	o.Unchecked = append(o.Unchecked, checks...)
	switch {
	case stopped(err):
		return err
	case ctx.Err() != nil:
		return ctx.Err()
	}
	o.UncheckedErr = errors.Join(o.UncheckedErr, err)
	return nil
}

// Result is the outcome of applying one plan.
type Result struct {
	Cluster  access.ClusterName
	Region   string
	Outcomes []Outcome // in the plan's order; only entries with work
}

// Failed are the outcomes that did not finish.
func (r Result) Failed() []Outcome {
	var out []Outcome
	for _, o := range r.Outcomes {
		if o.Err != nil {
			out = append(out, o)
		}
	}
	return out
}

// Apply carries out p's creates, updates and deletes, at most
// x.Concurrency entries at a time. A failure does not stop the others;
// when ctx ends, entries not begun are not begun, and those in flight end
// with ctx's error. A second Apply of a plan built afresh makes no write.
func (x Executor) Apply(ctx context.Context, p plan.Plan) Result {
	var work []plan.Change
	for _, c := range p.Changes {
		if c.Action == plan.ActionCreate || c.Action == plan.ActionUpdate || c.Action == plan.ActionDelete || c.Action == plan.ActionRefuse {
			work = append(work, c)
		}
	}
	res := Result{Cluster: p.Cluster, Region: p.Region, Outcomes: make([]Outcome, len(work))}
	for i, c := range work {
		res.Outcomes[i] = Outcome{Principal: c.Principal.String(), Action: c.Action}
	}
	changes := len(work) - p.Summary().Refuse
	// A pool of workers, each taking the next entry (see DescribeAll).
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range min(max(1, x.Concurrency), len(work)) {
		wg.Go(func() {
			for ctx.Err() == nil { // once ctx ends, entries not begun are not begun
				i := int(next.Add(1) - 1)
				if i >= len(work) {
					return
				}
				o := &res.Outcomes[i]
				o.Started = true
				o.Err = x.apply(ctx, p.Cluster, work[i], o)
				if work[i].Action == plan.ActionCreate && len(o.Done) == 0 && errors.Is(o.Err, eksapi.ErrConflict) {
					o.Err = fmt.Errorf("%w (%s)", o.Err, x.againCreated())
				}
				if x.Progress != nil && work[i].Action != plan.ActionRefuse {
					x.Progress(int(done.Add(1)), changes)
				}
			}
		})
	}
	wg.Wait()
	for i := range res.Outcomes {
		if o := &res.Outcomes[i]; !o.Started {
			o.Err = ctx.Err()
		}
	}
	return res
}

// Do carries out one change for a single command (create, update,
// delete, policy associate or disassociate): a one-entry plan, on Apply's
// path for an entry. Its errors are the API's,
// for the command to word; Outcome says what was done.
func (x Executor) Do(ctx context.Context, cluster access.ClusterName, c plan.Change) Outcome {
	x.Single = true
	o := Outcome{Principal: c.Principal.String(), Action: c.Action, Started: true}
	o.Err = x.apply(ctx, cluster, c, &o)
	return o
}

// entry names the entry a notice is about: apply has several in flight.
func (x Executor) entry(what string, p access.PrincipalARN) string {
	if x.Single {
		return what
	}
	return what + " " + p.String()
}

// again says how to go on after the entry changed meanwhile.
func (x Executor) again() string {
	switch {
	case x.Single:
		return "describe it, and run the command again if it is still what you mean"
	case x.Rerun != "":
		return "run " + x.Rerun + " again to read its new state"
	}
	return "apply again to plan from its new state"
}

// againCreated says how to go on after another writer created the entry
// a create was to make.
func (x Executor) againCreated() string {
	if x.Rerun != "" {
		return "another writer created it meanwhile: " + x.again()
	}
	return "it was created while apply ran: apply again to reconcile it"
}

func (x Executor) apply(ctx context.Context, cluster access.ClusterName, c plan.Change, o *Outcome) error {
	switch c.Action {
	case plan.ActionRefuse:
		return fmt.Errorf("%w: %s", ErrRefused, c.Reason)
	case plan.ActionCreate:
		return x.create(ctx, *c.Want, o)
	case plan.ActionDelete:
		return x.delete(ctx, cluster, c, o)
	case plan.ActionUpdate:
		return x.update(ctx, cluster, c, o)
	case plan.ActionPolicies:
		return x.policies(ctx, cluster, c, o)
	}
	return nil
}

// create makes entry w, then associates its policies (Associate). Right
// after IAM creates a role or user EKS may not know it yet: the create
// waits for it (eksapi.Waiter), unless the principal already looks wrong
// (access.PrincipalARN.Verify, sent with --no-verify-principal), where
// EKS's "invalid principal" is no delay worth waiting out. w's
// ClientRequestToken goes with every attempt.
func (x Executor) create(ctx context.Context, w access.CreateEntry, o *Outcome) error {
	call := func() error {
		var err error
		o.Entry, err = x.Client.CreateEntry(ctx, w)
		return err
	}
	err := write(o, func() error {
		if w.Principal.Verify() != nil {
			return call()
		}
		return x.Waiter.ForPrincipal(ctx, w.Principal.String(), call)
	})
	if err != nil {
		return err
	}
	o.Done = append(o.Done, "create entry")
	return x.Associate(ctx, w.Cluster, w.Principal, w.Policies, o)
}

// Associate associates policies with a new entry, one by one, waiting for
// EKS to see the entry (eksapi.Waiter); it stops at the first failure.
// o.Policies gets each association as EKS answered it, o.Done its step.
func (x Executor) Associate(ctx context.Context, cluster access.ClusterName, p access.PrincipalARN, policies []access.PolicyAssociation, o *Outcome) error {
	for _, pa := range policies {
		arn := p.PolicyARN(pa.Policy)
		var ap access.AssociatedPolicy
		err := write(o, func() error {
			return x.Waiter.ForEntry(ctx, x.entry("the new entry", p), nil, func() error {
				var err error
				ap, err = x.Client.AssociatePolicy(ctx, cluster, p, arn, pa.Scope)
				return err
			})
		})
		if err != nil {
			return err
		}
		o.Done = append(o.Done, "associate "+pa.Policy.Name())
		o.Policies = append(o.Policies, ap)
	}
	return nil
}

// delete re-reads the entry first: if it changed hands since the plan's
// read (another file adopted it), it stops (ErrChangedMeanwhile) rather
// than delete another owner's entry.
func (x Executor) delete(ctx context.Context, cluster access.ClusterName, c plan.Change, o *Outcome) error {
	now, err := x.Client.DescribeEntry(ctx, cluster, c.Principal)
	if err != nil {
		return err
	}
	if plan.ChangedOwnership(c.Have.Entry, now) {
		return fmt.Errorf("access entry %s in cluster %s: %w (its %s or %s tag): %s",
			c.Principal, cluster, ErrChangedMeanwhile, plan.ManagedTagKey, plan.OwnerTagKey, x.again())
	}
	if err := write(o, func() error { return x.Client.DeleteEntry(ctx, cluster, c.Principal) }); err != nil {
		return err
	}
	o.Done = append(o.Done, "delete entry")
	return nil
}

// update re-reads the entry first: if another writer changed it since the
// plan's read, it stops (ErrChangedMeanwhile) rather than undo that change.
// What grants access comes first and what takes it away last: new and
// re-scoped policies, then the groups and username, then the tags, then
// the removed policies. So access never lapses in between, and a failure
// half-way leaves more access, never less.
//
// UpdateAccessEntry sends the groups and username together, the ones the
// file does not change as read: so the entry is read again just before it
// (when policy calls came in between), and back at the end, where another
// writer's groups or username mean it wrote at the same time and may have
// undone this change (ErrChangedMeanwhile either way). EKS has no
// conditional write: a change landing between that last read and the
// write is overwritten unseen.
func (x Executor) update(ctx context.Context, cluster access.ClusterName, c plan.Change, o *Outcome) error {
	now, err := x.Client.DescribeEntry(ctx, cluster, c.Principal)
	if err != nil {
		return err
	}
	if err := x.changedMeanwhile(cluster, c.Principal, c.Have.Entry, now, o); err != nil {
		return err
	}
	if !x.Single && plan.ChangedOwnership(c.Have.Entry, now) {
		// Another file adopted it meanwhile: not this file's to change.
		return fmt.Errorf("access entry %s in cluster %s: %w (its %s or %s tag): %s",
			c.Principal, cluster, ErrChangedMeanwhile, plan.ManagedTagKey, plan.OwnerTagKey, x.again())
	}
	for _, pc := range c.Diff.Policies {
		if pc.Action == access.PolicyRemove {
			continue
		}
		if err := write(o, func() error {
			_, err := x.Client.AssociatePolicy(ctx, cluster, c.Principal, pc.PolicyARN, pc.Want)
			return err
		}); err != nil {
			return err
		}
		o.Done = append(o.Done, string(pc.Action)+" "+pc.Policy.Name())
	}
	var wrote *access.Entry // what UpdateAccessEntry sent, to verify at the end
	if c.Diff.Has(access.FieldGroups) || c.Diff.Has(access.FieldUsername) {
		if len(o.Done) > 0 {
			// Policy calls came since the read: read again, so that the
			// fields sent as read are the entry's now.
			again, err := x.Client.DescribeEntry(ctx, cluster, c.Principal)
			if err != nil {
				return err
			}
			if err := x.changedMeanwhile(cluster, c.Principal, now, again, o); err != nil {
				return err
			}
			now = again
		}
		groups := slices.Clone(now.KubernetesGroups)
		if c.Diff.Has(access.FieldGroups) {
			groups = access.NormalizeGroups(c.Want.Groups)
		}
		username := now.Username
		if c.Diff.Has(access.FieldUsername) {
			username = c.Want.Username
		}
		err := write(o, func() error {
			return x.Waiter.ForEntry(ctx, "the entry "+c.Principal.String(), x.stillThere(cluster, c.Principal), func() error {
				var err error
				o.Entry, err = x.Client.UpdateEntry(ctx, cluster, c.Principal, groups, username)
				return err
			})
		})
		if err != nil {
			return err
		}
		o.Done = append(o.Done, "update groups and username")
		wrote = &access.Entry{KubernetesGroups: groups, Username: username}
	}
	set, unset := c.TagChanges()
	if len(set) > 0 {
		if err := write(o, func() error { return x.Client.TagEntry(ctx, string(cluster), now.AccessEntryARN, set) }); err != nil {
			return err
		}
		o.Done = append(o.Done, "tag")
	}
	if len(unset) > 0 {
		if err := write(o, func() error { return x.Client.UntagEntry(ctx, string(cluster), now.AccessEntryARN, unset) }); err != nil {
			return err
		}
		o.Done = append(o.Done, "untag")
	}
	for _, pc := range c.Diff.Policies {
		if pc.Action != access.PolicyRemove {
			continue
		}
		if err := write(o, func() error { return x.Client.DisassociatePolicy(ctx, cluster, c.Principal, pc.PolicyARN) }); err != nil {
			return err
		}
		o.Done = append(o.Done, "remove "+pc.Policy.Name())
	}
	if x.Single && wrote != nil {
		// A single command reads the entry back once: for another
		// writer's groups or username, then, from the same read, for the
		// caller's own access. Another writer found, or the read failed,
		// the second check is not made.
		back, err := x.verify(ctx, cluster, c.Principal, now, *wrote, o)
		if err != nil || back == nil {
			return err
		}
		return x.keepCallersAccess(ctx, cluster, c, now, wrote, back, o)
	}
	// The checks after the writes: the caller's own access, then another
	// writer's groups or username. Stopped in the first, the second is not
	// made either.
	err = x.keepCallersAccess(ctx, cluster, c, now, wrote, nil, o)
	switch {
	case err == nil && wrote != nil:
		_, err = x.verify(ctx, cluster, c.Principal, now, *wrote, o)
		return err
	case err != nil && wrote != nil && len(o.Unchecked) > 0:
		o.Unchecked = append(o.Unchecked, CheckOtherWriter)
	}
	return err
}

// changedMeanwhile fails with an ErrChangedMeanwhile when the entry read
// now differs from the one read before (then) in what a write would send
// (changedFields), saying what changed in o.Meanwhile.
func (x Executor) changedMeanwhile(cluster access.ClusterName, p access.PrincipalARN, then, now access.Entry, o *Outcome) error {
	changes := changedFields(then, now)
	if len(changes) == 0 {
		return nil
	}
	o.Meanwhile = changes
	return fmt.Errorf("access entry %s in cluster %s: %w (modified at %s): %s",
		p, cluster, ErrChangedMeanwhile, now.Revision, x.again())
}

// stillThere is, for a single command, the check between a wait's tries
// that the entry still exists (eksapi.Waiter.ForEntry): the command read
// it a moment ago, so a not-found is EKS's eventual consistency unless it
// was deleted meanwhile. apply waits without it.
func (x Executor) stillThere(cluster access.ClusterName, p access.PrincipalARN) func(context.Context) (bool, error) {
	if !x.Single {
		return nil
	}
	return func(ctx context.Context) (bool, error) { return x.Client.EntryExists(ctx, cluster, p) }
}

// policies carries out a single command's policy change (policy
// associate, policy disassociate: plan.ActionPolicies), each sent as it
// is, with no read first. An association that finds no entry, while
// DescribeAccessEntry finds it, waits for EKS to see it (eventual
// consistency: it was created moments ago). After a removal from the
// caller's own entry, keepCallersAccess.
func (x Executor) policies(ctx context.Context, cluster access.ClusterName, c plan.Change, o *Outcome) error {
	for _, pc := range c.Diff.Policies {
		if pc.Action == access.PolicyRemove {
			if err := write(o, func() error { return x.Client.DisassociatePolicy(ctx, cluster, c.Principal, pc.PolicyARN) }); err != nil {
				return err
			}
			o.Done = append(o.Done, "remove "+pc.Policy.Name())
			continue
		}
		var ap access.AssociatedPolicy
		err := write(o, func() error {
			var err error
			ap, err = x.Client.AssociatePolicy(ctx, cluster, c.Principal, pc.PolicyARN, pc.Want)
			if errors.Is(err, eksapi.ErrNotFound) && x.exists(ctx, cluster, c.Principal) {
				err = x.Waiter.ForEntry(ctx, "the entry "+c.Principal.String(), x.stillThere(cluster, c.Principal), func() error {
					var err error
					ap, err = x.Client.AssociatePolicy(ctx, cluster, c.Principal, pc.PolicyARN, pc.Want)
					return err
				})
			}
			return err
		})
		if err != nil {
			return err
		}
		o.Done = append(o.Done, string(pc.Action)+" "+pc.Policy.Name())
		o.Policies = append(o.Policies, ap)
	}
	return x.keepCallersAccess(ctx, cluster, c, access.Entry{}, nil, nil, o)
}

// exists reports whether DescribeAccessEntry finds the entry (a failure
// to tell counts as no).
func (x Executor) exists(ctx context.Context, cluster access.ClusterName, p access.PrincipalARN) bool {
	ok, err := x.Client.EntryExists(ctx, cluster, p)
	return ok && err == nil
}

// keepCallersAccess runs after an update of the caller's own entry that
// took something away (a policy, groups): putBack, failing with a
// lockedOutMeanwhile when it had to put something back (o.LockedOut).
// read is the entry as read before the update; wrote, when not nil, the
// groups and username its UpdateAccessEntry sent; back, when not nil, the
// entry as just read back after it (putBack then reads only its policies).
//
// A failed read leaves the check not made (o.Unchecked): stopped, that is
// the entry's error; otherwise it is reported beside the change, which
// stands.
func (x Executor) keepCallersAccess(ctx context.Context, cluster access.ClusterName, c plan.Change, read access.Entry, wrote, back *access.Entry, o *Outcome) error {
	var taken takenAway
	for _, pc := range c.Diff.Policies {
		if pc.Action == access.PolicyRemove {
			taken.Policies = append(taken.Policies, access.AssociatedPolicy{PolicyARN: pc.PolicyARN, AccessScope: pc.Have})
		}
	}
	if c.Diff.Has(access.FieldGroups) {
		taken.Regrouped, taken.Groups = true, read.KubernetesGroups
	}
	taken.before, taken.wrote = read, wrote
	l, err := putBack(ctx, x.Client, x.Caller, cluster, c.Principal, taken, back)
	switch {
	case err != nil:
		return unchecked(ctx, o, err, CheckLockout) // the writes were made; a failed read says nothing either way
	case l == nil:
		return nil
	}
	o.LockedOut = l
	return &lockedOutMeanwhile{principal: c.Principal, cluster: cluster, refusal: l.Refusal, restored: l.Restored, failed: l.failed()}
}

// verify reads the entry back after apply's UpdateAccessEntry: groups or
// username other than the ones sent are another writer's, written at the
// same time (o.Meanwhile). A read answered from before the write (the
// entry exactly as it was: eventual consistency) is no other writer; a
// failed read says nothing either way, and the write was made: the check
// is not made (o.Unchecked), and when apply stopped, that is the entry's
// error. It returns the entry read back when it found no other writer.
func (x Executor) verify(ctx context.Context, cluster access.ClusterName, p access.PrincipalARN, before, wrote access.Entry, o *Outcome) (*access.Entry, error) {
	back, err := x.Client.DescribeEntry(ctx, cluster, p)
	switch {
	case errors.Is(err, eksapi.ErrNotFound) && !eksapi.IsClusterNotFound(err):
		o.Meanwhile, o.DeletedMeanwhile = []string{"it was deleted"}, true
		return nil, &writtenMeanwhile{principal: p, cluster: cluster, changes: o.Meanwhile}
	case err != nil:
		return nil, unchecked(ctx, o, err, CheckOtherWriter)
	case readFromBefore(before, back):
		return &back, nil
	}
	changes := overwritten(wrote, back)
	if len(changes) == 0 {
		return &back, nil
	}
	o.Meanwhile = changes
	return nil, &writtenMeanwhile{principal: p, cluster: cluster, changes: changes}
}
