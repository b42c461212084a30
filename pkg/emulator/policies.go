package emulator

import (
	"maps"
	"slices"
	"strings"
)

// Access policies (reference §2.6-2.9, §4.8, §4.9, §5.4).

// policyCatalog is the default set of access policies: the names of
// reference §4.9 that AWS documents or that are in use (core, Auto
// Mode/hybrid/insights, other AWS services, EKS capabilities).
var policyCatalog = []string{
	// Core.
	"AmazonEKSClusterAdminPolicy",
	"AmazonEKSAdminPolicy",
	"AmazonEKSEditPolicy",
	"AmazonEKSViewPolicy",
	"AmazonEKSAdminViewPolicy",
	"AmazonEKSSecretReaderPolicy",
	// Auto Mode, hybrid nodes, cluster insights.
	"AmazonEKSAutoNodePolicy",
	"AmazonEKSBlockStoragePolicy",
	"AmazonEKSBlockStorageClusterPolicy",
	"AmazonEKSComputePolicy",
	"AmazonEKSComputeClusterPolicy",
	"AmazonEKSLoadBalancingPolicy",
	"AmazonEKSLoadBalancingClusterPolicy",
	"AmazonEKSNetworkingPolicy",
	"AmazonEKSNetworkingClusterPolicy",
	"AmazonEKSHybridPolicy",
	"AmazonEKSClusterInsightsPolicy",
	// Other AWS services.
	"AmazonEMRJobPolicy",
	"AmazonSagemakerHyperpodClusterPolicy",
	"AmazonSagemakerHyperpodControllerPolicy",
	"AmazonSagemakerHyperpodSystemNamespacePolicy",
	"AmazonAIOpsAssistantPolicy",
	"AmazonARCRegionSwitchScalingPolicy",
	// EKS capabilities.
	"AmazonEKSACKPolicy",
	"AmazonEKSArgoCDClusterPolicy",
	"AmazonEKSArgoCDPolicy",
	"AmazonEKSKROPolicy",
}

// serviceLinkedOnly are the policies AWS reserves for service-linked roles
// ("cannot be used with customer-managed roles"). Service-linked roles
// cannot be access-entry principals, so these can never be associated.
var serviceLinkedOnly = map[string]bool{
	"AmazonEKSBlockStoragePolicy":        true,
	"AmazonEKSBlockStorageClusterPolicy": true,
	"AmazonEKSComputePolicy":             true,
	"AmazonEKSComputeClusterPolicy":      true,
	"AmazonEKSHybridPolicy":              true,
	"AmazonEKSClusterInsightsPolicy":     true,
}

const autoNodePolicy = "AmazonEKSAutoNodePolicy"

func policyARN(partition, name string) string {
	return "arn:" + partition + ":eks::aws:cluster-access-policy/" + name
}

// catalogPolicy returns the name of the catalog policy arn refers to in the
// call's partition.
func catalogPolicy(c *call, arn string) (string, bool) {
	name, ok := strings.CutPrefix(arn, policyARN(c.partition, ""))
	return name, ok && slices.Contains(policyCatalog, name)
}

func (s *Server) associateAccessPolicy(c *call, in *associateAccessPolicyInput) (any, error) {
	cl, e := c.cluster, c.entry
	name, ok := catalogPolicy(c, *in.PolicyARN)
	if !ok {
		return nil, invalidParameter("The policyArn %s is not a valid access policy. You can view the available access policies with 'list-access-policies'.", *in.PolicyARN)
	}
	if serviceLinkedOnly[name] {
		return nil, invalidParameter("The access policy %s is designated for AWS service-linked roles only and cannot be associated with %s.", name, e.principal.arn)
	}
	scope, err := validateScope(in.AccessScope.Type, in.AccessScope.Namespaces)
	if err != nil {
		return nil, err
	}
	switch {
	case e.typ == typeStandard:
	case e.typ == typeEC2 && name == autoNodePolicy:
		if scope.Type != "cluster" {
			return nil, invalidParameter("The access policy %s can only be associated with cluster scope.", name)
		}
	case e.typ == typeEC2:
		return nil, invalidParameter("Access entries of type %s can only be associated with %s.", e.typ, autoNodePolicy)
	default:
		return nil, invalidParameter("Access policies cannot be associated with access entries of type %s.", e.typ)
	}

	now := s.now()
	a, ok := e.policies[*in.PolicyARN]
	if !ok {
		a = &association{policyARN: *in.PolicyARN, associated: now}
		e.policies[a.policyARN] = a
	}
	a.scope, a.modified = scope, now
	return associateAccessPolicyOutput{
		ClusterName:            cl.name,
		PrincipalARN:           e.principal.arn,
		AssociatedAccessPolicy: a.wire(),
	}, nil
}

// validateScope applies §4.8: cluster scope has no namespaces, namespace
// scope at least one.
func validateScope(typ *string, namespaces []string) (accessScopeJSON, error) {
	if typ == nil {
		return accessScopeJSON{}, required("accessScope.type")
	}
	switch *typ {
	case "cluster":
		if len(namespaces) > 0 {
			return accessScopeJSON{}, invalidParameter("Namespaces cannot be specified for an access scope of type cluster.")
		}
		return accessScopeJSON{Type: "cluster", Namespaces: []string{}}, nil
	case "namespace":
		if len(namespaces) == 0 {
			return accessScopeJSON{}, invalidParameter("At least one namespace must be specified for an access scope of type namespace.")
		}
		if slices.Contains(namespaces, "") {
			return accessScopeJSON{}, invalidParameter("Namespace names in an access scope cannot be empty.")
		}
		return accessScopeJSON{Type: "namespace", Namespaces: slices.Clone(namespaces)}, nil
	}
	return accessScopeJSON{}, invalidParameter("1 validation error detected: Value '%s' at 'accessScope.type' failed to satisfy constraint: Member must satisfy enum value set: [cluster, namespace]", *typ)
}

func (s *Server) disassociateAccessPolicy(c *call) (any, error) {
	e := c.entry
	arn := c.req.PathValue("policyArn")
	if _, ok := e.policies[arn]; !ok {
		return nil, resourceNotFound("The specified policyArn %s is not associated with principalArn %s. You can view the associated access policies with 'list-associated-access-policies'.", arn, e.principal.arn)
	}
	delete(e.policies, arn)
	return emptyOutput{}, nil
}

func (s *Server) listAssociatedAccessPolicies(c *call) (any, error) {
	cl, e := c.cluster, c.entry
	arns := slices.Sorted(maps.Keys(e.policies))
	page, next, err := paginate(c, "ListAssociatedAccessPolicies\x00"+cl.name+"\x00"+e.principal.arn, arns, func(a string) string { return a })
	if err != nil {
		return nil, err
	}
	out := listAssociatedAccessPoliciesOutput{
		ClusterName:              cl.name,
		PrincipalARN:             e.principal.arn,
		NextToken:                next,
		AssociatedAccessPolicies: []associatedAccessPolicyJSON{},
	}
	for _, arn := range page {
		out.AssociatedAccessPolicies = append(out.AssociatedAccessPolicies, e.policies[arn].wire())
	}
	return out, nil
}

// listAccessPolicies lists the catalog in the call's partition, by name. It
// is not tied to a cluster, so it works whatever the authentication mode.
func (s *Server) listAccessPolicies(c *call) (any, error) {
	names := slices.Sorted(slices.Values(policyCatalog))
	page, next, err := paginate(c, "ListAccessPolicies", names, func(n string) string { return n })
	if err != nil {
		return nil, err
	}
	out := listAccessPoliciesOutput{AccessPolicies: []accessPolicyJSON{}, NextToken: next}
	for _, n := range page {
		out.AccessPolicies = append(out.AccessPolicies, accessPolicyJSON{Name: n, ARN: policyARN(c.partition, n)})
	}
	return out, nil
}
