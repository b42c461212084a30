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

	// autoNodePolicy is the one policy an EC2 (Auto Mode) entry may have.
	autoNodePolicy = "AmazonEKSAutoNodePolicy"
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
		errs = append(errs, r.nodeProblems()...)
	default:
		if r.Username != "" {
			errs = append(errs, checkUsername(r.Username))
		}
		for _, g := range r.Groups {
			errs = append(errs, checkGroup(g))
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

// nodeProblems checks the rules of node types: an IAM role, and no
// groups, username or policies (but EC2's AmazonEKSAutoNodePolicy), since
// EKS sets them itself. That the role is in the cluster's account cannot
// be checked offline.
func (r CreateEntry) nodeProblems() []error {
	var errs []error
	if !r.Principal.IsZero() && !r.Principal.IsRole() {
		errs = append(errs, newError(
			fmt.Sprintf("--type %s needs an IAM role, but %q is not one", r.Type, r.Principal),
			"node entries are for the IAM role the nodes run with"))
	}
	if len(r.Groups) > 0 {
		errs = append(errs, errorf("--group cannot be used with --type %s: EKS sets the groups of node entries", r.Type))
	}
	if r.Username != "" {
		errs = append(errs, errorf("--username cannot be used with --type %s: EKS sets the username of node entries", r.Type))
	}
	if r.Type != TypeEC2 {
		if len(r.Policies) > 0 {
			errs = append(errs, errorf("--policy cannot be used with --type %s: access policies are for STANDARD entries", r.Type))
		}
		return errs
	}
	for _, p := range r.Policies {
		if p.Policy.Name() != autoNodePolicy || p.Scope.Type != ScopeCluster {
			errs = append(errs, newError(
				fmt.Sprintf("--policy %s cannot be used with --type %s", p, r.Type),
				fmt.Sprintf("Auto Mode node entries take only --policy %s:cluster", autoNodePolicy)))
		}
	}
	return errs
}

// policyProblems checks each association's scope, that no policy is named
// twice or reserved for service-linked roles, and that a policy ARN is in
// the principal's partition.
func (r CreateEntry) policyProblems() []error {
	var errs []error
	partition := r.Principal.Partition()
	seen := make(map[string]PolicyAssociation)
	for _, p := range r.Policies {
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
		arn := r.Principal.PolicyARN(p.Policy)
		if !r.Principal.IsZero() && !strings.HasPrefix(arn, "arn:"+partition+":") {
			errs = append(errs, newError(
				fmt.Sprintf("--policy %s is not in partition %q of the principal", p.Policy, partition),
				"give the short name "+p.Policy.Name()+" to get the principal's partition"))
		}
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

// reservedPrefixes begin usernames and groups that EKS keeps for
// Kubernetes and AWS.
var reservedPrefixes = []string{"system:", "eks:", "aws:", "amazon:", "iam:"}

// reservedPrefix returns the reserved prefix s begins with, in any case, or "".
func reservedPrefix(s string) string {
	for _, p := range reservedPrefixes {
		if hasPrefixFold(s, p) {
			return p
		}
	}
	return ""
}

var sessionVars = []string{"{{SessionName}}", "{{SessionNameRaw}}"}

// EKS documents no length limit for usernames and groups; longer values
// than these are a mistake (a file pasted into a flag), refused offline.
const (
	maxUsername = 1024
	maxGroup    = 1024
)

func checkUsername(u string) error {
	if err := CheckText(u); err != nil {
		return prefixed("--username", err)
	}
	if n := utf8.RuneCountInString(u); n > maxUsername {
		return errorf("--username is %d characters; the limit is %d", n, maxUsername)
	}
	if p := reservedPrefix(u); p != "" {
		return newError(fmt.Sprintf("--username %s must not begin with %q", Quote(u), p),
			"leave --username unset for the EKS default, or pick a name without the reserved prefixes "+strings.Join(reservedPrefixes, ", "))
	}
	first, variable := len(u), ""
	for _, v := range sessionVars {
		if i := strings.Index(u, v); i >= 0 && i < first {
			first, variable = i, v
		}
	}
	if variable != "" && !strings.Contains(u[:first], ":") {
		example := u[:first] + ":" + u[first:]
		if first == 0 {
			example = "NAME:" + u
		}
		return newError(fmt.Sprintf("--username %s needs a %q before %s", Quote(u), ":", variable),
			fmt.Sprintf("EKS requires it, e.g. --username %s", Quote(example)))
	}
	return nil
}

// usernameWarnings are remarks on a valid username: a template variable
// spelled in another case ({{sessionname}}), which EKS leaves as it is
// instead of putting the session name in its place.
func usernameWarnings(u string) []string {
	var out []string
	for rest := u; ; {
		i := strings.Index(rest, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			break
		}
		v := rest[i : i+j+2]
		rest = rest[i+j+2:]
		inner := strings.TrimSpace(v[2 : len(v)-2])
		for _, known := range sessionVars {
			if strings.EqualFold(inner, known[2:len(known)-2]) && v != known {
				out = append(out, fmt.Sprintf("--username %s has %s, which EKS does not replace with the session name: did you mean %s?", Quote(u), v, known))
			}
		}
	}
	return out
}

func checkGroup(g string) error {
	if err := CheckText(g); err != nil {
		return prefixed("--group", err)
	}
	if strings.TrimSpace(g) == "" {
		return errorf("--group %s is empty", Quote(g))
	}
	if n := utf8.RuneCountInString(g); n > maxGroup {
		return errorf("--group is %d characters; the limit is %d", n, maxGroup)
	}
	p := reservedPrefix(g)
	switch {
	case p == "":
		return nil
	case strings.EqualFold(g, "system:masters"):
		return newError(fmt.Sprintf("--group %s is invalid: it cannot start with %q", Quote(g), p),
			"for cluster-admin access associate a policy instead: --policy AmazonEKSClusterAdminPolicy")
	}
	return newError(fmt.Sprintf("--group %s is invalid: it cannot start with %q", Quote(g), p),
		"group names beginning with "+strings.Join(reservedPrefixes, ", ")+" are reserved; pick another name")
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
