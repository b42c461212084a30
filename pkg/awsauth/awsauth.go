// Package awsauth turns the aws-auth ConfigMap (as `kubectl get configmap
// aws-auth -n kube-system -o yaml` prints it), or the iamIdentityMappings
// of an eksctl ClusterConfig (rows eksctl writes into that ConfigMap),
// into access entries, with a report that says for each row what became
// of it and why. It works offline: no Kubernetes, IAM or EKS access.
//
// The rules start from eksctl's `utils migrate-to-access-entry` and fix
// its gaps: Fargate and hybrid-node rows are recognised, groups next to
// system:masters are kept, usernames the access-entry API would reject are
// fixed or left out (and said so), malformed ARNs are reported, never a
// panic. Every rule about an entry (ARNs, reserved prefixes, session
// variables, default usernames) is package access's; this package only
// decides what to make of a row.
package awsauth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/yamlerr"
)

// MaxFileSize is the largest ConfigMap Convert reads (4 MiB; Kubernetes
// itself stores at most 1 MiB).
const MaxFileSize = 4 << 20

const maxDepth = 64

// maxARN is the longest IAM ARN.
const maxARN = 2048

// Outcome is what became of a row.
type Outcome int

// The outcomes of a row.
const (
	Mapped    Outcome = iota // it became an access entry
	LeftToEKS                // EKS creates its entry itself
	Skipped                  // it cannot become an access entry
)

// Row is the report on one row of mapRoles, mapUsers or mapAccounts.
type Row struct {
	Source    string // "mapRoles[2]"
	Line      int    // the row's line in the file, 0 when unknown
	Principal string // the ARN (or account ID) as the row gives it
	Outcome   Outcome
	// What follows "mapped as", "left to EKS because" or "skipped because".
	What  string
	Notes []string // what the user should know or check
}

// String renders the row as one report line (notes not included).
func (r Row) String() string {
	var b strings.Builder
	b.WriteString(r.Source)
	if r.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", r.Line)
	}
	if r.Principal != "" {
		b.WriteString(" " + r.Principal)
	}
	b.WriteString(": ")
	switch r.Outcome {
	case Mapped:
		b.WriteString("mapped as ")
	case LeftToEKS:
		b.WriteString("left to EKS because ")
	case Skipped:
		b.WriteString("skipped because ")
	}
	b.WriteString(r.What)
	return b.String()
}

// Result is a converted ConfigMap.
type Result struct {
	// Entries are the access entries, in the ConfigMap's order; Cluster is
	// not set. Each passes the request model's Validate for any cluster.
	Entries []access.CreateEntry
	// Rows has one report per row, in the ConfigMap's order: mapRoles,
	// mapUsers, mapAccounts.
	Rows []Row
	// Notes are remarks on the ConfigMap as a whole.
	Notes []string
	// Warnings are checks that could not be made (Resolve: IAM denied
	// the reads), one line each, for the command to print as warnings.
	Warnings []string

	// entryRow is, for each of Entries, the index of its row in Rows.
	entryRow []int
}

// Count returns how many rows had outcome o.
func (r *Result) Count(o Outcome) int {
	n := 0
	for _, row := range r.Rows {
		if row.Outcome == o {
			n++
		}
	}
	return n
}

// Report renders the report: one line per row, its notes indented below
// it, the file's notes, and a summary line last.
func (r *Result) Report() []string {
	var lines []string
	for _, row := range r.Rows {
		lines = append(lines, row.String())
		for _, n := range row.Notes {
			lines = append(lines, "  note: "+n)
		}
	}
	for _, n := range r.Notes {
		lines = append(lines, "note: "+n)
	}
	lines = append(lines, fmt.Sprintf("%d %s: %d mapped, %d left to EKS, %d skipped",
		len(r.Rows), plural(len(r.Rows), "row", "rows"), r.Count(Mapped), r.Count(LeftToEKS), r.Count(Skipped)))
	return lines
}

func plural(n int, one, more string) string {
	if n == 1 {
		return one
	}
	return more
}

// Error is a problem that makes the file unusable: not an aws-auth
// ConfigMap, or not YAML. It names the file and, where known, the line;
// its Hint says what to do.
type Error = yamlerr.Error

// ssoNotePrefix begins the note on an IAM Identity Center role whose
// path was guessed (Resolve replaces it with what IAM says).
const ssoNotePrefix = "an IAM Identity Center role without its path: "

const getHint = "give the ConfigMap as kubectl prints it: kubectl get configmap aws-auth -n kube-system -o yaml > aws-auth.yaml"

// Names and values of the ConfigMap that EKS's authenticator reads.
const (
	nodeUsername    = "system:node:{{EC2PrivateDNSName}}"
	sessionUsername = "system:node:{{SessionName}}"
	windowsGroup    = "eks:kube-proxy-windows"
	mastersGroup    = "system:masters"
	proxierGroup    = "system:node-proxier"
	adminPolicy     = "AmazonEKSClusterAdminPolicy"
)

var mapKeys = []string{"mapRoles", "mapUsers", "mapAccounts"}

// Convert reads an aws-auth ConfigMap, or an eksctl ClusterConfig with
// iamIdentityMappings, from r (name is used in messages) and converts its
// rows. Of several rows with one ARN the last wins, as in EKS. A file that is not an aws-auth ConfigMap (kind
// not ConfigMap, name not aws-auth, no mapRoles, mapUsers or mapAccounts),
// or whose map* values are not YAML lists, is an *Error. A row that cannot
// be converted is not an error: its report says why.
func Convert(name string, r io.Reader) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Err: yamlerr.Problem(getHint, "file larger than %d MiB", MaxFileSize>>20)}
	}
	c := &converter{name: name}
	root, err := c.document(data)
	if err != nil {
		return nil, err
	}
	if list, ok, err := c.clusterConfig(root); ok {
		if err != nil {
			return nil, err
		}
		for i, item := range list.Content {
			c.identityMapping(Row{Source: fmt.Sprintf("%s[%d]", identityKey, i), Line: item.Line}, item)
		}
		c.finish()
		return &c.res, nil
	}
	maps, err := c.configMap(root)
	if err != nil {
		return nil, err
	}
	for _, key := range mapKeys {
		if v := maps[key]; v != nil {
			if err := c.section(key, v); err != nil {
				return nil, err
			}
		}
	}
	c.finish()
	return &c.res, nil
}

type converter struct {
	name string
	res  Result
	// keyed are the rows with a usable ARN, in order: the ARN's key
	// (lower case, as EKS's authenticator keys its map) and the row's
	// index in res.Rows.
	keyed []keyedRow
	// entryRow is, for each of res.Entries, the index of its row.
	entryRow []int
}

type keyedRow struct {
	key string
	row int
}

func (c *converter) fail(n *yaml.Node, field, hint, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: c.name, Line: line, Field: field, Err: yamlerr.Problem(hint, format, args...)}
}

// document parses data as one YAML document, no deeper than maxDepth.
func (c *converter) document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return nil, c.fail(nil, "", getHint, "file is empty")
	case err != nil:
		return nil, c.syntax(data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, c.syntax(data, err)
	default:
		return nil, c.fail(&next, "", getHint, `more than one YAML document ("---")`)
	}
	if n := yamlerr.TooDeep(&doc, maxDepth); n != nil {
		return nil, c.fail(n, "", "", "nested deeper than %d levels", maxDepth)
	}
	if len(doc.Content) == 0 {
		return nil, c.fail(nil, "", getHint, "file is empty")
	}
	return doc.Content[0], nil
}

// syntax is the *Error for a YAML syntax error in the file: its line
// and the kind of problem, never the file's text (yamlerr.Locate).
func (c *converter) syntax(data []byte, err error) error {
	line, problem := yamlerr.Locate(data, err)
	hint := blockHint(data, line)
	if hint == "" {
		hint = getHint
	}
	return &Error{File: c.name, Line: line, Err: yamlerr.Problem(hint, "%s", problem)}
}

// plain checks that n may be read: no anchors or aliases (kubectl never
// writes them; refusing them rules out alias bombs).
func (c *converter) plain(n *yaml.Node, field string) error {
	switch {
	case n.Kind == yaml.AliasNode:
		return c.fail(n, field, "write the value out in full", "YAML aliases (*NAME) are not supported")
	case n.Anchor != "":
		return c.fail(n, field, "write the value out in full", "YAML anchors (&NAME) are not supported")
	}
	return nil
}

// get returns the value of key in mapping n (nil when absent), refusing
// anchors and aliases.
func (c *converter) get(n *yaml.Node, field, key string) (*yaml.Node, error) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			v := n.Content[i+1]
			if err := c.plain(v, join(field, key)); err != nil {
				return nil, err
			}
			return v, nil
		}
	}
	return nil, nil
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// configMap checks that root is the aws-auth ConfigMap and returns its
// map* values.
func (c *converter) configMap(root *yaml.Node) (map[string]*yaml.Node, error) {
	if err := c.plain(root, ""); err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, c.fail(root, "", getHint, "not a Kubernetes object: the file holds a YAML %s", kindName(root))
	}
	kn, err := c.get(root, "", "kind")
	if err != nil {
		return nil, err
	}
	kind, _ := scalar(kn)
	switch kind {
	case "ConfigMap":
	case "":
		return nil, c.fail(root, "kind", getHint, "no kind: this is not a Kubernetes object, let alone the aws-auth ConfigMap")
	case "List":
		return nil, c.fail(kn, "kind", "get the one ConfigMap by name: kubectl get configmap aws-auth -n kube-system -o yaml", "a List, not the aws-auth ConfigMap")
	default:
		return nil, c.fail(kn, "kind", getHint, "kind %s, not ConfigMap: this is not the aws-auth ConfigMap", kind)
	}
	meta, err := c.get(root, "", "metadata")
	if err != nil {
		return nil, err
	}
	nn, err := c.get(meta, "metadata", "name")
	if err != nil {
		return nil, err
	}
	if name, _ := scalar(nn); name != "aws-auth" {
		at := nn
		if at == nil {
			at = root
		}
		return nil, c.fail(at, "metadata.name", getHint, "ConfigMap %q, not aws-auth", name)
	}
	ns, err := c.get(meta, "metadata", "namespace")
	if err != nil {
		return nil, err
	}
	if v, _ := scalar(ns); v != "" && v != "kube-system" {
		return nil, c.fail(ns, "metadata.namespace", getHint, "namespace %q: EKS reads the aws-auth ConfigMap of kube-system only", v)
	}
	dn, err := c.get(root, "", "data")
	if err != nil {
		return nil, err
	}
	if dn != nil && dn.Kind != yaml.MappingNode && !isNull(dn) {
		return nil, c.fail(dn, "data", getHint, "want a mapping of keys to strings, not a YAML %s", kindName(dn))
	}
	out := map[string]*yaml.Node{}
	var others []string
	if dn != nil {
		for i := 0; i+1 < len(dn.Content); i += 2 {
			k, v := dn.Content[i], dn.Content[i+1]
			key, _ := scalar(k)
			if !slices.Contains(mapKeys, key) {
				others = append(others, key)
				c.res.Notes = append(c.res.Notes, fmt.Sprintf("data.%s ignored: EKS reads only %s", key, strings.Join(mapKeys, ", ")))
				continue
			}
			if err := c.plain(v, "data."+key); err != nil {
				return nil, err
			}
			if v.Kind != yaml.ScalarNode {
				return nil, c.fail(v, "data."+key, fmt.Sprintf(`ConfigMap values are strings: write "%s: |" and below it the same list, indented further than %s`, key, key), "want a string holding a YAML list, not a YAML %s", kindName(v))
			}
			out[key] = v
		}
	}
	if len(out) == 0 {
		at := dn
		if at == nil {
			at = root
		}
		hint := getHint
		if len(others) > 0 {
			hint = fmt.Sprintf("the data has %s; EKS reads %s", strings.Join(others, ", "), strings.Join(mapKeys, ", "))
		}
		return nil, c.fail(at, "data", hint, "no mapRoles, mapUsers or mapAccounts: nothing to import")
	}
	return out, nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// kindName names what n is, in "not a YAML %s".
func kindName(n *yaml.Node) string {
	if name, ok := map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "list", yaml.ScalarNode: "string"}[n.Kind]; ok {
		return name
	}
	return "document"
}

// listHint says what the value of data.KEY holds: a YAML list of rows.
func listHint(key string) string {
	switch key {
	case "mapUsers":
		return "the value must be a YAML list: - userarn: ARN ..."
	case "mapAccounts":
		return `the value must be a YAML list of account IDs: - "111122223333"`
	default:
		return "the value must be a YAML list: - rolearn: ARN ..."
	}
}

// syntaxHint is the hint for a YAML syntax error inside the data.KEY
// string: for a flow list or mapping left open ([a, b or {a: b), to close
// it (the value is a list all right); else what the value holds.
func syntaxHint(key string, err error) string {
	_, problem := yamlerr.Describe(err)
	switch {
	case strings.HasSuffix(problem, "did not find expected ',' or ']'"):
		return "close the list that [ opens with ], after its last item (groups: [a, b])"
	case strings.HasSuffix(problem, "did not find expected ',' or '}'"):
		return "close the mapping that { opens with }, after its last key (- {rolearn: ARN, username: NAME})"
	}
	return listHint(key)
}

// section parses one map* string (a YAML list inside the ConfigMap) and
// converts its rows.
func (c *converter) section(key string, v *yaml.Node) error {
	field := "data." + key
	if isNull(v) || strings.TrimSpace(v.Value) == "" {
		return nil
	}
	// A row's line in the file: a literal block (mapRoles: |, as kubectl
	// writes it) starts on the line after the key; other styles have no
	// line per row.
	lineOf := func(n *yaml.Node) int {
		if v.Style == yaml.LiteralStyle {
			return v.Line + n.Line
		}
		return 0
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(v.Value), &doc); err != nil {
		hint := syntaxHint(key, err)
		// The problem never reaches the user as the parser says it: it
		// may quote the row (yamlerr.Locate).
		n, problem := yamlerr.Locate([]byte(v.Value), err)
		if i := rowAt(v.Value, n); i >= 0 {
			field = fmt.Sprintf("%s[%d]", field, i)
		}
		// The parser counts lines within the string; in a literal block
		// they are the file's, shifted. Other styles (JSON's "...") hold
		// the rows on one line of the file.
		if n > 0 && v.Style == yaml.LiteralStyle {
			return &Error{File: c.name, Line: v.Line + n, Field: field, Err: yamlerr.Problem(hint, "%s", problem)}
		}
		if n > 0 {
			return c.fail(v, field, hint, "%s (line %d of the %s string)", problem, n, key)
		}
		return c.fail(v, field, hint, "%s (in the %s string)", problem, key)
	}
	if n := yamlerr.TooDeep(&doc, maxDepth); n != nil {
		return c.fail(v, field, "", "nested deeper than %d levels", maxDepth)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	list := doc.Content[0]
	if err := c.plain(list, field); err != nil {
		return err
	}
	if isNull(list) {
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		return c.fail(v, field, listHint(key), "want a YAML list, not a %s", kindName(list))
	}
	for i, item := range list.Content {
		src := fmt.Sprintf("%s[%d]", key, i)
		row := Row{Source: src, Line: lineOf(item)}
		if key == "mapAccounts" {
			c.account(row, item)
			continue
		}
		c.mapping(row, key, item)
	}
	return nil
}

// identityKey is where eksctl's ClusterConfig keeps its aws-auth rows.
const identityKey = "iamIdentityMappings"

// clusterConfig reports whether root is an eksctl ClusterConfig (kind
// ClusterConfig, apiVersion eksctl.io/...), and returns its
// iamIdentityMappings: rows that eksctl writes into aws-auth (a role ARN
// into mapRoles, a user ARN into mapUsers, an account into mapAccounts),
// so the same rules convert them. A ClusterConfig without any is an
// *Error.
func (c *converter) clusterConfig(root *yaml.Node) (list *yaml.Node, ok bool, err error) {
	if root.Kind != yaml.MappingNode {
		return nil, false, nil
	}
	kn, err := c.get(root, "", "kind")
	if kind, _ := scalar(kn); err != nil || kind != "ClusterConfig" {
		return nil, false, err
	}
	vn, err := c.get(root, "", "apiVersion")
	if v, _ := scalar(vn); err != nil || !strings.HasPrefix(v, "eksctl.io/") {
		return nil, false, err
	}
	const hint = "eksaccess apply -f reads a ClusterConfig's accessConfig.accessEntries itself; import converts its iamIdentityMappings"
	ln, err := c.get(root, "", identityKey)
	switch {
	case err != nil:
		return nil, true, err
	case ln == nil || isNull(ln) || ln.Kind == yaml.SequenceNode && len(ln.Content) == 0:
		return nil, true, c.fail(root, identityKey, hint, "no iamIdentityMappings: nothing to import")
	case ln.Kind != yaml.SequenceNode:
		return nil, true, c.fail(ln, identityKey, "write iamIdentityMappings: [{arn: ARN, username: NAME, groups: [...]}, ...]", "want a list, not a YAML %s", kindName(ln))
	}
	if ac, _ := c.get(root, "", "accessConfig"); ac != nil {
		if ae, _ := c.get(ac, "accessConfig", "accessEntries"); ae != nil && ae.Kind == yaml.SequenceNode && len(ae.Content) > 0 {
			c.res.Notes = append(c.res.Notes, fmt.Sprintf("the ClusterConfig's %d accessConfig.accessEntries are not in this file, which has only its iamIdentityMappings: put the entries of both in one file before apply --prune", len(ae.Content)))
		}
	}
	return ln, true, nil
}

// identityMapping converts a row of eksctl's iamIdentityMappings: an
// ARN with a username and groups (an aws-auth row), an account (a
// mapAccounts row), or a service (serviceName, namespace: eksctl maps
// that service's service-linked role).
func (c *converter) identityMapping(row Row, item *yaml.Node) {
	if item.Kind == yaml.MappingNode && c.plain(item, "") == nil {
		for i := 0; i+1 < len(item.Content); i += 2 {
			name, _ := scalar(item.Content[i])
			v := item.Content[i+1]
			switch {
			case strings.EqualFold(name, "account"):
				c.account(row, v)
				return
			case strings.EqualFold(name, "serviceName"):
				service, _ := scalar(v)
				row.Principal = "serviceName " + service
				row.Outcome = Skipped
				row.What = "it is not migratable: it maps the service's service-linked role, and EKS does not allow access entries for service-linked roles"
				row.Notes = []string{"EMR on EKS (eksctl's one service) sets up its own access for the virtual clusters created while the cluster takes access entries; older virtual clusters keep needing this aws-auth row: see \"Enable cluster access for Amazon EMR on EKS\" in the EMR on EKS guide"}
				c.res.Rows = append(c.res.Rows, row)
				return
			}
		}
	}
	c.mapping(row, identityKey, item)
}

// account reports a mapAccounts row: not migratable.
func (c *converter) account(row Row, item *yaml.Node) {
	id, ok := scalar(item)
	row.Outcome = Skipped
	if !ok || c.plain(item, "") != nil {
		row.What = "it is not an account ID"
		c.res.Rows = append(c.res.Rows, row)
		return
	}
	row.Principal = id
	row.What = "it is not migratable: an account mapping lets in every IAM principal of the account, and an access entry names one role or user"
	row.Notes = []string{fmt.Sprintf("create an entry for each role or user of account %s that needs the cluster", id)}
	c.res.Rows = append(c.res.Rows, row)
}

// mapping converts a mapRoles or mapUsers row, or an eksctl
// iamIdentityMappings row with an ARN. EKS's authenticator and eksctl
// match keys in any case (they decode them as JSON).
func (c *converter) mapping(row Row, key string, item *yaml.Node) {
	arnKey := map[string]string{"mapRoles": "rolearn", "mapUsers": "userarn", identityKey: "arn"}[key]
	rowKeys := []string{arnKey, "username", "groups"}
	skip := func(format string, args ...any) {
		row.Outcome = Skipped
		row.What = fmt.Sprintf(format, args...)
		c.res.Rows = append(c.res.Rows, row)
	}
	if c.plain(item, "") != nil {
		skip("it uses a YAML anchor or alias; write the row out in full")
		return
	}
	if item.Kind != yaml.MappingNode {
		skip("it is not a mapping (- %s: ARN, username: NAME, groups: [...])", arnKey)
		return
	}
	var arnText, username string
	var groups []string
	var hasARN bool
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		name, _ := scalar(k)
		known := ""
		for _, rk := range rowKeys {
			if strings.EqualFold(rk, name) {
				known = rk
			}
		}
		if c.plain(v, "") != nil {
			skip("its %s uses a YAML anchor or alias; write the row out in full", name)
			return
		}
		switch known {
		case arnKey:
			s, ok := scalar(v)
			if !ok {
				skip("its %s is not a string", name)
				return
			}
			arnText, hasARN = s, true
		case "username":
			s, ok := scalar(v)
			if !ok {
				skip("its username is not a string")
				return
			}
			username = s
		case "groups":
			if isNull(v) {
				continue
			}
			if v.Kind != yaml.SequenceNode {
				skip("its groups are not a list")
				return
			}
			for _, g := range v.Content {
				s, ok := scalar(g)
				if !ok || c.plain(g, "") != nil {
					skip("its groups are not a list of names")
					return
				}
				groups = append(groups, s)
			}
		case "":
			if key == identityKey && strings.EqualFold(name, "noDuplicateARNs") {
				continue // how eksctl writes the row into aws-auth
			}
			fallthrough
		default:
			row.Notes = append(row.Notes, fmt.Sprintf("key %q ignored: %s rows have %s, username, groups", name, key, arnKey))
		}
	}
	row.Principal = arnText
	if !hasARN || arnText == "" {
		skip("it has no %s", arnKey)
		return
	}
	if len(arnText) > maxARN {
		row.Principal = arnText[:60] + "..."
		skip("its %s is %d bytes long; IAM ARNs have at most %d", arnKey, len(arnText), maxARN)
		return
	}
	c.principal(row, key, arnText, username, access.NormalizeGroups(groups))
}

// principal classifies a row with an ARN and converts it.
func (c *converter) principal(row Row, key, arnText, username string, groups []string) {
	skip := func(format string, args ...any) {
		row.Outcome = Skipped
		row.What = fmt.Sprintf(format, args...)
		c.res.Rows = append(c.res.Rows, row)
	}
	if name, ok := access.ServiceLinkedRole(arnText); ok {
		skip("it is not migratable: %s is a service-linked role, and EKS does not allow access entries for service-linked roles", name)
		return
	}
	p, err := access.ParsePrincipalARN(arnText)
	if err != nil {
		row.Notes = append(row.Notes, access.Hints(err)...)
		skip("the ARN is not usable: %v", err)
		return
	}
	// Every path below reports this row exactly once: it is the last
	// row reported when principal returns. finish settles rows that name
	// the same ARN.
	defer func() { c.keyed = append(c.keyed, keyedRow{strings.ToLower(p.String()), len(c.res.Rows) - 1}) }()
	if likely, ok := p.LikelySSOARN(); ok {
		// aws-auth names IAM Identity Center roles without their path; an
		// access entry needs it, and a file without it does not apply.
		row.Notes = append(row.Notes, fmt.Sprintf(ssoNotePrefix+"written as %s; check it with aws iam get-role --role-name %s --query Role.Arn (the path may also hold your Identity Center instance's region), or import again with --resolve", likely, p.Name()))
		p = likely
	}

	switch username {
	case nodeUsername:
		c.node(row, p, groups)
		return
	case sessionUsername:
		if slices.Contains(groups, proxierGroup) {
			row.Outcome = LeftToEKS
			row.What = "it is a Fargate pod-execution role (username " + sessionUsername + " with " + proxierGroup + "): EKS creates its FARGATE_LINUX entry itself for each Fargate profile"
			c.res.Rows = append(c.res.Rows, row)
			return
		}
		c.hybrid(row, p, groups)
		return
	}
	c.standard(row, p, username, groups)
}

// node converts a node role (username system:node:{{EC2PrivateDNSName}}).
func (c *converter) node(row Row, p access.PrincipalARN, groups []string) {
	t := access.TypeEC2Linux
	if slices.Contains(groups, windowsGroup) {
		t = access.TypeEC2Windows
	}
	c.nodeRole(row, p, t, nodeUsername, without(groups, "system:bootstrappers", "system:nodes", windowsGroup),
		"if this role belongs to a managed node group, EKS created this entry itself when access entries were turned on, and apply finds it in place; self-managed and Karpenter nodes need it",
		fmt.Sprintf("%s: a node role (username %s)", t, nodeUsername))
}

// hybrid converts an EKS Hybrid Nodes role (username
// system:node:{{SessionName}} without system:node-proxier).
func (c *converter) hybrid(row Row, p access.PrincipalARN, groups []string) {
	c.nodeRole(row, p, access.TypeHybridLinux, sessionUsername, without(groups, "system:bootstrappers", "system:nodes"),
		"a HYBRID_LINUX entry needs a cluster with remote networks for hybrid nodes; if this role is something else, change its type in the file",
		fmt.Sprintf("%s: an EKS Hybrid Nodes role (username %s without %s)", access.TypeHybridLinux, sessionUsername, proxierGroup))
}

// nodeRole converts a row whose username only node roles have into a node
// entry of type t: EKS sets its groups, so extra groups are dropped (and
// said so).
func (c *converter) nodeRole(row Row, p access.PrincipalARN, t access.EntryType, username string, extra []string, note, what string) {
	if !p.IsRole() {
		row.Outcome = Skipped
		row.What = "its username is " + username + ", which only node roles have, but it is not a role"
		c.res.Rows = append(c.res.Rows, row)
		return
	}
	if len(extra) > 0 {
		row.Notes = append(row.Notes, fmt.Sprintf("groups %s dropped: EKS sets the groups of node entries", strings.Join(extra, ", ")))
	}
	row.Notes = append(row.Notes, note)
	c.add(row, access.CreateEntry{Principal: p, Type: t}, what)
}

// standard converts any other row: system:masters becomes the cluster
// admin policy, other reserved groups are dropped, the rest kept.
func (c *converter) standard(row Row, p access.PrincipalARN, username string, groups []string) {
	e := access.CreateEntry{Principal: p}
	var dropped []string
	admin := false
	for _, g := range groups {
		switch {
		case g == mastersGroup:
			admin = true
		case access.ReservedPrefix(g) != "":
			dropped = append(dropped, g)
		default:
			e.Groups = append(e.Groups, g)
		}
	}
	if admin {
		pa, err := access.ParsePolicyAssociation(adminPolicy + ":cluster")
		if err != nil { // a constant of this package: the tests would fail first
			row.Outcome, row.What = Skipped, err.Error()
			c.res.Rows = append(c.res.Rows, row)
			return
		}
		e.Policies = []access.PolicyAssociation{pa}
	}
	if len(dropped) > 0 {
		row.Notes = append(row.Notes, fmt.Sprintf("%s %s dropped: access entries cannot carry groups beginning with %s; bind the RBAC role to one of the other groups, or to the username",
			plural(len(dropped), "group", "groups"), strings.Join(dropped, ", "), access.ReservedPrefixes()))
	}
	e.Username = c.username(&row, p, username)

	var with []string
	if len(e.Groups) > 0 {
		with = append(with, fmt.Sprintf("%s %s", plural(len(e.Groups), "group", "groups"), strings.Join(e.Groups, ", ")))
	}
	if admin {
		with = append(with, adminPolicy+" at cluster scope (for "+mastersGroup+")")
	}
	what := "STANDARD with " + strings.Join(with, " and ")
	if len(with) == 0 {
		what = "STANDARD with no groups and no access policy"
		row.Notes = append(row.Notes, "it can authenticate, and do only what RBAC grants its username")
	}
	if e.Username != "" {
		what += ", username " + e.Username
	}
	c.add(row, e, what)
}

// username returns the username the entry gets: the row's, a fix of it,
// or "" (the EKS default) when the access-entry rules reject it and no
// fix exists. It notes what it changed.
func (c *converter) username(row *Row, p access.PrincipalARN, u string) string {
	if u == "" || access.FlagWords.CheckUsername(u) == nil {
		if v := unpromised(u); v != "" {
			row.Notes = append(row.Notes, fmt.Sprintf("username %q uses %s, which the access-entry docs do not promise to render (they name {{SessionName}} and {{SessionNameRaw}}); check the username in the cluster's audit log after apply", u, v))
		}
		return u
	}
	if prefix := access.ReservedPrefix(u); prefix != "" {
		row.Notes = append(row.Notes, fmt.Sprintf("username %q left out, so EKS's default applies (%s): access entries reject usernames beginning with %q; RBAC bindings that name %q need the new name",
			u, defaultUsername(p), prefix, u))
		return ""
	}
	if fix := fixSession(p, u); fix != "" && access.FlagWords.CheckUsername(fix) == nil {
		row.Notes = append(row.Notes, fmt.Sprintf("username %q became %q: access entries need a \":\" before {{SessionName}}; RBAC bindings that name the old username need the new one", u, fix))
		return fix
	}
	row.Notes = append(row.Notes, fmt.Sprintf("username %q left out, so EKS's default applies (%s): access entries reject it", u, defaultUsername(p)))
	return ""
}

// fixSession puts the ":" access entries need before the first session
// variable: it takes the place of a separator that is there ("admin-"),
// or is added; a username that begins with the variable gets the
// principal's name in front.
func fixSession(p access.PrincipalARN, u string) string {
	first, _ := access.SessionVariable(u)
	switch {
	case first < 0:
		return ""
	case first == 0:
		return p.Name() + ":" + u
	case strings.ContainsRune("-_.@=,+", rune(u[first-1])):
		return u[:first-1] + ":" + u[first:]
	}
	return u[:first] + ":" + u[first:]
}

// unpromised returns a template variable in u that aws-auth rendered but
// the access-entry docs do not name, or "".
func unpromised(u string) string {
	for _, v := range []string{"{{AccountID}}", "{{AccessKeyID}}", "{{EC2PrivateDNSName}}"} {
		if strings.Contains(u, v) {
			return v
		}
	}
	return ""
}

// defaultUsername names, for the report, the username EKS picks
// (access.DefaultUsername).
func defaultUsername(p access.PrincipalARN) string {
	if p.IsRole() {
		return access.DefaultUsername(p)
	}
	return "the user's ARN"
}

// add appends a mapped row and its entry, once the request model accepts
// the entry (a backstop: the rules above should have made it valid).
func (c *converter) add(row Row, e access.CreateEntry, what string) {
	check := e
	check.Cluster = "x"
	if err := check.Validate(); err != nil {
		row.Outcome = Skipped
		row.What = "the access entry would be invalid: " + strings.ReplaceAll(err.Error(), "\n", "; ")
		c.res.Rows = append(c.res.Rows, row)
		return
	}
	row.Outcome = Mapped
	row.What = what
	c.res.Rows = append(c.res.Rows, row)
	c.res.Entries = append(c.res.Entries, e)
	c.entryRow = append(c.entryRow, len(c.res.Rows)-1)
}

// finish settles rows that name the same ARN, and adds the notes on the
// whole file.
//
// EKS's authenticator (aws-iam-authenticator, pkg/mapper/configmap) reads
// mapRoles and mapUsers in row order into a map keyed by the lower-case
// ARN: a later row overwrites an earlier one, so the cluster uses the
// last row of an ARN. Import does the same: the earlier rows are skipped,
// whatever became of them, and both sides say so.
func (c *converter) finish() {
	last := map[string]int{} // key -> the row that wins
	for _, k := range c.keyed {
		last[k.key] = k.row
	}
	superseded := map[int]bool{}
	for _, k := range c.keyed {
		win := last[k.key]
		if win == k.row {
			continue
		}
		superseded[k.row] = true
		r, w := &c.res.Rows[k.row], &c.res.Rows[win]
		r.Outcome = Skipped
		r.What = fmt.Sprintf("%s, a later row, maps the same ARN, and EKS uses the last row of an ARN", w.Source)
		r.Notes = []string{"compare the rows: if this one was meant, edit the entry in the file"}
		w.Notes = append(w.Notes, fmt.Sprintf("%s maps the same ARN earlier: EKS uses this row, the last", r.Source))
	}
	var entries []access.CreateEntry
	var rows []int
	roles := 0
	for i, e := range c.res.Entries {
		if superseded[c.entryRow[i]] {
			continue
		}
		entries = append(entries, e)
		rows = append(rows, c.entryRow[i])
		if e.Principal.IsRole() && e.Principal.Path() == "" {
			roles++
		}
	}
	c.res.Entries, c.res.entryRow = entries, rows
	if roles > 0 {
		c.res.Notes = append(c.res.Notes, pathNote)
	}
}

// pathNote is the file's note when role ARNs may lack their path.
const pathNote = "aws-auth role ARNs are written without the role's IAM path (the EKS docs ask for that), but an access entry needs the full ARN: for a role created with a path, fix principalArn in the file (aws iam get-role --role-name NAME shows the ARN), or import again with --resolve to restore the paths from IAM"

func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}
