package cli

import (
	"sort"
	"strings"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// entryDoc is the JSON/YAML document of create, describe and update: the
// API's own {"accessEntry": {...}}, plus the entry's policies when the
// command knows them.
type entryDoc struct {
	AccessEntry              access.Entry              `json:"accessEntry"`
	AssociatedAccessPolicies []access.AssociatedPolicy `json:"associatedAccessPolicies,omitzero"`
}

// entryResult renders one entry: the API document, and for people a
// two-column field/value table.
func entryResult(e access.Entry, policies []access.AssociatedPolicy) output.Result {
	rows := [][]string{
		{"PRINCIPAL", e.PrincipalARN.String()},
		{"TYPE", e.Type.String()},
		{"USERNAME", e.Username},
		{"GROUPS", strings.Join(e.KubernetesGroups, ",")},
	}
	if policies != nil {
		rows = append(rows, []string{"POLICIES", policySummary(policies)})
	}
	rows = append(rows,
		[]string{"TAGS", tagSummary(e.Tags)},
		[]string{"CLUSTER", e.ClusterName},
		[]string{"ARN", e.AccessEntryARN},
		[]string{"CREATED", timestamp(e.CreatedAt)},
		[]string{"MODIFIED", timestamp(e.ModifiedAt)},
	)
	return output.Result{
		Doc:   entryDoc{AccessEntry: e, AssociatedAccessPolicies: policies},
		Table: output.Table{Header: []string{"FIELD", "VALUE"}, Rows: rows},
	}
}

// policySummary renders policies as "AmazonEKSViewPolicy(cluster),...".
func policySummary(policies []access.AssociatedPolicy) string {
	parts := make([]string, 0, len(policies))
	for _, p := range policies {
		parts = append(parts, access.PolicyName(p.PolicyARN)+"("+p.AccessScope.String()+")")
	}
	return strings.Join(parts, ",")
}

func tagSummary(tags map[string]string) string {
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

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
