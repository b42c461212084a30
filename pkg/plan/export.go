package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
)

// FromLive is the apply file that states live as it is, for export: every
// entry with its type, its username when not the one EKS would pick,
// its groups (not for node entries, whose groups EKS sets), its tags (but
// aws: tags and apply's own) and its policies with their scopes; and the
// owner of the entries owned by apply files when they all have the same
// one (see Owners). Applying it to the same cluster changes nothing. Entries a file
// cannot state (an account root, which eksaccess will not create) are left
// out and named in skipped.
func FromLive(cluster access.ClusterName, region string, live []Live) (f *accessfile.File, skipped []string) {
	f = &accessfile.File{Format: accessfile.APIVersion, Clusters: []accessfile.Cluster{{Name: cluster, Region: region}}}
	if owners := Owners(live); len(owners) == 1 {
		for owner := range owners {
			f.Owner = owner
		}
	}
	for _, l := range live {
		e, err := stated(cluster, l)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", l.PrincipalARN, strings.ReplaceAll(err.Error(), "\n", "; ")))
			continue
		}
		f.Entries = append(f.Entries, e)
	}
	slices.SortFunc(f.Entries, func(a, b accessfile.Entry) int { return strings.Compare(a.Principal.String(), b.Principal.String()) })
	return f, skipped
}

// Owners counts live's entries that belong to an apply file, by owner
// ("" the default owner); entries no file owns are not counted. An entry
// is owned (Live.Owned) when it carries the managed tag or an owner tag:
// one tagged eksaccess/owner by hand is its owner's, as the planner
// treats it. One owner means the owned entries came from one file, whose owner export
// writes; several mean several files share the cluster, and a file naming
// any one of them would not be the cluster's whole state.
func Owners(live []Live) map[string]int {
	out := map[string]int{}
	for _, l := range live {
		if l.Owned() {
			out[l.Owner()]++
		}
	}
	return out
}

// stated is live entry l as a file states it, or why a file cannot: an
// entry eksaccess would refuse to create (an account root, a namespace
// scope it does not accept) or a group with spaces around its name.
func stated(cluster access.ClusterName, l Live) (accessfile.Entry, error) {
	e, err := entryFromLive(l)
	if err != nil {
		return accessfile.Entry{}, err
	}
	for _, g := range e.Groups {
		if strings.TrimSpace(g) != g {
			return accessfile.Entry{}, fmt.Errorf("group %q has spaces around it", g)
		}
	}
	if err := e.Request(cluster).Validate(); err != nil {
		return accessfile.Entry{}, err
	}
	return e, nil
}

func entryFromLive(l Live) (accessfile.Entry, error) {
	p, err := access.ParsePrincipalARN(l.PrincipalARN.String())
	if err != nil {
		return accessfile.Entry{}, err
	}
	t := l.Type.OrDefault()
	e := accessfile.Entry{Principal: p, Type: t}
	if !t.IsNode() {
		e.Groups = slices.Clone(l.KubernetesGroups)
		if l.Username != access.DefaultUsername(p) {
			e.Username = l.Username
		}
	}
	for k, v := range l.Tags {
		if k == ManagedTagKey || k == OwnerTagKey || access.IsAWSTag(k) {
			continue
		}
		if e.Tags == nil {
			e.Tags = access.Tags{}
		}
		e.Tags[k] = v
	}
	for _, hp := range l.AssociatedAccessPolicies {
		ref, err := access.ParsePolicyRef(access.PolicyName(hp.PolicyARN))
		if err != nil {
			return accessfile.Entry{}, err
		}
		scope := hp.AccessScope
		if scope.Type == access.ScopeCluster {
			scope.Namespaces = nil
		}
		e.Policies = append(e.Policies, access.PolicyAssociation{Policy: ref, Scope: scope})
	}
	slices.SortFunc(e.Policies, func(a, b access.PolicyAssociation) int { return strings.Compare(a.Policy.Name(), b.Policy.Name()) })
	return e, nil
}
