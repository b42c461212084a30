package awsauth

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// fakeIAM is IAM for Resolve: the ARNs of the roles and users of account
// 111122223333, looked up by kind and name as GetRole and GetUser do.
type fakeIAM struct {
	arns    []string
	deny    string // a name whose lookup IAM denies
	fail    string // a name whose lookup fails outright
	lookups []string
}

func (f *fakeIAM) resolve(p access.PrincipalARN) (Lookup, error) {
	kind := kindOf(p)
	f.lookups = append(f.lookups, kind+"/"+p.Name())
	switch {
	case p.Account() != "111122223333":
		return Lookup{Status: Unchecked, Why: "it is in account " + p.Account() + ", and the credentials are of account 111122223333"}, nil
	case p.Name() == f.deny:
		return Lookup{Status: Unchecked, Why: "could not check IAM " + kind + " " + p.String() + ": iam:GetRole was denied", Stop: true}, nil
	case p.Name() == f.fail:
		return Lookup{}, errors.New("get IAM role " + p.Name() + ": connection refused")
	}
	for _, a := range f.arns {
		if strings.HasPrefix(a, acct+kind+"/") && strings.HasSuffix(a, "/"+p.Name()) {
			got, err := access.ParsePrincipalARN(a)
			return Lookup{Status: Known, ARN: got}, err
		}
	}
	return Lookup{Status: Unknown}, nil
}

const ssoRole = "AWSReservedSSO_Admin_0123456789abcdef"

// TestResolve: what IAM says of each row's principal settles the entry
// and the report: paths restored, the exact Identity Center role, rows
// IAM does not know skipped, other accounts' rows not checked, and IAM
// denied: one warning and the rest as Convert made it.
func TestResolve(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		roles    string // mapRoles rows
		users    string // mapUsers rows
		iam      fakeIAM
		entries  []string // the entries' principals, in the file's order
		lines    []string // report lines there must be, in this order
		absent   []string // report lines (prefixes) there must not be
		warnings []string
		lookups  []string
		err      string
	}{{
		name:    "role path restored",
		roles:   "- rolearn: " + acct + "role/admin\n  groups: [viewers]\n",
		iam:     fakeIAM{arns: []string{acct + "role/platform/admin"}},
		entries: []string{acct + "role/platform/admin"},
		lines: []string{
			"mapRoles[0] (line 8) " + acct + "role/admin: mapped as STANDARD with group viewers",
			"  note: role path restored from IAM: written as " + acct + "role/platform/admin",
			"1 row: 1 mapped, 0 left to EKS, 0 skipped",
		},
		absent:  []string{"note: "},
		lookups: []string{"role/admin"},
	}, {
		name:    "user path restored",
		users:   "- userarn: " + acct + "user/carol\n  groups: [viewers]\n",
		iam:     fakeIAM{arns: []string{acct + "user/people/carol"}},
		entries: []string{acct + "user/people/carol"},
		lines:   []string{"  note: user path restored from IAM: written as " + acct + "user/people/carol"},
		lookups: []string{"user/carol"},
	}, {
		name:    "IAM has the ARN as written: no note",
		roles:   "- rolearn: " + acct + "role/ci\n  groups: [deployers]\n",
		iam:     fakeIAM{arns: []string{acct + "role/ci"}},
		entries: []string{acct + "role/ci"},
		absent:  []string{"  note: ", "note: "},
		lookups: []string{"role/ci"},
	}, {
		name:    "node role with a path",
		roles:   "- rolearn: " + acct + "role/node\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n",
		iam:     fakeIAM{arns: []string{acct + "role/karpenter/node"}},
		entries: []string{acct + "role/karpenter/node"},
		lines:   []string{"  note: role path restored from IAM: written as " + acct + "role/karpenter/node"},
	}, {
		name:    "Identity Center role: the exact ARN, region segment and all",
		roles:   "- rolearn: " + acct + "role/" + ssoRole + "\n  groups: [system:masters]\n",
		iam:     fakeIAM{arns: []string{acct + "role/aws-reserved/sso.amazonaws.com/eu-west-1/" + ssoRole}},
		entries: []string{acct + "role/aws-reserved/sso.amazonaws.com/eu-west-1/" + ssoRole},
		lines:   []string{"  note: an IAM Identity Center role: IAM has it as " + acct + "role/aws-reserved/sso.amazonaws.com/eu-west-1/" + ssoRole},
		absent:  []string{"  note: an IAM Identity Center role without its path: "},
		lookups: []string{"role/" + ssoRole},
	}, {
		name:  "a role IAM does not know: skipped, no entry",
		roles: "- rolearn: " + acct + "role/gone\n  groups: [viewers]\n- rolearn: " + acct + "role/ci\n  groups: [viewers]\n",
		iam:   fakeIAM{arns: []string{acct + "role/ci"}},
		lines: []string{
			"mapRoles[0] (line 8) " + acct + "role/gone: skipped because IAM does not know this role: the entry would grant nothing (EKS refuses to create it)",
			"  note: the role was deleted, or never existed in this account; if it is to exist again, add its entry once it does, else remove the row from aws-auth",
			"2 rows: 1 mapped, 0 left to EKS, 1 skipped",
		},
		entries: []string{acct + "role/ci"},
	}, {
		name:    "a user IAM does not know",
		users:   "- userarn: " + acct + "user/nobody\n",
		lines:   []string{"mapUsers[0] (line 8) " + acct + "user/nobody: skipped because IAM does not know this user: the entry would grant nothing (EKS refuses to create it)"},
		entries: []string{},
	}, {
		name:    "another account: written as given, not checked",
		roles:   "- rolearn: arn:aws:iam::444455556666:role/partner\n  groups: [viewers]\n",
		entries: []string{"arn:aws:iam::444455556666:role/partner"},
		lines: []string{
			"  note: not checked in IAM: it is in account 444455556666, and the credentials are of account 111122223333",
			"note: 1 role ARN not checked in IAM is written without a path, as aws-auth gives it: for a role created with a path, fix principalArn in the file (aws iam get-role --role-name NAME shows the ARN)",
		},
	}, {
		name:  "IAM denied: one warning, that row and the rest as offline",
		roles: "- rolearn: " + acct + "role/a\n  groups: [x]\n- rolearn: " + acct + "role/b\n  groups: [x]\n- rolearn: " + acct + "role/" + ssoRole + "\n  groups: [x]\n",
		iam:   fakeIAM{arns: []string{acct + "role/p/a", acct + "role/p/b"}, deny: "b"},
		entries: []string{acct + "role/p/a", acct + "role/b",
			acct + "role/aws-reserved/sso.amazonaws.com/" + ssoRole}, // Convert's guess
		lines: []string{
			"  note: role path restored from IAM: written as " + acct + "role/p/a",
			"  note: an IAM Identity Center role without its path: written as " + acct + "role/aws-reserved/sso.amazonaws.com/" + ssoRole +
				"; check it with aws iam get-role --role-name " + ssoRole + " --query Role.Arn (the path may also hold your Identity Center instance's region), or import again with --resolve",
			"note: 1 role ARN not checked in IAM is written without a path, as aws-auth gives it: for a role created with a path, fix principalArn in the file (aws iam get-role --role-name NAME shows the ARN)",
		},
		warnings: []string{"could not check IAM role " + acct + "role/b: iam:GetRole was denied: mapRoles[1] and the rows after it are written as without --resolve (paths not restored)"},
		lookups:  []string{"role/a", "role/b"},
	}, {
		name:  "two rows IAM shows to be one role: the last wins",
		roles: "- rolearn: " + acct + "role/admin\n  groups: [a]\n- rolearn: " + acct + "role/platform/admin\n  groups: [b]\n",
		iam:   fakeIAM{arns: []string{acct + "role/platform/admin"}},
		lines: []string{
			"mapRoles[0] (line 8) " + acct + "role/admin: skipped because mapRoles[1], a later row, maps the same role (" + acct + "role/platform/admin in IAM), and EKS uses the last row of a principal",
			"  note: mapRoles[0] maps the same role earlier: EKS uses this row, the last",
		},
		entries: []string{acct + "role/platform/admin"},
	}, {
		name: "rows Convert superseded: the notes land on the entry's row",
		roles: "- rolearn: " + acct + "role/a\n  groups: [old]\n- rolearn: " + acct + "role/b\n  groups: [x]\n" +
			"- rolearn: " + acct + "role/a\n  groups: [new]\n",
		iam:     fakeIAM{arns: []string{acct + "role/p/a", acct + "role/q/b"}},
		entries: []string{acct + "role/q/b", acct + "role/p/a"},
		lines: []string{
			"mapRoles[1] (line 10) " + acct + "role/b: mapped as STANDARD with group x",
			"  note: role path restored from IAM: written as " + acct + "role/q/b",
			"mapRoles[2] (line 12) " + acct + "role/a: mapped as STANDARD with group new",
			"  note: role path restored from IAM: written as " + acct + "role/p/a",
		},
		lookups: []string{"role/b", "role/a"},
	}, {
		name:    "rows without an entry are not looked up",
		roles:   "- rolearn: " + acct + "role/fargate\n  username: system:node:{{SessionName}}\n  groups: [system:bootstrappers, system:nodes, system:node-proxier]\n",
		users:   "- userarn: " + acct + "user/x\n  username: system:node:{{EC2PrivateDNSName}}\n",
		entries: []string{},
		lookups: []string{},
	}, {
		name:  "IAM unreachable: the error, naming the row",
		roles: "- rolearn: " + acct + "role/a\n",
		iam:   fakeIAM{fail: "a"},
		err:   "mapRoles[0] " + acct + "role/a: get IAM role a: connection refused",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var data []string
			if tc.roles != "" {
				data = append(data, "mapRoles", tc.roles)
			}
			if tc.users != "" {
				data = append(data, "mapUsers", tc.users)
			}
			res, err := Convert("aws-auth.yaml", strings.NewReader(configMap(data...)))
			if err != nil {
				t.Fatal(err)
			}
			iam := tc.iam
			err = res.Resolve(iam.resolve)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("Resolve: %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var entries []string
			for _, e := range res.Entries {
				entries = append(entries, e.Principal.String())
			}
			if diff := cmp.Diff(tc.entries, entries, entryOpts); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			report := res.Report()
			at := 0
			for _, want := range tc.lines {
				i := slices.Index(report[at:], want)
				if i < 0 {
					t.Errorf("report has no line %q after line %d:\n%s", want, at, strings.Join(report, "\n"))
					continue
				}
				at += i + 1
			}
			for _, line := range report {
				for _, prefix := range tc.absent {
					if strings.HasPrefix(line, prefix) {
						t.Errorf("report line %q, want none beginning %q", line, prefix)
					}
				}
			}
			if diff := cmp.Diff(tc.warnings, res.Warnings, entryOpts); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if tc.lookups != nil {
				if diff := cmp.Diff(tc.lookups, iam.lookups, entryOpts); diff != "" {
					t.Errorf("lookups (-want +got):\n%s", diff)
				}
			}
			// What Resolve leaves must still be a valid file: each
			// entry valid, no principal twice.
			seen := map[string]bool{}
			for _, e := range res.Entries {
				e.Cluster = "x"
				if err := e.Validate(); err != nil {
					t.Errorf("entry %s: %v", e.Principal, err)
				}
				if k := strings.ToLower(e.Principal.String()); seen[k] {
					t.Errorf("entry %s twice", e.Principal)
				} else {
					seen[k] = true
				}
			}
		})
	}
}
