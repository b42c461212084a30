package plan

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// Render writes p as a reviewer reads it: one block per entry that changes,
// marked + (create), ~ (update), - (delete) or ! (refused), its field and
// policy changes indented under it, each with its own sign, then a summary
// line. Changes read one way everywhere: old -> new. Entries in sync are
// not listed; kept ones only when verbose, with what --prune would do to
// them. color paints every line by its sign (a terminal): + green, -
// red, ~ yellow, ! bold red. sanitize makes values from the file or the
// API safe to print.
func Render(w io.Writer, p Plan, color, verbose bool, sanitize func(string) string) {
	if sanitize == nil {
		sanitize = func(s string) string { return s }
	}
	emit := func(indent string, l line) {
		text := sanitize(l.text)
		if code := signColor[l.sign]; color && code != "" {
			text = "\x1b[" + code + "m" + text + "\x1b[0m"
		}
		fmt.Fprintf(w, "%s%s\n", indent, text)
	}
	region := ""
	if p.Region != "" {
		region = " (" + p.Region + ")"
	}
	fmt.Fprintf(w, "cluster %s%s:\n", sanitize(string(p.Cluster)), sanitize(region))
	for _, c := range p.Changes {
		if c.Action == ActionNone || c.Action == ActionKeep && !verbose {
			continue
		}
		mark := actionSign[c.Action]
		emit("", line{mark, string(mark) + " " + c.Principal.Display()})
		for _, l := range c.lines() {
			emit("    ", l)
		}
	}
	fmt.Fprintln(w, p.Summary().String())
}

// line is one line of a plan: its sign, which decides its colour, and its
// text, the sign's mark included where one is printed.
type line struct {
	sign byte // '+' added, '-' removed, '~' changed, '!' refused, ' ' said only
	text string
}

var actionSign = map[Action]byte{
	ActionCreate: '+', ActionUpdate: '~', ActionDelete: '-', ActionRefuse: '!', ActionKeep: ' ',
}

var signColor = map[byte]string{'+': "32", '-': "31", '~': "33", '!': "31;1"}

func (c Change) lines() []line {
	switch c.Action {
	case ActionCreate:
		return createLines(*c.Want)
	case ActionDelete:
		if !c.ReplacedBy.IsZero() {
			return append([]line{{' ', c.Reason}}, deleteLines(c.Have)...)
		}
		return deleteLines(c.Have)
	case ActionKeep:
		return []line{{' ', c.Reason}}
	}
	out := updateLines(c.Diff)
	if c.Action == ActionRefuse {
		out = append(out, line{'!', "refused: " + c.Reason})
	}
	return out
}

// createLines are what a create makes: every line an addition.
func createLines(w access.CreateEntry) []line {
	out := []line{{'+', "type: " + string(w.Type.OrDefault())}}
	if len(w.Groups) > 0 {
		out = append(out, line{'+', "groups: " + list(w.Groups)})
	}
	if w.Username != "" {
		out = append(out, line{'+', "username: " + w.Username})
	}
	if len(w.Tags) > 0 {
		var tags []string
		for _, k := range slices.Sorted(maps.Keys(w.Tags)) {
			tags = append(tags, k+"="+w.Tags[k])
		}
		out = append(out, line{'+', "tags: " + list(tags)})
	}
	for _, pa := range w.Policies {
		out = append(out, line{'+', "+ policy " + pa.Policy.Name() + " (" + pa.Scope.String() + ")"})
	}
	return out
}

// deleteLines are what a delete removes: the entry and its policies.
func deleteLines(have *Live) []line {
	out := []line{{'-', "delete entry (" + have.Type.String() + ")"}}
	for _, hp := range have.AssociatedAccessPolicies {
		out = append(out, line{'-', "- policy " + access.PolicyName(hp.PolicyARN) + " (" + hp.AccessScope.String() + ")"})
	}
	return out
}

// updateLines are an update's changes, each old -> new: a tag or policy
// added is +, removed -, changed ~.
func updateLines(d access.Diff) []line {
	var out []line
	for _, ch := range d.Changes {
		switch {
		case ch.Field == access.FieldTag && ch.Have == nil:
			out = append(out, line{'+', "+ tag " + ch.Key + "=" + value(ch.Want)})
		case ch.Field == access.FieldTag && ch.Want == nil:
			out = append(out, line{'-', "- tag " + ch.Key + "=" + value(ch.Have)})
		case ch.Field == access.FieldTag:
			out = append(out, line{'~', "~ tag " + ch.Key + ": " + value(ch.Have) + " -> " + value(ch.Want)})
		default:
			out = append(out, line{'~', "~ " + string(ch.Field) + ": " + value(ch.Have) + " -> " + value(ch.Want)})
		}
	}
	for _, pc := range d.Policies {
		switch pc.Action {
		case access.PolicyAdd:
			out = append(out, line{'+', "+ policy " + pc.Policy.Name() + " (" + pc.Want.String() + ")"})
		case access.PolicyRescope:
			out = append(out, line{'~', "~ policy " + pc.Policy.Name() + ": " + pc.Have.String() + " -> " + pc.Want.String() + " (in place)"})
		case access.PolicyRemove:
			out = append(out, line{'-', "- policy " + pc.Policy.Name() + " (" + pc.Have.String() + ")"})
		}
	}
	return out
}

// value is a field's value as a person reads it: a list as "a, b", nothing
// as "none", a string bare unless it would read as something else.
func value(v any) string {
	switch v := v.(type) {
	case nil:
		return "none"
	case []string:
		if len(v) == 0 {
			return "none"
		}
		return list(v)
	case string:
		if v == "" || v == "none" || strings.TrimSpace(v) != v || strings.Contains(v, ", ") || strings.Contains(v, " -> ") {
			return strconv.Quote(v)
		}
		return v
	}
	return fmt.Sprint(v)
}

// list is items as "a, b", each as value shows a string.
func list(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = value(s)
	}
	return strings.Join(out, ", ")
}

// String is the summary line: "Plan: 1 to create, 2 to update, 0 to
// delete." (or "in sync").
func (s Summary) String() string {
	if s.Create+s.Update+s.Delete+s.Refuse == 0 {
		return "In sync: " + output.Plural(s.InSync, "entry matches", "entries match") + " the file."
	}
	line := fmt.Sprintf("Plan: %d to create, %d to update, %d to delete", s.Create, s.Update, s.Delete)
	if s.Refuse > 0 {
		line += fmt.Sprintf(", %d refused", s.Refuse)
	}
	return line + "."
}

// Doc is a plan as data (-o json/yaml).
type Doc struct {
	Cluster string      `json:"cluster"`
	Region  string      `json:"region,omitempty"`
	InSync  bool        `json:"inSync"`
	Summary Summary     `json:"summary"`
	Changes []ChangeDoc `json:"changes"`
	// Ignored are the entries the file does not name that the plan leaves
	// alone (summary.ignored counts them), each with what --prune does to
	// it: in VerboseDoc only (diff and apply --verbose).
	Ignored []IgnoredDoc `json:"ignored,omitempty"`
}

// IgnoredDoc is an entry the file does not name and the plan leaves
// alone, and why.
type IgnoredDoc struct {
	PrincipalARN string `json:"principalArn"`
	// Prune is what --prune decides for it, one of the PruneReason
	// values but not-asked: node, other-owner, unmanaged and unstatable
	// keep it; own and orphan (the latter with --prune-unmanaged)
	// delete it, unless the lockout rule refuses.
	Prune PruneReason `json:"prune"`
	// Reason says the same in a sentence, as the text plan does.
	Reason string `json:"reason"`
}

// ChangeDoc is one entry's change as data.
type ChangeDoc struct {
	PrincipalARN string `json:"principalArn"`
	// PrincipalName is the sso:NAME the file gives the principal as
	// (empty for an ARN).
	PrincipalName string      `json:"principalName,omitempty"`
	Action        Action      `json:"action"`
	Fields        []FieldDoc  `json:"fields,omitempty"`
	Policies      []PolicyDoc `json:"policies,omitempty"`
	Entry         *EntryDoc   `json:"entry,omitempty"`
	Reason        string      `json:"reason,omitempty"`
	// Prune is why --prune deletes an entry the file does not name: own
	// or orphan (a PruneReason); empty for the entries the file names.
	Prune PruneReason `json:"prune,omitempty"`
	// ReplacedBy is, for the entry of an IAM Identity Center role whose
	// permission set was re-provisioned, the ARN of the role the file's
	// sso:NAME names now (deleted with or without --prune, so without a
	// prune code).
	ReplacedBy string `json:"replacedBy,omitempty"`
}

// FieldDoc is one field change.
type FieldDoc struct {
	Field string `json:"field"`
	Key   string `json:"key,omitempty"`
	Want  any    `json:"want"`
	Have  any    `json:"have"`
}

// PolicyDoc is one policy change.
type PolicyDoc struct {
	Action    access.PolicyAction `json:"action"`
	PolicyARN string              `json:"policyArn"`
	Want      *access.Scope       `json:"want,omitempty"`
	Have      *access.Scope       `json:"have,omitempty"`
}

// EntryDoc is the entry a create makes.
type EntryDoc struct {
	Type             access.EntryType            `json:"type"`
	KubernetesGroups []string                    `json:"kubernetesGroups"`
	Username         string                      `json:"username,omitempty"`
	Tags             map[string]string           `json:"tags"`
	AccessPolicies   []accessfile.AssociationDoc `json:"accessPolicies"`
}

// Doc returns p as data. Entries in sync and kept are left out.
func (p Plan) Doc() Doc {
	d := Doc{Cluster: string(p.Cluster), Region: p.Region, InSync: p.InSync(), Summary: p.Summary(), Changes: []ChangeDoc{}}
	for _, c := range p.Changes {
		if c.Action == ActionNone || c.Action == ActionKeep {
			continue
		}
		cd := ChangeDoc{PrincipalARN: c.Principal.String(), Action: c.Action, Reason: c.Reason}
		if n, ok := c.Principal.SSOName(); ok {
			cd.PrincipalName = n.String()
		}
		if !c.ReplacedBy.IsZero() {
			cd.ReplacedBy = c.ReplacedBy.String()
		}
		if c.Have != nil && c.Want == nil && c.ReplacedBy.IsZero() {
			cd.Prune = c.pruneRule()
		}
		switch c.Action {
		case ActionCreate:
			w := c.Want
			groups := w.Groups
			if groups == nil {
				groups = []string{}
			}
			cd.Entry = &EntryDoc{Type: w.Type.OrDefault(), KubernetesGroups: groups, Username: w.Username, Tags: w.Tags, AccessPolicies: []accessfile.AssociationDoc{}}
			for _, pa := range w.Policies {
				cd.Entry.AccessPolicies = append(cd.Entry.AccessPolicies, accessfile.AssociationDoc{PolicyARN: w.Principal.PolicyARN(pa.Policy), AccessScope: *apiScope(pa.Scope)})
			}
		case ActionDelete:
			for _, hp := range c.Have.AssociatedAccessPolicies {
				cd.Policies = append(cd.Policies, PolicyDoc{Action: access.PolicyRemove, PolicyARN: hp.PolicyARN, Have: apiScope(hp.AccessScope)})
			}
		default:
			for _, ch := range c.Diff.Changes {
				cd.Fields = append(cd.Fields, FieldDoc{Field: string(ch.Field), Key: ch.Key, Want: ch.Want, Have: ch.Have})
			}
			for _, pc := range c.Diff.Policies {
				pd := PolicyDoc{Action: pc.Action, PolicyARN: pc.PolicyARN}
				if pc.Action != access.PolicyRemove {
					pd.Want = apiScope(pc.Want)
				}
				if pc.Action != access.PolicyAdd {
					pd.Have = apiScope(pc.Have)
				}
				cd.Policies = append(cd.Policies, pd)
			}
		}
		d.Changes = append(d.Changes, cd)
	}
	return d
}

// VerboseDoc is Doc plus the entries the plan leaves alone, each with
// what --prune does to it and why (Doc.Ignored): the data of the text
// plan's --verbose lines.
func (p Plan) VerboseDoc() Doc {
	d := p.Doc()
	for _, c := range p.Changes {
		if c.Action == ActionKeep {
			d.Ignored = append(d.Ignored, IgnoredDoc{PrincipalARN: c.Principal.String(), Prune: c.pruneRule(), Reason: c.Reason})
		}
	}
	return d
}

// pruneRule is what --prune decides for c, an entry the file does not
// name, given or not.
func (c Change) pruneRule() PruneReason {
	if c.Prune == PruneNotAsked && c.WithPrune != "" {
		return c.WithPrune
	}
	return c.Prune
}

// apiScope is s as the API prints it: namespaces [] rather than null.
func apiScope(s access.Scope) *access.Scope {
	if s.Namespaces == nil {
		s.Namespaces = []string{}
	}
	return &s
}
