package plan

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// Render writes p as a reviewer reads it: one block per entry that changes,
// marked + (create), ~ (update), - (delete) or ! (refused), its field and
// policy changes indented under it, then a summary line. Entries in sync are
// not listed; kept ones only when verbose. color adds ANSI colours (a
// terminal). sanitize makes values from the file or the API safe to print.
func Render(w io.Writer, p Plan, color, verbose bool, sanitize func(string) string) {
	if sanitize == nil {
		sanitize = func(s string) string { return s }
	}
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	mark := map[Action]string{
		ActionCreate: paint("32", "+"), ActionUpdate: paint("33", "~"),
		ActionDelete: paint("31", "-"), ActionRefuse: paint("31;1", "!"), ActionKeep: " ",
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
		fmt.Fprintf(w, "%s %s\n", mark[c.Action], sanitize(c.Principal.String()))
		for _, line := range c.lines() {
			fmt.Fprintf(w, "    %s\n", sanitize(line))
		}
	}
	fmt.Fprintln(w, p.Summary().String())
}

func (c Change) lines() []string {
	switch c.Action {
	case ActionCreate:
		return createLines(*c.Want)
	case ActionDelete:
		out := []string{"delete entry (" + c.Have.Type + ")"}
		for _, hp := range c.Have.AssociatedAccessPolicies {
			out = append(out, "- policy "+access.PolicyName(hp.PolicyARN)+" ("+hp.AccessScope.String()+")")
		}
		return out
	case ActionKeep:
		return []string{c.Reason}
	}
	var out []string
	for _, ch := range c.Diff.Changes {
		out = append(out, "~ "+ch.String())
	}
	for _, pc := range c.Diff.Policies {
		switch pc.Action {
		case access.PolicyAdd:
			out = append(out, "+ policy "+pc.Policy.Name()+" ("+pc.Want.String()+")")
		case access.PolicyRescope:
			out = append(out, "~ policy "+pc.Policy.Name()+": "+pc.Have.String()+" -> "+pc.Want.String()+" (in place)")
		case access.PolicyRemove:
			out = append(out, "- policy "+pc.Policy.Name()+" ("+pc.Have.String()+")")
		}
	}
	if c.Action == ActionRefuse {
		out = append(out, "refused: "+c.Reason)
	}
	return out
}

func createLines(w access.CreateEntry) []string {
	out := []string{"type: " + string(w.Type.OrDefault())}
	if len(w.Groups) > 0 {
		out = append(out, "groups: "+strings.Join(w.Groups, ","))
	}
	if w.Username != "" {
		out = append(out, "username: "+w.Username)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range w.Tags {
			if !yield(k) {
				return
			}
		}
	})
	var tags []string
	for _, k := range keys {
		tags = append(tags, k+"="+w.Tags[k])
	}
	if len(tags) > 0 {
		out = append(out, "tags: "+strings.Join(tags, ","))
	}
	for _, pa := range w.Policies {
		out = append(out, "+ policy "+pa.Policy.Name()+" ("+pa.Scope.String()+")")
	}
	return out
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
}

// ChangeDoc is one entry's change as data.
type ChangeDoc struct {
	PrincipalARN string      `json:"principalArn"`
	Action       Action      `json:"action"`
	Fields       []FieldDoc  `json:"fields,omitempty"`
	Policies     []PolicyDoc `json:"policies,omitempty"`
	Entry        *EntryDoc   `json:"entry,omitempty"`
	Reason       string      `json:"reason,omitempty"`
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
	Type             string            `json:"type"`
	KubernetesGroups []string          `json:"kubernetesGroups"`
	Username         string            `json:"username,omitempty"`
	Tags             map[string]string `json:"tags"`
	AccessPolicies   []AssociationDoc  `json:"accessPolicies"`
}

// AssociationDoc is one policy a create associates.
type AssociationDoc struct {
	PolicyARN   string       `json:"policyArn"`
	AccessScope access.Scope `json:"accessScope"`
}

// Doc returns p as data. Entries in sync and kept are left out.
func (p Plan) Doc() Doc {
	d := Doc{Cluster: string(p.Cluster), Region: p.Region, InSync: p.InSync(), Summary: p.Summary(), Changes: []ChangeDoc{}}
	for _, c := range p.Changes {
		if c.Action == ActionNone || c.Action == ActionKeep {
			continue
		}
		cd := ChangeDoc{PrincipalARN: c.Principal.String(), Action: c.Action, Reason: c.Reason}
		switch c.Action {
		case ActionCreate:
			w := c.Want
			groups := w.Groups
			if groups == nil {
				groups = []string{}
			}
			cd.Entry = &EntryDoc{Type: string(w.Type.OrDefault()), KubernetesGroups: groups, Username: w.Username, Tags: w.Tags, AccessPolicies: []AssociationDoc{}}
			for _, pa := range w.Policies {
				cd.Entry.AccessPolicies = append(cd.Entry.AccessPolicies, AssociationDoc{PolicyARN: w.Principal.PolicyARN(pa.Policy), AccessScope: *apiScope(pa.Scope)})
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

// apiScope is s as the API prints it: namespaces [] rather than null.
func apiScope(s access.Scope) *access.Scope {
	if s.Namespaces == nil {
		s.Namespaces = []string{}
	}
	return &s
}
