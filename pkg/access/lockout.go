package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// EntryAccess is what one access entry grants, as far as the EKS API shows
// it: whether the entry exists, its Kubernetes groups and its access
// policies. ConfigMap stands for access through the aws-auth ConfigMap,
// which the EKS API cannot read; it is set only for the state before a
// switch of the authentication mode to API, which ends it, and before the
// caller's own entry is created in a cluster that honours aws-auth
// (API_AND_CONFIG_MAP), where the new entry takes precedence over it.
//
// The commands describe an entry before a write and derive, without I/O,
// what it will grant after (WithGroups, WithPolicy, WithoutPolicy, or the
// zero value for a deleted entry); CheckLockout compares the two.
type EntryAccess struct {
	Exists    bool
	Groups    []string
	Policies  []AssociatedPolicy
	ConfigMap bool
}

// Grants reports whether a grants any access: a Kubernetes group or an
// access policy of an entry that exists, or the aws-auth ConfigMap. (An
// entry with neither still authenticates its principal, with nothing but
// its username; CheckLockout treats deleting it as a lockout of its own.)
func (a EntryAccess) Grants() bool {
	return a.ConfigMap || a.Exists && (len(a.Groups) > 0 || len(a.Policies) > 0)
}

// ClusterAdmin reports whether a holds AmazonEKSClusterAdminPolicy at
// cluster scope: the access that can repair everything else in the
// cluster. At namespace scope it is not cluster admin.
func (a EntryAccess) ClusterAdmin() bool {
	if !a.Exists {
		return false
	}
	return slices.ContainsFunc(a.Policies, func(p AssociatedPolicy) bool {
		return PolicyName(p.PolicyARN) == ClusterAdminPolicy && p.AccessScope.Type == ScopeCluster
	})
}

// WithGroups returns a with its Kubernetes groups replaced (update).
func (a EntryAccess) WithGroups(groups []string) EntryAccess {
	a.Groups = slices.Clone(groups)
	return a
}

// WithPolicy returns a with policyARN associated at scope: added, or its
// scope replaced when a holds it already, as AssociateAccessPolicy does.
func (a EntryAccess) WithPolicy(policyARN string, scope Scope) EntryAccess {
	out := a
	out.Policies = make([]AssociatedPolicy, 0, len(a.Policies)+1)
	replaced := false
	for _, p := range a.Policies {
		if p.PolicyARN == policyARN {
			p.AccessScope = scope
			replaced = true
		}
		out.Policies = append(out.Policies, p)
	}
	if !replaced {
		out.Policies = append(out.Policies, AssociatedPolicy{PolicyARN: policyARN, AccessScope: scope})
	}
	return out
}

// WithoutPolicy returns a without policyARN (disassociate).
func (a EntryAccess) WithoutPolicy(policyARN string) EntryAccess {
	a.Policies = slices.DeleteFunc(slices.Clone(a.Policies), func(p AssociatedPolicy) bool { return p.PolicyARN == policyARN })
	return a
}

// Merge returns the access a and b grant together: the caller's several
// entries (an assumed-role session matches every role of its name,
// whatever the path).
func (a EntryAccess) Merge(b EntryAccess) EntryAccess {
	return EntryAccess{
		Exists:    a.Exists || b.Exists,
		Groups:    append(slices.Clone(a.Groups), b.Groups...),
		Policies:  append(slices.Clone(a.Policies), b.Policies...),
		ConfigMap: a.ConfigMap || b.ConfigMap,
	}
}

// LockoutReason is why a write would lock the caller out.
type LockoutReason int

// The reasons, in the order CheckLockout tries them.
const (
	// LockoutEntry: the caller's own entry would go. Without it the caller
	// cannot even authenticate, whatever the entry granted.
	LockoutEntry LockoutReason = iota + 1
	// LockoutClusterAdmin: the caller's AmazonEKSClusterAdminPolicy at
	// cluster scope would go (removed, or narrowed to namespaces).
	LockoutClusterAdmin
	// LockoutShadowsConfigMap: the caller's own entry would be created
	// without AmazonEKSClusterAdminPolicy at cluster scope where aws-auth
	// may be all the caller has (system:masters, say). In
	// API_AND_CONFIG_MAP an access entry takes precedence over aws-auth
	// for its principal (EKS User Guide), so the caller would have only
	// what the new entry grants.
	LockoutShadowsConfigMap
	// LockoutAllAccess: nothing that grants access would be left: no
	// Kubernetes group and no access policy.
	LockoutAllAccess
)

// LockoutError is CheckLockout's refusal. Unlike this package's other
// errors it is not a validation error: the request is well-formed, and
// the CLI turns it into a conflict (exit 4) that --force overrides.
type LockoutError struct {
	Caller    string       // the caller's ARN, as STS reports it
	Principal PrincipalARN // the entry that is the caller's
	Reason    LockoutReason
}

func (e *LockoutError) Error() string {
	var why string
	switch e.Reason {
	case LockoutEntry:
		why = "it is your own access"
	case LockoutClusterAdmin:
		why = "it is your last cluster-admin policy at cluster scope"
	case LockoutAllAccess:
		why = "you would lose all access: no Kubernetes group and no access policy would be left"
	case LockoutShadowsConfigMap:
		why = "your own access entry takes precedence over the aws-auth ConfigMap, and this one would not hold " + ClusterAdminPolicy +
			" at cluster scope: whatever aws-auth gives you (system:masters, say) would give way to what the entry grants"
	default:
		why = "it would lock you out"
	}
	return fmt.Sprintf("%s (you are %s)", why, e.Caller)
}

// CheckLockout is the one rule for every write that can take access away
// from the identity making it: given the caller (STS GetCallerIdentity's
// ARN), the entry's principal, and what the entry grants before and after
// the write, it returns a *LockoutError when
//
//   - the caller's entry existed and would not (LockoutEntry);
//   - it held AmazonEKSClusterAdminPolicy at cluster scope and would not
//     (LockoutClusterAdmin);
//   - it did not exist, aws-auth counted (before.ConfigMap), and it would
//     be created without cluster admin (LockoutShadowsConfigMap);
//   - it granted access and would grant none (LockoutAllAccess);
//
// and nil otherwise, in particular when principal is not the caller (see
// IsCaller: the state need not even be read then).
func CheckLockout(caller string, principal PrincipalARN, before, after EntryAccess) error {
	if !IsCaller(caller, principal) {
		return nil
	}
	refuse := func(r LockoutReason) error { return &LockoutError{Caller: caller, Principal: principal, Reason: r} }
	switch {
	case before.Exists && !after.Exists:
		return refuse(LockoutEntry)
	case before.ClusterAdmin() && !after.ClusterAdmin():
		return refuse(LockoutClusterAdmin)
	case !before.Exists && before.ConfigMap && after.Exists && !after.ClusterAdmin():
		return refuse(LockoutShadowsConfigMap)
	case before.Grants() && !after.Grants():
		return refuse(LockoutAllAccess)
	}
	return nil
}

// CallerPrincipal returns the principal ARN an access entry for the caller
// would have: an assumed-role session's role (without its path, which the
// session ARN does not carry), or the IAM user itself. ok is false for
// anything else (the account root, a federated user).
func CallerPrincipal(callerARN string) (principal string, ok bool) {
	c, err := arn.Parse(callerARN)
	if err != nil {
		return "", false
	}
	switch {
	case c.Service == "sts" && strings.HasPrefix(c.Resource, "assumed-role/"):
		role, _, _ := strings.Cut(strings.TrimPrefix(c.Resource, "assumed-role/"), "/")
		if role == "" {
			return "", false
		}
		return arn.ARN{Partition: c.Partition, Service: "iam", AccountID: c.AccountID, Resource: "role/" + role}.String(), true
	case c.Service == "iam" && strings.HasPrefix(c.Resource, "user/"):
		return callerARN, true
	}
	return "", false
}

// NewEntryAccess is what the entry r creates will grant once its policies
// are associated.
func NewEntryAccess(r CreateEntry) EntryAccess {
	a := EntryAccess{Exists: true, Groups: NormalizeGroups(r.Groups)}
	for _, p := range r.Policies {
		a = a.WithPolicy(r.Principal.PolicyARN(p.Policy), p.Scope)
	}
	return a
}
