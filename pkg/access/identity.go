package access

// This file is the reasoning of whoami and who: which access entry of a
// cluster a principal authenticates with, and when none does, or when the
// one that does grants nothing, why, each reason with the commands that fix
// it. The commands read STS, IAM and the cluster and hand the facts here;
// nothing here does I/O.

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// The reasons a principal gets no access from a cluster's access entries.
// The ids are audit's rule ids where audit has the same finding.
const (
	// ReasonNoEntry: no entry names the principal, in any form.
	ReasonNoEntry = "no-entry"
	// ReasonOtherForm: an entry names the principal's name under another
	// path than IAM's (none, or a different one); EKS matches the whole ARN.
	ReasonOtherForm = "other-arn-form"
	// ReasonRecreated: the IAM role or user was created after the entry,
	// which holds the old principal's unique ID.
	ReasonRecreated = "recreated-principal"
	// ReasonSSOReprovisioned: the entry names an IAM Identity Center role
	// of the same permission set that no longer exists; the principal is
	// the role it was re-provisioned as.
	ReasonSSOReprovisioned = "sso-reprovisioned"
	// ReasonAWSAuthOnly: the cluster's authentication mode is CONFIG_MAP:
	// it ignores access entries.
	ReasonAWSAuthOnly = "aws-auth-only"
	// ReasonGrantsNothing: the entry is STANDARD with no access policy
	// and no Kubernetes group.
	ReasonGrantsNothing = "grants-nothing"
	// ReasonNoEntryPossible: the identity is one no access entry can
	// name (an STS federated user).
	ReasonNoEntryPossible = "no-entry-possible"
	// ReasonDeleted: IAM has no role or user of the entry's ARN: the
	// entry holds the unique ID of one that was deleted, and grants
	// nothing (audit's rule of the same id).
	ReasonDeleted = "deleted-principal"
)

// Identity is a principal as an access entry must name it.
type Identity struct {
	// ARN is the IAM role or user ARN an entry must name: for a role, with
	// the path IAM has for it when PathKnown, else without a path.
	ARN string `json:"arn"`
	// Kind is "role", "user", "root" or "federated-user".
	Kind string `json:"kind"`
	// Name is the role's or user's name, without its path.
	Name string `json:"name,omitempty"`
	// PathKnown: IAM confirmed ARN's path (or STS gave it: a user's ARN).
	PathKnown bool `json:"-"`
	// Created is IAM's CreateDate of the role or user; zero when unknown.
	Created time.Time `json:"createDate,omitzero"`
	// PathGiven: ARN is a full IAM ARN the user typed (who --principal),
	// path included, not a session's role without its path: when IAM
	// cannot confirm it, only an entry of exactly ARN is its own.
	PathGiven bool `json:"-"`
	// Gone: IAM answered that it has no role or user of ARN's name (it
	// was deleted): an entry for it grants nothing.
	Gone bool `json:"-"`
	// ReprovisionedAs is, for an IAM Identity Center role that is Gone,
	// the role IAM now has for its permission set ("" for none).
	ReprovisionedAs string `json:"-"`
}

// CallerIdentity turns the ARN STS GetCallerIdentity returns into the
// identity an access entry names: an assumed-role session
// arn:P:sts::ACCT:assumed-role/NAME/SESSION is the role NAME, whose path
// the session ARN does not carry (PathKnown is false: IAM must say it); an
// IAM user's ARN is its own, path included. The account root and STS
// federated users are returned with their kind.
func CallerIdentity(caller string) (Identity, error) {
	a, err := arn.Parse(caller)
	if err != nil {
		return Identity{}, fmt.Errorf("STS answered %s, which is not an ARN", Quote(caller))
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	switch {
	case a.Service == "sts" && kind == "assumed-role" && rest != "":
		name, _, _ := strings.Cut(rest, "/")
		role := arn.ARN{Partition: a.Partition, Service: "iam", AccountID: a.AccountID, Resource: "role/" + name}
		return Identity{ARN: role.String(), Kind: "role", Name: name}, nil
	case a.Service == "sts" && kind == "federated-user":
		return Identity{ARN: caller, Kind: "federated-user", Name: rest, PathKnown: true}, nil
	case a.Service == "iam" && (kind == "user" || kind == "role") && rest != "":
		return Identity{ARN: caller, Kind: kind, Name: lastSegment(rest), PathKnown: true}, nil
	case a.Service == "iam" && a.Resource == "root":
		return Identity{ARN: caller, Kind: "root", PathKnown: true}, nil
	}
	return Identity{}, fmt.Errorf("STS answered %s, which is neither an IAM role, user nor the account root", Quote(caller))
}

// PrincipalIdentity is the identity of a principal given by its IAM ARN
// (who --principal): its path is the ARN's, not yet checked with IAM.
func PrincipalIdentity(p PrincipalARN) Identity {
	kind, rest, _ := strings.Cut(p.parsed.Resource, "/")
	if p.parsed.Resource == "root" {
		kind = "root"
	}
	return Identity{ARN: p.raw, Kind: kind, Name: lastSegment(rest), PathGiven: true}
}

// WithIAM returns id as IAM describes it: the ARN IAM has (path
// restored) and its creation date.
func (id Identity) WithIAM(iamARN string, created time.Time) Identity {
	id.ARN, id.Created, id.PathKnown = iamARN, created, true
	return id
}

// SSOPermissionSet returns the permission set of an IAM Identity Center
// role ARN (AWSReservedSSO_NAME_<suffix>: NAME), or "" for any other ARN.
func SSOPermissionSet(principalARN string) string {
	a, err := arn.Parse(principalARN)
	if err != nil || !strings.HasPrefix(a.Resource, "role/") {
		return ""
	}
	name, ok := strings.CutPrefix(lastSegment(a.Resource), ssoPrefix)
	if !ok {
		return ""
	}
	i := strings.LastIndexByte(name, '_')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	return name[:i]
}

// sameName reports whether entryARN names a principal of id's kind,
// partition, account and name, under any path.
func (id Identity) sameName(entryARN string) bool {
	a, b := parseOrZero(id.ARN), parseOrZero(entryARN)
	if a.Partition != b.Partition || a.AccountID != b.AccountID || a.Service != "iam" || b.Service != "iam" {
		return false
	}
	kind, _, _ := strings.Cut(b.Resource, "/")
	return kind == id.Kind && id.Name != "" && lastSegment(b.Resource) == id.Name
}

// ssoSibling reports whether entryARN is another IAM Identity Center role
// of id's permission set in id's account (another suffix).
func (id Identity) ssoSibling(entryARN string) bool {
	ps := SSOPermissionSet(id.ARN)
	if ps == "" || entryARN == id.ARN || id.sameName(entryARN) || SSOPermissionSet(entryARN) != ps {
		return false
	}
	a, b := parseOrZero(id.ARN), parseOrZero(entryARN)
	return a.Partition == b.Partition && a.AccountID == b.AccountID
}

func parseOrZero(s string) arn.ARN {
	a, _ := arn.Parse(s)
	return a
}

// Related returns the entries of entryARNs that may be id's, which the
// command must describe for Explain: the one naming id's ARN, those
// naming its name under another path, and, for an IAM Identity Center
// role, those naming another role of its permission set. Sorted.
func Related(id Identity, entryARNs []string) []string {
	var out []string
	for _, e := range entryARNs {
		if e == id.ARN || id.sameName(e) || id.ssoSibling(e) {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SSOSiblings returns the entries of related that name another IAM
// Identity Center role of id's permission set: the command asks IAM
// whether each still exists (EntryFacts.PrincipalGone).
func SSOSiblings(id Identity, related []string) []string {
	var out []string
	for _, e := range related {
		if id.ssoSibling(e) {
			out = append(out, e)
		}
	}
	return out
}

// PrincipalState is what IAM says of an entry's principal.
type PrincipalState int

const (
	// PrincipalUnknown: IAM was not asked, or could not be read.
	PrincipalUnknown PrincipalState = iota
	// PrincipalExists: IAM has a role or user of the entry's ARN.
	PrincipalExists
	// PrincipalGone: IAM has no role or user of the entry's ARN.
	PrincipalGone
)

// EntryFacts is an entry of the cluster, as read for Explain.
type EntryFacts struct {
	Entry    Entry
	Policies []AssociatedPolicy
	// Principal is what IAM says of the entry's principal (asked for the
	// IAM Identity Center siblings only).
	Principal PrincipalState
}

// Grants reports whether the entry grants anything: a type other than
// STANDARD (node and Fargate entries grant through their type), a
// Kubernetes group, or an access policy.
func (f EntryFacts) Grants() bool {
	return !isStandard(string(f.Entry.Type)) || len(f.Entry.KubernetesGroups) > 0 || len(f.Policies) > 0
}

func isStandard(t string) bool { return t == "" || strings.EqualFold(t, "STANDARD") }

// Facts are the inputs of Explain.
type Facts struct {
	Cluster string
	// CommandRegion is the --region the fix commands carry ("": none, the
	// region they run in by default is the cluster's).
	CommandRegion string
	// AuthMode is the cluster's authentication mode (CONFIG_MAP,
	// API_AND_CONFIG_MAP, API).
	AuthMode string
	// Caller is the ARN STS returned ("" when unknown): the fix commands
	// add --force where the lockout guard would refuse them as writes to
	// the caller's own entry (a delete of an entry that grants nothing; a
	// create without cluster admin where aws-auth counts).
	Caller   string
	Identity Identity
	// Entries are the cluster's entries that Related returned, described
	// (unread when AuthMode is CONFIG_MAP).
	Entries []EntryFacts
}

// Reason is why a principal gets no access from an entry, or from none.
type Reason struct {
	// Code is one of the Reason* constants.
	Code string `json:"code"`
	// Message says what is wrong, in a sentence.
	Message string `json:"message"`
	// Entry is the principal ARN of the entry it is about ("" for none).
	Entry string `json:"entry,omitempty"`
	// Fix are the commands that repair it, in order.
	Fix []string `json:"fix"`
}

// Explanation is what Explain concludes.
type Explanation struct {
	// Match is the entry EKS matches the identity with (nil: none).
	Match *EntryFacts
	// Reasons why the identity gets no access from the cluster's entries
	// (none when Match grants something).
	Reasons []Reason
}

// Grants reports whether the identity gets access through an entry.
func (x Explanation) Grants() bool { return x.Match != nil && len(x.Reasons) == 0 }

// Explain finds the entry of f.Cluster that f.Identity authenticates with
// and says why it gets no access when it does not: the cluster honours
// only aws-auth; the identity cannot have an entry; an entry under another
// form of its ARN, or for the IAM Identity Center role its permission set
// had before it was re-provisioned; no entry at all; the role or user
// created again after its entry; an entry that grants nothing.
//
// When IAM could not say the identity's path (PathKnown false), an entry
// of its name under any path is taken for its own (as the lockout guard
// does), and a creation date that is unknown is not compared.
func Explain(f Facts) Explanation {
	id := f.Identity
	if strings.EqualFold(f.AuthMode, "CONFIG_MAP") {
		return Explanation{Reasons: []Reason{{
			Code: ReasonAWSAuthOnly,
			Message: fmt.Sprintf("cluster %s honours only the aws-auth ConfigMap (authentication mode CONFIG_MAP): it ignores access entries; "+
				"until it moves to API_AND_CONFIG_MAP, access comes only from a mapping in aws-auth, which the EKS API cannot read", f.Cluster),
			Fix: []string{fmt.Sprintf("eksaccess auth-mode --cluster %s --set API_AND_CONFIG_MAP", clusterArgs(f.Cluster, f.CommandRegion))},
		}}}
	}
	if id.Kind == "federated-user" {
		return Explanation{Reasons: []Reason{{
			Code:    ReasonNoEntryPossible,
			Message: fmt.Sprintf("%s is an STS federated user: no access entry can name one", id.ARN),
			Fix:     []string{},
		}}}
	}
	entries := slices.Clone(f.Entries)
	slices.SortFunc(entries, func(a, b EntryFacts) int {
		return strings.Compare(a.Entry.PrincipalARN.String(), b.Entry.PrincipalARN.String())
	})

	match := -1
	for i, e := range entries {
		if e.Entry.PrincipalARN.String() == id.ARN {
			match = i
		}
	}
	if match < 0 && !id.PathKnown && !id.PathGiven {
		// A session's role, whose path IAM could not say: an entry of
		// the name under any path may be the one; prefer one that
		// grants something. (An ARN the user typed has its path: EKS
		// matches it exactly, and so does this.)
		for i, e := range entries {
			if id.sameName(e.Entry.PrincipalARN.String()) && (match < 0 || !entries[match].Grants() && e.Grants()) {
				match = i
			}
		}
	}
	if match >= 0 {
		m := entries[match]
		x := Explanation{Match: &m}
		p := m.Entry.PrincipalARN.String()
		switch {
		case id.Gone && id.ReprovisionedAs != "":
			x.Reasons = append(x.Reasons, Reason{
				Code: ReasonSSOReprovisioned,
				Message: fmt.Sprintf("IAM has no role %s: the IAM Identity Center permission set %s was re-provisioned as %s, so the entry, which holds the old role's unique ID, grants nothing%s",
					id.ARN, SSOPermissionSet(id.ARN), id.ReprovisionedAs, f.createNote(id.ReprovisionedAs, m)),
				Entry: p,
				Fix:   []string{f.createCmd(id.ReprovisionedAs, m), f.deleteCmd(p)},
			})
		case id.Gone:
			x.Reasons = append(x.Reasons, Reason{
				Code: ReasonDeleted,
				Message: fmt.Sprintf("IAM has no %s %s: it was deleted, and its access entry, which holds the deleted %s's unique ID, grants nothing (a %s created again under that ARN would not be let in either); delete the entry",
					id.Kind, id.ARN, id.Kind, id.Kind),
				Entry: p,
				Fix:   []string{f.deleteCmd(p)},
			})
		case !id.Created.IsZero() && !m.Entry.CreatedAt.IsZero() && id.Created.After(m.Entry.CreatedAt):
			x.Reasons = append(x.Reasons, Reason{
				Code: ReasonRecreated,
				Message: fmt.Sprintf("IAM %s %s was created at %s, after its access entry (created %s): EKS keeps the unique ID of the %s the entry was made for, so the entry grants nothing; delete it and create it again%s",
					id.Kind, id.ARN, rfc3339(id.Created), rfc3339(m.Entry.CreatedAt), id.Kind, f.createNote(id.ARN, m)),
				Entry: p,
				Fix:   []string{f.deleteCmd(p), f.createCmd(id.ARN, m)},
			})
		case !m.Grants():
			x.Reasons = append(x.Reasons, Reason{
				Code:    ReasonGrantsNothing,
				Message: fmt.Sprintf("the access entry of %s is STANDARD with no access policy and no Kubernetes group: it authenticates, and grants nothing", m.Entry.PrincipalARN),
				Entry:   p,
				Fix: []string{
					fmt.Sprintf("eksaccess policy associate --cluster %s --principal %s --policy AmazonEKSViewPolicy --cluster-scope", clusterArgs(f.Cluster, f.CommandRegion), ShellWord(p)),
				},
			})
		}
		return x
	}

	// The entries that may have been made for id under another form of
	// its ARN: each is deleted, and one create, copying the one that
	// grants most, replaces them all (a second create of id's ARN could
	// only fail).
	var x Explanation
	var copies []int // indexes into x.Reasons of the entries to copy
	var from []EntryFacts
	for _, e := range entries {
		p := e.Entry.PrincipalARN.String()
		switch {
		case id.sameName(p) && !id.PathKnown:
			// Only an ARN the user typed gets here: IAM could not say
			// which path is the role's, so neither entry is known to be
			// wrong.
			x.Reasons = append(x.Reasons, Reason{
				Code: ReasonOtherForm,
				Message: fmt.Sprintf("an access entry names %s, not %s (%s), and IAM could not be read to say which ARN is the %s's; EKS matches the ARN exactly: if IAM's is %s, copy the entry's access to it and delete the entry, else %s is not a principal",
					p, id.ARN, pathDifference(p, id.ARN), id.Kind, id.ARN, id.ARN),
				Entry: p,
				Fix:   []string{},
			})
		case id.sameName(p):
			x.Reasons = append(x.Reasons, Reason{
				Code:    ReasonOtherForm,
				Message: fmt.Sprintf("an access entry names %s, but IAM's ARN of the %s is %s: %s; EKS matches the ARN exactly, so the entry is not this %s's", p, id.Kind, id.ARN, pathDifference(p, id.ARN), id.Kind),
				Entry:   p,
				Fix:     []string{f.deleteCmd(p)},
			})
			copies, from = append(copies, len(x.Reasons)-1), append(from, e)
		case id.ssoSibling(p) && e.Principal != PrincipalExists:
			msg := fmt.Sprintf("an access entry names %s, an IAM Identity Center role of permission set %s that no longer exists: the permission set was re-provisioned as %s, which the entry does not name",
				p, SSOPermissionSet(p), id.ARN)
			if e.Principal == PrincipalUnknown {
				msg = fmt.Sprintf("an access entry names %s, another IAM Identity Center role of permission set %s (IAM could not be read to confirm that it no longer exists): if the permission set was re-provisioned, it now is %s, which the entry does not name",
					p, SSOPermissionSet(p), id.ARN)
			}
			x.Reasons = append(x.Reasons, Reason{
				Code:    ReasonSSOReprovisioned,
				Message: msg,
				Entry:   p,
				Fix:     []string{f.deleteCmd(p)},
			})
			copies, from = append(copies, len(x.Reasons)-1), append(from, e)
		}
	}
	if len(copies) > 0 {
		best := 0
		for i := range from {
			if grantsMore(from[i], from[best]) {
				best = i
			}
		}
		r := &x.Reasons[copies[best]]
		r.Message += f.createNote(id.ARN, from[best])
		r.Fix = append([]string{f.createCmd(id.ARN, from[best])}, r.Fix...)
		for _, i := range copies {
			if i != copies[best] {
				x.Reasons[i].Message += fmt.Sprintf("; the create of %s copies the entry of %s, which grants more (or is newer)", id.ARN, from[best].Entry.PrincipalARN)
			}
		}
		// The reason with the create first: its fix runs first.
		chosen := x.Reasons[copies[best]]
		x.Reasons = slices.Delete(x.Reasons, copies[best], copies[best]+1)
		x.Reasons = slices.Insert(x.Reasons, 0, chosen)
	}
	if len(x.Reasons) == 0 {
		r := Reason{
			Code: ReasonNoEntry,
			Message: fmt.Sprintf("no access entry names %s: create one with the access policies (or Kubernetes groups) the %s needs; AmazonEKSViewPolicy reads the cluster",
				id.ARN, id.Kind),
			Fix: []string{f.createCmd(id.ARN, EntryFacts{Policies: []AssociatedPolicy{{PolicyARN: "AmazonEKSViewPolicy"}}})},
		}
		r.Message += f.createNote(id.ARN, EntryFacts{Policies: []AssociatedPolicy{{PolicyARN: "AmazonEKSViewPolicy"}}})
		switch {
		case id.Kind == "root":
			r.Message = fmt.Sprintf("no access entry names %s, and none can grant the account root anything: use an IAM role", id.ARN)
			r.Fix = []string{}
		case id.Gone && id.ReprovisionedAs != "":
			r.Message = fmt.Sprintf("no access entry names %s, and IAM has no such role: the IAM Identity Center permission set %s was re-provisioned as %s", id.ARN, SSOPermissionSet(id.ARN), id.ReprovisionedAs)
			r.Fix = []string{}
		case id.Gone:
			r.Message = fmt.Sprintf("no access entry names %s, and IAM has no such %s: EKS refuses an entry for a principal that does not exist", id.ARN, id.Kind)
			r.Fix = []string{}
		}
		x.Reasons = append(x.Reasons, r)
	}
	return x
}

// grantsMore reports whether a grants more than b, for the one entry a
// fix copies: cluster admin first, then more policies and groups, then
// the newer.
func grantsMore(a, b EntryFacts) bool {
	aa, ba := entryAccess(a).ClusterAdmin(), entryAccess(b).ClusterAdmin()
	if aa != ba {
		return aa
	}
	if na, nb := len(a.Policies)+len(a.Entry.KubernetesGroups), len(b.Policies)+len(b.Entry.KubernetesGroups); na != nb {
		return na > nb
	}
	return a.Entry.CreatedAt.After(b.Entry.CreatedAt)
}

func entryAccess(e EntryFacts) EntryAccess {
	return EntryAccess{Exists: true, Groups: e.Entry.KubernetesGroups, Policies: e.Policies}
}

// pathDifference says how entry's path differs from want's.
func pathDifference(entry, want string) string {
	pe, pw := principalPath(entry), principalPath(want)
	switch {
	case pe == "/":
		return "the entry's ARN lacks the path " + pw
	case pw == "/":
		return "the entry's ARN has the path " + pe + ", which the " + principalKind(want) + " does not have"
	}
	return "the entry's ARN has the path " + pe + " where IAM has " + pw
}

// principalPath is "/" or "/a/b/" of a role or user ARN.
func principalPath(s string) string {
	a := parseOrZero(s)
	_, rest, _ := strings.Cut(a.Resource, "/")
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		return "/" + rest[:i+1]
	}
	return "/"
}

func principalKind(s string) string {
	kind, _, _ := strings.Cut(parseOrZero(s).Resource, "/")
	return kind
}

// clusterArgs names cluster in a printed command: its name, and
// --region when region is not "" (a cluster of another region than the
// one the command runs in by default).
func clusterArgs(cluster, region string) string {
	if region == "" {
		return ShellWord(cluster)
	}
	return ShellWord(cluster) + " --region " + ShellWord(region)
}

// deleteCmd deletes the entry of principal: --force when the lockout guard
// would take it for the caller's own (it grants nothing all the same).
func (f Facts) deleteCmd(principal string) string {
	cmd := fmt.Sprintf("eksaccess delete --cluster %s --principal %s --yes", clusterArgs(f.Cluster, f.CommandRegion), ShellWord(principal))
	if p, err := ParseEntryPrincipal(principal); err == nil && f.Caller != "" && IsCaller(f.Caller, p) {
		cmd += " --force"
	}
	return cmd
}

// createCmd creates an entry for principal with the type, username (unless
// EKS generated it from the old ARN), groups, tags and policies of e:
// --force where the lockout guard would refuse it as the caller's own
// entry without cluster admin in a cluster that honours aws-auth
// (createNote says why). A group that holds a comma is left out: --group
// splits at commas (createNote says so).
func (f Facts) createCmd(principal string, e EntryFacts) string {
	parts := []string{"eksaccess", "create", "--cluster", clusterArgs(f.Cluster, f.CommandRegion), "--principal", ShellWord(principal)}
	if !isStandard(string(e.Entry.Type)) {
		parts = append(parts, "--type", string(e.Entry.Type))
	}
	if u := e.Entry.CarriedUsername(); u != "" {
		parts = append(parts, "--username", ShellWord(u))
	}
	for _, g := range e.Entry.CarriedGroups() {
		if !strings.Contains(g, ",") {
			parts = append(parts, "--group", ShellWord(g))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(e.Entry.Tags)) {
		v := e.Entry.Tags[k]
		if IsAWSTag(k) {
			continue // AWS's own: no one may set it
		}
		flag := "--tag"
		if severalTags(k, v) != nil {
			flag = "--tag-literal" // --tag would read it as several tags
		}
		parts = append(parts, flag, ShellWord(k+"="+v))
	}
	policies := slices.Clone(e.Policies)
	slices.SortFunc(policies, func(a, b AssociatedPolicy) int { return strings.Compare(a.PolicyARN, b.PolicyARN) })
	for _, p := range policies {
		ref := PolicyName(p.PolicyARN)
		if p.AccessScope.Type != "" {
			ref += ":" + p.AccessScope.String()
		}
		parts = append(parts, "--policy", ShellWord(ref))
	}
	if f.shadowsAWSAuth(principal, e) {
		parts = append(parts, "--force")
	}
	return strings.Join(parts, " ")
}

// shadowsAWSAuth reports whether creating e's copy for principal is what
// create's lockout guard refuses without --force: the caller's own entry,
// without cluster admin, in a cluster that honours aws-auth.
func (f Facts) shadowsAWSAuth(principal string, e EntryFacts) bool {
	p, err := ParseEntryPrincipal(principal)
	return err == nil && f.Caller != "" && strings.EqualFold(f.AuthMode, "API_AND_CONFIG_MAP") &&
		IsCaller(f.Caller, p) && !entryAccess(e).ClusterAdmin()
}

// createNote is what a reason adds to its message about its createCmd:
// why it carries --force, and the groups it cannot carry.
func (f Facts) createNote(principal string, e EntryFacts) string {
	var note string
	if f.shadowsAWSAuth(principal, e) {
		note += fmt.Sprintf("; the create carries --force: in %s, which honours aws-auth, your new entry takes precedence over aws-auth, so whatever aws-auth gives you (system:masters, say) ends with it; "+
			"add --policy %s to it to keep cluster admin", f.Cluster, ClusterAdminPolicy)
	}
	var comma []string
	for _, g := range e.Entry.KubernetesGroups {
		if strings.Contains(g, ",") {
			comma = append(comma, Quote(g))
		}
	}
	if len(comma) > 0 {
		note += fmt.Sprintf("; the create leaves out Kubernetes group %s: --group splits at commas, so no flag can carry it; add it with apply and a file (kubernetesGroups)", strings.Join(comma, ", "))
	}
	return note
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
