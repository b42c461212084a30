package plan

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// The tags apply puts on every entry it creates: the managed tag, and the
// owner tag with the file's owner when it names one. apply --prune deletes
// only entries that carry the managed tag and the file's owner (unless
// --prune-unmanaged, which adds entries no one owns).
const (
	ManagedTagKey   = access.ManagedTagKey
	ManagedTagValue = access.ManagedTagValue
	OwnerTagKey     = access.OwnerTagKey
)

// Live is one access entry as EKS has it: the entry and its policies.
type Live struct {
	access.Entry
	AssociatedAccessPolicies []access.AssociatedPolicy `json:"associatedAccessPolicies"`
}

// Managed reports whether apply created the entry: it carries the managed
// tag with exactly apply's value (managed-by=terraform is another tool's).
func (l Live) Managed() bool { return l.Tags[ManagedTagKey] == ManagedTagValue }

// Owner is the owner of the file that manages l (its owner tag), "" for
// the default owner: files without an owner, and entries apply created
// before owners existed.
func (l Live) Owner() string { return l.Tags[OwnerTagKey] }

// Owned reports whether l belongs to an apply file: it carries the managed
// tag or an owner tag. Its owner is then Owner().
func (l Live) Owned() bool { return l.Managed() || l.Owner() != "" }

// ownerName is owner as plans and messages print it.
func ownerName(owner string) string {
	if owner == "" {
		return "the default owner (files without owner:)"
	}
	return "owner " + owner
}

// Action is what apply does to one entry.
type Action string

// The actions, with the mark the plan prints for each.
const (
	ActionCreate Action = "create" // +
	ActionUpdate Action = "update" // ~ : groups, username, tags, policies
	ActionDelete Action = "delete" // - : only with --prune
	ActionNone   Action = "none"   //   : in sync
	ActionKeep   Action = "keep"   //   : not in the file; --prune leaves it (unmanaged, node, or yours)
	ActionRefuse Action = "refuse" // ! : a change apply will not make (a type change, a lockout)
)

// ActionPolicies is a single command's change of one entry's policies
// (policy associate, policy disassociate): Diff.Policies sent as they
// are, with no read of the entry first (an update reads it to send its
// groups and username back). Build never plans it: a file's policies
// change with its entry's update.
const ActionPolicies Action = "policies"

// Change is the plan for one entry.
type Change struct {
	Principal access.PrincipalARN
	Action    Action
	// Want is the entry as the file states it (nil for delete and keep);
	// a create carries the managed tag.
	Want *access.CreateEntry
	// Have is the entry as it is (nil for create).
	Have *Live
	// Diff is how Have differs from Want (update, refuse).
	Diff access.Diff
	// Reason says why an entry is kept or refused.
	Reason string
	// Prune is why --prune deletes or keeps an entry the file does not
	// state ("" for the entries it states), for a renderer that words it
	// its own way; Reason is the same in a sentence.
	Prune PruneReason
	// WithPrune is, when Prune is PruneNotAsked, the decision --prune
	// would make (what Reason words).
	WithPrune PruneReason
	// ReplacedBy is, for an entry of an IAM Identity Center role that a
	// file's sso:NAME no longer resolves to (its permission set was
	// re-provisioned), the principal the file now names (zero otherwise).
	ReplacedBy access.PrincipalARN
}

// PruneReason is the rule that decides what --prune does to an entry the
// file does not state (see PruneDecision).
type PruneReason string

// The prune decisions, in the order PruneDecision checks them.
const (
	PruneNotAsked   PruneReason = "not-asked"   // kept: --prune not given
	PruneNode       PruneReason = "node"        // kept: node entries are never pruned
	PruneOtherOwner PruneReason = "other-owner" // kept: another owner's entry, never pruned by this file
	PruneUnmanaged  PruneReason = "unmanaged"   // kept: not managed by eksaccess; --prune-unmanaged deletes it
	PruneUnstatable PruneReason = "unstatable"  // kept: a file cannot state it, so its absence says nothing
	PruneOwn        PruneReason = "own"         // deleted: managed by eksaccess for this file's owner
	PruneOrphan     PruneReason = "orphan"      // deleted: owned by no file, and --prune-unmanaged
)

// Deletes reports whether the decision is to delete the entry (the
// lockout rule may still refuse it).
func (r PruneReason) Deletes() bool { return r == PruneOwn || r == PruneOrphan }

// Plan is what apply would do to one cluster.
type Plan struct {
	Cluster access.ClusterName
	Region  string
	// Owner is the file's owner ("" the default owner): what apply tags
	// the entries it creates with, and whose entries --prune deletes.
	Owner   string
	Changes []Change // by principal ARN
}

// Summary counts a plan's changes.
type Summary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Delete  int `json:"delete"`
	Refuse  int `json:"refuse"`
	InSync  int `json:"inSync"`
	Ignored int `json:"ignored"`
}

// Summary counts p's changes by action.
func (p Plan) Summary() Summary {
	var s Summary
	for _, c := range p.Changes {
		switch c.Action {
		case ActionCreate:
			s.Create++
		case ActionUpdate:
			s.Update++
		case ActionDelete:
			s.Delete++
		case ActionRefuse:
			s.Refuse++
		case ActionNone:
			s.InSync++
		case ActionKeep:
			s.Ignored++
		}
	}
	return s
}

// InSync reports whether the cluster matches the file: nothing to create,
// update, delete or refuse.
func (p Plan) InSync() bool {
	s := p.Summary()
	return s.Create+s.Update+s.Delete+s.Refuse == 0
}

// Writes is the number of write calls applying p makes.
func (p Plan) Writes() int {
	n := 0
	for _, c := range p.Changes {
		n += c.writes()
	}
	return n
}

func (c Change) writes() int {
	switch c.Action {
	case ActionCreate:
		return 1 + len(c.Want.Policies)
	case ActionDelete:
		return 1
	case ActionUpdate:
		n := len(c.Diff.Policies)
		if c.Diff.Has(access.FieldGroups) || c.Diff.Has(access.FieldUsername) {
			n++
		}
		set, unset := c.TagChanges()
		if len(set) > 0 {
			n++
		}
		if len(unset) > 0 {
			n++
		}
		return n
	}
	return 0
}

// TagChanges splits an update's tag changes into the tags to set and the
// keys to remove.
func (c Change) TagChanges() (set map[string]string, unset []string) {
	for _, ch := range c.Diff.Changes {
		if ch.Field != access.FieldTag {
			continue
		}
		if v, ok := ch.Want.(string); ok {
			if set == nil {
				set = map[string]string{}
			}
			set[ch.Key] = v
		} else {
			unset = append(unset, ch.Key)
		}
	}
	return set, unset
}

// Options are apply's choices that change the plan.
type Options struct {
	// Prune deletes entries the file does not name: only managed ones
	// unless PruneUnmanaged, never node entries, never the caller's.
	Prune, PruneUnmanaged bool
	// Caller is the identity running apply (STS GetCallerIdentity), for the
	// lockout rule; "" skips it (--force).
	Caller string
	// Owner is the file's owner (File.Owner; "" the default owner).
	// Entries apply creates carry it; --prune deletes only its entries; an
	// entry of the default owner that the file states is adopted (tagged
	// with Owner); another owner's entry is never changed nor deleted.
	Owner string
	// ConfigMap: the cluster honours aws-auth (API_AND_CONFIG_MAP), where
	// the caller's own new entry takes precedence over it, so creating it
	// without cluster admin is a lockout (see CreatesOwnWithoutAdmin).
	ConfigMap bool
}

// CreatesOwnWithoutAdmin reports whether planning want against live would
// create the caller's own entry without AmazonEKSClusterAdminPolicy at
// cluster scope: only then does Options.ConfigMap matter, and the cluster's
// authentication mode need be read.
func CreatesOwnWithoutAdmin(caller string, want []access.CreateEntry, live []Live) bool {
	if caller == "" {
		return false
	}
	exists := make(map[string]bool, len(live))
	for _, l := range live {
		exists[l.PrincipalARN.String()] = true
	}
	return slices.ContainsFunc(want, func(w access.CreateEntry) bool {
		return access.IsCaller(caller, w.Principal) && !exists[w.Principal.String()] && !access.NewEntryAccess(w).ClusterAdmin()
	})
}

// Build plans how to make live (the cluster's entries) match want (the
// file's entries for cluster). It is pure and linear in the number of
// entries. Values EKS fills in itself are not drift: a username the file
// does not set, the groups of node entries.
func Build(cluster access.ClusterName, region string, want []access.CreateEntry, live []Live, o Options) Plan {
	p := Plan{Cluster: cluster, Region: region, Owner: o.Owner}
	byPrincipal := make(map[string]*Live, len(live))
	for i := range live {
		byPrincipal[live[i].PrincipalARN.String()] = &live[i]
	}
	named := make(map[string]bool, len(want))
	for i := range want {
		w := want[i]
		w.Cluster = cluster
		named[w.Principal.String()] = true
		have, ok := byPrincipal[w.Principal.String()]
		if !ok {
			p.Changes = append(p.Changes, planCreate(w, o))
			continue
		}
		p.Changes = append(p.Changes, planUpdate(w, have, o))
	}
	for i := range live {
		l := &live[i]
		if named[l.PrincipalARN.String()] {
			continue
		}
		if by, ok := replacedBy(l, want); ok {
			p.Changes = append(p.Changes, planReplaced(cluster, l, by, o))
			continue
		}
		p.Changes = append(p.Changes, planUnnamed(cluster, l, o))
	}
	slices.SortFunc(p.Changes, func(a, b Change) int { return cmp.Compare(a.Principal.String(), b.Principal.String()) })
	return p
}

// planCreate plans a new entry; the caller's own is refused without
// cluster admin where aws-auth counts (access.LockoutShadowsConfigMap).
func planCreate(w access.CreateEntry, o Options) Change {
	w.Tags = withApplyTags(w.Tags, o.Owner)
	c := Change{Principal: w.Principal, Action: ActionCreate, Want: &w}
	if o.Caller == "" {
		return c
	}
	if err := access.CheckLockout(o.Caller, w.Principal, access.EntryAccess{ConfigMap: o.ConfigMap}, access.NewEntryAccess(w)); err != nil {
		c.Action = ActionRefuse
		c.Reason = fmt.Sprintf("%s: give it %s with accessScope {type: cluster} in the file (--force overrides)", err, access.ClusterAdminPolicy)
	}
	return c
}

func planUpdate(w access.CreateEntry, have *Live, o Options) Change {
	c := Change{Principal: w.Principal, Want: &w, Have: have}
	d := w.Compare(have.Entry, have.AssociatedAccessPolicies)
	// The managed and owner tags are apply's own bookkeeping, not the file's.
	d.Changes = slices.DeleteFunc(d.Changes, func(ch access.Change) bool {
		return ch.Field == access.FieldTag && (ch.Key == ManagedTagKey || ch.Key == OwnerTagKey)
	})
	// Tags are the file's when it states any, and "tags: {}" states none:
	// Compare looks at tags only when some are requested.
	if w.Tags != nil && len(w.Tags) == 0 {
		for _, k := range slices.Sorted(maps.Keys(have.Tags)) {
			if k != ManagedTagKey && k != OwnerTagKey && !access.IsAWSTag(k) {
				d.Changes = append(d.Changes, access.Change{Field: access.FieldTag, Key: k, Have: have.Tags[k]})
			}
		}
	}
	// The file states an entry whole: no policies means none. Compare
	// removes unnamed policies only when some are named, so add the rest;
	// node entries keep the policies EKS gives them.
	if len(w.Policies) == 0 && !w.Type.IsNode() {
		for _, hp := range have.AssociatedAccessPolicies {
			ref, err := access.ParsePolicyRef(hp.PolicyARN)
			if err != nil {
				continue // not an access-policy ARN: leave what we cannot name
			}
			d.Policies = append(d.Policies, access.PolicyChange{Action: access.PolicyRemove, Policy: ref, PolicyARN: hp.PolicyARN, Have: hp.AccessScope})
		}
	}
	// Ownership: an entry of the default owner (created before owners, or
	// by a file without one) that an owned file states is adopted: it gets
	// the file's owner tag, and from then on only that file prunes it.
	// Another owner's entry is not this file's to change.
	foreign := have.Owned() && have.Owner() != o.Owner
	if foreign && have.Owner() == "" && have.Managed() {
		foreign = false
		c.Reason = "adopted: apply created it for " + ownerName("") + "; from now on it belongs to " + ownerName(o.Owner)
		d.Changes = append(d.Changes, access.Change{Field: access.FieldTag, Key: OwnerTagKey, Want: o.Owner})
	}
	c.Diff = d
	switch {
	case d.Empty():
		c.Action = ActionNone
	case foreign:
		c.Action = ActionRefuse
		c.Reason = fmt.Sprintf("the entry belongs to %s (tag %s=%s), and this file is %s: a file never changes another owner's entry; "+
			"state it in one file only, or hand it over: remove it from the other file, and its %s tag (aws eks untag-resource --resource-arn %s --tag-keys %s)",
			ownerName(have.Owner()), OwnerTagKey, have.Owner(), ownerName(o.Owner), OwnerTagKey, have.AccessEntryARN, OwnerTagKey)
	case d.Has(access.FieldType):
		c.Action = ActionRefuse
		c.Reason = fmt.Sprintf("the type is %s and cannot change: delete the entry and apply again to re-create it as %s", have.Type, w.Type.OrDefault())
	default:
		c.Action = ActionUpdate
		if err := lockout(o, w.Principal, have, after(have, w, d)); err != nil {
			c.Action = ActionRefuse
			c.Reason = err.Error() + " (--force overrides)"
		}
	}
	return c
}

// replacedBy finds the principal of want, given as sso:NAME, whose
// permission set l's principal is another IAM Identity Center role of, in
// the same account: the role the permission set had before it was
// re-provisioned. (An sso:NAME resolves only when IAM lists exactly one
// role of its permission set, so IAM has no role of l's ARN.)
func replacedBy(l *Live, want []access.CreateEntry) (access.PrincipalARN, bool) {
	for _, w := range want {
		n, ok := w.Principal.SSOName()
		if !ok || w.Principal.Unresolved() || w.Principal.Equal(l.PrincipalARN) {
			continue
		}
		if n.Matches(l.PrincipalARN.String()) && l.PrincipalARN.Account() == w.Principal.Account() && l.PrincipalARN.Partition() == w.Principal.Partition() {
			return w.Principal, true
		}
	}
	return access.PrincipalARN{}, false
}

// planReplaced plans the entry of an IAM Identity Center role that the
// file's sso:NAME by replaced: it grants nothing (IAM has no such role any
// more), and the create of by takes its place. A file's own entry is
// deleted with or without --prune (it was created for this sso:NAME); any
// other is left, as --prune would leave it.
func planReplaced(cluster access.ClusterName, l *Live, by access.PrincipalARN, o Options) Change {
	withPrune := o
	withPrune.Prune = true
	c := planDelete(cluster, l, withPrune)
	c.ReplacedBy = by
	n, _ := by.SSOName()
	why := fmt.Sprintf("replaced by %s: IAM Identity Center re-provisioned permission set %s, and IAM has no role %s any more, so the entry grants nothing",
		by.Display(), n.PermissionSet, l.PrincipalARN)
	if c.Action == ActionDelete {
		c.Reason = why
	} else {
		c.Reason = why + "; " + c.Reason // kept, or refused by the lockout rule
	}
	return c
}

func planDelete(cluster access.ClusterName, l *Live, o Options) Change {
	p := l.PrincipalARN
	c := Change{Principal: p, Action: ActionKeep, Have: l}
	c.Prune, c.Reason = PruneDecision(cluster, *l, o)
	if c.Prune.Deletes() {
		c.Action = ActionDelete
		if err := lockout(o, p, l, access.EntryAccess{}); err != nil {
			c.Action = ActionRefuse
			c.Reason = err.Error() + " (--force overrides)"
		}
	}
	return c
}

// PruneDecision is what apply does to live entry l when the file does not
// state it, and why in a sentence. It deletes l only when --prune is
// given and l
//   - is not a node entry (its nodes would stop joining),
//   - belongs to the file's owner: it carries the managed tag with
//     exactly apply's value and the file's owner tag (none for the
//     default owner); with --prune-unmanaged, also when it belongs to no
//     file (neither tag). Another owner's entry is never deleted, not even
//     with --prune-unmanaged;
//   - can be stated in a file (else its absence from one says nothing).
//
// The lockout rule may still refuse the deletion (planDelete).
func PruneDecision(cluster access.ClusterName, l Live, o Options) (PruneReason, string) {
	switch {
	case !o.Prune:
		return PruneNotAsked, "not in the file (--prune would delete it if it belongs to this file)"
	case l.Type.IsNode():
		return PruneNode, "not in the file; a " + l.Type.String() + " entry is never pruned (nodes would stop joining)"
	case l.Owned() && l.Owner() != o.Owner:
		return PruneOtherOwner, "not in the file; it belongs to " + ownerName(l.Owner()) + ", and this file is " + ownerName(o.Owner) + ": never pruned by this file"
	case !l.Managed() && !o.PruneUnmanaged:
		return PruneUnmanaged, "not in the file; not managed by eksaccess (no " + ManagedTagKey + "=" + ManagedTagValue + " tag), so --prune leaves it (--prune-unmanaged deletes it)"
	}
	if err := unstatable(cluster, &l); err != nil {
		// export leaves such an entry out of the file, so its absence
		// from one says nothing: never prune it.
		return PruneUnstatable, "not in the file, which cannot state it (" + err.Error() + "): --prune leaves it; eksaccess delete removes it"
	}
	if !l.Managed() {
		return PruneOrphan, "not in the file; not managed by eksaccess, and --prune-unmanaged deletes it"
	}
	return PruneOwn, "not in the file; managed by eksaccess for " + ownerName(o.Owner) + ", so --prune deletes it"
}

// ChangedOwnership reports whether live entry now no longer belongs where
// the plan found it (then): its managed or owner tag changed, as when
// another file adopted it after the plan was read. Apply re-reads an entry
// before deleting it and leaves it if so.
func ChangedOwnership(then, now access.Entry) bool {
	return then.Tags[ManagedTagKey] != now.Tags[ManagedTagKey] || then.Tags[OwnerTagKey] != now.Tags[OwnerTagKey]
}

// lockout applies the one lockout rule (access.CheckLockout) to a planned
// write of the caller's entry.
func lockout(o Options, p access.PrincipalARN, have *Live, after access.EntryAccess) error {
	if o.Caller == "" {
		return nil
	}
	before := access.EntryAccess{Exists: true, Groups: have.KubernetesGroups, Policies: have.AssociatedAccessPolicies}
	return access.CheckLockout(o.Caller, p, before, after)
}

// after is what the entry grants once the update d is applied.
func after(have *Live, w access.CreateEntry, d access.Diff) access.EntryAccess {
	a := access.EntryAccess{Exists: true, Groups: have.KubernetesGroups, Policies: have.AssociatedAccessPolicies}
	if d.Has(access.FieldGroups) {
		a = a.WithGroups(access.NormalizeGroups(w.Groups))
	}
	for _, pc := range d.Policies {
		switch pc.Action {
		case access.PolicyAdd, access.PolicyRescope:
			a = a.WithPolicy(pc.PolicyARN, pc.Want)
		case access.PolicyRemove:
			a = a.WithoutPolicy(pc.PolicyARN)
		}
	}
	return a
}

// withApplyTags is t with apply's own tags: the managed tag, and the
// owner tag unless owner is the default owner.
func withApplyTags(t access.Tags, owner string) access.Tags {
	out := maps.Clone(t)
	if out == nil {
		out = access.Tags{}
	}
	out[ManagedTagKey] = ManagedTagValue
	if owner != "" {
		out[OwnerTagKey] = owner
	}
	return out
}

// unstatable is why a file cannot state live entry l, or nil (see stated).
func unstatable(cluster access.ClusterName, l *Live) error {
	_, err := stated(cluster, *l)
	return err
}
