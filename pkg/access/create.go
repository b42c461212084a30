package access

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// CreateEntry is a validated CreateAccessEntry request, plus the policies
// to associate after the entry is created.
type CreateEntry struct {
	Cluster            ClusterName
	Principal          PrincipalARN
	Type               EntryType // "" means the API default, STANDARD
	Groups             []string
	Username           string
	Tags               Tags
	ClientRequestToken string
	Policies           []PolicyAssociation
}

const (
	minToken = 33
	maxToken = 126
)

// Validate checks the rules that span fields, and the per-value rules of
// fields that have no flag type of their own (groups, username, token).
// It returns every problem joined (errors.Join), each naming its flag.
// Groups should have been through NormalizeGroups.
func (r CreateEntry) Validate() error {
	// The checks return nil when all is well; errors.Join drops nils.
	errs := checkTarget(r.Cluster, r.Principal)
	switch err := checkType(r.Type); {
	case err != nil: // the rules that depend on the type would only add noise
		errs = append(errs, prefixed("--type", err))
	case r.Type.IsNode():
		errs = append(errs, FlagWords.NodeProblems(r.Type, r.Principal, r.Groups, r.Username, r.Policies)...)
	default:
		if r.Username != "" {
			errs = append(errs, FlagWords.CheckUsername(r.Username))
		}
		for i, g := range r.Groups {
			errs = append(errs, FlagWords.CheckGroup(i, g))
		}
	}
	errs = append(errs, r.Tags.problems()...)
	if err := CheckText(r.ClientRequestToken); err != nil {
		errs = append(errs, prefixed("--client-request-token", err))
	} else if n := utf8.RuneCountInString(r.ClientRequestToken); n > 0 && (n < minToken || n > maxToken) {
		errs = append(errs, newError(
			fmt.Sprintf("--client-request-token is %d characters; it must be %d to %d", n, minToken, maxToken),
			"leave it empty and eksaccess generates one"))
	}
	errs = append(errs, r.policyProblems()...)
	return errors.Join(errs...)
}

// Warnings are non-fatal remarks on a valid request: the principal's
// (see PrincipalARN.Warnings), and a username whose {{SessionName}} is
// spelled in another case.
func (r CreateEntry) Warnings() []string {
	return append(r.Principal.Warnings(), usernameWarnings(r.Username)...)
}

// checkTarget checks the two flags every entry request needs.
func checkTarget(cluster ClusterName, principal PrincipalARN) []error {
	var errs []error
	if cluster == "" {
		errs = append(errs, errorf("--cluster is required"))
	} else if err := checkClusterName(string(cluster)); err != nil {
		errs = append(errs, prefixed("--cluster", err))
	}
	if principal.IsZero() {
		errs = append(errs, errorf("--principal is required"))
	}
	return errs
}

// policyProblems checks each association's scope, that no policy is named
// twice or reserved for service-linked roles, and that a policy ARN is in
// the principal's partition.
func (r CreateEntry) policyProblems() []error {
	var errs []error
	seen := make(map[string]PolicyAssociation)
	for i, p := range r.Policies {
		if p.Policy.Name() == "" {
			errs = append(errs, errorf("--policy has no policy name"))
			continue
		}
		if err := p.Scope.Validate(); err != nil {
			errs = append(errs, prefixed("--policy "+p.Policy.String(), err))
		}
		if err := p.Policy.CheckAssociable(); err != nil {
			errs = append(errs, prefixed("--policy", err))
		}
		errs = append(errs, FlagWords.CheckPolicyPartition(i, r.Principal, p.Policy))
		arn := r.Principal.PolicyARN(p.Policy)
		first, dup := seen[arn]
		switch {
		case !dup:
			seen[arn] = p
		case first.Scope.Type == ScopeNamespace && p.Scope.Type == ScopeNamespace:
			merged := Scope{Type: ScopeNamespace, Namespaces: append(slices.Clone(first.Scope.Namespaces), p.Scope.Namespaces...)}
			errs = append(errs, newError(
				fmt.Sprintf("--policy %s is given twice; a policy has one scope per entry", p.Policy.Name()),
				fmt.Sprintf("name the namespaces once: --policy %s:%s", p.Policy, merged)))
		default:
			errs = append(errs, errorf("--policy %s is given twice; a policy has one scope per entry", p.Policy.Name()))
		}
	}
	return errs
}

// NormalizeGroups trims spaces around each group, drops empty ones and
// repeats, and keeps the first occurrence's order. It returns nil when no
// group is left. The CLI calls it before Validate.
func NormalizeGroups(groups []string) []string {
	var out []string
	for _, g := range groups {
		if g = strings.TrimSpace(g); g != "" && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}
