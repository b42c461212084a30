package access

import "strings"

// PartitionOf is the partition of an AWS region: aws-cn for cn-*,
// aws-us-gov for us-gov-*, the ISO partitions for theirs, else aws. Short
// policy names that have no principal to take a partition from take it
// from the region the call goes to.
func PartitionOf(region string) string {
	for _, p := range []struct{ prefix, partition string }{
		{"cn-", "aws-cn"},
		{"us-gov-", "aws-us-gov"},
		{"us-isob-", "aws-iso-b"},
		{"us-iso-", "aws-iso"},
		{"eu-isoe-", "aws-iso-e"},
		{"us-isof-", "aws-iso-f"},
	} {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}
