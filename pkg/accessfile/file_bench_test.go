package accessfile

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// benchFile is an apply file of n entries with one policy each, as `make
// bench` applies.
func benchFile(n int) []byte {
	var sb strings.Builder
	sb.WriteString("apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters:\n  - name: prod\nentries:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - principalArn: arn:aws:iam::111122223333:role/bench/e%05d\n    kubernetesGroups: [bench]\n    accessPolicies:\n      - policyArn: AmazonEKSViewPolicy\n        accessScope: {type: cluster}\n", i)
	}
	return []byte(sb.String())
}

// BenchmarkLoad reads a 1,000-entry apply file.
func BenchmarkLoad(b *testing.B) {
	data := benchFile(1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("access.yaml", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
