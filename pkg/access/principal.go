package access

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// PrincipalARN is the IAM user or role an access entry is for. It may
// also be given as sso:NAME[@ACCOUNT] (see SSOName): then it is unresolved
// (String is the name, no ARN) until Resolved gives it the ARN IAM has for
// the role, and it keeps the name, for Display.
type PrincipalARN struct {
	raw    string
	parsed arn.ARN
	sso    SSOName
}

// ParsePrincipalARN parses and validates s; see Set.
func ParsePrincipalARN(s string) (PrincipalARN, error) {
	var p PrincipalARN
	err := p.Set(s)
	return p, err
}

// IAM limits: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
const (
	maxIAMName    = 64
	maxIAMPath    = 512
	ssoPath       = "aws-reserved/sso.amazonaws.com/"
	ssoPrefix     = "AWSReservedSSO_"
	principalHint = "use arn:aws:iam::<account>:role/[path/]NAME or arn:aws:iam::<account>:user/[path/]NAME"
)

// Set validates and stores s (pflag.Value). Rejected, with a hint where one
// helps: malformed ARNs, STS assumed-role sessions (hint: the IAM role ARN,
// with a warning that a role path is not in the session ARN), service-linked
// roles, the account root, IAM groups, federated users, anything that is
// not arn:<p>:iam::<12 digits>:(user|role)/[path/]name.
func (p *PrincipalARN) Set(s string) error {
	if IsSSOName(s) {
		n, err := ParseSSOName(s)
		if err != nil {
			return err
		}
		*p = PrincipalARN{raw: n.String(), sso: n}
		return nil
	}
	if len(s) == 12 && isDigits(s) {
		return newError(fmt.Sprintf("%q is an account ID, not an ARN", s),
			fmt.Sprintf("give the ARN of a role or user in it, e.g. arn:aws:iam::%s:role/NAME", s))
	}
	a, err := arn.Parse(s)
	if err != nil {
		return newError(fmt.Sprintf("not an ARN: %q", s), principalHint)
	}
	if err := checkPrincipal(s, a); err != nil {
		return err
	}
	*p = PrincipalARN{raw: s, parsed: a}
	return nil
}

func checkPrincipal(s string, a arn.ARN) error {
	if a.Service != "iam" && a.Service != "sts" {
		return newError(fmt.Sprintf("%q is an ARN of service %q, not an IAM role or user", s, a.Service), principalHint)
	}
	if err := checkPartition(s, a.Partition); err != nil {
		return err
	}
	if len(a.AccountID) != 12 || !isDigits(a.AccountID) {
		return errorf("account ID %q in %q is not 12 digits", a.AccountID, s)
	}
	if a.Region != "" {
		fixed := a
		fixed.Region = ""
		return newError(fmt.Sprintf("%q has region %q, but %s ARNs have none", s, a.Region, strings.ToUpper(a.Service)),
			"use "+fixed.String())
	}

	kind, rest, _ := strings.Cut(a.Resource, "/")
	if a.Service == "sts" {
		return stsError(s, a, kind, rest)
	}
	switch kind {
	case "user", "role":
		return checkIAMName(s, kind, rest)
	case "root":
		if rest == "" {
			return newError(fmt.Sprintf("%q is the account root: EKS accepts it, but the entry grants no access", s),
				fmt.Sprintf("create the entry for an IAM role or user of account %s instead", a.AccountID))
		}
	case "group":
		group := rest[strings.LastIndex(rest, "/")+1:]
		return newError(fmt.Sprintf("%q is an IAM group; groups cannot be access-entry principals", s),
			fmt.Sprintf("create an entry per role or user, or map the group's members (aws iam get-group --group-name %s)", group))
	case "oidc-provider", "saml-provider":
		return newError(fmt.Sprintf("%q is an IAM identity provider, not a principal", s),
			"users of an identity provider act through a role: create the entry for the role they assume (its trust policy names the provider)")
	case "instance-profile":
		profile := rest[strings.LastIndex(rest, "/")+1:]
		return newError(fmt.Sprintf("%q is an instance profile, not a role", s),
			fmt.Sprintf("use the ARN of the role inside it (aws iam get-instance-profile --instance-profile-name %s)", profile))
	}
	return newError(fmt.Sprintf("%q is not an IAM role or user", s), principalHint)
}

// stsError explains why an STS ARN cannot be a principal.
func stsError(s string, a arn.ARN, kind, rest string) error {
	switch kind {
	case "assumed-role":
		role, _, _ := strings.Cut(rest, "/")
		if role == "" {
			break
		}
		if strings.HasPrefix(role, ssoPrefix) {
			return newError(fmt.Sprintf("%q is an STS assumed-role session of an IAM Identity Center role, not an IAM role", s),
				"use the role's ARN, "+ssoHint(a.Partition, a.AccountID, role))
		}
		roleARN := arn.ARN{Partition: a.Partition, Service: "iam", AccountID: a.AccountID, Resource: "role/" + role}
		return newError(fmt.Sprintf("%q is an STS assumed-role session, not an IAM role", s),
			fmt.Sprintf("use the role's ARN, %s; a session ARN leaves out the role's path, so if the role has one, look it up with aws iam get-role --role-name %s", roleARN, role))
	case "federated-user":
		return newError(fmt.Sprintf("%q is an STS federated-user session, not an IAM role or user", s),
			"create the entry for the IAM user that calls sts get-federation-token, or for a role")
	}
	return newError(fmt.Sprintf("%q is an STS ARN, not an IAM role or user", s), principalHint)
}

// checkIAMName checks the "[path/]name" after "user/" or "role/".
func checkIAMName(s, kind, rest string) error {
	if kind == "role" && strings.HasPrefix(rest, "aws-service-role/") {
		return newError(fmt.Sprintf("%q is a service-linked role; EKS does not allow access entries for service-linked roles", s),
			"service-linked roles belong to an AWS service: create the entry for a role you manage")
	}
	i := strings.LastIndex(rest, "/")
	path, name := rest[:i+1], rest[i+1:]
	if name == "" {
		return newError(fmt.Sprintf("%q has no %s name", s, kind), principalHint)
	}
	if len(name) > maxIAMName {
		return errorf("%s name in %q is %d characters; the limit is %d", kind, s, len(name), maxIAMName)
	}
	for _, r := range name {
		if r > 0x7f || !isAlnum(byte(r)) && !strings.ContainsRune("+=,.@_-", r) {
			return errorf("%s name %q in %q contains %q; IAM names use letters, digits and + = , . @ _ -", kind, name, s, string(r))
		}
	}
	if len(path) > maxIAMPath {
		return errorf("path in %q is %d characters; the limit is %d", s, len(path), maxIAMPath)
	}
	if path != "" && (strings.HasPrefix(path, "/") || strings.Contains(path, "//")) {
		return errorf("path in %q has an empty segment", s)
	}
	for _, r := range path {
		if r <= ' ' || r > '~' {
			return errorf("path in %q contains %q; IAM paths use printable ASCII without spaces", s, string(r))
		}
	}
	return nil
}

// checkPartition accepts aws and aws-<suffix> (aws-cn, aws-us-gov,
// aws-iso-b, ...), so that a new partition needs no release of eksaccess.
func checkPartition(s, partition string) error {
	suffix, ok := strings.CutPrefix(partition, "aws-")
	valid := partition == "aws" || ok && suffix != ""
	for _, r := range suffix {
		valid = valid && ('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-')
	}
	if !valid {
		return newError(fmt.Sprintf("unknown partition %q in %q", partition, s),
			`the partition is "aws" in most regions, "aws-cn" in China and "aws-us-gov" in GovCloud`)
	}
	return nil
}

// ServiceLinkedRole reports whether s is the ARN of a service-linked role
// (role/aws-service-role/...), which EKS takes no access entry for, and
// returns the role's name. ParsePrincipalARN refuses such ARNs; this tells
// them apart for a caller that reports them otherwise (the aws-auth import).
func ServiceLinkedRole(s string) (name string, ok bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/aws-service-role/") {
		return "", false
	}
	return a.Resource[strings.LastIndexByte(a.Resource, '/')+1:], true
}

// String returns the ARN as given ("" when unset).
func (p PrincipalARN) String() string { return p.raw }

// Type names the flag's value in help (pflag.Value).
func (p PrincipalARN) Type() string { return "arn" }

// MarshalText writes the ARN as given, so an Entry prints its principal
// as a string in JSON and YAML.
func (p PrincipalARN) MarshalText() ([]byte, error) { return []byte(p.raw), nil }

// UnmarshalText reads an ARN as EKS (or a document eksaccess printed)
// has it, unchecked: see UncheckedPrincipalARN.
func (p *PrincipalARN) UnmarshalText(b []byte) error {
	*p = UncheckedPrincipalARN(string(b))
	return nil
}

// Equal reports whether p and o are the same ARN, as given.
func (p PrincipalARN) Equal(o PrincipalARN) bool { return p.raw == o.raw }

// IsZero reports whether no ARN was set.
func (p PrincipalARN) IsZero() bool { return p.raw == "" }

// IsRole reports whether the principal is an IAM role (an sso:NAME is one).
func (p PrincipalARN) IsRole() bool {
	return strings.HasPrefix(p.parsed.Resource, "role/") || !p.sso.IsZero()
}

// SSOName is the sso: name p was given as (ok false when it was given as
// an ARN).
func (p PrincipalARN) SSOName() (n SSOName, ok bool) { return p.sso, !p.sso.IsZero() }

// Unresolved reports whether p is an sso:NAME that has no ARN yet: the
// commands resolve it (iam:ListRoles) before anything uses the ARN.
func (p PrincipalARN) Unresolved() bool { return !p.sso.IsZero() && p.parsed.Resource == "" }

// Resolved is p, an sso:NAME, with the ARN of the role IAM has for it
// (see PickSSORole): the ARN from then on, and the name for Display.
func (p PrincipalARN) Resolved(roleARN string) (PrincipalARN, error) {
	if p.sso.IsZero() || !p.sso.Matches(roleARN) {
		return PrincipalARN{}, errorf("%s is not an IAM Identity Center role of %s", roleARN, p.sso)
	}
	r, err := ParsePrincipalARN(roleARN)
	if err != nil {
		return PrincipalARN{}, err
	}
	r.sso = p.sso
	return r, nil
}

// Display is p as people read it: the ARN, after the sso: name it was
// given as when it was ("sso:Admin (arn:aws:iam::...)").
func (p PrincipalARN) Display() string {
	if p.sso.IsZero() || p.Unresolved() {
		return p.raw
	}
	return p.sso.String() + " (" + p.raw + ")"
}

// IsUser reports whether the principal is an IAM user.
func (p PrincipalARN) IsUser() bool { return strings.HasPrefix(p.parsed.Resource, "user/") }

// Name is the role's or user's name, without its path.
func (p PrincipalARN) Name() string {
	return p.parsed.Resource[strings.LastIndexByte(p.parsed.Resource, '/')+1:]
}

// Path is the role's or user's IAM path without the slashes around it
// ("" for none, "dev" for role/dev/admin).
func (p PrincipalARN) Path() string {
	_, rest, _ := strings.Cut(p.parsed.Resource, "/")
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		return rest[:i]
	}
	return ""
}

// Partition is the ARN's partition (aws, aws-cn, aws-us-gov).
func (p PrincipalARN) Partition() string { return p.parsed.Partition }

// Account is the principal's 12-digit account ID ("" for an unresolved
// sso:NAME without @ACCOUNT).
func (p PrincipalARN) Account() string {
	if p.Unresolved() {
		return p.sso.Account
	}
	return p.parsed.AccountID
}

// Verify reports a well-formed ARN that EKS is known to refuse as an
// "invalid principal": an IAM Identity Center role (AWSReservedSSO_...)
// without its aws-reserved/sso.amazonaws.com/ path. Such roles exist only
// under that path, so the ARN names no role. The hint gives the ARN with
// the path; the path may also hold the Identity Center instance's region,
// which the ARN does not tell, so it says how to check.
func (p PrincipalARN) Verify() error {
	if !p.IsRole() {
		return nil
	}
	rest := strings.TrimPrefix(p.parsed.Resource, "role/")
	name := rest[strings.LastIndex(rest, "/")+1:]
	if !strings.HasPrefix(name, ssoPrefix) || strings.HasPrefix(rest, ssoPath) {
		return nil
	}
	return newError(
		fmt.Sprintf("role %s has no %s path: IAM Identity Center roles exist only under it, and EKS would answer %q", name, ssoPath, "invalid principal"),
		"use "+ssoHint(p.Partition(), p.Account(), name))
}

// ssoHint is the ARN of the IAM Identity Center role name, with the path
// such roles have, and how to check it.
func ssoHint(partition, account, name string) string {
	full := arn.ARN{Partition: partition, Service: "iam", AccountID: account, Resource: "role/" + ssoPath + name}
	return fmt.Sprintf("%s; the path may also hold the region of your Identity Center instance (%s<region>/): check it with aws iam get-role --role-name %s --query Role.Arn",
		full, ssoPath, name)
}

// Warnings are non-fatal remarks on a valid ARN: what Verify reports, for
// commands about an entry that may exist (EKS creates none for such an
// ARN, so they will find nothing).
func (p PrincipalARN) Warnings() []string {
	var e *Error
	if err := p.Verify(); errors.As(err, &e) {
		return []string{e.msg + "; " + e.hint}
	}
	return nil
}

// PolicyARN resolves a policy reference for p: a short name takes p's
// partition (arn:aws-cn:eks::aws:cluster-access-policy/NAME for an aws-cn
// principal), a full ARN stays as given. Every command and the planner
// resolve policies here.
func (p PrincipalARN) PolicyARN(ref PolicyRef) string { return ref.ARN(p.Partition()) }

// LikelySSOARN is, for an IAM Identity Center role named without its path
// (Verify's complaint), the ARN it most likely has: the role under
// aws-reserved/sso.amazonaws.com/, without the region segment some
// instances add. ok is false when p is not such a role.
func (p PrincipalARN) LikelySSOARN() (likely PrincipalARN, ok bool) {
	if p.Verify() == nil {
		return PrincipalARN{}, false
	}
	full := arn.ARN{Partition: p.Partition(), Service: "iam", AccountID: p.Account(), Resource: "role/" + ssoPath + p.Name()}
	likely, err := ParsePrincipalARN(full.String())
	return likely, err == nil
}
