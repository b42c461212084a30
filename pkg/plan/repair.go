package plan

import (
	"fmt"
	"maps"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// Repair plans audit --fix's repair of an entry that grants nothing because
// its principal is not the one it was made for (a role or user created
// again, an IAM Identity Center role re-provisioned): the entry is deleted,
// and one is created for principal (the same ARN, or the new role) with
// its type, username (unless the one EKS made up from the old ARN),
// groups (but a node entry's, which EKS sets), tags (all but AWS's own:
// the managed and owner tags too, so the entry keeps its owner) and
// policies with their scopes.
//
// The delete takes nothing from anyone: the entry grants nothing. The
// create is the caller's own new entry when principal is the caller, and
// then the lockout rule of a create applies (without cluster admin where
// aws-auth counts, o.ConfigMap): refused, the pair is one refused change,
// and neither is made. Otherwise the changes are [delete, create], in the
// order they must be made.
func Repair(cluster access.ClusterName, have Live, principal access.PrincipalARN, o Options) []Change {
	w := access.CreateEntry{Cluster: cluster, Principal: principal, Type: have.Type,
		Groups: have.CarriedGroups(), Username: have.CarriedUsername()}
	for k, v := range have.Tags {
		if access.IsAWSTag(k) {
			continue
		}
		if w.Tags == nil {
			w.Tags = access.Tags{}
		}
		w.Tags[k] = v
	}
	for _, hp := range have.AssociatedAccessPolicies {
		scope := hp.AccessScope
		if scope.Type == access.ScopeCluster {
			scope.Namespaces = nil
		}
		ref, err := access.ParsePolicyRef(access.PolicyName(hp.PolicyARN))
		if err != nil {
			// A policy the catalog does not know by name: its full ARN.
			ref, err = access.ParsePolicyRef(hp.PolicyARN)
		}
		if err != nil {
			return []Change{{Principal: principal, Action: ActionRefuse, Want: &w, Have: &have,
				Reason: fmt.Sprintf("the entry of %s holds policy %s, which cannot be associated again: %v", have.PrincipalARN, hp.PolicyARN, err)}}
		}
		w.Policies = append(w.Policies, access.PolicyAssociation{Policy: ref, Scope: scope})
	}
	if o.Caller != "" {
		if err := access.CheckLockout(o.Caller, principal, access.EntryAccess{ConfigMap: o.ConfigMap}, access.NewEntryAccess(w)); err != nil {
			return []Change{{Principal: principal, Action: ActionRefuse, Want: &w, Have: &have,
				Reason: fmt.Sprintf("neither the delete of %s nor the create is made: %s; give the entry %s at cluster scope, or repair it by hand (--force overrides)", have.PrincipalARN, err, access.ClusterAdminPolicy)}}
		}
	}
	old := have
	old.Tags = maps.Clone(have.Tags)
	return []Change{
		{Principal: have.PrincipalARN, Action: ActionDelete, Have: &old},
		{Principal: principal, Action: ActionCreate, Want: &w},
	}
}
