package access

// This file is the rulebook of sso:NAME principals: the role IAM Identity
// Center provisions for permission set NAME in an account, named by the
// permission set instead of by its ARN (whose random suffix changes each
// time the permission set is re-provisioned). Parsing and the choice among
// the roles IAM lists are here; the listing (iam:ListRoles) is the
// commands' (see pkg/cli/sso.go).

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// SSOScheme starts a principal given by its IAM Identity Center permission
// set: sso:NAME or sso:NAME@ACCOUNT.
const SSOScheme = "sso:"

// SSORolePath is the IAM path prefix of every role IAM Identity Center
// provisions (some instances add a region segment under it).
const SSORolePath = "/" + ssoPath

// maxPermissionSet is the length limit of a permission set's name
// (CreatePermissionSet); with AWSReservedSSO_ and the _<16 hex> suffix it
// makes a role name of at most 64 characters.
const maxPermissionSet = 32

const ssoNameHint = "write sso:NAME for the IAM Identity Center permission set NAME (sso:AdministratorAccess), or sso:NAME@ACCOUNT for another account"

// SSOName is a principal given as sso:NAME[@ACCOUNT]: the role IAM Identity
// Center provisioned for permission set PermissionSet in Account ("" for
// the cluster's account).
type SSOName struct {
	PermissionSet string
	Account       string
}

// IsZero reports whether n names no permission set.
func (n SSOName) IsZero() bool { return n.PermissionSet == "" }

// String is n as a user writes it: sso:NAME or sso:NAME@ACCOUNT.
func (n SSOName) String() string {
	if n.Account != "" {
		return SSOScheme + n.PermissionSet + "@" + n.Account
	}
	return SSOScheme + n.PermissionSet
}

// IsSSOName reports whether s is meant as an sso:NAME principal (whatever
// the case of the scheme), for ParseSSOName to judge.
func IsSSOName(s string) bool {
	return len(s) >= len(SSOScheme) && strings.EqualFold(s[:len(SSOScheme)], SSOScheme)
}

// ParseSSOName parses sso:NAME or sso:NAME@ACCOUNT. NAME is a permission
// set's name: 1 to 32 letters, digits and + = , . @ _ -. An @ followed by
// digits only starts the account, which must be 12 digits; an @ followed by
// anything else is part of the name (permission set names may hold @).
func ParseSSOName(s string) (SSOName, error) {
	if !IsSSOName(s) {
		return SSOName{}, newError(fmt.Sprintf("%q is not an sso: name", s), ssoNameHint)
	}
	rest := s[len(SSOScheme):]
	var n SSOName
	n.PermissionSet = rest
	if i := strings.LastIndexByte(rest, '@'); i >= 0 && isDigits(rest[i+1:]) {
		n.PermissionSet, n.Account = rest[:i], rest[i+1:]
		if len(n.Account) != 12 {
			return SSOName{}, newError(fmt.Sprintf("account ID %q in %q is not 12 digits", n.Account, s), ssoNameHint)
		}
	}
	switch {
	case n.PermissionSet == "":
		return SSOName{}, newError(fmt.Sprintf("%q names no permission set", s), ssoNameHint)
	case len(n.PermissionSet) > maxPermissionSet:
		return SSOName{}, errorf("permission set name %q in %q is %d characters; the limit is %d", n.PermissionSet, s, len(n.PermissionSet), maxPermissionSet)
	}
	for _, r := range n.PermissionSet {
		if r > 0x7f || !isAlnum(byte(r)) && !strings.ContainsRune("+=,.@_-", r) {
			return SSOName{}, newError(fmt.Sprintf("permission set name %q in %q contains %q; permission set names use letters, digits and + = , . @ _ -", n.PermissionSet, s, string(r)), ssoNameHint)
		}
	}
	return n, nil
}

// Matches reports whether roleARN is a role IAM Identity Center provisioned
// for n: AWSReservedSSO_NAME_<suffix> under /aws-reserved/sso.amazonaws.com/,
// with or without a region segment, in n's account when n names one.
func (n SSOName) Matches(roleARN string) bool {
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || n.IsZero() || n.Account != "" && a.AccountID != n.Account {
		return false
	}
	path, ok := strings.CutPrefix(a.Resource, "role/"+ssoPath)
	if !ok {
		return false
	}
	if i := strings.IndexByte(path, '/'); i >= 0 {
		// One region segment at most: aws-reserved/sso.amazonaws.com/eu-west-1/NAME.
		if strings.Count(path, "/") != 1 || i == 0 {
			return false
		}
	}
	return SSOPermissionSet(roleARN) == n.PermissionSet
}

// SSOLookupError is why an sso:NAME names no one role: IAM has none for the
// permission set (NotFound), or several (Matches).
type SSOLookupError struct {
	Name SSOName
	// Account is the account whose roles were listed.
	Account string
	// Matches are the ARNs of the roles of the permission set (none, or
	// more than one).
	Matches []string
	// Sets are the permission sets the account's Identity Center roles
	// are of, for the hint when there is no match.
	Sets []string
}

func (e *SSOLookupError) Error() string {
	if len(e.Matches) == 0 {
		return fmt.Sprintf("%s: IAM has no IAM Identity Center role for permission set %s in account %s (no role %s%s_<suffix> under %s)",
			e.Name, e.Name.PermissionSet, e.Account, ssoPrefix, e.Name.PermissionSet, SSORolePath)
	}
	return fmt.Sprintf("%s names %d roles in account %s: %s", e.Name, len(e.Matches), e.Account, strings.Join(e.Matches, ", "))
}

// Hint says what to do.
func (e *SSOLookupError) Hint() string {
	if len(e.Matches) > 0 {
		return "give the role's full ARN instead of " + e.Name.String()
	}
	h := fmt.Sprintf("the permission set is not assigned in account %s: assign it in IAM Identity Center (a user or group, with the account), which provisions the role", e.Account)
	if similar := slices.IndexFunc(e.Sets, func(s string) bool { return strings.EqualFold(s, e.Name.PermissionSet) }); similar >= 0 {
		return fmt.Sprintf("did you mean %s%s? Permission set names are case-sensitive", SSOScheme, e.Sets[similar])
	}
	if len(e.Sets) > 0 {
		h += fmt.Sprintf("; the account has roles of permission set %s", firstOf(e.Sets, 5))
	}
	return h
}

// NotFound reports whether IAM has no role for the permission set.
func (e *SSOLookupError) NotFound() bool { return len(e.Matches) == 0 }

// firstOf lists the first n of items, and how many more there are.
func firstOf(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// PickSSORole chooses, among the ARNs of the roles under
// /aws-reserved/sso.amazonaws.com/ that IAM lists for account, the one role
// of n: exactly one must match (else an *SSOLookupError).
func PickSSORole(n SSOName, account string, roleARNs []string) (string, error) {
	var matches, sets []string
	for _, r := range roleARNs {
		if n.Matches(r) {
			matches = append(matches, r)
		}
		if ps := SSOPermissionSet(r); ps != "" && !slices.Contains(sets, ps) {
			sets = append(sets, ps)
		}
	}
	if len(matches) == 1 {
		return matches[0], nil
	}
	slices.Sort(matches)
	slices.Sort(sets)
	return "", &SSOLookupError{Name: n, Account: account, Matches: matches, Sets: sets}
}

// Principal is n as an unresolved principal (what Set makes of
// n.String()), in partition: written to a file, it is n.String(); the
// partition gives the file's policies their ARNs until it is resolved.
func (n SSOName) Principal(partition string) PrincipalARN {
	return PrincipalARN{raw: n.String(), sso: n, parsed: arn.ARN{Partition: partition}}
}

// SSONameFor is the sso: name that names roleARN, an IAM Identity Center
// role, from a cluster of account clusterAccount: sso:NAME for a role of
// that account, sso:NAME@ACCOUNT for another's. ok is false for any other
// ARN.
func SSONameFor(roleARN, clusterAccount string) (SSOName, bool) {
	ps := SSOPermissionSet(roleARN)
	if ps == "" {
		return SSOName{}, false
	}
	n := SSOName{PermissionSet: ps}
	if a := parseOrZero(roleARN); a.AccountID != clusterAccount {
		n.Account = a.AccountID
	}
	if _, err := ParseSSOName(n.String()); err != nil || !n.Matches(roleARN) {
		return SSOName{}, false
	}
	return n, true
}
