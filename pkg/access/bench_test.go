package access

import "testing"

// BenchmarkParsePrincipalARN: parse-time validation of one --principal.
func BenchmarkParsePrincipalARN(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePrincipalARN("arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateEntryValidate: the cross-field rules of a full create.
func BenchmarkCreateEntryValidate(b *testing.B) {
	p, err := ParsePrincipalARN("arn:aws:iam::111122223333:role/team/dev")
	if err != nil {
		b.Fatal(err)
	}
	view, err := ParsePolicyAssociation("AmazonEKSViewPolicy:namespace=dev,test,preview-*")
	if err != nil {
		b.Fatal(err)
	}
	r := CreateEntry{
		Cluster: "prod", Principal: p, Type: TypeStandard,
		Groups: []string{"dev", "readers", "auditors"}, Username: "dev:{{SessionName}}",
		Tags: Tags{"team": "platform", "env": "prod"}, Policies: []PolicyAssociation{view},
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
