package access

// This file is the rulebook of an entry's fields: what a username and a
// group may be (the reserved prefixes, the session variables), what node
// types may not have, which partition a policy must be in, and the
// username EKS picks when none is given. The flags of create and update,
// the apply-file loader (package plan) and the aws-auth import (package
// awsauth) all call it; each says only how it names the fields (Words)
// and where a value came from (a flag, a file's line, an aws-auth row).

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Words is how a caller names an entry's fields in messages: the flags of
// create and update (FlagWords), or the keys of an apply file
// (FileWords). The rules are the same in both; only the words differ.
type Words struct {
	file bool
	// usernameKey and policyKey are the file format's keys for the
	// username and a policy's ARN (username and policyArn in eksaccess's
	// format, kubernetesUsername and policyARN in eksctl's).
	usernameKey, policyKey string
}

// FlagWords names fields by their flags: --username, --group, --type,
// --policy.
var FlagWords = Words{}

// FileWords names fields by an apply file's keys: usernameKey and
// policyKey are the format's keys for the username and a policy's ARN.
func FileWords(usernameKey, policyKey string) Words {
	return Words{file: true, usernameKey: usernameKey, policyKey: policyKey}
}

// reservedPrefixes begin usernames and groups that EKS keeps for
// Kubernetes and AWS.
var reservedPrefixes = []string{"system:", "eks:", "aws:", "amazon:", "iam:"}

// ReservedPrefix returns the reserved prefix (system:, eks:, aws:,
// amazon:, iam:) s begins with, in any case, or "": EKS refuses usernames
// and groups that begin with one.
func ReservedPrefix(s string) string {
	for _, p := range reservedPrefixes {
		if hasPrefixFold(s, p) {
			return p
		}
	}
	return ""
}

// ReservedPrefixes lists the reserved prefixes for a message:
// "system:, eks:, aws:, amazon:, iam:".
func ReservedPrefixes() string { return strings.Join(reservedPrefixes, ", ") }

// sessionVars are the template variables EKS replaces in a username.
var sessionVars = []string{"{{SessionName}}", "{{SessionNameRaw}}"}

// SessionVariable returns the first session variable ({{SessionName}} or
// {{SessionNameRaw}}) in username u and where it begins; i is -1 when u
// has none. EKS requires a ":" somewhere before it.
func SessionVariable(u string) (i int, variable string) {
	i = -1
	for _, v := range sessionVars {
		if j := strings.Index(u, v); j >= 0 && (i < 0 || j < i) {
			i, variable = j, v
		}
	}
	return i, variable
}

// DefaultUsername is the username EKS gives a STANDARD entry created
// without one (docs/design/access-entry-api.md §4.3): the user's ARN, or
// for a role its session form without the path.
func DefaultUsername(p PrincipalARN) string {
	if !p.IsRole() {
		return p.String()
	}
	return "arn:" + p.Partition() + ":sts::" + p.Account() + ":assumed-role/" + p.Name() + "/{{SessionName}}"
}

// CarriedUsername is the username an entry created again in e's place
// carries (audit --fix, the create commands of whoami, who and audit):
// none for a node entry, whose username EKS sets, nor the one EKS made up
// from e's principal, which the new entry's principal gets made up for it
// anew; else e's own.
func (e Entry) CarriedUsername() string {
	if e.Type.IsNode() || e.Username == DefaultUsername(e.PrincipalARN) {
		return ""
	}
	return e.Username
}

// CarriedGroups are the Kubernetes groups an entry created again in e's
// place carries: none for a node entry (EKS sets them), else e's.
func (e Entry) CarriedGroups() []string {
	if e.Type.IsNode() {
		return nil
	}
	return slices.Clone(e.KubernetesGroups)
}

// EKS documents no length limit for usernames and groups; longer values
// than these are a mistake (a file pasted into a flag), refused offline.
const (
	maxUsername = 1024
	maxGroup    = 1024
)

// at returns err, an *Error, marked as a problem of field (item index of
// a list field, -1 for the field as a whole).
func at(field Field, index int, err error) error {
	if e, ok := err.(*Error); ok { //nolint:errorlint // the rules below return bare *Errors
		e.field, e.index = field, index
	}
	return err
}

// CheckUsername checks a STANDARD entry's username: clean text of at
// most 1024 characters, no reserved prefix, and a ":" somewhere before
// {{SessionName}} or {{SessionNameRaw}}. The error names the field in w's
// words.
func (w Words) CheckUsername(u string) error {
	name, leave, example := "--username", "leave --username unset", func(s string) string { return "--username " + Quote(s) }
	if w.file {
		name, leave, example = "username", "leave it out", Quote
	}
	if err := CheckText(u); err != nil {
		return at(FieldUsername, -1, prefixed(name, err))
	}
	if n := utf8.RuneCountInString(u); n > maxUsername {
		return at(FieldUsername, -1, errorf("%s is %d characters; the limit is %d", name, n, maxUsername))
	}
	if p := ReservedPrefix(u); p != "" {
		return at(FieldUsername, -1, newError(fmt.Sprintf("%s %s must not begin with %q", name, Quote(u), p),
			leave+" for the EKS default, or pick a name without the reserved prefixes "+ReservedPrefixes()))
	}
	if first, variable := SessionVariable(u); first >= 0 && !strings.Contains(u[:first], ":") {
		fixed := u[:first] + ":" + u[first:]
		if first == 0 {
			fixed = "NAME:" + u
		}
		return at(FieldUsername, -1, newError(fmt.Sprintf("%s %s needs a %q before %s", name, Quote(u), ":", variable),
			"EKS requires it, e.g. "+example(fixed)))
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

// CheckGroup checks one Kubernetes group of a STANDARD entry: clean text,
// not empty, at most 1024 characters, no reserved prefix (system:masters
// with a hint to the cluster-admin policy). The error names the field in
// w's words; item i of the groups.
func (w Words) CheckGroup(i int, g string) error {
	name, admin := "--group", "--policy "+ClusterAdminPolicy
	if w.file {
		name, admin = "group", "accessPolicies: [{"+w.policyKey+": "+ClusterAdminPolicy+", accessScope: {type: cluster}}]"
	}
	if err := CheckText(g); err != nil {
		return at(FieldGroups, i, prefixed(name, err))
	}
	if strings.TrimSpace(g) == "" {
		if w.file {
			return at(FieldGroups, i, errorf("group name is empty"))
		}
		return at(FieldGroups, i, errorf("--group %s is empty", Quote(g)))
	}
	if n := utf8.RuneCountInString(g); n > maxGroup {
		return at(FieldGroups, i, errorf("%s is %d characters; the limit is %d", name, n, maxGroup))
	}
	p := ReservedPrefix(g)
	switch {
	case p == "":
		return nil
	case strings.EqualFold(g, "system:masters"):
		return at(FieldGroups, i, newError(fmt.Sprintf("%s %s is invalid: it cannot start with %q", name, Quote(g), p),
			"for cluster-admin access associate a policy instead: "+admin))
	}
	return at(FieldGroups, i, newError(fmt.Sprintf("%s %s is invalid: it cannot start with %q", name, Quote(g), p),
		"group names beginning with "+ReservedPrefixes()+" are reserved; pick another name"))
}

// autoNodePolicy is the one policy an EC2 (Auto Mode) entry may have.
const autoNodePolicy = "AmazonEKSAutoNodePolicy"

// NodeProblems checks the rules of node types (t.IsNode()): an IAM role,
// and no groups, username or policies (but EC2's AmazonEKSAutoNodePolicy
// at cluster scope), since EKS sets them itself. That the role is in the
// cluster's account cannot be checked offline. Each error names its field
// in w's words (Error.Field tells which).
func (w Words) NodeProblems(t EntryType, p PrincipalARN, groups []string, username string, policies []PolicyAssociation) []error {
	var errs []error
	if !p.IsZero() && !p.IsRole() {
		const hint = "node entries are for the IAM role the nodes run with"
		if w.file {
			errs = append(errs, at(FieldPrincipal, -1, newError(fmt.Sprintf("type %s needs an IAM role, but %s is not one", t, p), hint)))
		} else {
			errs = append(errs, at(FieldPrincipal, -1, newError(fmt.Sprintf("--type %s needs an IAM role, but %q is not one", t, p), hint)))
		}
	}
	if len(groups) > 0 {
		if w.file {
			errs = append(errs, at(FieldGroups, -1, newError(fmt.Sprintf("type %s takes no kubernetesGroups: EKS sets the groups of node entries", t), "leave kubernetesGroups out")))
		} else {
			errs = append(errs, at(FieldGroups, -1, errorf("--group cannot be used with --type %s: EKS sets the groups of node entries", t)))
		}
	}
	if username != "" {
		if w.file {
			errs = append(errs, at(FieldUsername, -1, newError(fmt.Sprintf("type %s takes no %s: EKS sets the username of node entries", t, w.usernameKey), "leave "+w.usernameKey+" out")))
		} else {
			errs = append(errs, at(FieldUsername, -1, errorf("--username cannot be used with --type %s: EKS sets the username of node entries", t)))
		}
	}
	switch {
	case len(policies) == 0:
	case t != TypeEC2:
		if w.file {
			errs = append(errs, at(FieldPolicies, -1, newError(fmt.Sprintf("type %s takes no accessPolicies", t), "access policies are for STANDARD entries")))
		} else {
			errs = append(errs, at(FieldPolicies, -1, errorf("--policy cannot be used with --type %s: access policies are for STANDARD entries", t)))
		}
	default:
		for i, a := range policies {
			if a.Policy.Name() == autoNodePolicy && a.Scope.Type == ScopeCluster {
				continue
			}
			if w.file {
				errs = append(errs, at(FieldPolicies, i, newError(fmt.Sprintf("type %s cannot have policy %s with scope %s", t, a.Policy.Name(), a.Scope),
					"Auto Mode node entries take only "+autoNodePolicy+" at cluster scope")))
			} else {
				errs = append(errs, at(FieldPolicies, i, newError(fmt.Sprintf("--policy %s cannot be used with --type %s", a, t),
					fmt.Sprintf("Auto Mode node entries take only --policy %s:cluster", autoNodePolicy))))
			}
		}
	}
	return errs
}

// CheckPolicyPartition checks that policy ref, item i of an entry's
// policies, is in principal p's partition (a short name always is). The
// error names the field in w's words.
func (w Words) CheckPolicyPartition(i int, p PrincipalARN, ref PolicyRef) error {
	if p.IsZero() || p.Unresolved() || strings.HasPrefix(p.PolicyARN(ref), "arn:"+p.Partition()+":") {
		return nil
	}
	if w.file {
		return at(FieldPolicies, i, newError(fmt.Sprintf("policy %s is not in partition %q of the principal", ref, p.Partition()),
			"write the short name "+ref.Name()+" to get the principal's partition"))
	}
	return at(FieldPolicies, i, newError(fmt.Sprintf("--policy %s is not in partition %q of the principal", ref, p.Partition()),
		"give the short name "+ref.Name()+" to get the principal's partition"))
}
