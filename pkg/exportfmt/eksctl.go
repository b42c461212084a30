package exportfmt

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// eksctl's ClusterConfig, the part of it Eksctl writes: eksctl's own key
// names (principalARN, kubernetesUsername, policyARN).
type (
	eksctlDoc struct {
		APIVersion   string             `yaml:"apiVersion"`
		Kind         string             `yaml:"kind"`
		Metadata     eksctlMetadata     `yaml:"metadata"`
		AccessConfig eksctlAccessConfig `yaml:"accessConfig"`
	}
	eksctlMetadata struct {
		Name        access.ClusterName `yaml:"name"`
		Region      string             `yaml:"region,omitempty"`
		Annotations map[string]string  `yaml:"annotations,omitempty"`
	}
	eksctlAccessConfig struct {
		AccessEntries []eksctlEntry `yaml:"accessEntries"` // [] states that the cluster has none
	}
	eksctlEntry struct {
		PrincipalARN       access.PrincipalARN `yaml:"principalARN"` //nolint:tagliatelle // eksctl's key
		Type               access.EntryType    `yaml:"type,omitempty"`
		KubernetesGroups   []string            `yaml:"kubernetesGroups,omitempty"`
		KubernetesUsername string              `yaml:"kubernetesUsername,omitempty"`
		AccessPolicies     []eksctlPolicy      `yaml:"accessPolicies,omitempty"`
	}
	eksctlPolicy struct {
		PolicyARN   string       `yaml:"policyARN"` //nolint:tagliatelle // eksctl's key
		AccessScope access.Scope `yaml:"accessScope"`
	}
)

// Eksctl writes f, an apply file of one cluster (plan.FromLive), as
// eksctl's ClusterConfig: metadata names the cluster, its region and, in
// the annotation eksaccess/owner, the file's owner; accessConfig.accessEntries
// holds the entries, their policies by full ARN (eksctl wants ARNs). apply -f
// reads it back as the same entries.
//
// eksctl's access entries have no tags: untagged names the entries whose
// tags the file leaves out (apply leaves tags alone when a file states
// none, so applying the file does not remove them).
func Eksctl(f *accessfile.File) (data []byte, untagged []string, err error) {
	if len(f.Clusters) != 1 {
		return nil, nil, fmt.Errorf("an eksctl ClusterConfig is for one cluster, not %d", len(f.Clusters))
	}
	c := f.Clusters[0]
	doc := eksctlDoc{
		APIVersion:   accessfile.EksctlAPIVersion,
		Kind:         accessfile.EksctlKind,
		Metadata:     eksctlMetadata{Name: c.Name, Region: c.Region},
		AccessConfig: eksctlAccessConfig{AccessEntries: []eksctlEntry{}},
	}
	if f.Owner != "" {
		doc.Metadata.Annotations = map[string]string{plan.OwnerTagKey: f.Owner}
	}
	for _, e := range f.Entries {
		if len(e.Tags) > 0 {
			untagged = append(untagged, e.Principal.String())
		}
		ed := eksctlEntry{
			PrincipalARN:       e.Principal,
			Type:               e.Type,
			KubernetesGroups:   slices.Sorted(slices.Values(e.Groups)),
			KubernetesUsername: e.Username,
		}
		for _, p := range e.Policies {
			ed.AccessPolicies = append(ed.AccessPolicies, eksctlPolicy{
				PolicyARN:   p.Policy.ARN(e.Principal.Partition()),
				AccessScope: access.Scope{Type: p.Scope.Type, Namespaces: slices.Sorted(slices.Values(p.Scope.Namespaces))},
			})
		}
		slices.SortFunc(ed.AccessPolicies, func(a, b eksctlPolicy) int { return strings.Compare(a.PolicyARN, b.PolicyARN) })
		doc.AccessConfig.AccessEntries = append(doc.AccessConfig.AccessEntries, ed)
	}
	slices.SortStableFunc(doc.AccessConfig.AccessEntries, func(a, b eksctlEntry) int {
		return strings.Compare(a.PrincipalARN.String(), b.PrincipalARN.String())
	})
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, nil, fmt.Errorf("write eksctl ClusterConfig: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, nil, fmt.Errorf("write eksctl ClusterConfig: %w", err)
	}
	// What is written must load, as accessfile.File.Marshal checks for its format.
	if _, err := accessfile.Load("(written file)", bytes.NewReader(buf.Bytes())); err != nil {
		return nil, nil, fmt.Errorf("the eksctl ClusterConfig would not load: %w", err)
	}
	return buf.Bytes(), untagged, nil
}
