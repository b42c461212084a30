package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// TestTableFit: a table with Fit keeps within that width by cutting the
// Shrink columns, first listed first, never below their header or
// MinShrinkWidth; other formats print every cell whole.
func TestTableFit(t *testing.T) {
	t.Parallel()
	long := "arn:aws:sts::111122223333:assumed-role/dev/{{SessionName}}" // 58
	for _, tt := range []struct {
		name   string
		table  Table
		want   string
		widest int // the widest line, in display columns
	}{
		{"no Fit: whole", Table{Header: []string{"a", "user"}, Rows: [][]string{{"x", long}}},
			"A  USER\nx  " + long + "\n", 61},
		{"fits already: whole", Table{Header: []string{"a", "user"}, Rows: [][]string{{"x", long}}, Fit: 61, Shrink: []int{1}},
			"A  USER\nx  " + long + "\n", 61},
		{"the first Shrink column is cut", Table{Header: []string{"a", "user", "group"}, Rows: [][]string{{"x", long, "readers-and-writers"}}, Fit: 50, Shrink: []int{1, 2}},
			"A  USER                        GROUP\nx  arn:aws:sts::111122223333…  readers-and-writers\n", 50},
		{"then the next, down to MinShrinkWidth", Table{Header: []string{"a", "user", "group"}, Rows: [][]string{{"x", long, "readers-and-writers"}}, Fit: 20, Shrink: []int{1, 2}},
			"A  USER          GROUP\nx  arn:aws:sts…  readers-and…\n", 29},
		{"never narrower than the header", Table{Header: []string{"a", "a-long-header-name"}, Rows: [][]string{{"x", long}}, Fit: 10, Shrink: []int{1}},
			"A  A-LONG-HEADER-NAME\nx  arn:aws:sts::1111…\n", 21},
		{"wide characters count twice (日 is two columns)", Table{Header: []string{"a", "user"}, Rows: [][]string{{"x", strings.Repeat("日本", 10)}}, Fit: 16, Shrink: []int{1}},
			"A  USER\nx  日本日本日本…\n", 16},
		{"short cells are left whole", Table{Header: []string{"a", "user"}, Rows: [][]string{{"x", "bee"}, {"y", long}}, Fit: 20, Shrink: []int{1}},
			"A  USER\nx  bee\ny  arn:aws:sts::111…\n", 20},
		{"a Middle column keeps both ends", Table{Header: []string{"a", "principal"}, Rows: [][]string{{"x", "arn:aws:iam::111122223333:role/" + strings.Repeat("x", 40) + "-end"}}, Fit: 33, Shrink: []int{1}, Middle: []int{1}},
			"A  PRINCIPAL\nx  arn:aws:iam::1…xxxxxxxxxxx-end\n", 33},
		{"Middle with wide characters", Table{Header: []string{"a", "user"}, Rows: [][]string{{"x", strings.Repeat("日本", 10)}}, Fit: 16, Shrink: []int{1}, Middle: []int{1}},
			"A  USER\nx  日本日…本日本\n", 16},
		{"Compact rows in the table, Rows in text", Table{Header: []string{"a", "tags"}, Rows: [][]string{{"x", "managed-by=eksaccess,team=a"}}, Compact: [][]string{{"x", "team=a,managed"}}},
			"A  TAGS\nx  team=a,managed\n", 17},
		{"never narrower than Least", Table{Header: []string{"a", "user", "policies"}, Rows: [][]string{{"x", long, "AmazonEKSAdminViewPolicy(cluster)"}}, Fit: 20, Shrink: []int{1, 2}, Least: map[int]int{2: 26}},
			"A  USER          POLICIES\nx  arn:aws:sts…  AmazonEKSAdminViewPolicy(…\n", 43},
		{"a column that is not there is skipped", Table{Header: []string{"a", "user"}, Rows: [][]string{{"x", long}}, Fit: 20, Shrink: []int{7, -1, 1}},
			"A  USER\nx  arn:aws:sts::111…\n", 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := Print(&b, Options{Format: TableFormat}, Result{Table: tt.table}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
			widest := 0
			for line := range strings.SplitSeq(strings.TrimSuffix(b.String(), "\n"), "\n") {
				widest = max(widest, twwidth.Width(line))
			}
			if widest != tt.widest {
				t.Errorf("widest line %d, want %d", widest, tt.widest)
			}
			// Text keeps every cell whole.
			b.Reset()
			if err := Print(&b, Options{Format: Text}, Result{Table: tt.table}); err != nil {
				t.Fatal(err)
			}
			for _, r := range tt.table.Rows {
				if !strings.Contains(b.String(), strings.Join(r, "\t")+"\n") {
					t.Errorf("text lacks the row %q:\n%s", r, b.String())
				}
			}
		})
	}
}
