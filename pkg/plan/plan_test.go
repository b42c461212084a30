package plan

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/internal/accesstest"
)

const (
	dev    = "arn:aws:iam::111122223333:role/dev"
	ops    = "arn:aws:iam::111122223333:role/ops"
	nodes  = "arn:aws:iam::111122223333:role/nodes"
	admin  = "arn:aws:iam::111122223333:role/admin"
	caller = "arn:aws:sts::111122223333:assumed-role/admin/alice"

	viewARN  = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	editARN  = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
	adminARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
)

var (
	mustPrincipal = accesstest.Principal
	assoc         = accesstest.Assoc
)

var cluster = access.Scope{Type: access.ScopeCluster, Namespaces: []string{}}

func ns(names ...string) access.Scope {
	return access.Scope{Type: access.ScopeNamespace, Namespaces: names}
}

func live(p, typ string, groups []string, tags map[string]string, policies ...access.AssociatedPolicy) Live {
	if groups == nil {
		groups = []string{}
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return Live{
		Entry: access.Entry{
			ClusterName: "prod", PrincipalARN: access.UncheckedPrincipalARN(p), Type: access.EntryType(typ), KubernetesGroups: groups, Tags: tags, Username: "generated",
			AccessEntryARN: "arn:aws:eks:us-west-2:111122223333:access-entry/prod/x",
		},
		AssociatedAccessPolicies: policies,
	}
}

func pol(arn string, s access.Scope) access.AssociatedPolicy {
	return access.AssociatedPolicy{PolicyARN: arn, AccessScope: s}
}

var managed = map[string]string{ManagedTagKey: ManagedTagValue}

// owned are the tags apply gives what it creates for owner.
func owned(owner string) map[string]string {
	return map[string]string{ManagedTagKey: ManagedTagValue, OwnerTagKey: owner}
}

// summary is a compact, comparable view of a plan: "action principal: lines".
func summary(p Plan) []string {
	var out []string
	for _, c := range p.Changes {
		line := string(c.Action) + " " + c.Principal.String()
		if ls := c.lines(); len(ls) > 0 && c.Action != ActionCreate {
			var texts []string
			for _, l := range ls {
				texts = append(texts, l.text)
			}
			line += ": " + strings.Join(texts, "; ")
		}
		out = append(out, line)
	}
	return out
}

func TestBuild(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		want   func(t *testing.T) []access.CreateEntry
		live   []Live
		opts   Options
		plan   []string
		writes int
	}{
		{
			name: "a new entry is created, tagged as managed",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, dev), Groups: []string{"dev"}, Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSViewPolicy")}}}
			},
			plan:   []string{"create " + dev},
			writes: 2,
		},
		{
			name: "an identical entry is in sync: EKS's username and a node entry's groups are no drift",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{
					{Principal: mustPrincipal(t, dev), Groups: []string{"b", "a"}, Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSEditPolicy:namespace=x,y")}},
					{Principal: mustPrincipal(t, nodes), Type: access.TypeEC2Linux},
				}
			},
			live: []Live{
				live(dev, "STANDARD", []string{"a", "b"}, nil, pol(editARN, ns("y", "x"))),
				live(nodes, "EC2_LINUX", []string{"system:nodes"}, nil),
			},
			plan: []string{"none " + dev, "none " + nodes},
		},
		{
			name: "groups, tags and every kind of policy change",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{
					Principal: mustPrincipal(t, dev), Groups: []string{"a", "c"}, Tags: access.Tags{"team": "x"},
					Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSViewPolicy"), assoc(t, "AmazonEKSEditPolicy:namespace=dev")},
				}}
			},
			live: []Live{live(dev, "STANDARD", []string{"a"}, map[string]string{"team": "y", ManagedTagKey: ManagedTagValue},
				pol(editARN, cluster), pol(adminARN, cluster))},
			plan: []string{"update " + dev + `: ~ groups: a -> a, c; ~ tag team: y -> x; ` +
				"+ policy AmazonEKSViewPolicy (cluster); ~ policy AmazonEKSEditPolicy: cluster -> namespace=dev (in place); - policy AmazonEKSClusterAdminPolicy (cluster)"},
			writes: 5, // update, tag, associate, re-scope, disassociate
		},
		{
			name: "an entry the file gives no policies loses its policies; a node entry keeps EKS's",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, dev)}, {Principal: mustPrincipal(t, nodes), Type: access.TypeEC2}}
			},
			live: []Live{
				live(dev, "STANDARD", nil, nil, pol(viewARN, cluster)),
				live(nodes, "EC2", nil, nil, pol("arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy", cluster)),
			},
			plan:   []string{"update " + dev + ": - policy AmazonEKSViewPolicy (cluster)", "none " + nodes},
			writes: 1,
		},
		{
			name: "a type change is refused: the type is immutable",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, nodes), Type: access.TypeEC2Linux}}
			},
			live: []Live{live(nodes, "STANDARD", nil, nil)},
			plan: []string{"refuse " + nodes + ": ~ type: STANDARD -> EC2_LINUX; refused: the type is STANDARD and cannot change: delete the entry and apply again to re-create it as EC2_LINUX"},
		},
		{
			name: "without --prune, entries the file does not name are left alone, each saying what --prune would do",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{
				live(dev, "STANDARD", nil, managed), live(ops, "STANDARD", nil, nil),
				live(nodes, "EC2_LINUX", []string{"system:nodes"}, managed), live(admin, "STANDARD", nil, managed, pol(adminARN, cluster)),
			},
			opts: Options{Caller: caller},
			plan: []string{
				"keep " + admin + ": not in the file; --prune would refuse to delete it: it is your own access (you are " + caller + ") (--force overrides)",
				"keep " + dev + ": not in the file; --prune would delete it (apply created it: tag managed-by=eksaccess)",
				"keep " + nodes + ": not in the file; a EC2_LINUX entry is never pruned (nodes would stop joining)",
				"keep " + ops + ": not in the file; not managed by eksaccess (no managed-by=eksaccess tag), so --prune leaves it (--prune-unmanaged deletes it)",
			},
		},
		{
			name: "--prune deletes managed entries only, never node entries",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{live(dev, "STANDARD", nil, managed), live(ops, "STANDARD", nil, nil), live(nodes, "EC2_LINUX", []string{"system:nodes"}, managed)},
			opts: Options{Prune: true},
			plan: []string{
				"delete " + dev + ": delete entry (STANDARD)",
				"keep " + nodes + ": not in the file; a EC2_LINUX entry is never pruned (nodes would stop joining)",
				"keep " + ops + ": not in the file; not managed by eksaccess (no managed-by=eksaccess tag), so --prune leaves it (--prune-unmanaged deletes it)",
			},
			writes: 1,
		},
		{
			name: "--prune-unmanaged deletes unmanaged entries too, still never node entries",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{live(ops, "STANDARD", nil, nil), live(nodes, "FARGATE_LINUX", nil, nil)},
			opts: Options{Prune: true, PruneUnmanaged: true},
			plan: []string{
				"keep " + nodes + ": not in the file; a FARGATE_LINUX entry is never pruned (nodes would stop joining)",
				"delete " + ops + ": delete entry (STANDARD)",
			},
			writes: 1,
		},
		{
			name: "pruning the caller's own entry is refused",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{live(admin, "STANDARD", nil, managed, pol(adminARN, cluster))},
			opts: Options{Prune: true, Caller: caller},
			plan: []string{"refuse " + admin + ": refused: it is your own access (you are " + caller + ") (--force overrides)"},
		},
		{
			name: "narrowing the caller's cluster admin is refused; others' changes go ahead",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{
					{Principal: mustPrincipal(t, admin), Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSClusterAdminPolicy:namespace=ops")}},
					{Principal: mustPrincipal(t, dev), Groups: []string{"x"}},
				}
			},
			live: []Live{live(admin, "STANDARD", nil, nil, pol(adminARN, cluster)), live(dev, "STANDARD", nil, nil)},
			opts: Options{Caller: caller},
			plan: []string{
				"refuse " + admin + ": ~ policy AmazonEKSClusterAdminPolicy: cluster -> namespace=ops (in place); refused: it is your last cluster-admin policy at cluster scope (you are " + caller + ") (--force overrides)",
				"update " + dev + `: ~ groups: none -> x`,
			},
			writes: 1,
		},
		{
			name: "tags: {} removes every tag but apply's own and aws: ones",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, dev), Tags: access.Tags{}}}
			},
			live:   []Live{live(dev, "STANDARD", nil, map[string]string{"team": "x", "aws:cloudformation:stack": "s", ManagedTagKey: ManagedTagValue})},
			plan:   []string{"update " + dev + `: - tag team=x`},
			writes: 1,
		},
		{
			name: "an entry a file cannot state is never pruned, even unmanaged ones",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{
				live("arn:aws:iam::111122223333:root", "STANDARD", nil, managed),
				live(ops, "STANDARD", []string{" spaced"}, managed),
			},
			opts: Options{Prune: true, PruneUnmanaged: true},
			plan: []string{
				"keep " + ops + `: not in the file, which cannot state it (group " spaced" has spaces around it): --prune leaves it; eksaccess delete removes it`,
				"keep arn:aws:iam::111122223333:root: not in the file, which cannot state it (" + rootRefusal() + "): --prune leaves it; eksaccess delete removes it",
			},
		},
		{
			// The managed test is exact: another tool's managed-by (or a
			// different case) is not apply's (issue 14 item 8).
			name: "--prune leaves entries another tool manages: managed-by must be exactly eksaccess",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{
				live(dev, "STANDARD", nil, map[string]string{ManagedTagKey: "terraform"}),
				live(ops, "STANDARD", nil, map[string]string{ManagedTagKey: "EKSACCESS"}),
			},
			opts: Options{Prune: true},
			plan: []string{
				"keep " + dev + ": not in the file; not managed by eksaccess (no managed-by=eksaccess tag), so --prune leaves it (--prune-unmanaged deletes it)",
				"keep " + ops + ": not in the file; not managed by eksaccess (no managed-by=eksaccess tag), so --prune leaves it (--prune-unmanaged deletes it)",
			},
		},
		{
			name: "an owned file prunes its own entries only: not another owner's, not the default owner's",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{
				live(dev, "STANDARD", nil, owned("team-a")),
				live(ops, "STANDARD", nil, owned("team-b")),
				live(admin, "STANDARD", nil, managed),
			},
			opts: Options{Prune: true, Owner: "team-a"},
			plan: []string{
				"keep " + admin + ": not in the file; it belongs to the default owner (files without owner:), and this file is owner team-a: never pruned by this file",
				"delete " + dev + ": delete entry (STANDARD)",
				"keep " + ops + ": not in the file; it belongs to owner team-b, and this file is owner team-a: never pruned by this file",
			},
			writes: 1,
		},
		{
			name: "creating the caller's own entry without cluster admin where aws-auth counts is refused; others' creates go ahead",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{
					{Principal: mustPrincipal(t, "arn:aws:iam::111122223333:role/platform/admin"), Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSViewPolicy:namespace=dev")}},
					{Principal: mustPrincipal(t, dev)},
				}
			},
			opts: Options{Caller: caller, ConfigMap: true},
			plan: []string{
				"create " + dev,
				"refuse arn:aws:iam::111122223333:role/platform/admin: refused: your own access entry takes precedence over the aws-auth ConfigMap, and this one would not hold AmazonEKSClusterAdminPolicy at cluster scope: " +
					"whatever aws-auth gives you (system:masters, say) would give way to what the entry grants (you are " + caller + "): give it AmazonEKSClusterAdminPolicy with accessScope {type: cluster} in the file (--force overrides)",
			},
			writes: 1,
		},
		{
			name: "a file without owner prunes the default owner's entries (made before owners), not an owner's",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{live(dev, "STANDARD", nil, owned("team-a")), live(admin, "STANDARD", nil, managed)},
			opts: Options{Prune: true},
			plan: []string{
				"delete " + admin + ": delete entry (STANDARD)",
				"keep " + dev + ": not in the file; it belongs to owner team-a, and this file is the default owner (files without owner:): never pruned by this file",
			},
			writes: 1,
		},
		{
			name: "--prune-unmanaged deletes entries no file owns, never another owner's",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{
				live(dev, "STANDARD", nil, owned("team-b")),
				live(ops, "STANDARD", nil, nil),
				// an owner tag without the managed tag still names the owner
				live(admin, "STANDARD", nil, map[string]string{OwnerTagKey: "team-b"}),
			},
			opts: Options{Prune: true, PruneUnmanaged: true, Owner: "team-a"},
			plan: []string{
				"keep " + admin + ": not in the file; it belongs to owner team-b, and this file is owner team-a: never pruned by this file",
				"keep " + dev + ": not in the file; it belongs to owner team-b, and this file is owner team-a: never pruned by this file",
				"delete " + ops + ": delete entry (STANDARD)",
			},
			writes: 1,
		},
		{
			name: "the file's owner tag without the managed tag is not managed",
			want: func(*testing.T) []access.CreateEntry { return nil },
			live: []Live{live(dev, "STANDARD", nil, map[string]string{OwnerTagKey: "team-a"})},
			opts: Options{Prune: true, Owner: "team-a"},
			plan: []string{"keep " + dev + ": not in the file; not managed by eksaccess (no managed-by=eksaccess tag), so --prune leaves it (--prune-unmanaged deletes it)"},
		},
		{
			name: "an owned file adopts the default owner's entries it states",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, dev)}, {Principal: mustPrincipal(t, ops), Groups: []string{"ops"}}}
			},
			live:   []Live{live(dev, "STANDARD", nil, managed), live(ops, "STANDARD", nil, managed)},
			opts:   Options{Owner: "team-a"},
			plan:   []string{"update " + dev + `: + tag eksaccess/owner=team-a`, "update " + ops + `: ~ groups: none -> ops; + tag eksaccess/owner=team-a`},
			writes: 3, // tag, update + tag
		},
		{
			name: "neither a file without owner nor an owned one adopts an entry no file owns",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, dev)}, {Principal: mustPrincipal(t, ops)}}
			},
			live: []Live{live(dev, "STANDARD", nil, managed), live(ops, "STANDARD", nil, map[string]string{"team": "x"})},
			plan: []string{"none " + dev, "none " + ops},
		},
		{
			name: "another owner's entry is never changed; stated as it is, it is in sync",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, dev), Groups: []string{"x"}}, {Principal: mustPrincipal(t, ops)}}
			},
			live: []Live{live(dev, "STANDARD", nil, owned("team-b")), live(ops, "STANDARD", nil, owned("team-b"))},
			opts: Options{Owner: "team-a"},
			plan: []string{
				"refuse " + dev + `: ~ groups: none -> x; refused: the entry belongs to owner team-b (tag eksaccess/owner=team-b), and this file is owner team-a: ` +
					"a file never changes another owner's entry; state it in one file only, or hand it over: remove it from the other file, and its eksaccess/owner tag (aws eks untag-resource --resource-arn arn:aws:eks:us-west-2:111122223333:access-entry/prod/x --tag-keys eksaccess/owner)",
				"none " + ops,
			},
		},
		{
			name: "a file without owner never changes an owner's entry",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, dev), Groups: []string{"x"}}}
			},
			live: []Live{live(dev, "STANDARD", nil, owned("team-b"))},
			plan: []string{
				"refuse " + dev + `: ~ groups: none -> x; refused: the entry belongs to owner team-b (tag eksaccess/owner=team-b), and this file is the default owner (files without owner:): ` +
					"a file never changes another owner's entry; state it in one file only, or hand it over: remove it from the other file, and its eksaccess/owner tag (aws eks untag-resource --resource-arn arn:aws:eks:us-west-2:111122223333:access-entry/prod/x --tag-keys eksaccess/owner)",
			},
		},
		{
			name: "tags: {} keeps apply's own tags, the owner's too",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, dev), Tags: access.Tags{}}}
			},
			live:   []Live{live(dev, "STANDARD", nil, map[string]string{"team": "x", ManagedTagKey: ManagedTagValue, OwnerTagKey: "team-a"})},
			opts:   Options{Owner: "team-a"},
			plan:   []string{"update " + dev + `: - tag team=x`},
			writes: 1,
		},
		{
			name: "the caller's own new entry with cluster admin, or where aws-auth does not count, is created",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, admin), Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSClusterAdminPolicy")}}}
			},
			opts:   Options{Caller: caller, ConfigMap: true},
			plan:   []string{"create " + admin},
			writes: 2,
		},
		{
			name: "the caller's own new entry in an API-mode cluster only adds access",
			want: func(t *testing.T) []access.CreateEntry {
				return []access.CreateEntry{{Principal: mustPrincipal(t, admin), Groups: []string{"ops"}}}
			},
			opts:   Options{Caller: caller},
			plan:   []string{"create " + admin},
			writes: 1,
		},
		{
			name:   "--force (no caller) lets the caller change its own entry",
			want:   func(*testing.T) []access.CreateEntry { return nil },
			live:   []Live{live(admin, "STANDARD", nil, managed)},
			opts:   Options{Prune: true},
			plan:   []string{"delete " + admin + ": delete entry (STANDARD)"},
			writes: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Build("prod", "us-west-2", tt.want(t), tt.live, tt.opts)
			if diff := cmp.Diff(tt.plan, summary(p)); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			if got := p.Writes(); got != tt.writes {
				t.Errorf("Writes() = %d, want %d", got, tt.writes)
			}
			if p.InSync() != (tt.writes == 0 && p.Summary().Refuse == 0) {
				t.Errorf("InSync() = %v with %d writes", p.InSync(), tt.writes)
			}
		})
	}
}

// TestCreatesOwnWithoutAdmin: the cluster's mode is read only when the
// plan would create the caller's own entry without cluster admin.
func TestCreatesOwnWithoutAdmin(t *testing.T) {
	t.Parallel()
	own := func(policies ...string) []access.CreateEntry {
		e := access.CreateEntry{Principal: mustPrincipal(t, admin)}
		for _, p := range policies {
			e.Policies = append(e.Policies, assoc(t, p))
		}
		return []access.CreateEntry{e}
	}
	tests := []struct {
		name   string
		caller string
		want   []access.CreateEntry
		live   []Live
		yes    bool
	}{
		{"own, no policy", caller, own(), nil, true},
		{"own, cluster admin in a namespace", caller, own("AmazonEKSClusterAdminPolicy:namespace=dev"), nil, true},
		{"own, cluster admin", caller, own("AmazonEKSClusterAdminPolicy"), nil, false},
		{"own, already there", caller, own(), []Live{live(admin, "STANDARD", nil, nil)}, false},
		{"someone else's", "arn:aws:sts::111122223333:assumed-role/dev/bob", own(), nil, false},
		{"--force", "", own(), nil, false},
	}
	for _, tt := range tests {
		if got := CreatesOwnWithoutAdmin(tt.caller, tt.want, tt.live); got != tt.yes {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.yes)
		}
	}
}

func TestBuildCreateCarriesManagedTag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		owner string
		tags  access.Tags
	}{
		{owner: "", tags: access.Tags{"team": "x", ManagedTagKey: ManagedTagValue}},
		{owner: "team-a", tags: access.Tags{"team": "x", ManagedTagKey: ManagedTagValue, OwnerTagKey: "team-a"}},
	} {
		want := []access.CreateEntry{{Principal: mustPrincipal(t, dev), Tags: access.Tags{"team": "x"}}}
		p := Build("prod", "", want, nil, Options{Owner: tc.owner})
		got := p.Changes[0].Want
		if diff := cmp.Diff(tc.tags, got.Tags); diff != "" {
			t.Errorf("owner %q: tags (-want +got):\n%s", tc.owner, diff)
		}
		if got.Cluster != "prod" || p.Owner != tc.owner {
			t.Errorf("cluster = %q, owner %q", got.Cluster, p.Owner)
		}
		if len(want[0].Tags) != 1 {
			t.Error("Build changed the caller's request")
		}
	}
}

// TestPruneDecision: the reason a renderer prints for each entry the file
// does not state, and that only two of them delete.
func TestPruneDecision(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		l    Live
		o    Options
		want PruneReason
	}{
		{"no --prune", live(dev, "STANDARD", nil, managed), Options{}, PruneNotAsked},
		{"a node entry", live(nodes, "EC2_LINUX", nil, managed), Options{Prune: true, PruneUnmanaged: true}, PruneNode},
		{"another owner's", live(dev, "STANDARD", nil, owned("b")), Options{Prune: true, PruneUnmanaged: true, Owner: "a"}, PruneOtherOwner},
		{"the default owner's, to an owned file", live(dev, "STANDARD", nil, managed), Options{Prune: true, Owner: "a"}, PruneOtherOwner},
		{"unmanaged", live(dev, "STANDARD", nil, nil), Options{Prune: true}, PruneUnmanaged},
		{"unstatable", live("arn:aws:iam::111122223333:root", "STANDARD", nil, managed), Options{Prune: true}, PruneUnstatable},
		{"the file's own", live(dev, "STANDARD", nil, owned("a")), Options{Prune: true, Owner: "a"}, PruneOwn},
		{"no file's, with --prune-unmanaged", live(dev, "STANDARD", nil, nil), Options{Prune: true, PruneUnmanaged: true}, PruneOrphan},
	}
	for _, tt := range tests {
		got, reason := PruneDecision("prod", tt.l, tt.o)
		if got != tt.want || reason == "" {
			t.Errorf("%s: PruneDecision = %q (%q), want %q", tt.name, got, reason, tt.want)
		}
		if got.Deletes() != (tt.want == PruneOwn || tt.want == PruneOrphan) {
			t.Errorf("%s: Deletes() = %v", tt.name, got.Deletes())
		}
		// The plan carries the decision for the renderer (without --prune
		// its reason says what --prune would do: see planUnnamed).
		c := Build("prod", "", nil, []Live{tt.l}, tt.o).Changes[0]
		if c.Prune != tt.want || (tt.o.Prune && c.Reason != reason) || (c.Action == ActionDelete) != got.Deletes() {
			t.Errorf("%s: change %s, prune %q, reason %q", tt.name, c.Action, c.Prune, c.Reason)
		}
	}
}

// TestRender: the plan as a reviewer reads it (golden files): every kind
// of change, each line old -> new with its own sign; on a terminal each
// line coloured by its sign (a removed policy inside a ~ entry red, an
// added one green); with --verbose the entries left alone, each with what
// --prune would do to it.
func TestRender(t *testing.T) {
	t.Parallel()
	const (
		other   = "arn:aws:iam::111122223333:role/other"
		lead    = "arn:aws:iam::111122223333:role/lead"
		names   = "arn:aws:iam::111122223333:role/names"
		kubelet = "arn:aws:iam::111122223333:role/kubelet"
	)
	want := func(t *testing.T) []access.CreateEntry {
		return []access.CreateEntry{
			{Principal: mustPrincipal(t, dev), Groups: []string{"dev", "readers"}, Username: "dev:{{SessionName}}", Tags: access.Tags{"team": "apps"},
				Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSViewPolicy:namespace=apps,web"), assoc(t, "AmazonEKSEditPolicy")}},
			{Principal: mustPrincipal(t, ops), Groups: []string{"ops"}, Tags: access.Tags{"team": "ops", "tier": "1"}, Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSViewPolicy")}},
			{Principal: mustPrincipal(t, nodes), Type: access.TypeEC2Linux},
			{Principal: mustPrincipal(t, names), Groups: []string{"a, b", " padded", "none"}},
			{Principal: mustPrincipal(t, lead), Tags: access.Tags{}},
		}
	}
	lv := []Live{
		live(dev, "STANDARD", []string{"dev"}, map[string]string{"team": "web", "old": "x"}, pol(viewARN, cluster), pol(adminARN, cluster)),
		live(nodes, "STANDARD", nil, nil),
		live(admin, "STANDARD", nil, managed, pol(editARN, ns("ops"))),
		live(other, "STANDARD", nil, nil),
		live(names, "STANDARD", nil, nil),
		live(lead, "STANDARD", nil, map[string]string{"cost": "42"}),
		live(kubelet, "EC2_LINUX", []string{"system:nodes"}, nil),
	}
	cases := []struct {
		name           string
		opts           Options
		color, verbose bool
	}{
		{name: "plain", opts: Options{Prune: true}},
		{name: "color", opts: Options{Prune: true}, color: true},
		{name: "verbose", opts: Options{Caller: caller}, verbose: true},
		{name: "verbose with --prune", opts: Options{Prune: true}, verbose: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			Render(&b, Build("prod", "eu-west-1", want(t), lv, tc.opts), tc.color, tc.verbose, nil)
			golden.Assert(t, []byte(readableColors(b.String())))
			if !tc.color && strings.Contains(b.String(), "\x1b") {
				t.Error("colour without a terminal")
			}
		})
	}
	var b bytes.Buffer
	Render(&b, Build("prod", "", nil, nil, Options{}), false, false, nil)
	if got := b.String(); got != "cluster prod:\nIn sync: 0 entries match the file.\n" {
		t.Errorf("empty plan renders %q", got)
	}
	for n, want := range map[int]string{1: "In sync: 1 entry matches the file.", 2: "In sync: 2 entries match the file."} {
		if got := (Summary{InSync: n}).String(); got != want {
			t.Errorf("in sync with %d: %q, want %q", n, got, want)
		}
	}
}

// readableColors names the ANSI colours a plan uses, for golden files.
func readableColors(s string) string {
	return strings.NewReplacer("\x1b[32m", "<green>", "\x1b[31m", "<red>", "\x1b[33m", "<yellow>", "\x1b[31;1m", "<bold red>", "\x1b[0m", "</>").Replace(s)
}

func TestDoc(t *testing.T) {
	t.Parallel()
	want := []access.CreateEntry{
		{Principal: mustPrincipal(t, dev), Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSViewPolicy:namespace=a")}},
		{Principal: mustPrincipal(t, ops), Groups: []string{"ops"}, Policies: []access.PolicyAssociation{assoc(t, "AmazonEKSEditPolicy")}},
	}
	p := Build("prod", "us-west-2", want, []Live{live(ops, "STANDARD", []string{"ops"}, nil, pol(editARN, ns("a")))}, Options{})
	got, err := json.Marshal(p.Doc())
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"cluster":"prod","region":"us-west-2","inSync":false,"summary":{"create":1,"update":1,"delete":0,"refuse":0,"inSync":0,"ignored":0},"changes":[` +
		`{"principalArn":"arn:aws:iam::111122223333:role/dev","action":"create","entry":{"type":"STANDARD","kubernetesGroups":[],"tags":{"managed-by":"eksaccess"},"accessPolicies":[{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy","accessScope":{"type":"namespace","namespaces":["a"]}}]}},` +
		`{"principalArn":"arn:aws:iam::111122223333:role/ops","action":"update","policies":[{"action":"re-scope","policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy","want":{"type":"cluster","namespaces":[]},"have":{"type":"namespace","namespaces":["a"]}}]}]}`
	if diff := cmp.Diff(wantJSON, string(got)); diff != "" {
		t.Errorf("doc (-want +got):\n%s", diff)
	}
}

// TestVerboseDoc: the plan as data with --verbose lists the entries the
// file does not name and the plan leaves alone, each with what --prune
// decides (a stable code) and why; a prune deletion carries its code too.
// Without --verbose the document is as before.
func TestVerboseDoc(t *testing.T) {
	t.Parallel()
	const (
		handmade = "arn:aws:iam::111122223333:role/handmade"
		other    = "arn:aws:iam::111122223333:role/other"
	)
	managedTags := map[string]string{ManagedTagKey: ManagedTagValue}
	want := []access.CreateEntry{{Principal: mustPrincipal(t, dev)}}
	lv := []Live{
		live(dev, "STANDARD", nil, managedTags),
		live(handmade, "STANDARD", nil, nil),
		live(nodes, "EC2_LINUX", nil, nil),
		live(ops, "STANDARD", nil, managedTags),
		live(other, "STANDARD", nil, map[string]string{ManagedTagKey: ManagedTagValue, OwnerTagKey: "team-b"}),
	}
	type row struct{ ARN, Prune string }
	ignored := func(d Doc) []row {
		var out []row
		for _, i := range d.Ignored {
			if i.Reason == "" {
				t.Errorf("%s: no reason", i.PrincipalARN)
			}
			out = append(out, row{i.PrincipalARN, string(i.Prune)})
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		opts    Options
		ignored []row
		deleted []row
	}{
		{"without --prune: what --prune would do", Options{}, []row{{handmade, "unmanaged"}, {nodes, "node"}, {ops, "own"}, {other, "other-owner"}}, nil},
		{"with --prune", Options{Prune: true}, []row{{handmade, "unmanaged"}, {nodes, "node"}, {other, "other-owner"}}, []row{{ops, "own"}}},
		{"with --prune-unmanaged", Options{Prune: true, PruneUnmanaged: true}, []row{{nodes, "node"}, {other, "other-owner"}}, []row{{handmade, "orphan"}, {ops, "own"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Build("prod", "", want, lv, tt.opts)
			d := p.VerboseDoc()
			if diff := cmp.Diff(tt.ignored, ignored(d)); diff != "" {
				t.Errorf("ignored (-want +got):\n%s", diff)
			}
			if d.Summary.Ignored != len(d.Ignored) {
				t.Errorf("summary.ignored %d, %d listed", d.Summary.Ignored, len(d.Ignored))
			}
			var deleted []row
			for _, c := range d.Changes {
				if c.Action == ActionDelete {
					deleted = append(deleted, row{c.PrincipalARN, string(c.Prune)})
				}
			}
			if diff := cmp.Diff(tt.deleted, deleted); diff != "" {
				t.Errorf("deleted (-want +got):\n%s", diff)
			}
			if plain := p.Doc(); plain.Ignored != nil {
				t.Errorf("Doc lists the ignored entries: %v", plain.Ignored)
			}
			js, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(js), `"ignored":[{"principalArn":"`+handmade+`","prune":"`) && tt.ignored[0].ARN == handmade {
				t.Errorf("json: %s", js)
			}
		})
	}
}

// Build is linear: 5,000 entries plan in well under a second even on a
// slow machine (a quadratic diff would take minutes). The figure itself is
// BenchmarkBuild's.
func BenchmarkBuild(b *testing.B) {
	want, lv := bulk(b, 1000)
	b.ResetTimer()
	for b.Loop() {
		Build("prod", "", want, lv, Options{Prune: true})
	}
}

func bulk(t testing.TB, n int) ([]access.CreateEntry, []Live) {
	want := make([]access.CreateEntry, n)
	lv := make([]Live, n)
	for i := range n {
		arn := "arn:aws:iam::111122223333:role/r" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "-" + strconv.Itoa(i)
		p, err := access.ParsePrincipalARN(arn)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = access.CreateEntry{Principal: p, Groups: []string{"g"}}
		lv[i] = live(arn, "STANDARD", []string{"g"}, managed)
	}
	return want, lv
}

// rootRefusal is why eksaccess will not state an account root's entry.
func rootRefusal() string {
	_, err := access.ParsePrincipalARN("arn:aws:iam::111122223333:root")
	if err == nil {
		return "the account root parses"
	}
	return err.Error()
}

// TestFromLiveOwner: export names the owner when every entry apply
// manages has the same one, none when they have several, and never
// writes apply's own tags into the entries.
func TestFromLiveOwner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		live   []Live
		owner  string
		owners map[string]int
	}{
		{"no entries", nil, "", map[string]int{}},
		{"one owner; unmanaged entries do not count", []Live{live(dev, "STANDARD", nil, owned("team-a")), live(ops, "STANDARD", nil, map[string]string{"team": "x"})}, "team-a", map[string]int{"team-a": 1}},
		{"the default owner only", []Live{live(dev, "STANDARD", nil, managed)}, "", map[string]int{"": 1}},
		{"several owners", []Live{live(dev, "STANDARD", nil, owned("team-a")), live(ops, "STANDARD", nil, owned("team-b")), live(admin, "STANDARD", nil, managed)}, "", map[string]int{"team-a": 1, "team-b": 1, "": 1}},
	}
	for _, tt := range tests {
		f, skipped := FromLive("prod", "", tt.live)
		if len(skipped) > 0 {
			t.Fatalf("%s: skipped %v", tt.name, skipped)
		}
		if f.Owner != tt.owner {
			t.Errorf("%s: owner %q, want %q", tt.name, f.Owner, tt.owner)
		}
		if diff := cmp.Diff(tt.owners, Owners(tt.live)); diff != "" {
			t.Errorf("%s: Owners (-want +got):\n%s", tt.name, diff)
		}
		for _, e := range f.Entries {
			if _, ok := e.Tags[OwnerTagKey]; ok || e.Tags[ManagedTagKey] != "" {
				t.Errorf("%s: %s exported with apply's tags %v", tt.name, e.Principal, e.Tags)
			}
		}
	}
}
