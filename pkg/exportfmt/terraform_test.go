package exportfmt

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

const acct = "arn:aws:iam::111122223333:"

// hostileUsername is what HCL would read as an interpolation (${), a
// directive (%{), an escape ($${) and a string's end, if not escaped.
const hostileUsername = `{{SessionName}} ${x} %{y} $${z} %%{w} $ % "q" \ back` + "\ttab"

func entry(principal string, typ access.EntryType, username string, groups []string, tags map[string]string, policies ...access.AssociatedPolicy) plan.Live {
	return plan.Live{
		Entry: access.Entry{
			ClusterName:      "demo",
			PrincipalARN:     access.UncheckedPrincipalARN(principal),
			Type:             typ,
			Username:         username,
			KubernetesGroups: groups,
			Tags:             tags,
		},
		AssociatedAccessPolicies: policies,
	}
}

func policy(name string, scope access.ScopeType, namespaces ...string) access.AssociatedPolicy {
	return access.AssociatedPolicy{
		PolicyARN:   "arn:aws:eks::aws:cluster-access-policy/" + name,
		AccessScope: access.Scope{Type: scope, Namespaces: namespaces},
	}
}

// sample is a cluster's live state with every case the writer handles.
func sample() []plan.Live {
	return []plan.Live{
		entry(acct+"role/dev", access.TypeStandard, "arn:aws:sts::111122223333:assumed-role/dev/{{SessionName}}", []string{"dev", "admins"},
			map[string]string{"team": "ledger", plan.ManagedTagKey: plan.ManagedTagValue, plan.OwnerTagKey: "platform", "aws:cloudformation:stack-name": "s"},
			policy("AmazonEKSViewPolicy", access.ScopeCluster),
			policy("AmazonEKSEditPolicy", access.ScopeNamespace, "b", "a")),
		entry(acct+"role/nodes", access.TypeEC2Linux, "system:node:{{EC2PrivateDNSName}}", []string{"system:nodes"}, nil),
		entry(acct+"user/hostile", access.TypeStandard, hostileUsername, []string{"${g}", "%{if x}y%{endif}"},
			map[string]string{"note": "line\nbreak ${x}"}),
		entry(acct+"root", "", acct+"root", nil, nil, policy("AmazonEKSClusterAdminPolicy", access.ScopeCluster)),
		// role/a.b and role/a_b both make demo_role_a_b
		entry(acct+"role/a.b", access.TypeStandard, "", nil, nil, policy("AmazonEKSViewPolicy", access.ScopeCluster)),
		entry(acct+"role/a_b", access.TypeStandard, "", nil, nil, policy("AmazonEKSViewPolicy", access.ScopeCluster)),
		entry(acct+"role/team/admin", access.TypeStandard, "admin", nil, nil),
	}
}

func TestTerraform(t *testing.T) {
	t.Parallel()
	golden.Assert(t, Terraform("demo", "us-west-2", sample()))
}

// The names depend on what they name, never on the order.
func TestTerraformStable(t *testing.T) {
	t.Parallel()
	want := Terraform("demo", "us-west-2", sample())
	r := rand.New(rand.NewPCG(1, 2))
	for range 10 {
		live := sample()
		r.Shuffle(len(live), func(i, j int) { live[i], live[j] = live[j], live[i] })
		for _, l := range live {
			r.Shuffle(len(l.AssociatedAccessPolicies), func(i, j int) {
				l.AssociatedAccessPolicies[i], l.AssociatedAccessPolicies[j] = l.AssociatedAccessPolicies[j], l.AssociatedAccessPolicies[i]
			})
		}
		if got := Terraform("demo", "us-west-2", live); string(got) != string(want) {
			t.Fatalf("another order, another file:\n%s", cmp.Diff(string(want), string(got)))
		}
	}
}

// terraform fmt (hclwrite.Format) leaves the file as it is.
func TestTerraformFormatted(t *testing.T) {
	t.Parallel()
	got := Terraform("demo", "us-west-2", sample())
	if diff := cmp.Diff(string(hclwrite.Format(got)), string(got)); diff != "" {
		t.Errorf("terraform fmt would change the file (-fmt +got):\n%s", diff)
	}
}

// The AWS provider's schemas (terraform-provider-aws, internal/service/eks:
// access_entry.go, access_policy_association.go), with the meta-argument
// depends_on: hcl's Body.Content refuses any other attribute or block.
var (
	fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "import"},
	}}
	importSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "to", Required: true}, {Name: "id", Required: true}}}
	entrySchema  = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "cluster_name", Required: true},
		{Name: "principal_arn", Required: true},
		{Name: "type"},
		{Name: "user_name"},
		{Name: "kubernetes_groups"},
		{Name: "tags"},
	}}
	associationSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "cluster_name", Required: true},
			{Name: "principal_arn", Required: true},
			{Name: "policy_arn", Required: true},
			{Name: "depends_on"},
		},
		Blocks: []hcl.BlockHeaderSchema{{Type: "access_scope"}},
	}
	scopeSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "type", Required: true}, {Name: "namespaces"}}}
)

// parsed is what HashiCorp's parser reads in a written file: every
// resource's attributes as values (each a literal: evaluated with no
// variables and no functions), and the import blocks.
type parsed struct {
	entries      map[string]map[string]cty.Value // by resource name
	associations map[string]map[string]cty.Value // with "access_scope.type" and "access_scope.namespaces"
	dependsOn    map[string]string               // association name -> the entry resource it names
	imports      map[string]string               // "TYPE.NAME" -> id
}

func parse(t *testing.T, src []byte) parsed {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, "access.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("HCL parser: %s", diags.Error())
	}
	content, diags := f.Body.Content(fileSchema)
	if diags.HasErrors() {
		t.Fatalf("file: %s", diags.Error())
	}
	p := parsed{entries: map[string]map[string]cty.Value{}, associations: map[string]map[string]cty.Value{}, dependsOn: map[string]string{}, imports: map[string]string{}}
	values := func(body hcl.Body, schema *hcl.BodySchema, prefix string, into map[string]cty.Value) *hcl.BodyContent {
		c, diags := body.Content(schema)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", prefix, diags.Error())
		}
		for name, a := range c.Attributes {
			if name == "depends_on" {
				continue
			}
			v, diags := a.Expr.Value(nil) // nil: a literal, no interpolation
			if diags.HasErrors() {
				t.Fatalf("%s%s is not a literal: %s", prefix, name, diags.Error())
			}
			into[prefix+name] = v
		}
		return c
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "import":
			c, diags := b.Body.Content(importSchema)
			if diags.HasErrors() {
				t.Fatalf("import: %s", diags.Error())
			}
			to, diags := hcl.AbsTraversalForExpr(c.Attributes["to"].Expr)
			if diags.HasErrors() {
				t.Fatalf("import to: %s", diags.Error())
			}
			id, diags := c.Attributes["id"].Expr.Value(nil)
			if diags.HasErrors() {
				t.Fatalf("import id: %s", diags.Error())
			}
			key := to.RootName() + "." + to[1].(hcl.TraverseAttr).Name
			if _, dup := p.imports[key]; dup {
				t.Errorf("two import blocks for %s", key)
			}
			p.imports[key] = id.AsString()
		case "resource":
			typ, name := b.Labels[0], b.Labels[1]
			if !hclsyntax.ValidIdentifier(name) {
				t.Errorf("resource name %q is not an identifier", name)
			}
			m := map[string]cty.Value{}
			switch typ {
			case EntryResource:
				if _, dup := p.entries[name]; dup {
					t.Errorf("two %s named %s", typ, name)
				}
				values(b.Body, entrySchema, "", m)
				p.entries[name] = m
			case AssociationResource:
				if _, dup := p.associations[name]; dup {
					t.Errorf("two %s named %s", typ, name)
				}
				c := values(b.Body, associationSchema, "", m)
				if len(c.Blocks) != 1 {
					t.Fatalf("%s.%s: %d access_scope blocks, want 1", typ, name, len(c.Blocks))
				}
				values(c.Blocks[0].Body, scopeSchema, "access_scope.", m)
				deps, diags := hcl.ExprList(c.Attributes["depends_on"].Expr)
				if diags.HasErrors() || len(deps) != 1 {
					t.Fatalf("%s.%s: depends_on: %s", typ, name, diags.Error())
				}
				ref, diags := hcl.AbsTraversalForExpr(deps[0])
				if diags.HasErrors() || ref.RootName() != EntryResource {
					t.Fatalf("%s.%s: depends_on names no entry", typ, name)
				}
				p.dependsOn[name] = ref[1].(hcl.TraverseAttr).Name
				p.associations[name] = m
			default:
				t.Errorf("resource of type %s", typ)
			}
		}
	}
	return p
}

func strs(t *testing.T, v cty.Value) []string {
	t.Helper()
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e.AsString())
	}
	slices.Sort(out)
	return out
}

func strMap(v cty.Value) map[string]string {
	out := map[string]string{}
	for k, e := range v.AsValueMap() {
		out[k] = e.AsString()
	}
	return out
}

// The file parses with HashiCorp's HCL parser, every attribute is one of
// the provider's, every value reads back as the live value (usernames with
// ${ and %{ too), and every resource has its import block with the id the
// provider's importer reads.
func TestTerraformReadsBack(t *testing.T) {
	t.Parallel()
	live := sample()
	p := parse(t, Terraform("demo", "us-west-2", live))

	type wantEntry struct {
		typ, username string
		groups        []string
		tags          map[string]string
	}
	byPrincipal := map[string]string{} // principal -> entry resource name
	got := map[string]wantEntry{}
	for name, m := range p.entries {
		principal := m["principal_arn"].AsString()
		if c := m["cluster_name"].AsString(); c != "demo" {
			t.Errorf("%s: cluster_name %q", name, c)
		}
		if id := p.imports[EntryResource+"."+name]; id != "demo:"+principal {
			t.Errorf("%s: import id %q, want %q", name, id, "demo:"+principal)
		}
		e := wantEntry{typ: m["type"].AsString()}
		if v, ok := m["user_name"]; ok {
			e.username = v.AsString()
		}
		if v, ok := m["kubernetes_groups"]; ok {
			e.groups = strs(t, v)
		}
		if v, ok := m["tags"]; ok {
			e.tags = strMap(v)
		}
		byPrincipal[principal] = name
		got[principal] = e
	}
	want := map[string]wantEntry{}
	var wantAssocs []string
	for _, l := range live {
		p := l.PrincipalARN.String()
		e := wantEntry{typ: string(l.Type.OrDefault())}
		if !l.Type.IsNode() {
			e.groups = slices.Sorted(slices.Values(l.KubernetesGroups))
			if l.Username != "" && l.Username != access.DefaultUsername(l.PrincipalARN) {
				e.username = l.Username
			}
		}
		for k, v := range l.Tags {
			if !strings.HasPrefix(k, "aws:") {
				if e.tags == nil {
					e.tags = map[string]string{}
				}
				e.tags[k] = v
			}
		}
		want[p] = e
		for _, a := range l.AssociatedAccessPolicies {
			ns := slices.Sorted(slices.Values(a.AccessScope.Namespaces))
			wantAssocs = append(wantAssocs, strings.Join(append([]string{p, a.PolicyARN, string(a.AccessScope.Type)}, ns...), " "))
		}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(wantEntry{})); diff != "" {
		t.Errorf("entries (-live +file):\n%s", diff)
	}
	if got[acct+"user/hostile"].username != hostileUsername {
		t.Errorf("username %q read back as %q", hostileUsername, got[acct+"user/hostile"].username)
	}

	var gotAssocs []string
	for name, m := range p.associations {
		principal, policyARN := m["principal_arn"].AsString(), m["policy_arn"].AsString()
		if id, want := p.imports[AssociationResource+"."+name], "demo#"+principal+"#"+policyARN; id != want {
			t.Errorf("%s: import id %q, want %q", name, id, want)
		}
		if p.dependsOn[name] != byPrincipal[principal] {
			t.Errorf("%s depends on %s, not on its entry %s", name, p.dependsOn[name], byPrincipal[principal])
		}
		line := []string{principal, policyARN, m["access_scope.type"].AsString()}
		if v, ok := m["access_scope.namespaces"]; ok {
			line = append(line, strs(t, v)...)
		}
		gotAssocs = append(gotAssocs, strings.Join(line, " "))
	}
	slices.Sort(wantAssocs)
	slices.Sort(gotAssocs)
	if diff := cmp.Diff(wantAssocs, gotAssocs); diff != "" {
		t.Errorf("policy associations (-live +file):\n%s", diff)
	}
	if n := len(p.entries) + len(p.associations); len(p.imports) != n {
		t.Errorf("%d import blocks for %d resources", len(p.imports), n)
	}
}

// Names that sanitise alike get a hash of what they name; the others keep
// their plain name, whatever else is in the cluster.
func TestTerraformNames(t *testing.T) {
	t.Parallel()
	names := func(live ...plan.Live) []string {
		p := parse(t, Terraform("demo", "", live))
		return append(slices.Sorted(maps.Keys(p.entries)), slices.Sorted(maps.Keys(p.associations))...)
	}
	dots := entry(acct+"role/a.b", "", "", nil, nil, policy("AmazonEKSViewPolicy", access.ScopeCluster))
	underscore := entry(acct+"role/a_b", "", "", nil, nil, policy("AmazonEKSViewPolicy", access.ScopeCluster))
	path := entry(acct+"role/team/admin", "", "", nil, nil)
	digit := entry(acct+"role/x", "", "", nil, nil)

	if got, want := names(dots, path), []string{"demo_role_a_b", "demo_role_team_admin", "demo_role_a_b_AmazonEKSViewPolicy"}; !slices.Equal(got, want) {
		t.Errorf("names %q, want %q", got, want)
	}
	both := names(dots, underscore, path)
	if len(both) != 5 || both[2] != "demo_role_team_admin" {
		t.Fatalf("names %q: want two hashed pairs and demo_role_team_admin", both)
	}
	for _, n := range slices.Concat(both[:2], both[3:]) {
		if !strings.HasPrefix(n, "demo_role_a_b_") || n == "demo_role_a_b_AmazonEKSViewPolicy" {
			t.Errorf("colliding name %q has no hash", n)
		}
	}
	if again := names(underscore, path, dots); !slices.Equal(again, both) {
		t.Errorf("names %q, then %q in another order", both, again)
	}
	// A cluster name that begins with a digit makes no resource name that does.
	p := parse(t, Terraform("1st", "", []plan.Live{digit}))
	if _, ok := p.entries["_1st_role_x"]; !ok {
		t.Errorf("names %q, want _1st_role_x", slices.Collect(maps.Keys(p.entries)))
	}
}

// quote's string evaluates, with HashiCorp's parser, to exactly the text
// it was given.
func TestQuote(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "plain", "{{SessionName}}", "system:node:{{EC2PrivateDNSName}}",
		"${x}", "%{y}", "$${z}", "%%{w}", "$$${v}", "${", "%{", "$", "%", "a$", "{}",
		`"`, `\`, `\n`, "\n", "\r\n", "\t", "\x00\x01\x1f\x7f", "\u0085\u2028\u2029",
		"ünïcödé ✓ 🙂", `${"}"}`, "%{ if true }x%{ endif }",
	} {
		if got := evalQuoted(t, quote(s)); got != s {
			t.Errorf("quote(%q) = %s reads back as %q", s, quote(s), got)
		}
	}
}

func evalQuoted(t *testing.T, quoted string) string {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte("x = "+quoted+"\n"), "x.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("x = %s: %s", quoted, diags.Error())
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		t.Fatalf("x = %s: %s", quoted, diags.Error())
	}
	v, diags := attrs["x"].Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("x = %s is not a literal: %s", quoted, diags.Error())
	}
	return v.AsString()
}
