package access

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ClusterAdminPolicy is the policy whose loss locks a caller out of a cluster.
const ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"

// IsCaller reports whether principal is the identity callerARN (as STS
// GetCallerIdentity returns it) authenticates as. An assumed-role session
// arn:<p>:sts::<acct>:assumed-role/<Role>/<session> is its role: the session
// ARN has no path, so the role's name is compared and any path in the
// entry's ARN is accepted. A user is compared whole.
func IsCaller(callerARN string, principal PrincipalARN) bool {
	c, err := arn.Parse(callerARN)
	if err != nil || principal.IsZero() {
		return false
	}
	p := principal.parsed
	if c.Partition != p.Partition || c.AccountID != p.AccountID {
		return false
	}
	switch {
	case c.Service == "sts" && strings.HasPrefix(c.Resource, "assumed-role/"):
		role, _, _ := strings.Cut(strings.TrimPrefix(c.Resource, "assumed-role/"), "/")
		return principal.IsRole() && lastSegment(p.Resource) == role
	case c.Service == "iam":
		return c.Resource == p.Resource
	}
	return false
}

func lastSegment(resource string) string {
	return resource[strings.LastIndexByte(resource, '/')+1:]
}

// UncheckedPrincipalARN wraps an ARN that EKS itself returned (from
// ListAccessEntries): it is addressed as it is, even if eksaccess would not
// accept it for a new entry (the account root, for one).
func UncheckedPrincipalARN(s string) PrincipalARN {
	a, _ := arn.Parse(s)
	return PrincipalARN{raw: s, parsed: a}
}

// ParseEntryPrincipal parses the principal of an entry that may already
// exist: the rules of PrincipalARN, except that the account root is
// accepted. EKS takes root entries (they grant nothing), so eksaccess must
// be able to describe and delete one, though it will not create one.
func ParseEntryPrincipal(s string) (PrincipalARN, error) {
	p, err := ParsePrincipalARN(s)
	if err == nil {
		return p, nil
	}
	if a, perr := arn.Parse(s); perr == nil && a.Service == "iam" && a.Resource == "root" &&
		a.Region == "" && len(a.AccountID) == 12 && isDigits(a.AccountID) && checkPartition(s, a.Partition) == nil {
		return PrincipalARN{raw: s, parsed: a}, nil
	}
	return p, err
}
