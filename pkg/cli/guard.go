package cli

import (
	"context"
	"fmt"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// guardLockout refuses to remove the caller's own access (contract, "Safety
// rules"): its whole entry (policyARN == ""), its last cluster-admin
// policy, or its last access policy of any kind when the entry has no
// Kubernetes groups either (nothing would be left). --force skips it. It
// asks STS who the caller is, only when the principal could be the caller.
func guardLockout(ctx context.Context, client *eksapi.Client, cluster access.ClusterName, principal access.PrincipalARN, policyARN string, force bool) error {
	if force {
		return nil
	}
	caller, err := client.CallerIdentity(ctx)
	if err != nil {
		return withHint(err, "eksaccess asks STS who you are, so as not to remove your own access; STS calls go to AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL, not --endpoint-url; --force skips the check")
	}
	if !access.IsCaller(caller, principal) {
		return nil
	}
	if policyARN == "" {
		return lockoutError(fmt.Errorf("refusing to delete access entry %s in cluster %s: it is your own access (you are %s)", principal, cluster, caller))
	}
	have, err := client.ListAssociatedPolicies(ctx, cluster, principal)
	if err != nil {
		return err
	}
	var others, otherAdmins int
	for _, p := range have {
		if p.PolicyARN == policyARN {
			continue
		}
		others++
		if access.PolicyName(p.PolicyARN) == access.ClusterAdminPolicy {
			otherAdmins++
		}
	}
	name := access.PolicyName(policyARN)
	if name == access.ClusterAdminPolicy && otherAdmins == 0 {
		return lockoutError(fmt.Errorf("refusing to disassociate %s from %s in cluster %s: it is your last cluster-admin policy (you are %s)", name, principal, cluster, caller))
	}
	if others == 0 {
		entry, err := client.DescribeEntry(ctx, cluster, principal)
		if err != nil {
			return err
		}
		if len(entry.KubernetesGroups) == 0 {
			return lockoutError(fmt.Errorf("refusing to disassociate %s from %s in cluster %s: it is your last access policy and the entry has no Kubernetes groups, so you would lose all access (you are %s)", name, principal, cluster, caller))
		}
	}
	return nil
}

func lockoutError(err error) error {
	return &exitCodeError{code: exitConflict, err: withHint(err, "use other credentials, or pass --force if you really mean to lock yourself out")}
}
