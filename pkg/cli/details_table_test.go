package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/output"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// TestCompactTags: the `list --details` table shows an entry's own tags
// first and apply's bookkeeping as one word without "=".
func TestCompactTags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		tags map[string]string
		want string
	}{
		{"none", nil, ""},
		{"own tags only, sorted", map[string]string{"team": "a", "env": "prod"}, "env=prod,team=a"},
		{"managed", map[string]string{"managed-by": "eksaccess"}, "managed"},
		{"managed with an owner", map[string]string{"managed-by": "eksaccess", "eksaccess/owner": "team-a"}, "managed:team-a"},
		{"own tags before the marker", map[string]string{"managed-by": "eksaccess", "eksaccess/owner": "team-a", "team": "payments", "a": "b"}, "a=b,team=payments,managed:team-a"},
		{"another tool's managed-by is a tag", map[string]string{"managed-by": "terraform"}, "managed-by=terraform"},
		{"an owner tag without the managed tag is a tag", map[string]string{"eksaccess/owner": "team-a"}, "eksaccess/owner=team-a"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := compactTags(tt.tags); got != tt.want {
				t.Errorf("compactTags(%v) = %q, want %q", tt.tags, got, tt.want)
			}
		})
	}
}

// TestDetailsTableFits: whatever the values, every line of the `list
// --details` table is at most 120 columns; a principal cut to fit keeps
// its account and its role name's end; text keeps every value whole.
func TestDetailsTableFits(t *testing.T) {
	t.Parallel()
	long := func(prefix string, n int) string { return prefix + strings.Repeat("x", n) + "-end" }
	longARN := func(prefix string, n int) access.PrincipalARN { return access.UncheckedPrincipalARN(long(prefix, n)) }
	for _, tt := range []struct {
		name  string
		entry detailedEntry
	}{
		{"long role name", detailedEntry{Entry: access.Entry{PrincipalARN: longARN("arn:aws:iam::111122223333:role/", 60), Type: "STANDARD"}}},
		{"long path and name", detailedEntry{Entry: access.Entry{PrincipalARN: longARN("arn:aws:iam::111122223333:role/"+strings.Repeat("p/", 100), 60), Type: "STANDARD"}}},
		{"everything long", detailedEntry{
			Entry: access.Entry{
				PrincipalARN: longARN("arn:aws-us-gov:iam::111122223333:role/a/b/", 64), Type: "HYBRID_LINUX",
				Username: long("u", 200), KubernetesGroups: []string{long("g", 100), long("h", 100)},
				Tags: map[string]string{"managed-by": "eksaccess", "eksaccess/owner": long("o", 100), long("k", 100): long("v", 200)},
			},
			AssociatedAccessPolicies: []access.AssociatedPolicy{{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", AccessScope: access.Scope{Type: "namespace", Namespaces: []string{long("n", 50)}}}},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			short := detailedEntry{Entry: access.Entry{PrincipalARN: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/a"), Type: "STANDARD"}}
			r := detailsResult([]detailedEntry{short, tt.entry})
			var b bytes.Buffer
			if err := output.Print(&b, output.Options{Format: output.TableFormat}, r); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			for _, line := range lines {
				if w := twwidth.Width(line); w > detailsWidth {
					t.Errorf("a line is %d columns wide (limit %d):\n%s", w, detailsWidth, b.String())
				}
			}
			got := strings.Fields(lines[2])[0]
			if !strings.HasPrefix(got, "arn:aws") || !strings.HasSuffix(got, "xxx-end") || !strings.Contains(got, "…") {
				t.Errorf("principal cell %q: want its start, an ellipsis and its end", got)
			}
			if strings.Fields(lines[1])[0] != short.PrincipalARN.String() {
				t.Errorf("a short principal was cut:\n%s", b.String())
			}
			b.Reset()
			if err := output.Print(&b, output.Options{Format: output.Text}, r); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tt.entry.PrincipalARN.String()+"\t") {
				t.Errorf("text cut the principal:\n%s", b.String())
			}
		})
	}
}
