// Package accessfile is eksaccess's apply-file format: the model of a
// desired-state file (clusters and the access entries they should have),
// the loader for eksaccess's own format and eksctl's ClusterConfig, and
// the writer of the own format. The planner (package plan) compares a file
// with a cluster's live entries; package apply reads those and applies
// the plan.
//
// The package is pure: Load reads the io.Reader it is given and nothing
// else. Every rule about an entry is package access's (its rulebook): the
// loader reads the YAML and says where a value came from, the rules come
// from access, in the file's words (access.FileWords). Entries are typed
// from the file to the wire and back (access.PrincipalARN,
// access.EntryType).
package accessfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/yamlerr"
)

// The formats Load reads. Marshal writes the first.
const (
	APIVersion = "eksaccess/v1"
	Kind       = "AccessConfig"

	EksctlAPIVersion = "eksctl.io/v1alpha5"
	EksctlKind       = "ClusterConfig"
)

// MaxFileSize is the largest file Load reads (4 MiB); a file of thousands
// of entries is a few hundred KiB.
const MaxFileSize = 4 << 20

// maxDepth bounds how deeply a file's YAML may nest. eksaccess's format
// needs 7 levels and eksctl's ClusterConfig about 10.
const maxDepth = 64

// File is a desired state: every cluster in Clusters should have exactly
// the access entries in Entries.
type File struct {
	// Name is where the file was read from (for messages); the CLI calls
	// stdin "<stdin>".
	Name string
	// Format is the apiVersion the file was written in: APIVersion or
	// EksctlAPIVersion.
	Format string
	// Owner names who owns the file ("" the default owner): apply tags
	// what it creates with it, and --prune deletes only its entries. The
	// own format's top-level owner:, eksctl's metadata.annotations
	// "eksaccess/owner".
	Owner    string
	Clusters []Cluster
	Entries  []Entry

	// AuthenticationMode and BootstrapClusterCreatorAdminPermissions are
	// eksctl's accessConfig settings, carried for the caller to act on or
	// warn about: "" and nil when the file does not set them (the own
	// format has neither, and Marshal does not write them).
	AuthenticationMode                      string
	BootstrapClusterCreatorAdminPermissions *bool
}

// Cluster is one cluster the file applies to.
type Cluster struct {
	Name access.ClusterName
	// Region is "" when the file gives none: the caller's region applies.
	Region string
}

// Entry is one desired access entry.
type Entry struct {
	Principal access.PrincipalARN
	Type      access.EntryType // "" means the API default, STANDARD
	Groups    []string
	Username  string // "" means the EKS default
	Tags      access.Tags
	Policies  []access.PolicyAssociation
}

// Request is the CreateAccessEntry request (and policies to associate)
// for e in cluster.
func (e Entry) Request(cluster access.ClusterName) access.CreateEntry {
	return access.CreateEntry{
		Cluster:   cluster,
		Principal: e.Principal,
		Type:      e.Type,
		Groups:    slices.Clone(e.Groups),
		Username:  e.Username,
		Tags:      cloneTags(e.Tags),
		Policies:  slices.Clone(e.Policies),
	}
}

func cloneTags(t access.Tags) access.Tags {
	if t == nil {
		return nil
	}
	out := make(access.Tags, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

// Error is one problem in a file: "access.yaml:12: entries[1].kubernetesGroups[0]: ...".
// Load returns every problem it finds, joined with errors.Join; each is
// an *Error wrapping the rule's own error (an *access.Error where the
// request model's rules apply, with its hint).
type Error = yamlerr.Error

func problem(hint, format string, args ...any) error { return yamlerr.Problem(hint, format, args...) }

// Load reads a desired-state file, in eksaccess's format (apiVersion
// eksaccess/v1, kind AccessConfig) or eksctl's (apiVersion
// eksctl.io/v1alpha5, kind ClusterConfig: metadata and accessConfig are
// read, every other eksctl key is left alone). name is used in messages.
//
// Unknown keys, repeated keys, duplicate principals, values the request
// model rejects and a file without a cluster are errors; all of them are
// returned, joined, each as an *Error naming the file, line and field.
// Anchors and aliases are refused where Load reads, the file may not be
// larger than MaxFileSize nor nest deeper than 64 levels.
func Load(name string, r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Err: problem("split it, or check that it is the right file",
			"file larger than %d MiB", MaxFileSize>>20)}
	}
	root, err := parseDocument(name, data)
	if err != nil {
		return nil, err
	}
	l := &loader{name: name}
	f := l.file(root)
	if err := errors.Join(l.errs...); err != nil {
		return nil, err
	}
	f.Name = name
	return f, nil
}

// parseDocument parses data as exactly one YAML document, no deeper than
// maxDepth, and returns its root node.
func parseDocument(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return nil, &Error{File: name, Err: problem(`begin it with "apiVersion: `+APIVersion+`"`, "file is empty")}
	case err != nil:
		return nil, syntaxError(name, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(name, data, err)
	default:
		return nil, &Error{File: name, Line: next.Line, Err: problem("put all clusters and entries in one document", `more than one YAML document ("---")`)}
	}
	if n := yamlerr.TooDeep(&doc, maxDepth); n != nil {
		return nil, &Error{File: name, Line: n.Line, Err: fmt.Errorf("nested deeper than %d levels", maxDepth)}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: name, Err: problem(`begin it with "apiVersion: `+APIVersion+`"`, "file is empty")}
	}
	return doc.Content[0], nil
}

// syntaxError is the *Error for a file the YAML parser refused: its line
// and the kind of problem, never the file's text (yamlerr.Locate).
func syntaxError(name string, data []byte, err error) *Error {
	line, what := yamlerr.Locate(data, err)
	return &Error{File: name, Line: line, Err: errors.New(what)}
}

// schema is the key names of one format.
type schema struct {
	entries                          string // the path of the entry list
	principal, username, policy      string
	renamed                          map[string]string // the other format's key -> this one's
	entryKeys, policyKeys, scopeKeys []string
	accessConfigKeys, rootKeys       []string
}

var ownSchema = schema{
	entries:   "entries",
	principal: "principalArn", username: "username", policy: "policyArn",
	renamed:    map[string]string{"kubernetesUsername": "username"},
	entryKeys:  []string{"principalArn", "type", "kubernetesGroups", "username", "tags", "accessPolicies"},
	policyKeys: []string{"policyArn", "accessScope"},
	scopeKeys:  []string{"type", "namespaces"},
	rootKeys:   []string{"apiVersion", "kind", "owner", "clusters", "entries"},
}

var eksctlSchema = schema{
	entries:   "accessConfig.accessEntries",
	principal: "principalARN", username: "kubernetesUsername", policy: "policyARN",
	renamed:          map[string]string{"username": "kubernetesUsername"},
	entryKeys:        []string{"principalARN", "type", "kubernetesGroups", "kubernetesUsername", "accessPolicies"},
	policyKeys:       []string{"policyARN", "accessScope"},
	scopeKeys:        []string{"type", "namespaces"},
	accessConfigKeys: []string{"authenticationMode", "bootstrapClusterCreatorAdminPermissions", "accessEntries"},
}

// words is how the request model's rules name this format's fields.
func (s schema) words() access.Words { return access.FileWords(s.username, s.policy) }

// loader walks a parsed file and collects every problem.
type loader struct {
	name string
	errs []error
}

func (l *loader) fail(n *yaml.Node, field string, err error) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.errs = append(l.errs, &Error{File: l.name, Line: line, Field: field, Err: err})
}

func (l *loader) failf(n *yaml.Node, field, hint, format string, args ...any) {
	l.fail(n, field, problem(hint, format, args...))
}

// usable reports whether n may be read: anchors and aliases are refused
// (a file has no need of them, and refusing them rules out alias bombs).
func (l *loader) usable(n *yaml.Node, field string) bool {
	switch {
	case n.Kind == yaml.AliasNode:
		l.failf(n, field, "write the value out in full", "YAML aliases (*NAME) are not supported")
		return false
	case n.Anchor != "":
		l.failf(n, field, "write the value out in full", "YAML anchors (&NAME) are not supported")
		return false
	}
	return true
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// kindOf names what n is without quoting it: until its apiVersion says the
// file is an apply file, it may be anything given by mistake (a token, a
// credentials file), and no message shows its text.
func kindOf(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return kindName(n)
	}
	switch n.Tag {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "true or false"
	}
	return "a string"
}

// kindName names what n is, quoting a scalar (cut to 60 characters): for
// a file known to be an apply file.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "empty"
		}
		if v := []rune(n.Value); len(v) > 60 {
			return fmt.Sprintf("%q...", string(v[:60]))
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// fields reads mapping n: it returns the value of each key in known, and
// reports repeated keys, and unknown keys unless tolerant. renamed maps
// the other format's spelling of a key to this one's, for the hint.
func (l *loader) fields(n *yaml.Node, field string, known []string, renamed map[string]string, tolerant bool) map[string]*yaml.Node {
	if !l.usable(n, field) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		l.failf(n, field, "", "want a mapping (key: value), not %s", kindName(n))
		return nil
	}
	out := make(map[string]*yaml.Node)
	first := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !l.usable(k, field) {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			l.failf(k, field, "", "a key must be a string, not %s", kindName(k))
			continue
		}
		key := k.Value
		path := join(field, key)
		if line, dup := first[key]; dup {
			l.failf(k, path, "give each key once", "repeated key (first at line %d)", line)
			continue
		}
		first[key] = k.Line
		if slices.Contains(known, key) {
			out[key] = v
			continue
		}
		if tolerant && !slices.ContainsFunc(known, func(k string) bool { return strings.EqualFold(k, key) }) {
			continue // another tool's key (eksctl's vpc, nodeGroups...)
		}
		l.failf(k, path, suggest(key, known, renamed), "unknown key %q", key)
	}
	return out
}

// suggest is the hint for an unknown key: the known key it is a
// misspelling or the other format's spelling of, or the list of keys.
func suggest(key string, known []string, renamed map[string]string) string {
	for _, k := range known {
		if strings.EqualFold(k, key) || access.EditDistance(strings.ToLower(k), strings.ToLower(key)) <= 2 {
			return fmt.Sprintf("did you mean %q?", k)
		}
	}
	if k, ok := renamed[key]; ok {
		return fmt.Sprintf("this format spells it %q", k)
	}
	if key == "tags" {
		return "eksctl access entries have no tags; the eksaccess format (apiVersion " + APIVersion + ") has"
	}
	return "the keys here are " + strings.Join(known, ", ")
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func index(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }

// str reads a scalar as text (null is ""); ok is false, with a problem
// reported, when n is not a scalar.
func (l *loader) str(n *yaml.Node, field string) (string, bool) {
	if !l.usable(n, field) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		l.failf(n, field, "", "want a string, not %s", kindName(n))
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	if len(n.Value) > maxValue {
		l.failf(n, field, "", "value of %d bytes; no field takes more than %d", len(n.Value), maxValue)
		return "", false
	}
	return n.Value, true
}

// maxValue bounds a string value: the longest the API takes is an ARN
// (2048), so a longer one is a mistake, and is not echoed in messages.
const maxValue = 4096

// list reads a sequence (null is empty) and returns its items.
func (l *loader) list(n *yaml.Node, field string) []*yaml.Node {
	if !l.usable(n, field) || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.failf(n, field, "", "want a list, not %s", kindName(n))
		return nil
	}
	return n.Content
}

// file reads the root mapping.
func (l *loader) file(root *yaml.Node) *File {
	if !l.usable(root, "") {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		l.failf(root, "", `begin it with "apiVersion: `+APIVersion+`"`, "want a mapping (key: value) at the top, not %s", kindOf(root))
		return nil
	}
	version, kind := l.header(root, map[string]*yaml.Node{"apiVersion": lookup(root, "apiVersion"), "kind": lookup(root, "kind")})
	switch {
	case version == APIVersion && kind == Kind:
		return l.own(root)
	case version == EksctlAPIVersion && kind == EksctlKind:
		return l.eksctl(root)
	}
	return nil
}

// lookup returns the value of key in mapping n (the first, if repeated),
// or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// apiVersionRE is the shape of a Kubernetes apiVersion (v1,
// eksctl.io/v1alpha4): an apiVersion of that shape is named in messages,
// any other value is not.
// It compiles on first use: its counted repetitions make a large program
// (0.2 MB, 0.3 ms) that a run reading no file must not pay for at start-up.
var apiVersionRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([a-z0-9-]{1,63}(\.[a-z0-9-]{1,63}){0,5}/)?v[0-9]{1,3}((alpha|beta)[0-9]{1,3})?$`)
})

// header checks apiVersion and kind.
func (l *loader) header(root *yaml.Node, top map[string]*yaml.Node) (version, kind string) {
	const formats = "eksaccess's (apiVersion " + APIVersion + ", kind " + Kind + ") or eksctl's (apiVersion " + EksctlAPIVersion + ", kind " + EksctlKind + ")"
	v, k := top["apiVersion"], top["kind"]
	if v == nil {
		l.failf(root, "apiVersion", "the file is "+formats, "apiVersion is required")
		return "", ""
	}
	version, ok := l.str(v, "apiVersion")
	if !ok {
		return "", ""
	}
	want := map[string]string{APIVersion: Kind, EksctlAPIVersion: EksctlKind}[version]
	if want == "" {
		if apiVersionRE().MatchString(version) { // a Kubernetes-style version, not text of another kind of file
			l.failf(v, "apiVersion", "the file is "+formats, "unsupported apiVersion %q", version)
		} else {
			l.failf(v, "apiVersion", "the file is "+formats, "unsupported apiVersion (%s)", kindOf(v))
		}
		return "", ""
	}
	if k == nil {
		l.failf(root, "kind", "", "kind is required: %s for apiVersion %s", want, version)
		return "", ""
	}
	kind, ok = l.str(k, "kind")
	if ok && kind != want {
		l.failf(k, "kind", "", "kind %q does not go with apiVersion %s: want %s", kind, version, want)
	}
	return version, kind
}

// own reads eksaccess's format.
func (l *loader) own(root *yaml.Node) *File {
	s := ownSchema
	top := l.fields(root, "", s.rootKeys, nil, false)
	f := &File{Format: APIVersion}
	if n := top["owner"]; n != nil {
		f.Owner = l.owner(n, "owner")
	}
	if n := top["clusters"]; n == nil {
		l.failf(root, "clusters", "list at least one: clusters: [{name: NAME, region: REGION}]", "clusters is required")
	} else {
		items := l.list(n, "clusters")
		if isNull(n) || n.Kind == yaml.SequenceNode && len(items) == 0 {
			l.failf(n, "clusters", "list at least one: clusters: [{name: NAME, region: REGION}]", "no cluster")
		}
		seen := map[Cluster]int{}
		for i, item := range items {
			if c, ok := l.cluster(item, index("clusters", i), false); ok {
				if line, dup := seen[c]; dup {
					l.failf(item, index("clusters", i), "", "cluster %s is listed twice (first at line %d)", clusterLabel(c), line)
					continue
				}
				seen[c] = item.Line
				f.Clusters = append(f.Clusters, c)
			}
		}
	}
	if n := top["entries"]; n == nil {
		l.failf(root, "entries", "write entries: [] for a cluster with no access entries", "entries is required")
	} else if isNull(n) {
		// Every entry commented out reads as null: under --prune that
		// would mean "delete them all", which no one means by accident.
		l.failf(n, "entries", "write entries: [] to state that the clusters have no access entries", "entries is empty (null)")
	} else {
		f.Entries = l.entries(n, s, f.Clusters)
	}
	return f
}

func clusterLabel(c Cluster) string {
	if c.Region == "" {
		return string(c.Name)
	}
	return string(c.Name) + " in " + c.Region
}

// cluster reads {name, region}: an item of the own format's clusters, or
// eksctl's metadata (tolerant: it has more, version, tags...).
func (l *loader) cluster(n *yaml.Node, field string, tolerant bool) (Cluster, bool) {
	m := l.fields(n, field, []string{"name", "region"}, nil, tolerant)
	if m == nil {
		return Cluster{}, false
	}
	var c Cluster
	ok := true
	if v := m["name"]; v == nil {
		l.failf(n, join(field, "name"), "", "the cluster's name is required")
		ok = false
	} else if name, sok := l.str(v, join(field, "name")); !sok {
		ok = false
	} else if err := c.Name.Set(name); err != nil {
		l.fail(v, join(field, "name"), err)
		ok = false
	}
	if v := m["region"]; v != nil {
		region, sok := l.str(v, join(field, "region"))
		switch {
		case !sok:
			ok = false
		case region != "":
			if err := CheckRegion(region); err != nil {
				l.fail(v, join(field, "region"), err)
				ok = false
			}
		}
		c.Region = region
	}
	return c, ok
}

var regionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`) })

// CheckRegion checks that region looks like an AWS region (eu-west-1,
// us-gov-west-1, cn-north-1): a file's cluster region, or a flag that
// fills one in.
func CheckRegion(region string) error {
	if !regionPattern().MatchString(region) {
		return problem("regions look like eu-west-1 or us-gov-west-1", "%q is not an AWS region", region)
	}
	return nil
}

// eksctl reads eksctl's ClusterConfig: metadata and accessConfig.
func (l *loader) eksctl(root *yaml.Node) *File {
	s := eksctlSchema
	top := l.fields(root, "", []string{"metadata", "accessConfig"}, nil, true)
	f := &File{Format: EksctlAPIVersion}
	if n := top["metadata"]; n == nil {
		l.failf(root, "metadata", "eksctl names the cluster in metadata: {name: NAME, region: REGION}", "metadata is required")
	} else {
		if c, ok := l.cluster(n, "metadata", true); ok {
			f.Clusters = []Cluster{c}
		}
		// eksctl keeps metadata.annotations for other tools ("arbitrary
		// metadata ignored by eksctl"): the one place for an owner.
		if n.Kind == yaml.MappingNode {
			if an := lookup(n, "annotations"); an != nil && !isNull(an) {
				if v := l.fields(an, "metadata.annotations", []string{access.OwnerTagKey}, nil, true)[access.OwnerTagKey]; v != nil {
					f.Owner = l.owner(v, "metadata.annotations."+access.OwnerTagKey)
				}
			}
		}
	}
	none, required := "eksaccess applies a ClusterConfig's access entries, and this file states none: write accessConfig.accessEntries: [] to state that the cluster has none", "accessConfig.accessEntries is required"
	if m := lookup(root, "iamIdentityMappings"); m != nil && m.Kind == yaml.SequenceNode && len(m.Content) > 0 {
		// aws-auth rows, which eksctl writes into the ConfigMap: "[]"
		// would tell apply --prune to delete every entry.
		required += fmt.Sprintf("; the file's access is in iamIdentityMappings (%d rows), aws-auth rows that apply does not read", len(m.Content))
		file := l.name
		if strings.HasPrefix(file, "<") { // <stdin>
			file = "-"
		}
		none = "convert them, with a report per row: eksaccess import aws-auth -f " + file + " --cluster NAME > access.yaml"
	}
	n := top["accessConfig"]
	if n == nil || isNull(n) {
		l.failf(root, "accessConfig.accessEntries", none, "%s", required)
		return f
	}
	ac := l.fields(n, "accessConfig", s.accessConfigKeys, nil, false)
	if v := ac["authenticationMode"]; v != nil {
		if mode, ok := l.str(v, "accessConfig.authenticationMode"); ok {
			switch up := strings.ToUpper(mode); up {
			case "", "CONFIG_MAP", "API_AND_CONFIG_MAP", "API":
				f.AuthenticationMode = up
			default:
				l.failf(v, "accessConfig.authenticationMode", "", "unknown authentication mode %q; use CONFIG_MAP, API_AND_CONFIG_MAP or API", mode)
			}
		}
	}
	if v := ac["bootstrapClusterCreatorAdminPermissions"]; v != nil && l.usable(v, "accessConfig.bootstrapClusterCreatorAdminPermissions") && !isNull(v) {
		var b bool
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
			l.failf(v, "accessConfig.bootstrapClusterCreatorAdminPermissions", "", "want true or false, not %s", kindName(v))
		} else {
			f.BootstrapClusterCreatorAdminPermissions = &b
		}
	}
	if v := ac["accessEntries"]; v == nil || isNull(v) {
		l.failf(n, "accessConfig.accessEntries", none, "%s", required)
	} else {
		f.Entries = l.entries(v, s, f.Clusters)
	}
	return f
}

// owner reads the file's owner (access.CheckOwner).
func (l *loader) owner(n *yaml.Node, field string) string {
	v, ok := l.str(n, field)
	if !ok {
		return ""
	}
	if err := access.CheckOwner(v); err != nil {
		l.fail(n, field, err)
		return ""
	}
	return v
}

// entries reads the entry list and checks that no principal is listed
// twice.
func (l *loader) entries(n *yaml.Node, s schema, clusters []Cluster) []Entry {
	cluster := access.ClusterName("x") // a valid name for Validate, when the file's own is not
	if len(clusters) > 0 {
		cluster = clusters[0].Name
	}
	out := []Entry{}
	first := map[string]int{}
	for i, item := range l.list(n, s.entries) {
		field := index(s.entries, i)
		e, pn, ok := l.entry(item, field, s, cluster)
		if pn == nil {
			continue
		}
		key := strings.ToLower(e.Principal.String())
		if line, dup := first[key]; dup {
			l.failf(pn, join(field, s.principal), "merge the two entries into one", "principal %s is listed twice (first at line %d)", e.Principal, line)
			continue
		}
		first[key] = pn.Line
		if ok {
			out = append(out, e)
		}
	}
	return out
}

// entry reads one entry. pn is the principal's node (nil when the
// principal could not be read), ok whether the entry has no problem.
func (l *loader) entry(n *yaml.Node, field string, s schema, cluster access.ClusterName) (e Entry, pn *yaml.Node, ok bool) {
	known := len(l.errs)
	m := l.fields(n, field, s.entryKeys, s.renamed, false)
	if m == nil {
		return e, nil, false
	}
	if pn = m[s.principal]; pn == nil {
		l.failf(n, join(field, s.principal), "", "%s is required", s.principal)
	} else if v, sok := l.str(pn, join(field, s.principal)); !sok {
		pn = nil
	} else if p, err := access.ParsePrincipalARN(v); err != nil {
		l.fail(pn, join(field, s.principal), err)
		pn = nil
	} else {
		e.Principal = p
		// An IAM Identity Center role without its path: EKS would answer
		// "invalid principal" half-way through an apply (create refuses
		// it offline too).
		if err := p.Verify(); err != nil {
			l.fail(pn, join(field, s.principal), err)
		}
	}
	if v := m["type"]; v != nil {
		if t, sok := l.str(v, join(field, "type")); sok && t != "" {
			if err := e.Type.Set(t); err != nil {
				l.fail(v, join(field, "type"), err)
			}
		}
	}
	groups := m["kubernetesGroups"]
	if groups != nil {
		e.Groups = l.groups(groups, join(field, "kubernetesGroups"), s, e.Type)
	}
	user := m[s.username]
	if user != nil {
		if u, sok := l.str(user, join(field, s.username)); sok {
			e.Username = u
			if u != "" && !e.Type.IsNode() {
				if err := s.words().CheckUsername(u); err != nil {
					l.fail(user, join(field, s.username), err)
				}
			}
		}
	}
	if v := m["tags"]; v != nil {
		e.Tags = l.tags(v, join(field, "tags"))
	}
	policies := m["accessPolicies"]
	if policies != nil {
		e.Policies = l.policies(policies, join(field, "accessPolicies"), s, e.Principal)
	}
	if e.Type.IsNode() {
		// Each problem at the line of the field it is about.
		for _, err := range s.words().NodeProblems(e.Type, e.Principal, e.Groups, e.Username, e.Policies) {
			var ae *access.Error
			errors.As(err, &ae)
			switch f, i := ae.Field(); {
			case f == access.FieldPrincipal:
				l.fail(pn, join(field, s.principal), err)
			case f == access.FieldGroups:
				l.fail(groups, join(field, "kubernetesGroups"), err)
			case f == access.FieldUsername:
				l.fail(user, join(field, s.username), err)
			case i >= 0:
				l.fail(policies.Content[i], index(join(field, "accessPolicies"), i), err)
			default:
				l.fail(policies, join(field, "accessPolicies"), err)
			}
		}
	}
	if len(l.errs) > known {
		return e, pn, false
	}
	// A backstop: every rule of the request model, for what the checks
	// above do not cover.
	if err := e.Request(cluster).Validate(); err != nil {
		l.fail(n, field, err)
		return e, pn, false
	}
	return e, pn, true
}

// groups reads kubernetesGroups: no empty, repeated or reserved names.
func (l *loader) groups(n *yaml.Node, field string, s schema, t access.EntryType) []string {
	var out []string
	first := map[string]int{}
	for i, item := range l.list(n, field) {
		path := index(field, i)
		g, ok := l.str(item, path)
		if !ok {
			continue
		}
		if t := strings.TrimSpace(g); t == "" {
			g = t // only spaces: the empty name, which CheckGroup refuses
		} else if t != g {
			// EKS keeps such a name as it is; trimming it would rename
			// the group, and every RBAC binding of it would stop matching.
			l.failf(item, path, "", "group %q has spaces around it: give the name exactly as the RBAC bindings spell it", g)
			continue
		}
		if line, dup := first[g]; dup {
			l.failf(item, path, "", "group %q is listed twice (first at line %d)", g, line)
			continue
		}
		first[g] = item.Line
		if !t.IsNode() { // node types take no groups at all: NodeProblems says so once
			if err := s.words().CheckGroup(i, g); err != nil {
				l.fail(item, path, err)
				continue
			}
		}
		out = append(out, g)
	}
	return out
}

// tags reads a mapping of tag keys to values.
func (l *loader) tags(n *yaml.Node, field string) access.Tags {
	if !l.usable(n, field) || isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		l.failf(n, field, "write tags: {KEY: VALUE, ...}", "want a mapping (key: value), not %s", kindName(n))
		return nil
	}
	out := access.Tags{}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		k, ok := l.str(kn, field)
		if !ok {
			continue
		}
		path := join(field, k)
		if line, dup := first[k]; dup {
			l.failf(kn, path, "give each key once", "repeated tag key (first at line %d)", line)
			continue
		}
		first[k] = kn.Line
		v, ok := l.str(vn, path)
		if !ok {
			continue
		}
		switch k {
		case access.ManagedTagKey:
			l.failf(kn, path, "use another key: apply tags the entries it creates "+access.ManagedTagKey+"="+access.ManagedTagValue+", and --prune deletes only those", "tag %s is apply's own", k)
			continue
		case access.OwnerTagKey:
			l.failf(kn, path, "name the file's owner once, at the top: owner: NAME; apply tags the entries it creates with it", "tag %s is apply's own", k)
			continue
		}
		if err := (access.Tags{k: v}).Validate(); err != nil {
			l.fail(kn, path, err)
			continue
		}
		out[k] = v
	}
	if len(first) > maxTags {
		l.failf(n, field, "", "%d tags; the limit is %d", len(first), maxTags)
	}
	return out
}

const maxTags = 50

// policies reads accessPolicies.
func (l *loader) policies(n *yaml.Node, field string, s schema, principal access.PrincipalARN) []access.PolicyAssociation {
	var out []access.PolicyAssociation
	type seen struct {
		line int
		a    access.PolicyAssociation
	}
	first := map[string]seen{}
	for i, item := range l.list(n, field) {
		path := index(field, i)
		m := l.fields(item, path, s.policyKeys, s.renamed, false)
		if m == nil {
			continue
		}
		var a access.PolicyAssociation
		pn := m[s.policy]
		ok := true
		if pn == nil {
			l.failf(item, join(path, s.policy), "name an access policy, e.g. AmazonEKSViewPolicy", "%s is required", s.policy)
			ok = false
		} else if v, sok := l.str(pn, join(path, s.policy)); !sok {
			ok = false
		} else if ref, err := access.ParsePolicyRef(v); err != nil {
			l.fail(pn, join(path, s.policy), err)
			ok = false
		} else if err := ref.CheckSpelling(); err != nil {
			l.fail(pn, join(path, s.policy), err)
			ok = false
		} else {
			a.Policy = ref
			if err := s.words().CheckPolicyPartition(i, principal, ref); err != nil {
				l.fail(pn, join(path, s.policy), err)
				ok = false
			}
		}
		sn := m["accessScope"]
		if sn == nil {
			l.failf(item, join(path, "accessScope"), "write accessScope: {type: cluster} or {type: namespace, namespaces: [NS, ...]}", "accessScope is required")
			ok = false
		} else if scope, sok := l.scope(sn, join(path, "accessScope"), s); sok {
			a.Scope = scope
		} else {
			ok = false
		}
		if !ok {
			continue
		}
		key := a.Policy.Name()
		if prev, dup := first[key]; dup {
			hint := ""
			if prev.a.Scope.Type == access.ScopeNamespace && a.Scope.Type == access.ScopeNamespace {
				hint = fmt.Sprintf("list the namespaces once: namespaces: [%s]", strings.Join(append(slices.Clone(prev.a.Scope.Namespaces), a.Scope.Namespaces...), ", "))
			}
			l.failf(pn, join(path, s.policy), hint, "policy %s is listed twice (first at line %d); a policy has one scope per entry", key, prev.line)
			continue
		}
		first[key] = seen{pn.Line, a}
		out = append(out, a)
	}
	return out
}

// scope reads accessScope {type, namespaces}.
func (l *loader) scope(n *yaml.Node, field string, s schema) (access.Scope, bool) {
	m := l.fields(n, field, s.scopeKeys, nil, false)
	if m == nil {
		return access.Scope{}, false
	}
	var scope access.Scope
	tn := m["type"]
	if tn == nil {
		l.failf(n, join(field, "type"), "", "the scope's type is required: cluster or namespace")
		return scope, false
	}
	t, ok := l.str(tn, join(field, "type"))
	if !ok {
		return scope, false
	}
	scope.Type = access.ScopeType(t)
	nsNode := m["namespaces"]
	var nsItems []*yaml.Node
	if nsNode != nil {
		nsItems = l.list(nsNode, join(field, "namespaces"))
	}
	for i, item := range nsItems {
		path := index(join(field, "namespaces"), i)
		ns, sok := l.str(item, path)
		if !sok {
			ok = false
			continue
		}
		if err := (access.Scope{Type: access.ScopeNamespace, Namespaces: []string{ns}}).Validate(); err != nil {
			l.fail(item, path, err)
			ok = false
			continue
		}
		scope.Namespaces = append(scope.Namespaces, ns)
	}
	if !ok {
		return scope, false
	}
	switch scope.Type {
	case access.ScopeCluster:
		if len(scope.Namespaces) > 0 {
			l.failf(nsNode, join(field, "namespaces"), "leave namespaces out, or use type: namespace",
				"cluster scope takes no namespaces")
			return scope, false
		}
	case access.ScopeNamespace:
		if len(scope.Namespaces) == 0 {
			at := nsNode
			if at == nil {
				at = n
			}
			l.failf(at, join(field, "namespaces"), "write namespaces: [NS, ...]", "namespace scope needs at least one namespace")
			return scope, false
		}
	default:
		l.failf(tn, join(field, "type"), "", "unknown scope type %q; use cluster or namespace", t)
		return scope, false
	}
	return scope, true
}

// AssociationDoc is one policy association as data: one a plan's create
// makes (JSON, namespaces [] for cluster scope), and one of an apply
// file's entries (YAML, namespaces left out for cluster scope).
type AssociationDoc struct {
	PolicyARN   string       `json:"policyArn" yaml:"policyArn"`
	AccessScope access.Scope `json:"accessScope" yaml:"accessScope"`
}

// The own format's documents, in the order Marshal writes the keys. A
// policy is an AssociationDoc, the shape a plan's create has too.
type (
	fileDoc struct {
		APIVersion string        `yaml:"apiVersion"`
		Kind       string        `yaml:"kind"`
		Owner      string        `yaml:"owner,omitempty"`
		Clusters   []fileCluster `yaml:"clusters"`
		Entries    []fileEntry   `yaml:"entries"`
	}
	fileCluster struct {
		Name   access.ClusterName `yaml:"name"`
		Region string             `yaml:"region,omitempty"`
	}
	fileEntry struct {
		PrincipalARN access.PrincipalARN `yaml:"principalArn"`
		Type         access.EntryType    `yaml:"type,omitempty"`
		Groups       []string            `yaml:"kubernetesGroups,omitempty"`
		Username     string              `yaml:"username,omitempty"`
		Tags         map[string]string   `yaml:"tags,omitempty"`
		Policies     []AssociationDoc    `yaml:"accessPolicies,omitempty"`
	}
)

// Marshal writes f in eksaccess's own format, in a stable order: entries
// sorted by principal, their groups, policies (by short name) and
// namespaces sorted, tags by key; policies by short name (in the
// principal's partition, which Load requires, a short name means the same
// ARN). eksctl's accessConfig settings are not written.
//
// What Marshal writes, Load reads back as the same clusters and entries:
// Marshal checks it, and fails rather than write a file Load would refuse
// (no cluster, an entry the request model rejects).
func (f *File) Marshal() ([]byte, error) {
	doc := fileDoc{APIVersion: APIVersion, Kind: Kind, Owner: f.Owner, Clusters: []fileCluster{}, Entries: []fileEntry{}}
	for _, c := range f.Clusters {
		doc.Clusters = append(doc.Clusters, fileCluster(c))
	}
	for _, e := range f.Entries {
		ed := fileEntry{
			PrincipalARN: e.Principal,
			Type:         e.Type,
			Groups:       slices.Sorted(slices.Values(e.Groups)),
			Username:     e.Username,
			Tags:         e.Tags,
		}
		for _, p := range e.Policies {
			ed.Policies = append(ed.Policies, AssociationDoc{
				PolicyARN:   p.Policy.Name(),
				AccessScope: access.Scope{Type: p.Scope.Type, Namespaces: slices.Sorted(slices.Values(p.Scope.Namespaces))},
			})
		}
		slices.SortFunc(ed.Policies, func(a, b AssociationDoc) int { return strings.Compare(a.PolicyARN, b.PolicyARN) })
		doc.Entries = append(doc.Entries, ed)
	}
	slices.SortStableFunc(doc.Entries, func(a, b fileEntry) int { return strings.Compare(a.PrincipalARN.String(), b.PrincipalARN.String()) })
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("write apply file: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write apply file: %w", err)
	}
	if _, err := Load("(written file)", bytes.NewReader(buf.Bytes())); err != nil {
		return nil, fmt.Errorf("the apply file would not load: %w", err)
	}
	return buf.Bytes(), nil
}
