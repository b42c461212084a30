// Package exportfmt writes a cluster's access entries in other tools'
// formats, for export --format: Terraform configuration for the AWS
// provider (Terraform) and eksctl's ClusterConfig (Eksctl). It is pure:
// it formats what it is given and reads nothing.
package exportfmt

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// The AWS provider's resource types, and the separators of their import
// ids: an entry is CLUSTER:PRINCIPAL_ARN, a policy association
// CLUSTER#PRINCIPAL_ARN#POLICY_ARN.
const (
	EntryResource       = "aws_eks_access_entry"
	AssociationResource = "aws_eks_access_policy_association"
)

// Terraform writes the live entries of cluster (in region) as Terraform
// configuration for the AWS provider: one aws_eks_access_entry per entry
// and one aws_eks_access_policy_association per associated policy, each
// followed by an import block, so that terraform plan adopts the entries
// that exist (an import, nothing to create) instead of failing with 409
// ResourceInUseException.
//
// Every entry is written, also those an apply file cannot state (an
// account root): Terraform can. The configuration states each entry as it
// is, so that the plan after the import changes nothing: its type, its
// groups and its username when it is not the one EKS picks (not for node
// entries, whose groups and username EKS sets; the provider reads them
// back), and its tags but aws: ones, which the provider leaves alone.
//
// Resource names are derived from the cluster, the principal and the
// policy's short name (never from the order), made valid identifiers;
// names that come out the same get a hash of what they name.
func Terraform(cluster access.ClusterName, region string, live []plan.Live) []byte {
	live = slices.Clone(live)
	slices.SortFunc(live, func(a, b plan.Live) int { return strings.Compare(a.PrincipalARN.String(), b.PrincipalARN.String()) })

	entryNames := uniqueNames(len(live), func(i int) (string, string) {
		p := live[i].PrincipalARN.String()
		return entryBaseName(cluster, p), string(cluster) + ":" + p
	})
	type assoc struct {
		entry  int
		policy access.AssociatedPolicy
	}
	var assocs []assoc
	for i, l := range live {
		policies := slices.Clone(l.AssociatedAccessPolicies)
		slices.SortFunc(policies, func(a, b access.AssociatedPolicy) int { return strings.Compare(a.PolicyARN, b.PolicyARN) })
		for _, p := range policies {
			assocs = append(assocs, assoc{entry: i, policy: p})
		}
	}
	assocNames := uniqueNames(len(assocs), func(i int) (string, string) {
		a := assocs[i]
		p := live[a.entry].PrincipalARN.String()
		return entryBaseName(cluster, p) + "_" + sanitize(policyShortName(a.policy.PolicyARN)), associationID(cluster, p, a.policy.PolicyARN)
	})

	var b strings.Builder
	fmt.Fprintf(&b, "# The access entries of EKS cluster %s", comment(string(cluster)))
	if region != "" {
		fmt.Fprintf(&b, " in %s", comment(region))
	}
	b.WriteString(", written by eksaccess export --format terraform.\n")
	b.WriteString("# The import blocks (Terraform 1.5 or later, in the root module) adopt the entries\n")
	b.WriteString("# that exist: terraform plan shows imports and nothing to create or change.\n")
	if region != "" {
		fmt.Fprintf(&b, "# The AWS provider must be configured for region %s.\n", comment(region))
	}

	next := 0 // the first association of the entry being written
	for i, l := range live {
		p := l.PrincipalARN.String()
		name := entryNames[i]
		b.WriteString("\n")
		fmt.Fprintf(&b, "resource %q %q {\n", EntryResource, name)
		t := l.Type.OrDefault()
		attrs := []attr{
			{"cluster_name", quote(string(cluster))},
			{"principal_arn", quote(p)},
			{"type", quote(string(t))},
		}
		if !t.IsNode() {
			if l.Username != "" && l.Username != access.DefaultUsername(l.PrincipalARN) {
				attrs = append(attrs, attr{"user_name", quote(l.Username)})
			}
			if len(l.KubernetesGroups) > 0 {
				attrs = append(attrs, attr{"kubernetes_groups", list(l.KubernetesGroups)})
			}
		}
		writeAttrs(&b, "  ", attrs)
		writeTags(&b, l.Tags)
		b.WriteString("}\n\n")
		writeImport(&b, EntryResource, name, string(cluster)+":"+p)

		for ; next < len(assocs) && assocs[next].entry == i; next++ {
			a := assocs[next].policy
			b.WriteString("\n")
			fmt.Fprintf(&b, "resource %q %q {\n", AssociationResource, assocNames[next])
			writeAttrs(&b, "  ", []attr{
				{"cluster_name", quote(string(cluster))},
				{"principal_arn", quote(p)},
				{"policy_arn", quote(a.PolicyARN)},
			})
			b.WriteString("\n  access_scope {\n")
			scope := []attr{{"type", quote(string(a.AccessScope.Type))}}
			if a.AccessScope.Type != access.ScopeCluster && len(a.AccessScope.Namespaces) > 0 {
				scope = append(scope, attr{"namespaces", list(a.AccessScope.Namespaces)})
			}
			writeAttrs(&b, "    ", scope)
			b.WriteString("  }\n\n")
			fmt.Fprintf(&b, "  depends_on = [%s.%s]\n", EntryResource, name)
			b.WriteString("}\n\n")
			writeImport(&b, AssociationResource, assocNames[next], associationID(cluster, p, a.PolicyARN))
		}
	}
	return []byte(b.String())
}

func associationID(cluster access.ClusterName, principal, policy string) string {
	return string(cluster) + "#" + principal + "#" + policy
}

type attr struct{ name, value string }

// writeAttrs writes one-line attributes with their = aligned, as
// terraform fmt does.
func writeAttrs(b *strings.Builder, indent string, attrs []attr) {
	width := 0
	for _, a := range attrs {
		width = max(width, len(a.name))
	}
	for _, a := range attrs {
		fmt.Fprintf(b, "%s%-*s = %s\n", indent, width, a.name, a.value)
	}
}

// writeTags writes the tags but aws: ones (the provider ignores those), by
// key, after a comment when apply's ownership tags are among them.
func writeTags(b *strings.Builder, tags map[string]string) {
	var attrs []attr
	owned := false
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if access.IsAWSTag(k) {
			continue
		}
		if k == plan.ManagedTagKey && tags[k] == plan.ManagedTagValue || k == plan.OwnerTagKey {
			owned = true
		}
		attrs = append(attrs, attr{quote(k), quote(tags[k])})
	}
	if len(attrs) == 0 {
		return
	}
	b.WriteString("\n")
	if owned {
		fmt.Fprintf(b, "  # %s=%s and %s mark an entry of an eksaccess apply file: its apply\n", plan.ManagedTagKey, plan.ManagedTagValue, plan.OwnerTagKey)
		b.WriteString("  # --prune may delete it. Remove them once Terraform alone manages the entry.\n")
	}
	b.WriteString("  tags = {\n")
	writeAttrs(b, "    ", attrs)
	b.WriteString("  }\n")
}

func writeImport(b *strings.Builder, typ, name, id string) {
	b.WriteString("import {\n")
	writeAttrs(b, "  ", []attr{{"to", typ + "." + name}, {"id", quote(id)}})
	b.WriteString("}\n")
}

// list is an HCL tuple of strings, sorted (the provider's sets have no order).
func list(items []string) string {
	quoted := make([]string, 0, len(items))
	for _, s := range slices.Sorted(slices.Values(items)) {
		quoted = append(quoted, quote(s))
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// quote is s as an HCL quoted string that evaluates to exactly s: a
// quoted string is a template, so the ${ of interpolation and the %{ of a
// directive are written $${ and %%{; backslash, quote and control
// characters are escaped.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\uFFFD`) // not UTF-8: EKS's JSON cannot carry it
		case r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// comment is s for a # comment: one line, printable.
func comment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 || r == 0x2028 || r == 0x2029 {
			return '?'
		}
		return r
	}, s)
}

// entryBaseName is an entry's resource name before collisions are
// resolved: the cluster and the principal's resource (role/team/admin),
// made an identifier.
func entryBaseName(cluster access.ClusterName, principal string) string {
	resource := principal
	if parts := strings.SplitN(principal, ":", 6); len(parts) == 6 {
		resource = parts[5]
	}
	return sanitize(string(cluster) + "_" + resource)
}

// policyShortName is the name of an access policy (AmazonEKSViewPolicy)
// from its ARN.
func policyShortName(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// sanitize makes s a Terraform resource name: letters, digits, _ and -,
// beginning with a letter or _ (every other character becomes _).
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !isLetter(c) && !isDigit(c) && c != '_' && c != '-' {
			b[i] = '_'
		}
	}
	if len(b) == 0 || isDigit(b[0]) || b[0] == '-' {
		return "_" + string(b)
	}
	return string(b)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// uniqueNames names n things, given each one's base name and the key that
// identifies it: a base name shared by several things gets a hash of each
// one's key, so names depend on what they name, never on the order.
func uniqueNames(n int, name func(i int) (base, key string)) []string {
	bases, keys := make([]string, n), make([]string, n)
	count := map[string]int{}
	for i := range n {
		bases[i], keys[i] = name(i)
		count[bases[i]]++
	}
	out := make([]string, n)
	for _, length := range []int{8, 16, sha256.Size * 2} {
		seen := map[string]int{}
		for i := range n {
			out[i] = bases[i]
			if count[bases[i]] > 1 {
				sum := sha256.Sum256([]byte(keys[i]))
				out[i] += "_" + hex.EncodeToString(sum[:])[:length]
			}
			seen[out[i]]++
		}
		if !slices.ContainsFunc(out, func(s string) bool { return seen[s] > 1 }) {
			break
		}
	}
	return out
}
