package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ScopeType is an access scope's type.
type ScopeType string

// Access scope types, spelled as the API spells them.
const (
	ScopeCluster   ScopeType = "cluster"
	ScopeNamespace ScopeType = "namespace"
)

// Scope is where an access policy applies.
type Scope struct {
	Type       ScopeType `json:"type" yaml:"type"`
	Namespaces []string  `json:"namespaces" yaml:"namespaces,omitempty"` // in an apply file, left out when empty
}

const (
	scopeForms      = `"cluster" or "namespace=NS[,NS...]"`
	namespacePrefix = string(ScopeNamespace) + "="
	maxNamespace    = 63 // a DNS-1123 label
)

// ParseScope parses "cluster" or "namespace=a,b" (spaces around names are
// trimmed) and validates the result.
func ParseScope(s string) (Scope, error) {
	var scope Scope
	switch {
	case s == string(ScopeCluster):
		scope = Scope{Type: ScopeCluster}
	case strings.HasPrefix(s, namespacePrefix):
		scope = Scope{Type: ScopeNamespace}
		if list := s[len(namespacePrefix):]; list != "" {
			for ns := range strings.SplitSeq(list, ",") {
				scope.Namespaces = append(scope.Namespaces, strings.TrimSpace(ns))
			}
		}
	default:
		return Scope{}, errorf("invalid scope %q; use %s", s, scopeForms)
	}
	if err := scope.Validate(); err != nil {
		return Scope{}, err
	}
	return scope, nil
}

// String renders the scope as ParseScope reads it.
func (s Scope) String() string {
	if s.Type == ScopeNamespace {
		return namespacePrefix + strings.Join(s.Namespaces, ",")
	}
	return string(s.Type)
}

// Validate: cluster has no namespaces; namespace has at least one, and each
// is a DNS-1123 label (at most 63 characters: lowercase letters, digits and
// "-", beginning and ending with a letter or digit) or a prefix of one
// followed by the wildcard "*" ("dev-*").
func (s Scope) Validate() error {
	switch s.Type {
	case ScopeCluster:
		if len(s.Namespaces) > 0 {
			return newError(fmt.Sprintf("cluster scope takes no namespaces, but has %q", s.Namespaces),
				"use namespace=NS[,NS...] to limit the policy to namespaces")
		}
	case ScopeNamespace:
		if len(s.Namespaces) == 0 {
			return newError("namespace scope needs at least one namespace", "write namespace=NS[,NS...]")
		}
		for _, ns := range s.Namespaces {
			if err := checkNamespace(ns); err != nil {
				return err
			}
		}
	default:
		return errorf("unknown scope type %q; use %q or %q", s.Type, ScopeCluster, ScopeNamespace)
	}
	return nil
}

func checkNamespace(ns string) error {
	const rule = `namespaces use lowercase letters, digits and "-", begin and end with a letter or digit, and may end with a "*" wildcard ("dev-*")`
	name, wildcard := strings.CutSuffix(ns, "*")
	switch {
	case ns == "":
		return errorf("empty namespace in namespace scope")
	case name == "":
		return newError(fmt.Sprintf("namespace %q matches every namespace", ns), "use cluster scope instead")
	case len(ns) > maxNamespace:
		return errorf("namespace %q is %d characters; the limit is %d", ns, len(ns), maxNamespace)
	case strings.Contains(name, "*"):
		return errorf(`namespace %q has a "*" that is not at the end; %s`, ns, rule)
	case !isLowerAlnum(name[0]) || !wildcard && !isLowerAlnum(name[len(name)-1]):
		return errorf("namespace %q is not valid; %s", ns, rule)
	}
	for _, r := range name {
		if r > 0x7f || !isLowerAlnum(byte(r)) && r != '-' {
			return errorf("namespace %q contains %q; %s", ns, string(r), rule)
		}
	}
	return nil
}

func isLowerAlnum(b byte) bool { return 'a' <= b && b <= 'z' || '0' <= b && b <= '9' }

// Equal compares two scopes; namespace order (and repeats) do not matter.
func (s Scope) Equal(o Scope) bool {
	return s.Type == o.Type && slices.Equal(sortedSet(s.Namespaces), sortedSet(o.Namespaces))
}

// sortedSet returns a sorted copy of list without repeats.
func sortedSet(list []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(list)))
}

// PolicyRef names an access policy by short name or full ARN.
type PolicyRef struct {
	name string // AmazonEKSViewPolicy
	arn  string // set when the user gave a full ARN
}

const (
	policyResource = "cluster-access-policy/"
	policyHint     = "give a short name such as AmazonEKSViewPolicy, or arn:aws:eks::aws:cluster-access-policy/NAME"
)

// ParsePolicyRef accepts "AmazonEKSViewPolicy" or
// "arn:<p>:eks::aws:cluster-access-policy/AmazonEKSViewPolicy".
func ParsePolicyRef(s string) (PolicyRef, error) {
	if !strings.HasPrefix(s, "arn:") {
		if err := checkPolicyName(s); err != nil {
			return PolicyRef{}, err
		}
		return PolicyRef{name: s}, nil
	}
	a, err := arn.Parse(s)
	if err != nil {
		return PolicyRef{}, newError(fmt.Sprintf("not an ARN: %q", s), policyHint)
	}
	name, ok := strings.CutPrefix(a.Resource, policyResource)
	switch {
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "policy/"):
		return PolicyRef{}, newError(fmt.Sprintf("%q is an IAM policy, not an EKS access policy", s),
			"access policies are EKS's own; eksaccess policy list shows them")
	case a.Service != "eks" || !ok:
		return PolicyRef{}, newError(fmt.Sprintf("%q is not an EKS access policy ARN", s), policyHint)
	}
	if err := checkPartition(s, a.Partition); err != nil {
		return PolicyRef{}, err
	}
	if err := checkPolicyName(name); err != nil {
		return PolicyRef{}, prefixed(fmt.Sprintf("%q", s), err)
	}
	if a.Region != "" || a.AccountID != "aws" {
		return PolicyRef{}, newError(
			fmt.Sprintf(`access policy ARNs have no region and the account "aws", but %q has region %q and account %q`, s, a.Region, a.AccountID),
			"use "+policyARN(a.Partition, name))
	}
	return PolicyRef{name: name, arn: s}, nil
}

func checkPolicyName(name string) error {
	if name == "" {
		return newError("policy name is empty", policyHint)
	}
	for _, r := range name {
		if r > 0x7f || !isAlnum(byte(r)) {
			return newError(fmt.Sprintf("policy name %q contains %q; names are letters and digits", name, string(r)), policyHint)
		}
	}
	return nil
}

func policyARN(partition, name string) string {
	if partition == "" {
		partition = "aws"
	}
	return arn.ARN{Partition: partition, Service: "eks", AccountID: "aws", Resource: policyResource + name}.String()
}

// Name is the policy's short name.
func (p PolicyRef) Name() string { return p.name }

// ARN returns the policy's ARN; a short name takes the given partition
// (the principal's), and "" means aws. A full ARN is returned as given.
// The zero PolicyRef has no ARN ("").
func (p PolicyRef) ARN(partition string) string {
	switch {
	case p.arn != "":
		return p.arn
	case p.name == "":
		return ""
	}
	return policyARN(partition, p.name)
}

// String is what the user wrote (short name or ARN).
func (p PolicyRef) String() string {
	if p.arn != "" {
		return p.arn
	}
	return p.name
}

// PolicyAssociation is a policy and the scope it is associated with.
type PolicyAssociation struct {
	Policy PolicyRef
	Scope  Scope
}

const associationForms = "POLICY, POLICY:cluster or POLICY:namespace=NS[,NS...]"

// ParsePolicyAssociation reads create's --policy P[:scope]: "AmazonEKSAdminPolicy"
// and "AmazonEKSAdminPolicy:cluster" (cluster scope), "AmazonEKSEditPolicy:namespace=dev,test";
// P may be a full ARN.
func ParsePolicyAssociation(s string) (PolicyAssociation, error) {
	policy, scope, err := splitAssociation(s)
	if err != nil {
		return PolicyAssociation{}, err
	}
	ref, err := ParsePolicyRef(policy)
	if err != nil {
		return PolicyAssociation{}, err
	}
	a := PolicyAssociation{Policy: ref, Scope: Scope{Type: ScopeCluster}}
	if scope != "" {
		if a.Scope, err = ParseScope(scope); err != nil {
			return PolicyAssociation{}, err
		}
	}
	return a, nil
}

// splitAssociation splits "P[:scope]" into P and scope. Policy ARNs have
// five colons of their own, so for an ARN the scope begins after the sixth.
func splitAssociation(s string) (policy, scope string, err error) {
	const clusterSuffix = ":" + string(ScopeCluster)
	if p, ok := strings.CutSuffix(s, clusterSuffix); ok {
		return p, string(ScopeCluster), nil
	}
	if i := strings.Index(s, ":"+namespacePrefix); i >= 0 {
		return s[:i], s[i+1:], nil
	}
	colons := 0
	if strings.HasPrefix(s, "arn:") {
		colons = 5
	}
	parts := strings.SplitN(s, ":", colons+2)
	if len(parts) <= colons+1 {
		return s, "", nil
	}
	return "", "", errorf("invalid scope %q in %q; use %s", parts[colons+1], s, associationForms)
}

// String renders the association as ParsePolicyAssociation reads it, the
// scope always spelled out: "AmazonEKSViewPolicy:cluster".
func (a PolicyAssociation) String() string { return a.Policy.String() + ":" + a.Scope.String() }

// PolicyAssociations is the repeatable --policy flag value.
type PolicyAssociations []PolicyAssociation

// Set parses one P[:scope] and appends it (pflag.Value).
func (p *PolicyAssociations) Set(s string) error {
	a, err := ParsePolicyAssociation(s)
	if err != nil {
		return err
	}
	*p = append(*p, a)
	return nil
}

// String renders the associations separated by spaces ("" when empty).
func (p PolicyAssociations) String() string {
	parts := make([]string, len(p))
	for i, a := range p {
		parts[i] = a.String()
	}
	return strings.Join(parts, " ")
}

// Type names the flag's value in help (pflag.Value).
func (p PolicyAssociations) Type() string { return "policy[:scope]" }
