package cmdutil

import (
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// EntryDoc is the JSON/YAML document of create, describe and update: the
// API's own {"accessEntry": {...}}, plus the entry's policies when the
// command knows them.
type EntryDoc struct {
	AccessEntry              access.Entry              `json:"accessEntry"`
	AssociatedAccessPolicies []access.AssociatedPolicy `json:"associatedAccessPolicies,omitzero"`
}

// EntryResult renders one entry: the API document, and for people a
// two-column field/value table.
func EntryResult(e access.Entry, policies []access.AssociatedPolicy) output.Result {
	rows := [][]string{{"PRINCIPAL", e.PrincipalARN.String()}}
	if n, ok := access.SSONameFor(e.PrincipalARN.String(), entryAccount(e)); ok {
		// An IAM Identity Center role: the name a command or file may
		// give it by, which outlives the role's suffix.
		rows = append(rows, []string{"SSO NAME", n.String()})
	}
	rows = append(rows, [][]string{
		{"TYPE", e.Type.String()},
		{"USERNAME", e.Username},
		{"GROUPS", strings.Join(e.KubernetesGroups, ",")},
	}...)
	if policies != nil {
		rows = append(rows, []string{"POLICIES", PolicySummary(policies)})
	}
	rows = append(rows,
		[]string{"TAGS", TagSummary(e.Tags)},
		[]string{"CLUSTER", e.ClusterName},
		[]string{"ARN", e.AccessEntryARN},
		[]string{"CREATED", Timestamp(e.CreatedAt)},
		[]string{"MODIFIED", Timestamp(e.ModifiedAt)},
	)
	return output.Result{
		Doc:   EntryDoc{AccessEntry: e, AssociatedAccessPolicies: policies},
		Table: output.Table{Header: []string{"FIELD", "VALUE"}, Rows: rows},
	}
}

// entryAccount is the account of e's cluster, from its access entry ARN
// ("" when it has none).
func entryAccount(e access.Entry) string {
	if a, err := arn.Parse(e.AccessEntryARN); err == nil {
		return a.AccountID
	}
	return ""
}

// PolicySummary renders policies as "AmazonEKSViewPolicy(cluster),...".
func PolicySummary(policies []access.AssociatedPolicy) string {
	parts := make([]string, 0, len(policies))
	for _, p := range policies {
		parts = append(parts, access.PolicyName(p.PolicyARN)+"("+p.AccessScope.String()+")")
	}
	return strings.Join(parts, ",")
}

// TagSummary renders tags as "k1=v1,k2=v2", sorted by key.
func TagSummary(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, ",")
}

// Timestamp renders t in RFC 3339, UTC; the zero time is "".
func Timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// SortPolicies orders policies by ARN (stable output whatever the API order).
func SortPolicies(p []access.AssociatedPolicy) []access.AssociatedPolicy {
	sort.Slice(p, func(i, j int) bool { return p[i].PolicyARN < p[j].PolicyARN })
	return p
}
