package access

import (
	"fmt"
	"slices"
)

// CatalogDate is when the access-policy names below were taken.
const CatalogDate = "2026-12-01"

// catalogNames is the EKS access-policy catalog as eksaccess ships it: the
// names of docs/design/access-entry-api.md §4.9 and of the bundled
// emulator's catalog. The live catalog (ListAccessPolicies) comes first;
// this list stands in for it when a command must not or cannot read it:
// --dry-run, and callers not allowed eks:ListAccessPolicies. Keep it
// sorted, a family of policies to a line.
//
// Seen in a 2026 list-access-policies output only:
// AIDevOpsAgentAccessPolicy, AmazonEKSEventPolicy,
// AmazonEKSPodIdentityPolicy, AmazonEKSSecretAdminPolicy,
// AmazonSagemakerHyperpodSpacePolicy,
// AmazonSagemakerHyperpodSpaceTemplatePolicy and
// AmazonSagemakerHyperpodUserClusterPolicy.
var catalogNames = []string{
	"AIDevOpsAgentAccessPolicy",
	"AmazonAIOpsAssistantPolicy",
	"AmazonARCRegionSwitchScalingPolicy",
	"AmazonEKSACKPolicy",
	"AmazonEKSAdminPolicy", "AmazonEKSAdminViewPolicy",
	"AmazonEKSArgoCDClusterPolicy", "AmazonEKSArgoCDPolicy",
	"AmazonEKSAutoNodePolicy",
	"AmazonEKSBlockStorageClusterPolicy", "AmazonEKSBlockStoragePolicy",
	"AmazonEKSClusterAdminPolicy", "AmazonEKSClusterInsightsPolicy",
	"AmazonEKSComputeClusterPolicy", "AmazonEKSComputePolicy",
	"AmazonEKSEditPolicy",
	"AmazonEKSEventPolicy",
	"AmazonEKSHybridPolicy",
	"AmazonEKSKROPolicy",
	"AmazonEKSLoadBalancingClusterPolicy", "AmazonEKSLoadBalancingPolicy",
	"AmazonEKSNetworkingClusterPolicy", "AmazonEKSNetworkingPolicy",
	"AmazonEKSPodIdentityPolicy",
	"AmazonEKSSecretAdminPolicy", "AmazonEKSSecretReaderPolicy",
	"AmazonEKSViewPolicy",
	"AmazonEMRJobPolicy",
	"AmazonSagemakerHyperpodClusterPolicy", "AmazonSagemakerHyperpodControllerPolicy",
	"AmazonSagemakerHyperpodSpacePolicy", "AmazonSagemakerHyperpodSpaceTemplatePolicy",
	"AmazonSagemakerHyperpodSystemNamespacePolicy", "AmazonSagemakerHyperpodUserClusterPolicy",
}

// Catalog returns the access policies eksaccess ships (see CatalogDate),
// sorted by name, with their ARNs in partition ("" means aws).
func Catalog(partition string) []Policy {
	out := make([]Policy, len(catalogNames))
	for i, n := range catalogNames {
		out[i] = Policy{Name: n, ARN: policyARN(partition, n)}
	}
	return out
}

// serviceLinkedOnly are the access policies AWS designates "for AWS
// service-linked roles only": they "cannot be used with customer-managed
// roles" (docs/design/access-entry-api.md §4.9). Service-linked roles
// cannot be access-entry principals (principal.go), so no principal
// eksaccess can name may hold them: EKS refuses the association.
var serviceLinkedOnly = []string{
	"AmazonEKSBlockStorageClusterPolicy",
	"AmazonEKSBlockStoragePolicy",
	"AmazonEKSClusterInsightsPolicy",
	"AmazonEKSComputeClusterPolicy",
	"AmazonEKSComputePolicy",
	"AmazonEKSHybridPolicy",
}

// CheckAssociable refuses a policy that EKS reserves for AWS
// service-linked roles: associating it with a customer's role or user
// fails. It says nothing of policies it does not know (see Catalog).
// Listing, describing and disassociating such a policy stay allowed: EKS
// associates these itself with the service-linked roles it creates
// entries for.
func (p PolicyRef) CheckAssociable() error {
	if !slices.Contains(serviceLinkedOnly, p.name) {
		return nil
	}
	return newError(
		fmt.Sprintf("access policy %s is reserved for AWS service-linked roles: EKS refuses to associate it with a role or user of yours", p.name),
		"EKS associates it itself with the service-linked role that needs it; `eksaccess policy list` shows the other policies")
}

// CheckSpelling refuses a short policy name that is not in the catalog
// eksaccess ships but is close to a name that is ("AmazonEKSAdminVewPolicy",
// "View"): a typo, caught offline, before anything is sent, with the name
// it most likely means. A name close to none may be a policy newer than
// the catalog and is left to the live catalog (eksapi.CheckPolicies); so
// is a full ARN, the way to name a new policy that happens to be spelled
// like a known one.
func (p PolicyRef) CheckSpelling() error {
	if p.arn != "" || slices.Contains(catalogNames, p.name) {
		return nil
	}
	s := SuggestPolicy(p.name, catalogNames)
	if s == "" {
		return nil
	}
	return newError(fmt.Sprintf("unknown access policy %q", p.name),
		fmt.Sprintf("did you mean %s? (a policy newer than the catalog eksaccess ships, taken %s, can be given by its full ARN)", s, CatalogDate))
}
