package emulator

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// This file holds the input rules of reference §4. Messages quoted from real
// EKS output are marked "observed"; the others are the emulator's wording.

var clusterNameRE = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]*$`)

// validateClusterName applies the ClusterName shape (1-100 characters,
// ^[0-9A-Za-z][A-Za-z0-9-_]*). EKS names the parameter differently by
// operation: "The parameter name" for DescribeCluster (observed), "The
// clusterName parameter" for operations whose member is clusterName
// (observed for the regex text).
func validateClusterName(subject, name string) error {
	if len(name) > 100 {
		return invalidParameter("%s should not be greater than 100 characters.", subject)
	}
	if !clusterNameRE.MatchString(name) {
		return invalidParameter(`%s contains invalid characters. It should conform to the regular expression "^[0-9A-Za-z][A-Za-z0-9-_]*"In other words, it should start with a number or letter, and can contain numbers, letters, dashes, and underscores.`, subject)
	}
	return nil
}

const (
	subjectName        = "The parameter name"
	subjectClusterName = "The clusterName parameter"
)

// required is the Coral validation message for a missing required member.
func required(member string) error {
	return invalidParameter("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

// principal is a parsed IAM principal ARN:
// arn:<partition>:<service>::<account>:<kind>/<path><name>.
type principal struct {
	arn       string
	partition string
	service   string
	account   string
	kind      string // user, role, root, assumed-role, group, ...
	path      string // "" or "dev/" (no leading slash, trailing slash kept)
	name      string
}

var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	iamNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	iamPathRE = regexp.MustCompile(`^([\x21-\x2E\x30-\x7E]+/)*$`)
)

func parsePrincipal(s string) (principal, bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[1] == "" || f[3] != "" || !accountRE.MatchString(f[4]) {
		return principal{}, false
	}
	p := principal{arn: s, partition: f[1], service: f[2], account: f[4]}
	if f[5] == "root" {
		p.kind, p.name = "root", "root"
		return p, true
	}
	kind, rest, ok := strings.Cut(f[5], "/")
	if !ok || kind == "" {
		return principal{}, false
	}
	i := strings.LastIndex(rest, "/")
	p.kind, p.path, p.name = kind, rest[:i+1], rest[i+1:]
	return p, p.name != ""
}

// checkPrincipal applies §4.2 to a CreateAccessEntry principal.
func (s *Server) checkPrincipal(c *call, raw string) (principal, error) {
	p, ok := parsePrincipal(raw)
	if !ok || p.service != "iam" {
		// Includes STS assumed-role and federated-user ARNs (observed).
		return principal{}, invalidParameter(msgPrincipalFormat)
	}
	switch p.kind {
	case "root":
	case "user", "role":
		if !iamNameRE.MatchString(p.name) || !iamPathRE.MatchString(p.path) {
			return principal{}, invalidParameter(msgPrincipalFormat)
		}
	default: // groups, policies, instance profiles, OIDC/SAML providers
		return principal{}, invalidParameter(msgPrincipalFormat)
	}
	if p.kind == "role" && strings.HasPrefix(p.path, "aws-service-role/") {
		return principal{}, invalidParameter("The caller is not allowed to modify access entries with a principalArn value of a Service Linked Role") // observed
	}
	// IAM Identity Center roles exist only under their reserved path, so a
	// path-less SSO role ARN names no principal (observed).
	ssoWithoutPath := p.kind == "role" && strings.HasPrefix(p.name, "AWSReservedSSO_") &&
		!strings.HasPrefix(p.path, "aws-reserved/sso.amazonaws.com/")
	if p.partition != c.partition || ssoWithoutPath || s.principalUnknown(raw) {
		return principal{}, invalidParameter(msgInvalidPrincipal) // observed
	}
	return p, nil
}

// Access-entry types (§4.3).
const (
	typeStandard      = "STANDARD"
	typeEC2Linux      = "EC2_LINUX"
	typeEC2Windows    = "EC2_WINDOWS"
	typeFargateLinux  = "FARGATE_LINUX"
	typeEC2           = "EC2"
	typeHybridLinux   = "HYBRID_LINUX"
	typeHyperpodLinux = "HYPERPOD_LINUX"
)

var entryTypes = []string{typeStandard, typeEC2Linux, typeEC2Windows, typeFargateLinux, typeEC2, typeHybridLinux, typeHyperpodLinux}

func validateType(t string) error {
	for _, known := range entryTypes {
		if t == known {
			return nil
		}
	}
	return invalidParameter("The access entry type %s is invalid. Valid types are %s.", t, strings.Join(entryTypes, ", "))
}

// defaultUsername is the username EKS fills in when none is given (§4.3).
func defaultUsername(typ string, p principal) string {
	switch typ {
	case typeStandard:
		if p.kind == "role" {
			return "arn:" + p.partition + ":sts::" + p.account + ":assumed-role/" + p.name + "/{{SessionName}}"
		}
		return p.arn
	case typeEC2Linux, typeEC2Windows, typeEC2:
		return "system:node:{{EC2PrivateDNSName}}"
	default: // FARGATE_LINUX, HYBRID_LINUX, HYPERPOD_LINUX
		return "system:node:{{SessionName}}"
	}
}

// defaultGroups is the group list EKS manages for node types.
func defaultGroups(typ string) []string {
	if typ == typeEC2Linux || typ == typeEC2Windows {
		return []string{"system:nodes"}
	}
	return []string{}
}

var reservedUsernamePrefixes = []string{"system:", "eks:", "aws:", "amazon:", "iam:"}

// validateUsername applies §4.4 to a username given by the caller.
func validateUsername(u string) error {
	for _, p := range reservedUsernamePrefixes {
		if strings.HasPrefix(u, p) {
			return invalidParameter("The username must not begin with %s", p) // observed for system:
		}
	}
	if i := strings.Index(u, "{{SessionName"); i >= 0 && !strings.Contains(u[:i], ":") {
		return invalidParameter("The username %s is invalid: a colon (:) must appear before {{SessionName}} or {{SessionNameRaw}}.", u)
	}
	return nil
}

// validateGroups applies §4.5.
func validateGroups(groups []string) error {
	for _, g := range groups {
		if g == "" {
			return invalidParameter("The kubernetes group name cannot be empty.")
		}
		if strings.HasPrefix(g, "system:") {
			return invalidParameter("The kubernetes group name %s is invalid, it cannot start with system:", g) // observed
		}
	}
	return nil
}

// checkNodeType applies the rules for non-STANDARD entries: an IAM role of
// the cluster's account, with neither username nor groups.
func (s *Server) checkNodeType(typ string, p principal, username *string, groups []string) error {
	if typ == typeStandard {
		return nil
	}
	if p.kind != "role" {
		return invalidParameter("Access entries of type %s require an IAM role as principalArn.", typ)
	}
	if p.account != s.opts.Account {
		return invalidParameter("Access entries of type %s require an IAM role in the cluster's account %s.", typ, s.opts.Account)
	}
	return checkNodeFields(typ, username, groups)
}

// checkNodeFields rejects the fields EKS manages itself on node entries.
// A reserved username is reported as such even when it is the value EKS set
// (observed on update).
func checkNodeFields(typ string, username *string, groups []string) error {
	if username != nil && *username != "" {
		if err := validateUsername(*username); err != nil {
			return err
		}
		return invalidParameter("The username cannot be set for access entries of type %s.", typ)
	}
	if len(groups) > 0 {
		return invalidParameter("The kubernetesGroups cannot be set for access entries of type %s.", typ)
	}
	return nil
}

// validateTags applies the TagMap rules (§4.6); fail builds the exception
// the operation uses (InvalidParameterException or BadRequestException).
func validateTags(tags map[string]string, fail func(string, ...any) *apiError) error {
	if len(tags) == 0 {
		return fail("The tags parameter must contain at least 1 tag.")
	}
	if len(tags) > maxTags {
		return fail("A resource can have at most %d tags.", maxTags)
	}
	for k, v := range tags {
		if err := validateTagKey(k, fail); err != nil {
			return err
		}
		if utf8.RuneCountInString(v) > 256 {
			return fail("The value of tag %s is longer than 256 characters.", k)
		}
		if hasAWSPrefix(v) {
			return fail("The value of tag %s starts with aws:, which is reserved for AWS use.", k)
		}
	}
	return nil
}

func validateTagKey(k string, fail func(string, ...any) *apiError) error {
	if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
		return fail("The tag key %q must be between 1 and 128 characters long.", k)
	}
	if hasAWSPrefix(k) {
		return fail("The tag key %s starts with aws:, which is reserved for AWS use.", k)
	}
	return nil
}

const maxTags = 50

func hasAWSPrefix(s string) bool {
	return len(s) >= 4 && strings.EqualFold(s[:4], "aws:")
}
