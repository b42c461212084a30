package cli

import (
	"context"
	"fmt"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// guardLockout refuses to remove the caller's own access: its whole entry
// (policyARN == ""), or the last cluster-admin policy of its entry. --force
// skips it. It asks STS who the caller is.
func guardLockout(ctx context.Context, client *eksapi.Client, cluster access.ClusterName, principal access.PrincipalARN, policyARN string, force bool) error {
	if force {
		return nil
	}
	caller, err := client.CallerIdentity(ctx)
	if err != nil {
		return withHint(err, "eksaccess checks that you do not remove your own access; pass --force to skip the check")
	}
	if !access.IsCaller(caller, principal) {
		return nil
	}
	if policyARN == "" {
		return lockoutError(fmt.Errorf("refusing to delete access entry %s in cluster %s: it is your own access (you are %s)", principal, cluster, caller))
	}
	if policyName(policyARN) != access.ClusterAdminPolicy {
		return nil
	}
	have, err := client.ListAssociatedPolicies(ctx, cluster, principal)
	if err != nil {
		return err
	}
	for _, p := range have {
		if p.PolicyARN != policyARN && policyName(p.PolicyARN) == access.ClusterAdminPolicy {
			return nil
		}
	}
	return lockoutError(fmt.Errorf("refusing to disassociate %s from %s in cluster %s: it is your last cluster-admin policy (you are %s)", access.ClusterAdminPolicy, principal, cluster, caller))
}

func lockoutError(err error) error {
	return &exitCodeError{code: exitConflict, err: withHint(err, "use other credentials, or pass --force if you really mean to lock yourself out")}
}
