package access

import (
	"errors"
	"fmt"
	"strings"
)

// partitions lists each partition's region prefix and one of its regions
// (for hints), most specific prefix first.
var partitions = []struct{ prefix, partition, example string }{
	{"cn-", "aws-cn", "cn-north-1"},
	{"us-gov-", "aws-us-gov", "us-gov-west-1"},
	{"us-isob-", "aws-iso-b", "us-isob-east-1"},
	{"us-iso-", "aws-iso", "us-iso-east-1"},
	{"eu-isoe-", "aws-iso-e", "eu-isoe-west-1"},
	{"us-isof-", "aws-iso-f", "us-isof-south-1"},
}

// PartitionOf is the partition of an AWS region: aws-cn for cn-*,
// aws-us-gov for us-gov-*, the ISO partitions for theirs, else aws. Short
// policy names that have no principal to take a partition from take it
// from the region the call goes to.
func PartitionOf(region string) string {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}

// exampleRegion is a region of partition, or "" for one eksaccess does not know.
func exampleRegion(partition string) string {
	if partition == "aws" {
		return "us-east-1"
	}
	for _, p := range partitions {
		if p.partition == partition {
			return p.example
		}
	}
	return ""
}

// CheckRegion refuses a principal, or a policy given as a full ARN, whose
// partition is not the partition of region, the region the calls go to:
// EKS there cannot know them, and would answer "invalid principal" (which
// looks like IAM propagating a new role) or "not found". Short policy
// names take the principal's partition, so only full ARNs are checked;
// a zero principal (a command about no entry) is skipped. An empty region
// checks nothing.
func CheckRegion(region string, principal PrincipalARN, policies ...PolicyRef) error {
	if region == "" {
		return nil
	}
	want := PartitionOf(region)
	var errs []error
	if have := principal.Partition(); !principal.IsZero() && have != want {
		hint := fmt.Sprintf("the principal must be in partition %s, the partition of region %s: check --region (or AWS_REGION) and the ARN", want, region)
		if r := exampleRegion(have); r != "" {
			hint = fmt.Sprintf("for a principal of %s, pass the region of its cluster, in partition %s (such as --region %s); in region %s, use an ARN of partition %s", have, have, r, region, want)
		}
		errs = append(errs, newError(
			fmt.Sprintf("principal %s is in partition %s, but region %s is in partition %s", principal, have, region, want), hint))
	}
	for _, p := range policies {
		if p.arn == "" {
			continue
		}
		if have := strings.SplitN(p.arn, ":", 3)[1]; have != want {
			errs = append(errs, newError(
				fmt.Sprintf("policy %s is in partition %s, but region %s is in partition %s", p.arn, have, region, want),
				fmt.Sprintf("give the short name %s: it takes the partition of the principal (or of the region)", p.name)))
		}
	}
	return errors.Join(errs...)
}
