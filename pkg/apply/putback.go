package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// takenAway is what a write took from an entry, for putBack: the policies it
// removed, at the scopes they had, and, when Regrouped, the groups the
// entry had before.
type takenAway struct {
	Policies  []access.AssociatedPolicy
	Regrouped bool
	Groups    []string
	// wrote, when not nil, is the groups and username the write sent
	// (UpdateAccessEntry), and before the entry as read just before it:
	// an entry read back exactly as before (readFromBefore) is EKS
	// answering from before the write, and is taken as the write left it.
	wrote  *access.Entry
	before access.Entry
}

// LockedOut is what putBack found and did: the lockout rule's refusal of
// the write from the entry as it is now, what was put back
// ("AmazonEKSViewPolicy at scope cluster", "groups [a b]"), and what could
// not be, with why.
type LockedOut struct {
	Refusal  error
	Restored []string
	Failed   []Failure
}

// Failure is something putBack could not put back ("AmazonEKSViewPolicy",
// "groups"), and why.
type Failure struct {
	What string
	Err  error
}

// failed is every failure, as one error ("groups: ...").
func (l *LockedOut) failed() error {
	var errs []error
	for _, f := range l.Failed {
		errs = append(errs, fmt.Errorf("%s: %w", f.What, f.Err))
	}
	return errors.Join(errs...)
}

// putBack is the one lockout re-check after a write of the caller's own
// entry that took something away (a policy, groups); update, policy
// disassociate and apply run it. The lockout check before the write saw
// only this change; EKS has no conditional write, so another writer may
// have taken the rest of the caller's access at the same time (each
// change leaving the other's access in place). putBack reads what entry p
// grants now (ReadAccess; read, when not nil, is the entry as just read)
// and, when the lockout rule (access.CheckLockout) would have refused this
// write from there, puts back what it took and says so (a *LockedOut).
// nil: nothing taken, someone else's entry, or caller "" (--force).
func putBack(ctx context.Context, client *eksapi.Client, caller string, cluster access.ClusterName, p access.PrincipalARN, taken takenAway, read *access.Entry) (*LockedOut, error) {
	if caller == "" || !access.IsCaller(caller, p) || len(taken.Policies) == 0 && !taken.Regrouped {
		return nil, nil
	}
	now, entry, err := ReadAccess(ctx, client, cluster, p, read)
	if err != nil {
		return nil, err
	}
	if taken.wrote != nil && now.Exists && readFromBefore(taken.before, entry) {
		// EKS answered from before the write (eventual consistency): its
		// groups are the ones the write replaced, which would hide that
		// the write, with another writer's change, left nothing.
		entry.KubernetesGroups, entry.Username = taken.wrote.KubernetesGroups, taken.wrote.Username
		now.Groups = entry.KubernetesGroups
	}
	undo := now
	for _, ap := range taken.Policies {
		undo = undo.WithPolicy(ap.PolicyARN, ap.AccessScope)
	}
	if taken.Regrouped {
		undo = undo.WithGroups(taken.Groups)
	}
	refusal := access.CheckLockout(caller, p, undo, now)
	if refusal == nil {
		return nil, nil
	}
	l := &LockedOut{Refusal: refusal}
	for _, ap := range taken.Policies {
		name := access.PolicyName(ap.PolicyARN)
		if _, err := client.AssociatePolicy(ctx, cluster, p, ap.PolicyARN, ap.AccessScope); err != nil {
			l.Failed = append(l.Failed, Failure{name, err})
			continue
		}
		l.Restored = append(l.Restored, fmt.Sprintf("%s at scope %s", name, ap.AccessScope))
	}
	if taken.Regrouped && now.Exists {
		if _, err := client.UpdateEntry(ctx, cluster, p, taken.Groups, entry.Username); err != nil {
			l.Failed = append(l.Failed, Failure{"groups", err})
		} else {
			l.Restored = append(l.Restored, fmt.Sprintf("groups [%s]", strings.Join(taken.Groups, " ")))
		}
	}
	return l, nil
}

// ReadAccess reads what entry p grants: its groups (from entry, when the
// caller has just read it, else DescribeAccessEntry) and its access
// policies; it returns the entry too. An entry that does not exist grants
// nothing; a cluster that does not exist is an error.
func ReadAccess(ctx context.Context, client *eksapi.Client, cluster access.ClusterName, p access.PrincipalARN, entry *access.Entry) (access.EntryAccess, access.Entry, error) {
	gone := func(err error) bool { return errors.Is(err, eksapi.ErrNotFound) && !eksapi.IsClusterNotFound(err) }
	if entry == nil {
		e, err := client.DescribeEntry(ctx, cluster, p)
		if gone(err) {
			return access.EntryAccess{}, e, nil
		}
		if err != nil {
			return access.EntryAccess{}, e, err
		}
		entry = &e
	}
	policies, err := client.ListAssociatedPolicies(ctx, cluster, p)
	if gone(err) {
		return access.EntryAccess{}, *entry, nil
	}
	if err != nil {
		return access.EntryAccess{}, *entry, err
	}
	return access.EntryAccess{Exists: true, Groups: entry.KubernetesGroups, Policies: policies}, *entry, nil
}
