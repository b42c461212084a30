package fleet

import (
	"fmt"
	"regexp"
	"slices"
)

// partition is one partition of the SDK's endpoint data (regions_gen.go).
type partition struct {
	id      string
	pattern string // the names of its regions, as a regular expression
	regions []string
}

// PartitionRegions returns the regions where EKS answers in the partition
// of region (the region a profile uses), as the SDK's endpoint data lists
// them: what --all-regions reads. The list is the SDK's, copied by go
// generate and checked against it by a test (internal/genregions), so it
// grows with the SDK and works offline; regions a given account has not
// enabled are in it, and are skipped when EKS refuses the caller there.
func PartitionRegions(region string) ([]string, error) {
	p, ok := partitionOf(region)
	if !ok {
		return nil, fmt.Errorf("region %s is in no partition the SDK knows: name the regions with --region", region)
	}
	return slices.Clone(p.regions), nil
}

// partitionOf finds the partition of region: the one that lists it, else
// the one whose pattern it matches, the commercial partition's (which
// would also match us-gov-west-1) last.
func partitionOf(region string) (partition, bool) {
	for _, p := range partitions {
		if slices.Contains(p.regions, region) {
			return p, true
		}
	}
	var fallback *partition
	for i, p := range partitions {
		if !regexp.MustCompile(p.pattern).MatchString(region) {
			continue
		}
		if p.id != "aws" {
			return p, true
		}
		fallback = &partitions[i]
	}
	if fallback != nil {
		return *fallback, true
	}
	return partition{}, false
}
