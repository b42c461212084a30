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

// TestDetailsTableFits: whatever the values, the `list --details` table
// prints every principal whole, so that two principals never look alike
// (the review found role/R and role/x/y/z/R both cut to
// "arn:aws:iam::111122223333:…rrrr…"); the other columns give way, each line
// is at most 120 columns unless the principal alone makes it wider, and a
// policy's name is never cut; text keeps every value whole.
func TestDetailsTableFits(t *testing.T) {
	t.Parallel()
	long := func(prefix string, n int) string { return prefix + strings.Repeat("x", n) + "-end" }
	longARN := func(prefix string, n int) access.PrincipalARN { return access.UncheckedPrincipalARN(long(prefix, n)) }
	r60 := strings.Repeat("r", 60)
	policies := []access.AssociatedPolicy{
		{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", AccessScope: access.Scope{Type: "cluster"}},
		{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", AccessScope: access.Scope{Type: "namespace", Namespaces: []string{"dev"}}},
	}
	tags := map[string]string{"managed-by": "eksaccess", "eksaccess/owner": "team-platform", "team": "platform"}
	for _, tt := range []struct {
		name    string
		entries []detailedEntry
	}{
		{"long role name", []detailedEntry{{Entry: access.Entry{PrincipalARN: longARN("arn:aws:iam::111122223333:role/", 60), Type: "STANDARD"}}}},
		{"long path and name", []detailedEntry{{Entry: access.Entry{PrincipalARN: longARN("arn:aws:iam::111122223333:role/"+strings.Repeat("p/", 100), 60), Type: "STANDARD"}}}},
		{"everything long", []detailedEntry{{
			Entry: access.Entry{
				PrincipalARN: longARN("arn:aws-us-gov:iam::111122223333:role/a/b/", 64), Type: "HYBRID_LINUX",
				Username: long("u", 200), KubernetesGroups: []string{long("g", 100), long("h", 100)},
				Tags: map[string]string{"managed-by": "eksaccess", "eksaccess/owner": long("o", 100), long("k", 100): long("v", 200)},
			},
			AssociatedAccessPolicies: []access.AssociatedPolicy{{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", AccessScope: access.Scope{Type: "namespace", Namespaces: []string{long("n", 50)}}}},
		}}},
		{"the same name under two paths", []detailedEntry{
			{Entry: access.Entry{PrincipalARN: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/" + r60), Type: "EC2_LINUX",
				Username: "system:node:{{EC2PrivateDNSName}}", KubernetesGroups: []string{"system:nodes"}, Tags: tags}, AssociatedAccessPolicies: policies},
			{Entry: access.Entry{PrincipalARN: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/x/y/z/" + r60), Type: "EC2_LINUX",
				Username: "arn:aws:sts::111122223333:assumed-role/" + r60 + "/{{SessionName}}", KubernetesGroups: []string{"system:nodes"}, Tags: tags}, AssociatedAccessPolicies: policies},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			short := detailedEntry{Entry: access.Entry{PrincipalARN: access.UncheckedPrincipalARN("arn:aws:iam::111122223333:role/a"), Type: "STANDARD"}}
			entries := append([]detailedEntry{short}, tt.entries...)
			r := detailsResult(entries)
			var b bytes.Buffer
			if err := output.Print(&b, output.Options{Format: output.TableFormat}, r); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			if len(lines) != len(entries)+1 {
				t.Fatalf("%d lines for %d entries:\n%s", len(lines), len(entries), b.String())
			}
			// Beyond 120 columns only when the principal forces it: every
			// other column at its floor (TYPE whole, USERNAME, GROUPS and
			// TAGS at 12, POLICIES at its widest policy name and "(…").
			widestPrincipal, widestPolicy := 0, 0
			for _, e := range entries {
				widestPrincipal = max(widestPrincipal, twwidth.Width(e.PrincipalARN.String()))
				for _, p := range e.AssociatedAccessPolicies {
					widestPolicy = max(widestPolicy, len(access.PolicyName(p.PolicyARN)))
				}
			}
			limit := max(detailsWidth, widestPrincipal+2+len("HYBRID_LINUX")+2+3*(12+2)+max(12, widestPolicy+2))
			seen := map[string]bool{}
			for i, e := range entries {
				line := lines[i+1]
				if w := twwidth.Width(line); w > limit {
					t.Errorf("a line is %d columns wide (limit %d):\n%s", w, limit, b.String())
				}
				got := strings.Fields(line)[0]
				if got != e.PrincipalARN.String() {
					t.Errorf("principal cell %q, want %q whole:\n%s", got, e.PrincipalARN, b.String())
				}
				if seen[got] {
					t.Errorf("two rows show the principal %q", got)
				}
				seen[got] = true
				for _, p := range e.AssociatedAccessPolicies[:min(1, len(e.AssociatedAccessPolicies))] {
					if name := access.PolicyName(p.PolicyARN); !strings.Contains(line, name+"(") {
						t.Errorf("row %d cuts the policy name %s:\n%s", i, name, b.String())
					}
				}
			}
			if widestPrincipal <= 60 {
				for _, line := range lines {
					if w := twwidth.Width(line); w > detailsWidth {
						t.Errorf("a line is %d columns wide (limit %d):\n%s", w, detailsWidth, b.String())
					}
				}
			}
			b.Reset()
			if err := output.Print(&b, output.Options{Format: output.Text}, r); err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if !strings.Contains(b.String(), e.PrincipalARN.String()+"\t") {
					t.Errorf("text cut the principal:\n%s", b.String())
				}
			}
		})
	}
}
