package plan

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// The tag apply puts on every entry it creates; apply --prune deletes only
// entries that carry it (unless --prune-unmanaged).
const (
	ManagedTagKey   = "managed-by"
	ManagedTagValue = "eksaccess"
)

// Live is one access entry as EKS has it: the entry and its policies.
type Live struct {
	access.Entry
	AssociatedAccessPolicies []access.AssociatedPolicy `json:"associatedAccessPolicies"`
}

// Managed reports whether apply created the entry (it carries the managed tag).
func (l Live) Managed() bool { return l.Tags[ManagedTagKey] == ManagedTagValue }

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
}

// Plan is what apply would do to one cluster.
type Plan struct {
	Cluster access.ClusterName
	Region  string
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
}

// Build plans how to make live (the cluster's entries) match want (the
// file's entries for cluster). It is pure and linear in the number of
// entries. Values EKS fills in itself are not drift: a username the file
// does not set, the groups of node entries.
func Build(cluster access.ClusterName, region string, want []access.CreateEntry, live []Live, o Options) Plan {
	p := Plan{Cluster: cluster, Region: region}
	byPrincipal := make(map[string]*Live, len(live))
	for i := range live {
		byPrincipal[live[i].PrincipalARN] = &live[i]
	}
	named := make(map[string]bool, len(want))
	for i := range want {
		w := want[i]
		w.Cluster = cluster
		named[w.Principal.String()] = true
		have, ok := byPrincipal[w.Principal.String()]
		if !ok {
			w.Tags = withManagedTag(w.Tags)
			p.Changes = append(p.Changes, Change{Principal: w.Principal, Action: ActionCreate, Want: &w})
			continue
		}
		p.Changes = append(p.Changes, planUpdate(w, have, o))
	}
	for i := range live {
		l := &live[i]
		if named[l.PrincipalARN] {
			continue
		}
		p.Changes = append(p.Changes, planUnnamed(cluster, l, o))
	}
	slices.SortFunc(p.Changes, func(a, b Change) int { return cmp.Compare(a.Principal.String(), b.Principal.String()) })
	return p
}

func planUpdate(w access.CreateEntry, have *Live, o Options) Change {
	c := Change{Principal: w.Principal, Want: &w, Have: have}
	d := w.Compare(have.Entry, have.AssociatedAccessPolicies)
	// The managed tag is apply's own bookkeeping, not the file's.
	d.Changes = slices.DeleteFunc(d.Changes, func(ch access.Change) bool {
		return ch.Field == access.FieldTag && ch.Key == ManagedTagKey
	})
	// Tags are the file's when it states any, and "tags: {}" states none:
	// Compare looks at tags only when some are requested.
	if w.Tags != nil && len(w.Tags) == 0 {
		for _, k := range slices.Sorted(maps.Keys(have.Tags)) {
			if k != ManagedTagKey && !isAWSTag(k) {
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
	c.Diff = d
	switch {
	case d.Empty():
		c.Action = ActionNone
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

func planDelete(cluster access.ClusterName, l *Live, o Options) Change {
	p := access.UncheckedPrincipalARN(l.PrincipalARN)
	c := Change{Principal: p, Action: ActionKeep, Have: l}
	switch {
	case access.EntryType(l.Type).IsNode():
		c.Reason = "not in the file; a " + l.Type + " entry is never pruned (nodes would stop joining)"
	case !l.Managed() && !o.PruneUnmanaged:
		c.Reason = "not in the file; not managed by eksaccess (no " + ManagedTagKey + "=" + ManagedTagValue + " tag), so --prune leaves it (--prune-unmanaged deletes it)"
	case unstatable(cluster, l) != nil:
		// export leaves such an entry out of the file, so its absence
		// from one says nothing: never prune it.
		c.Reason = "not in the file, which cannot state it (" + unstatable(cluster, l).Error() + "): --prune leaves it; eksaccess delete removes it"
	default:
		c.Action = ActionDelete
		if err := lockout(o, p, l, access.EntryAccess{}); err != nil {
			c.Action = ActionRefuse
			c.Reason = err.Error() + " (--force overrides)"
		}
	}
	return c
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

func withManagedTag(t access.Tags) access.Tags {
	out := maps.Clone(t)
	if out == nil {
		out = access.Tags{}
	}
	out[ManagedTagKey] = ManagedTagValue
	return out
}

// unstatable is why a file cannot state live entry l, or nil (see stated).
func unstatable(cluster access.ClusterName, l *Live) error {
	_, err := stated(cluster, *l)
	return err
}

func isAWSTag(k string) bool { return strings.HasPrefix(strings.ToLower(k), "aws:") }
