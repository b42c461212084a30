package access

import (
	"errors"
	"strings"
	"testing"
)

func TestPartitionOf(t *testing.T) {
	t.Parallel()
	for region, want := range map[string]string{
		"us-west-2":       "aws",
		"eu-west-1":       "aws",
		"":                "aws",
		"cn-north-1":      "aws-cn",
		"cn-northwest-1":  "aws-cn",
		"us-gov-west-1":   "aws-us-gov",
		"us-iso-east-1":   "aws-iso",
		"us-isob-east-1":  "aws-iso-b",
		"eu-isoe-west-1":  "aws-iso-e",
		"us-isof-south-1": "aws-iso-f",
	} {
		if got := PartitionOf(region); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestCheckRegion(t *testing.T) {
	t.Parallel()
	principal := func(s string) PrincipalARN {
		p, err := ParsePrincipalARN(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	policy := func(s string) PolicyRef {
		p, err := ParsePolicyRef(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	var (
		role   = principal("arn:aws:iam::111122223333:role/dev")
		cnRole = principal("arn:aws-cn:iam::111122223333:role/dev")
		isoF   = principal("arn:aws-iso-f:iam::111122223333:role/dev")
		future = principal("arn:aws-eusc:iam::111122223333:role/dev")
		short  = policy("AmazonEKSViewPolicy")
		cnARN  = policy("arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")
		awsARN = policy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")
	)
	tests := []struct {
		name      string
		region    string
		principal PrincipalARN
		policies  []PolicyRef
		want      []string // messages, then hints, in order
	}{
		{name: "same partition", region: "us-west-2", principal: role, policies: []PolicyRef{short, awsARN}},
		{name: "China", region: "cn-north-1", principal: cnRole, policies: []PolicyRef{short, cnARN}},
		{name: "no region", principal: cnRole},
		{name: "no principal", region: "us-west-2", policies: []PolicyRef{short}},
		{
			name: "China principal, aws region", region: "us-west-2", principal: cnRole, policies: []PolicyRef{short},
			want: []string{
				"principal arn:aws-cn:iam::111122223333:role/dev is in partition aws-cn, but region us-west-2 is in partition aws",
				"for a principal of aws-cn, pass the region of its cluster, in partition aws-cn (such as --region cn-north-1); in region us-west-2, use an ARN of partition aws",
			},
		},
		{
			name: "aws principal, GovCloud region", region: "us-gov-west-1", principal: role,
			want: []string{
				"principal arn:aws:iam::111122223333:role/dev is in partition aws, but region us-gov-west-1 is in partition aws-us-gov",
				"for a principal of aws, pass the region of its cluster, in partition aws (such as --region us-east-1); in region us-gov-west-1, use an ARN of partition aws-us-gov",
			},
		},
		{
			name: "ISO-F principal", region: "eu-west-1", principal: isoF,
			want: []string{"principal arn:aws-iso-f:iam::111122223333:role/dev is in partition aws-iso-f, but region eu-west-1 is in partition aws", "(such as --region us-isof-south-1)"},
		},
		{
			name: "a partition eksaccess does not know", region: "us-west-2", principal: future,
			want: []string{"is in partition aws-eusc, but region us-west-2 is in partition aws", "the principal must be in partition aws, the partition of region us-west-2: check --region (or AWS_REGION) and the ARN"},
		},
		{
			name: "policy ARN of another partition", region: "us-west-2", principal: role, policies: []PolicyRef{short, cnARN},
			want: []string{
				"policy arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSViewPolicy is in partition aws-cn, but region us-west-2 is in partition aws",
				"give the short name AmazonEKSViewPolicy: it takes the partition of the principal (or of the region)",
			},
		},
		{
			name: "policy ARN without a principal", region: "cn-north-1", policies: []PolicyRef{awsARN},
			want: []string{"policy arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy is in partition aws, but region cn-north-1 is in partition aws-cn", "give the short name"},
		},
		{
			name: "both", region: "us-west-2", principal: cnRole, policies: []PolicyRef{cnARN},
			want: []string{"principal arn:aws-cn:", "policy arn:aws-cn:", "such as --region cn-north-1", "give the short name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckRegion(tt.region, tt.principal, tt.policies...)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("error %v is a %T, want *Error", err, err)
			}
			got := err.Error() + "\n" + strings.Join(Hints(err), "\n")
			at := 0
			for _, w := range tt.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Fatalf("%q lacks %q (after offset %d)", got, w, at)
				}
				at += i + len(w)
			}
		})
	}
}
