package plan

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
)

// BenchmarkBuildScaling plans 1,000 and 10,000 entries against as many
// live ones; ns/entry staying flat is the planner being linear.
func BenchmarkBuildScaling(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			want, lv := bulk(b, n)
			b.ReportAllocs()
			for b.Loop() {
				Build("prod", "", want, lv, Options{Prune: true})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
		})
	}
}

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

// BenchmarkRender prints the plan of 1,000 creates, as apply shows it.
func BenchmarkRender(b *testing.B) {
	f, err := accessfile.Load("access.yaml", bytes.NewReader(benchFile(1000)))
	if err != nil {
		b.Fatal(err)
	}
	want := make([]access.CreateEntry, 0, len(f.Entries))
	for _, e := range f.Entries {
		want = append(want, e.Request("prod"))
	}
	p := Build("prod", "us-west-2", want, nil, Options{})
	b.ReportAllocs()
	for b.Loop() {
		Render(io.Discard, p, false, false, nil)
	}
}

// BenchmarkExport writes the apply file of 1,000 live entries with one
// policy each, as export does.
func BenchmarkExport(b *testing.B) {
	_, lv := bulk(b, 1000)
	for i := range lv {
		lv[i].AssociatedAccessPolicies = []access.AssociatedPolicy{{
			PolicyARN:    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
			AccessScope:  access.Scope{Type: "cluster", Namespaces: []string{}},
			AssociatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		}}
	}
	b.ReportAllocs()
	for b.Loop() {
		f, _ := FromLive("prod", "us-west-2", lv)
		if _, err := f.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}
