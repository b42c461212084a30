package access

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const (
	adminPolicyARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
	viewPolicyARN  = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
)

var (
	clusterWide = Scope{Type: ScopeCluster, Namespaces: []string{}}
	inDev       = Scope{Type: ScopeNamespace, Namespaces: []string{"dev"}}
)

// lockoutStates are the kinds of entry state the rule distinguishes, by
// the column letter used in TestCheckLockoutMatrix.
var lockoutStates = []struct {
	key   string
	state EntryAccess
}{
	{"absent", EntryAccess{}},
	{"empty", EntryAccess{Exists: true}},
	{"groups", EntryAccess{Exists: true, Groups: []string{"devs"}}},
	{"view", EntryAccess{Exists: true, Policies: []AssociatedPolicy{{PolicyARN: viewPolicyARN, AccessScope: clusterWide}}}},
	{"adminNS", EntryAccess{Exists: true, Policies: []AssociatedPolicy{{PolicyARN: adminPolicyARN, AccessScope: inDev}}}},
	{"admin", EntryAccess{Exists: true, Policies: []AssociatedPolicy{{PolicyARN: adminPolicyARN, AccessScope: clusterWide}}}},
	{"groupsAdmin", EntryAccess{Exists: true, Groups: []string{"devs"}, Policies: []AssociatedPolicy{{PolicyARN: adminPolicyARN, AccessScope: clusterWide}}}},
	{"configMap", EntryAccess{ConfigMap: true}},
}

// TestCheckLockoutMatrix checks every pair of states (before -> after) for
// the caller's own entry. Each row is a before state; each letter the
// outcome for the after state of that column: "." allowed, "E" the entry
// goes, "C" cluster admin goes, "A" all access goes, "S" a new entry
// without cluster admin would shadow aws-auth.
func TestCheckLockoutMatrix(t *testing.T) {
	t.Parallel()
	//                 absent empty groups view adminNS admin groupsAdmin configMap
	want := map[string]string{
		"absent":      "........",
		"empty":       "E......E",
		"groups":      "EA.....E",
		"view":        "EA.....E",
		"adminNS":     "EA.....E",
		"admin":       "ECCCC..E",
		"groupsAdmin": "ECCCC..E",
		"configMap":   "ASSSS...",
	}
	reasons := map[byte]LockoutReason{'E': LockoutEntry, 'C': LockoutClusterAdmin, 'A': LockoutAllAccess, 'S': LockoutShadowsConfigMap}
	caller := "arn:aws:sts::111122223333:assumed-role/admin/alice"
	own := mustParse(t, "arn:aws:iam::111122223333:role/platform/admin")
	other := mustParse(t, "arn:aws:iam::111122223333:role/dev")
	if len(want) != len(lockoutStates) {
		t.Fatalf("the matrix has %d rows for %d states", len(want), len(lockoutStates))
	}
	for _, b := range lockoutStates {
		row := want[b.key]
		if len(row) != len(lockoutStates) {
			t.Fatalf("row %s has %d cells, want %d", b.key, len(row), len(lockoutStates))
		}
		for i, a := range lockoutStates {
			t.Run(b.key+"->"+a.key, func(t *testing.T) {
				t.Parallel()
				err := CheckLockout(caller, own, b.state, a.state)
				var le *LockoutError
				switch cell := row[i]; {
				case cell == '.' && err != nil:
					t.Errorf("refused: %v", err)
				case cell != '.' && !errors.As(err, &le):
					t.Errorf("allowed (err %v), want reason %c", err, cell)
				case cell != '.' && (le.Reason != reasons[cell] || le.Caller != caller || le.Principal != own):
					t.Errorf("got %+v, want reason %c", le, cell)
				}
				// Never for someone else's entry.
				if err := CheckLockout(caller, other, b.state, a.state); err != nil {
					t.Errorf("someone else's entry: %v", err)
				}
			})
		}
	}
}

func TestCheckLockoutCallers(t *testing.T) {
	t.Parallel()
	admin := lockoutStates[5].state
	cases := []struct {
		name, caller, principal string
		want                    bool
	}{
		{"assumed role, path in the entry", "arn:aws:sts::111122223333:assumed-role/admin/alice", "arn:aws:iam::111122223333:role/platform/admin", true},
		{"same user", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice", true},
		{"another role", "arn:aws:sts::111122223333:assumed-role/dev/alice", "arn:aws:iam::111122223333:role/admin", false},
		{"another account", "arn:aws:sts::444455556666:assumed-role/admin/alice", "arn:aws:iam::111122223333:role/admin", false},
		{"unparsable caller", "", "arn:aws:iam::111122223333:role/admin", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckLockout(tc.caller, mustParse(t, tc.principal), admin, EntryAccess{})
			if (err != nil) != tc.want {
				t.Errorf("CheckLockout = %v, want a refusal: %v", err, tc.want)
			}
		})
	}
}

func TestLockoutErrorMessages(t *testing.T) {
	t.Parallel()
	for r, want := range map[LockoutReason]string{
		LockoutEntry:        "it is your own access (you are arn:aws:iam::111122223333:user/alice)",
		LockoutClusterAdmin: "it is your last cluster-admin policy at cluster scope (you are arn:aws:iam::111122223333:user/alice)",
		LockoutAllAccess:    "you would lose all access: no Kubernetes group and no access policy would be left (you are arn:aws:iam::111122223333:user/alice)",
		LockoutShadowsConfigMap: "your own access entry takes precedence over the aws-auth ConfigMap, and this one would not hold AmazonEKSClusterAdminPolicy at cluster scope: " +
			"whatever aws-auth gives you (system:masters, say) would give way to what the entry grants (you are arn:aws:iam::111122223333:user/alice)",
	} {
		err := &LockoutError{Caller: "arn:aws:iam::111122223333:user/alice", Reason: r}
		if err.Error() != want {
			t.Errorf("reason %d: %q, want %q", r, err.Error(), want)
		}
		if errors.As(error(err), new(*Error)) {
			t.Errorf("a lockout is not a validation error")
		}
	}
}

func TestEntryAccessTransforms(t *testing.T) {
	t.Parallel()
	view := AssociatedPolicy{PolicyARN: viewPolicyARN, AccessScope: clusterWide}
	admin := AssociatedPolicy{PolicyARN: adminPolicyARN, AccessScope: clusterWide}
	base := EntryAccess{Exists: true, Groups: []string{"a"}, Policies: []AssociatedPolicy{view, admin}}

	cases := []struct {
		name                string
		got, want           EntryAccess
		grants, clusterWide bool
	}{
		{"without a policy", base.WithoutPolicy(adminPolicyARN),
			EntryAccess{Exists: true, Groups: []string{"a"}, Policies: []AssociatedPolicy{view}}, true, false},
		{"without a policy it does not hold", base.WithoutPolicy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"), base, true, true},
		{"narrowed to a namespace", base.WithPolicy(adminPolicyARN, inDev),
			EntryAccess{Exists: true, Groups: []string{"a"}, Policies: []AssociatedPolicy{view, {PolicyARN: adminPolicyARN, AccessScope: inDev}}}, true, false},
		{"a new policy is added", EntryAccess{Exists: true}.WithPolicy(adminPolicyARN, clusterWide),
			EntryAccess{Exists: true, Policies: []AssociatedPolicy{{PolicyARN: adminPolicyARN, AccessScope: clusterWide}}}, true, true},
		{"no groups, no policies", base.WithGroups(nil).WithoutPolicy(viewPolicyARN).WithoutPolicy(adminPolicyARN),
			EntryAccess{Exists: true, Policies: []AssociatedPolicy{}}, false, false},
		{"a missing entry grants nothing, whatever it lists", EntryAccess{Groups: []string{"a"}, Policies: []AssociatedPolicy{admin}},
			EntryAccess{Groups: []string{"a"}, Policies: []AssociatedPolicy{admin}}, false, false},
		{"aws-auth merged with an entry", EntryAccess{ConfigMap: true}.Merge(EntryAccess{Exists: true, Policies: []AssociatedPolicy{admin}}),
			EntryAccess{Exists: true, ConfigMap: true, Policies: []AssociatedPolicy{admin}}, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tc.want, tc.got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if tc.got.Grants() != tc.grants || tc.got.ClusterAdmin() != tc.clusterWide {
				t.Errorf("Grants %v ClusterAdmin %v, want %v %v", tc.got.Grants(), tc.got.ClusterAdmin(), tc.grants, tc.clusterWide)
			}
		})
	}
	// The transforms leave their receiver alone.
	if len(base.Policies) != 2 || base.Policies[1].AccessScope.Type != ScopeCluster || len(base.Groups) != 1 {
		t.Errorf("base was modified: %+v", base)
	}
}

func TestCallerPrincipal(t *testing.T) {
	t.Parallel()
	cases := []struct{ caller, want string }{
		{"arn:aws:sts::111122223333:assumed-role/admin/alice", "arn:aws:iam::111122223333:role/admin"},
		{"arn:aws-cn:sts::111122223333:assumed-role/ops/bob", "arn:aws-cn:iam::111122223333:role/ops"},
		{"arn:aws:iam::111122223333:user/ops/alice", "arn:aws:iam::111122223333:user/ops/alice"},
		{"arn:aws:iam::111122223333:root", ""},
		{"arn:aws:sts::111122223333:federated-user/alice", ""},
		{"arn:aws:sts::111122223333:assumed-role/", ""},
		{"nope", ""},
	}
	for _, tc := range cases {
		got, ok := CallerPrincipal(tc.caller)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("CallerPrincipal(%q) = %q, %v; want %q", tc.caller, got, ok, tc.want)
		}
		if ok {
			p := mustParse(t, got)
			if !IsCaller(tc.caller, p) || !strings.HasPrefix(got, "arn:") {
				t.Errorf("%s is not the caller %s", got, tc.caller)
			}
		}
	}
}

func mustParse(t *testing.T, s string) PrincipalARN {
	t.Helper()
	p, err := ParsePrincipalARN(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
