package access

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// This file is the diff engine: how an existing entry and its policies
// differ from a request, as structured changes that create --if-not-exists
// (and later diff and apply) act on, and print.

// Field names a field of an access entry.
type Field string

// The fields Compare compares.
const (
	FieldCluster   Field = "cluster"
	FieldPrincipal Field = "principal"
	FieldType      Field = "type"     // immutable: delete and re-create
	FieldUsername  Field = "username" // UpdateAccessEntry
	FieldGroups    Field = "groups"   // UpdateAccessEntry
	FieldTag       Field = "tag"      // TagResource, UntagResource

	// FieldPolicies is the entry's access policies, in the errors of the
	// rules (Error.Field); Compare reports policies as PolicyChanges.
	FieldPolicies Field = "policies"
)

// Change is one field in which an existing entry differs from the request.
// Want is the request's value, Have the entry's: a string for the cluster,
// principal, type and username; the sorted set of groups ([]string) for
// groups; for a tag, its value (string), or nil on the side that lacks it.
type Change struct {
	Field Field
	Key   string // the tag's key (FieldTag only)
	Want  any
	Have  any
}

// String is the change as one line: `username: want "x", have "y"`.
func (c Change) String() string {
	switch c.Field {
	case FieldType:
		return fmt.Sprintf("type: want %s, have %s", c.Want, c.Have)
	case FieldTag:
		return fmt.Sprintf("tag %q: want %s, have %s", c.Key, tagValue(c.Want), tagValue(c.Have))
	}
	return fmt.Sprintf("%s: want %q, have %q", c.Field, c.Want, c.Have)
}

func tagValue(v any) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprintf("%q", v)
}

// PolicyAction is what makes an entry's association match the request.
type PolicyAction string

// The policy actions, each one API call.
const (
	PolicyAdd     PolicyAction = "add"      // AssociateAccessPolicy
	PolicyRescope PolicyAction = "re-scope" // AssociateAccessPolicy, in place
	PolicyRemove  PolicyAction = "remove"   // DisassociateAccessPolicy
)

// PolicyChange is one access policy in which the entry differs from the
// request: requested but not associated (add), associated with another
// scope (re-scope), or associated but not requested (remove).
type PolicyChange struct {
	Action PolicyAction
	// Policy is the policy as requested; for a removal, as read from the ARN.
	Policy PolicyRef
	// PolicyARN is the policy's ARN (a short name resolved in the principal's partition).
	PolicyARN string
	Want      Scope // the requested scope (add, re-scope)
	Have      Scope // the associated scope (re-scope, remove)
}

// String is the change as one line: "policy AmazonEKSViewPolicy: want
// scope namespace=dev, have cluster".
func (c PolicyChange) String() string {
	switch c.Action {
	case PolicyAdd:
		return fmt.Sprintf("policy %s: want scope %s, have none", c.Policy.Name(), c.Want)
	case PolicyRescope:
		return fmt.Sprintf("policy %s: want scope %s, have %s", c.Policy.Name(), c.Want, c.Have)
	}
	return fmt.Sprintf("policy %s: not requested, have scope %s", c.Policy.Name(), c.Have)
}

// Diff is every way an existing entry differs from a request, in a stable
// order: the fields (cluster, principal, type, username, groups, tags by
// key), then the requested policies in request order, then the
// associated ones not requested, by ARN.
type Diff struct {
	Changes  []Change
	Policies []PolicyChange
}

// Empty reports whether the entry matches the request.
func (d Diff) Empty() bool { return len(d.Changes) == 0 && len(d.Policies) == 0 }

// Conflicts is d without the policies to add: what create --if-not-exists
// will not change on an existing entry (it only associates what a create
// that stopped half-way left out).
func (d Diff) Conflicts() Diff {
	out := Diff{Changes: d.Changes}
	for _, p := range d.Policies {
		if p.Action != PolicyAdd {
			out.Policies = append(out.Policies, p)
		}
	}
	return out
}

// Missing are the requested policies that are not associated at all, as
// requested.
func (d Diff) Missing() []PolicyAssociation {
	var out []PolicyAssociation
	for _, p := range d.Policies {
		if p.Action == PolicyAdd {
			out = append(out, PolicyAssociation{Policy: p.Policy, Scope: p.Want})
		}
	}
	return out
}

// Has reports whether d changes field.
func (d Diff) Has(field Field) bool {
	return slices.ContainsFunc(d.Changes, func(c Change) bool { return c.Field == field })
}

// Lines are the changes' String()s, in d's order.
func (d Diff) Lines() []string {
	var out []string
	for _, c := range d.Changes {
		out = append(out, c.String())
	}
	for _, p := range d.Policies {
		out = append(out, p.String())
	}
	return out
}

// String is Lines, one a line.
func (d Diff) String() string { return strings.Join(d.Lines(), "\n") }

// Compare reports how an existing entry and its policies differ from r,
// for create --if-not-exists. It compares the entry's identity (cluster,
// principal, type) and what r specifies: the username if r sets one, the
// groups (as sets) for STANDARD entries, and the tags if r sets any (keys
// beginning with aws: ignored, and apply's own tags unless r names them).
// Policy short names resolve in the principal's partition. Every
// requested policy is compared (add, re-scope); when r names any policy,
// an associated policy it does not name is a removal.
func (r CreateEntry) Compare(e Entry, have []AssociatedPolicy) Diff {
	var d Diff
	change := func(f Field, want, have any) { d.Changes = append(d.Changes, Change{Field: f, Want: want, Have: have}) }
	if e.ClusterName != "" && e.ClusterName != string(r.Cluster) {
		change(FieldCluster, string(r.Cluster), e.ClusterName)
	}
	if !e.PrincipalARN.IsZero() && !e.PrincipalARN.Equal(r.Principal) {
		change(FieldPrincipal, r.Principal.String(), e.PrincipalARN.String())
	}
	if want, got := r.Type.OrDefault(), e.Type.OrDefault(); want != got {
		change(FieldType, string(want), string(got))
	}
	if r.Username != "" && r.Username != e.Username {
		change(FieldUsername, r.Username, e.Username)
	}
	if !r.Type.IsNode() {
		w, h := sortedSet(NormalizeGroups(r.Groups)), sortedSet(e.KubernetesGroups)
		if !slices.Equal(w, h) {
			change(FieldGroups, nonNil(w), nonNil(h))
		}
	}
	if len(r.Tags) > 0 {
		d.Changes = append(d.Changes, tagChanges(r.Tags, e.Tags)...)
	}
	d.Policies = r.comparePolicies(have)
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (r CreateEntry) comparePolicies(have []AssociatedPolicy) []PolicyChange {
	byARN := make(map[string]AssociatedPolicy, len(have))
	for _, h := range have {
		byARN[h.PolicyARN] = h
	}
	requested := make(map[string]bool, len(r.Policies))
	var out []PolicyChange
	for _, p := range r.Policies {
		arn := r.Principal.PolicyARN(p.Policy)
		requested[arn] = true
		h, ok := byARN[arn]
		switch {
		case !ok:
			out = append(out, PolicyChange{Action: PolicyAdd, Policy: p.Policy, PolicyARN: arn, Want: p.Scope})
		case !p.Scope.Equal(h.AccessScope):
			out = append(out, PolicyChange{Action: PolicyRescope, Policy: p.Policy, PolicyARN: arn, Want: p.Scope, Have: h.AccessScope})
		}
	}
	if len(r.Policies) == 0 {
		return out
	}
	for _, arn := range slices.Sorted(maps.Keys(byARN)) {
		if !requested[arn] {
			out = append(out, PolicyChange{Action: PolicyRemove, Policy: policyRefOf(arn), PolicyARN: arn, Have: byARN[arn].AccessScope})
		}
	}
	return out
}

// policyRefOf reads an associated policy's ARN; one that is not an
// access-policy ARN is kept as its own name.
func policyRefOf(arn string) PolicyRef {
	if p, err := ParsePolicyRef(arn); err == nil {
		return p
	}
	return PolicyRef{name: arn, arn: arn}
}

// PolicyName is the short name of an access-policy ARN (the ARN itself
// when it is not one).
func PolicyName(arn string) string { return policyRefOf(arn).Name() }

// tagChanges compares tags by key, ignoring keys beginning with aws: and
// apply's own tags (IsApplyTag) when want does not name them: an entry
// apply created carries them, and they are not a difference.
func tagChanges(want, have map[string]string) []Change {
	keys := make(map[string]bool)
	for k := range want {
		keys[k] = true
	}
	for k := range have {
		keys[k] = true
	}
	var out []Change
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		w, inWant := want[k]
		h, inHave := have[k]
		if IsAWSTag(k) || inWant && inHave && w == h || !inWant && IsApplyTag(k, h) {
			continue
		}
		c := Change{Field: FieldTag, Key: k}
		if inWant {
			c.Want = w
		}
		if inHave {
			c.Have = h
		}
		out = append(out, c)
	}
	return out
}
