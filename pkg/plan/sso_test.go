package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
)

const (
	ssoOld   = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_00000000000000aa"
	ssoNew   = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_00000000000000bb"
	ssoOther = "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_00000000000000cc"
	ssoRO    = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_00000000000000aa"
)

// ssoAdmin is sso:Admin, resolved to ssoNew, the role IAM has for it now.
func ssoAdmin(t *testing.T) access.PrincipalARN {
	t.Helper()
	p, err := mustPrincipal(t, "sso:Admin").Resolved(ssoNew)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// An entry of the role a file's sso:NAME named before its permission set
// was re-provisioned is replaced: deleted without --prune when the file
// created it (and grants nothing), left as --prune would leave it
// otherwise; entries of other permission sets, of other accounts, or
// under a file that names the role by ARN are not touched.
func TestBuildSSOReplaced(t *testing.T) {
	t.Parallel()
	const notInFile = "not in the file; --prune would delete it (apply created it: tag managed-by=eksaccess)"
	const why = "replaced by sso:Admin (" + ssoNew + "): IAM Identity Center re-provisioned permission set Admin, and IAM has no role " + ssoOld + " any more, so the entry grants nothing"
	tests := []struct {
		name string
		arn  bool // the file names the new role by ARN, not as sso:Admin
		live []Live
		opts Options
		plan []string
	}{
		{
			name: "the file's own old entry: replaced, without --prune",
			live: []Live{live(ssoOld, "STANDARD", []string{"admins"}, managed, pol(adminARN, cluster))},
			plan: []string{"delete " + ssoOld + ": " + why + "; delete entry (STANDARD); - policy AmazonEKSClusterAdminPolicy (cluster)", "create " + ssoNew},
		},
		{
			name: "the file's owner's old entry",
			live: []Live{live(ssoOld, "STANDARD", nil, owned("team-a"))},
			opts: Options{Owner: "team-a"},
			plan: []string{"delete " + ssoOld + ": " + why + "; delete entry (STANDARD)", "create " + ssoNew},
		},
		{
			name: "another owner's: kept",
			live: []Live{live(ssoOld, "STANDARD", nil, owned("team-b"))},
			opts: Options{Owner: "team-a"},
			plan: []string{"keep " + ssoOld + ": " + why + "; not in the file; it belongs to owner team-b, and this file is owner team-a: never pruned by this file", "create " + ssoNew},
		},
		{
			name: "not made by apply: kept",
			live: []Live{live(ssoOld, "STANDARD", nil, nil)},
			plan: []string{"keep " + ssoOld + ": " + why + "; not in the file; not managed by eksaccess (no managed-by=eksaccess tag), so --prune leaves it (--prune-unmanaged deletes it)", "create " + ssoNew},
		},
		{
			name: "not made by apply, with --prune-unmanaged: deleted",
			live: []Live{live(ssoOld, "STANDARD", nil, nil)},
			opts: Options{Prune: true, PruneUnmanaged: true},
			plan: []string{"delete " + ssoOld + ": " + why + "; delete entry (STANDARD)", "create " + ssoNew},
		},
		{
			name: "the new role's entry is there: only the old one goes",
			live: []Live{live(ssoOld, "STANDARD", nil, managed), live(ssoNew, "STANDARD", []string{"admins"}, managed)},
			plan: []string{"delete " + ssoOld + ": " + why + "; delete entry (STANDARD)", "none " + ssoNew},
		},
		{
			name: "another permission set, another account: not the file's sso:Admin",
			live: []Live{live(ssoRO, "STANDARD", nil, managed), live(ssoOther, "STANDARD", nil, managed)},
			plan: []string{
				"create " + ssoNew,
				"keep " + ssoRO + ": " + notInFile,
				"keep " + ssoOther + ": " + notInFile,
			},
		},
		{
			name: "a file naming the role by ARN replaces nothing",
			arn:  true,
			live: []Live{live(ssoOld, "STANDARD", nil, managed)},
			plan: []string{"keep " + ssoOld + ": " + notInFile, "create " + ssoNew},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := ssoAdmin(t)
			if tt.arn {
				p = mustPrincipal(t, ssoNew)
			}
			want := []access.CreateEntry{{Principal: p, Groups: []string{"admins"}}}
			got := Build("prod", "us-west-2", want, tt.live, tt.opts)
			if diff := cmp.Diff(tt.plan, summary(got)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			for _, c := range got.Changes {
				if replaced := !c.ReplacedBy.IsZero(); replaced != (c.Principal.String() == ssoOld && !tt.arn) {
					t.Errorf("%s: ReplacedBy %q", c.Principal, c.ReplacedBy)
				}
			}
		})
	}
}

// The plan as data names the sso: name of a create and the role that
// replaces a deleted entry; the text plan shows the name beside the ARN.
func TestDocSSO(t *testing.T) {
	t.Parallel()
	want := []access.CreateEntry{{Principal: ssoAdmin(t)}}
	p := Build("prod", "", want, []Live{live(ssoOld, "STANDARD", nil, managed)}, Options{})
	d := p.Doc()
	if len(d.Changes) != 2 {
		t.Fatalf("changes %+v", d.Changes)
	}
	del, create := d.Changes[0], d.Changes[1]
	if del.Action != ActionDelete || del.ReplacedBy != ssoNew || del.PrincipalName != "" || del.Prune != "" {
		t.Errorf("delete: %+v", del)
	}
	if create.Action != ActionCreate || create.PrincipalName != "sso:Admin" || create.PrincipalARN != ssoNew {
		t.Errorf("create: %+v", create)
	}
}

func TestSSONames(t *testing.T) {
	t.Parallel()
	entry := func(arn string) accessfile.Entry { return accessfile.Entry{Principal: mustPrincipal(t, arn)} }
	f := &accessfile.File{Entries: []accessfile.Entry{entry(ssoNew), entry(ssoOther), entry(dev), entry(ssoRO),
		entry("arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_00000000000000bb")}}
	kept := SSONames(f, []Live{live(dev, "STANDARD", nil, nil)}, nil)
	var got []string
	for _, e := range f.Entries {
		got = append(got, e.Principal.String())
	}
	want := []string{"sso:Admin", "sso:Admin@444455556666", dev, ssoRO, "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_00000000000000bb"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("principals (-want +got):\n%s", diff)
	}
	if len(kept) != 1 || kept[0] != "sso:ReadOnly names several roles with entries ("+ssoRO+", arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_00000000000000bb): they keep their ARNs; the roles IAM no longer has grant nothing (eksaccess who --principal sso:ReadOnly shows which)" {
		t.Errorf("kept %q", kept)
	}
	if p := f.Entries[0].Principal; !p.Unresolved() || p.Partition() != "aws" {
		t.Errorf("sso:Admin: unresolved %v, partition %q", p.Unresolved(), p.Partition())
	}
}

// TestSSONamesGone: a role IAM no longer has keeps its ARN, with a
// warning (sso:NAME would name the permission set's new role, or none),
// and does not count as a second role of its permission set.
func TestSSONamesGone(t *testing.T) {
	t.Parallel()
	const old = ssoOld
	entry := func(arn string) accessfile.Entry { return accessfile.Entry{Principal: mustPrincipal(t, arn)} }
	f := &accessfile.File{Entries: []accessfile.Entry{entry(old), entry(ssoNew)}}
	kept := SSONames(f, []Live{live(dev, "STANDARD", nil, nil)}, map[string]bool{old: true})
	if got := []string{f.Entries[0].Principal.String(), f.Entries[1].Principal.String()}; !slices.Equal(got, []string{old, "sso:Admin"}) {
		t.Errorf("principals %q, want the gone role's ARN and sso:Admin", got)
	}
	if len(kept) != 1 || !strings.HasPrefix(kept[0], "IAM has no role "+old+" any more") {
		t.Errorf("kept %q", kept)
	}
}
