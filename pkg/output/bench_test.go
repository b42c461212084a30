package output

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkPrint renders a 1,000-entry list in each format.
func BenchmarkPrint(b *testing.B) {
	type item struct {
		PrincipalARN string   `json:"principalArn"`
		Type         string   `json:"type"`
		Groups       []string `json:"kubernetesGroups"`
	}
	var doc struct {
		AccessEntries []item `json:"accessEntries"`
	}
	var table Table
	table.Header = []string{"PRINCIPAL", "TYPE", "GROUPS"}
	for i := range 1000 {
		arn := fmt.Sprintf("arn:aws:iam::111122223333:role/team-%04d", i)
		doc.AccessEntries = append(doc.AccessEntries, item{arn, "STANDARD", []string{"dev", "readers"}})
		table.Rows = append(table.Rows, []string{arn, "STANDARD", "dev,readers"})
	}
	for _, f := range []Format{TableFormat, JSON, YAML, Text} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Print(io.Discard, Options{Format: f}, Result{Doc: doc, Table: table}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
