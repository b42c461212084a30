package access_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// reserved are the prefixes EKS keeps for itself in usernames and groups.
var reserved = []string{"system:", "eks:", "aws:", "amazon:", "iam:"}

func hasReservedPrefix(s string) bool {
	return slices.ContainsFunc(reserved, func(p string) bool {
		return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
	})
}

// FuzzCreateEntry fills a CreateEntry the way create's flags do (the
// principal and policy through their parsers, groups through
// NormalizeGroups, the rest as given) and validates it. A rejected request
// is a join of *access.Errors; an accepted one has a valid cluster name, clean
// groups and username without reserved prefixes, and Compare finds nothing
// to change on the entry EKS would make from it.
func FuzzCreateEntry(f *testing.F) {
	f.Fuzz(func(t *testing.T, cluster, principal, typ, group1, group2, username, tag, policy string) {
		r := access.CreateEntry{
			Cluster:  access.ClusterName(cluster),
			Type:     access.EntryType(typ),
			Groups:   access.NormalizeGroups([]string{group1, group2}),
			Username: username,
		}
		r.Principal, _ = access.ParsePrincipalARN(principal)
		_ = r.Tags.Set(tag)
		if a, err := access.ParsePolicyAssociation(policy); err == nil {
			r.Policies = append(r.Policies, a)
		}
		checkNormalizedGroups(t, []string{group1, group2}, r.Groups)

		err := r.Validate()
		if err != nil {
			wantValidationError(t, err)
			return
		}
		var c access.ClusterName
		if cerr := c.Set(cluster); cerr != nil {
			t.Errorf("Validate accepts cluster %q, which --cluster refuses: %v", cluster, cerr)
		}
		if r.Principal.IsZero() {
			t.Errorf("Validate accepts a request without a principal")
		}
		if r.Type.IsNode() && (len(r.Groups) > 0 || r.Username != "") {
			t.Errorf("Validate accepts groups %q and username %q on a %s entry", r.Groups, r.Username, r.Type)
		}
		checkNames(t, r.Groups, r.Username)

		// The entry EKS makes from r, and the policies it associates, are
		// what r asks for.
		e := access.Entry{
			ClusterName:      cluster,
			PrincipalARN:     r.Principal,
			KubernetesGroups: r.Groups,
			Username:         r.Username,
			Tags:             r.Tags,
			Type:             r.Type.OrDefault(),
		}
		var have []access.AssociatedPolicy
		for _, p := range r.Policies {
			have = append(have, access.AssociatedPolicy{PolicyARN: p.Policy.ARN(r.Principal.Partition()), AccessScope: p.Scope})
		}
		if d := r.Compare(e, have); !d.Empty() {
			t.Errorf("the entry made from %+v differs from it:\n%s", r, d)
		}
	})
}

// FuzzUpdateEntry fills an UpdateEntry the way update's flags do and
// validates it: an accepted request changes something, has clean groups
// and username without reserved prefixes, and Apply gives what it asks
// for (groups never nil).
func FuzzUpdateEntry(f *testing.F) {
	f.Fuzz(func(t *testing.T, cluster, principal, group1, group2, username string, flags uint8) {
		u := access.UpdateEntry{
			Cluster:     access.ClusterName(cluster),
			Groups:      access.NormalizeGroups([]string{group1, group2}),
			SetGroups:   flags&1 != 0,
			NoGroups:    flags&2 != 0,
			Username:    username,
			SetUsername: flags&4 != 0,
		}
		u.Principal, _ = access.ParsePrincipalARN(principal)

		err := u.Validate()
		if err != nil {
			wantValidationError(t, err)
			return
		}
		switch {
		case !u.SetGroups && !u.NoGroups && !u.SetUsername:
			t.Fatalf("Validate accepts an update that changes nothing: %+v", u)
		case u.SetGroups && u.NoGroups:
			t.Fatalf("Validate accepts --group with --no-groups: %+v", u)
		case u.SetGroups && len(u.Groups) == 0, u.SetUsername && u.Username == "":
			t.Fatalf("Validate accepts an empty --group or --username: %+v", u)
		}
		var names []string
		if u.SetGroups {
			names = u.Groups
		}
		username = ""
		if u.SetUsername {
			username = u.Username
		}
		checkNames(t, names, username)

		old := access.Entry{Type: "STANDARD", KubernetesGroups: []string{"old"}, Username: "old-user"}
		groups, user, aerr := u.Apply(old)
		if aerr != nil {
			t.Fatalf("Apply: %v", aerr)
		}
		wantGroups, wantUser := old.KubernetesGroups, old.Username
		switch {
		case u.NoGroups:
			wantGroups = []string{}
		case u.SetGroups:
			wantGroups = u.Groups
		}
		if u.SetUsername {
			wantUser = u.Username
		}
		if groups == nil || !slices.Equal(groups, wantGroups) || user != wantUser {
			t.Errorf("Apply(%+v) = %q, %q; want %q, %q", u, groups, user, wantGroups, wantUser)
		}
		if _, _, nerr := u.Apply(access.Entry{Type: "EC2_LINUX"}); nerr == nil {
			t.Errorf("Apply updates an EC2_LINUX entry")
		}
	})
}

// checkNormalizedGroups checks NormalizeGroups: trimmed, no empty names,
// no repeats, first occurrences in order.
func checkNormalizedGroups(t *testing.T, in, out []string) {
	t.Helper()
	var want []string
	for _, g := range in {
		if g = strings.TrimSpace(g); g != "" && !slices.Contains(want, g) {
			want = append(want, g)
		}
	}
	if !slices.Equal(out, want) || out != nil && len(out) == 0 {
		t.Fatalf("NormalizeGroups(%q) = %q, want %q", in, out, want)
	}
}

// checkNames checks accepted groups and username: clean text, no reserved
// prefix, and a ":" before a session-name variable in the username.
func checkNames(t *testing.T, groups []string, username string) {
	t.Helper()
	for _, g := range groups {
		if !cleanText(g) || hasReservedPrefix(g) || strings.TrimSpace(g) == "" {
			t.Errorf("Validate accepts group %q", g)
		}
	}
	if username == "" {
		return
	}
	if !cleanText(username) || hasReservedPrefix(username) {
		t.Errorf("Validate accepts username %q", username)
	}
	for _, v := range []string{"{{SessionName}}", "{{SessionNameRaw}}"} {
		if i := strings.Index(username, v); i >= 0 && !strings.Contains(username[:i], ":") {
			t.Errorf("Validate accepts username %q, which has no %q before %s", username, ":", v)
		}
	}
}
