package access_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
)

func TestUpdateEntryValidate(t *testing.T) {
	t.Parallel()
	role := mustPrincipal(t, roleARN)
	tests := []struct {
		name        string
		req         access.UpdateEntry // completed with Cluster "demo", Principal role
		noCluster   bool
		noPrincipal bool
		errs        []want
	}{
		{name: "groups", req: access.UpdateEntry{Groups: []string{"a", "b"}, SetGroups: true}},
		{name: "no groups", req: access.UpdateEntry{NoGroups: true}},
		{name: "username", req: access.UpdateEntry{Username: "alice", SetUsername: true}},
		{name: "groups and username", req: access.UpdateEntry{Groups: []string{"a"}, SetGroups: true, Username: "x:{{SessionName}}", SetUsername: true}},
		{name: "no groups and username", req: access.UpdateEntry{NoGroups: true, Username: "alice", SetUsername: true}},

		{name: "nothing to update", errs: []want{{"nothing to update; give --group, --no-groups or --username", noHint}}},
		{name: "groups without SetGroups", req: access.UpdateEntry{Groups: []string{"a"}}, errs: []want{{"nothing to update", noHint}}},
		{name: "no cluster", noCluster: true, req: access.UpdateEntry{NoGroups: true}, errs: []want{{"--cluster is required", noHint}}},
		{name: "bad cluster", req: access.UpdateEntry{Cluster: "-x", NoGroups: true}, errs: []want{{`--cluster: cluster name "-x" must begin with a letter or digit`, noHint}}},
		{name: "no principal", noPrincipal: true, req: access.UpdateEntry{NoGroups: true}, errs: []want{{"--principal is required", noHint}}},
		{name: "--group and --no-groups", req: access.UpdateEntry{Groups: []string{"a"}, SetGroups: true, NoGroups: true}, errs: []want{{"--group and --no-groups cannot be used together", noHint}}},
		{name: "--group without names", req: access.UpdateEntry{SetGroups: true}, errs: []want{{"--group has no group name", "use --no-groups to remove every group"}}},
		{name: "reserved group", req: access.UpdateEntry{Groups: []string{"ok", "system:masters"}, SetGroups: true}, errs: []want{{`--group "system:masters" is invalid: it cannot start with "system:"`, "AmazonEKSClusterAdminPolicy"}}},
		{name: "empty group", req: access.UpdateEntry{Groups: []string{""}, SetGroups: true}, errs: []want{{`--group "" is empty`, noHint}}},
		{name: "empty username", req: access.UpdateEntry{SetUsername: true}, errs: []want{{"--username is empty", noHint}}},
		{name: "reserved username", req: access.UpdateEntry{Username: "Amazon:x", SetUsername: true}, errs: []want{{`--username "Amazon:x" must not begin with "amazon:"`, "leave --username unset"}}},
		{name: "username without colon", req: access.UpdateEntry{Username: "x{{SessionName}}", SetUsername: true}, errs: []want{{`needs a ":" before {{SessionName}}`, `"x:{{SessionName}}"`}}},
		{name: "group with a newline", req: access.UpdateEntry{Groups: []string{"ops\nadmins"}, SetGroups: true}, errs: []want{{`--group: "ops\nadmins" contains a newline (U+000A)`, noHint}}},
		{name: "group not UTF-8", req: access.UpdateEntry{Groups: []string{"\xffops"}, SetGroups: true}, errs: []want{{`is not valid UTF-8 (byte 0xff at offset 0)`, noHint}}},
		{name: "over-long group", req: access.UpdateEntry{Groups: []string{strings.Repeat("g", 2000)}, SetGroups: true}, errs: []want{{"--group is 2000 characters; the limit is 1024", noHint}}},
		{name: "username with a tab", req: access.UpdateEntry{Username: "a\tb", SetUsername: true}, errs: []want{{`--username: "a\tb" contains a tab (U+0009)`, noHint}}},
		{name: "over-long username", req: access.UpdateEntry{Username: strings.Repeat("u", 1500), SetUsername: true}, errs: []want{{"--username is 1500 characters; the limit is 1024", noHint}}},
		{name: "unused fields are not checked", req: access.UpdateEntry{Groups: []string{"system:x"}, Username: "system:x", NoGroups: true}},
		{
			name:      "every problem",
			noCluster: true,
			req:       access.UpdateEntry{Groups: []string{"eks:x"}, SetGroups: true, NoGroups: true, Username: "iam:x", SetUsername: true},
			errs: []want{
				{"--cluster is required", noHint}, {"--group and --no-groups", noHint},
				{`--group "eks:x"`, "reserved"}, {`--username "iam:x"`, "leave --username unset"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.req
			if req.Cluster == "" && !tt.noCluster {
				req.Cluster = "demo"
			}
			if req.Principal.IsZero() && !tt.noPrincipal {
				req.Principal = role
			}
			checkErrors(t, req.Validate(), tt.errs...)
		})
	}
}

func TestUpdateEntryApply(t *testing.T) {
	t.Parallel()
	entry := access.Entry{
		KubernetesGroups: []string{"ops", "dev"},
		Username:         "alice",
		Type:             "STANDARD",
	}
	tests := []struct {
		name     string
		req      access.UpdateEntry
		entry    access.Entry
		groups   []string
		username string
		err      want
	}{
		{name: "username only keeps groups", req: access.UpdateEntry{Username: "bob", SetUsername: true}, entry: entry, groups: []string{"ops", "dev"}, username: "bob"},
		{name: "groups only keep username", req: access.UpdateEntry{Groups: []string{"qa"}, SetGroups: true}, entry: entry, groups: []string{"qa"}, username: "alice"},
		{name: "groups normalised", req: access.UpdateEntry{Groups: []string{" qa", "qa", ""}, SetGroups: true}, entry: entry, groups: []string{"qa"}, username: "alice"},
		{name: "no groups is an empty list", req: access.UpdateEntry{NoGroups: true}, entry: entry, groups: []string{}, username: "alice"},
		{
			name:   "both",
			req:    access.UpdateEntry{Groups: []string{"qa"}, SetGroups: true, Username: "bob", SetUsername: true},
			entry:  entry,
			groups: []string{"qa"}, username: "bob",
		},
		{name: "entry without groups", req: access.UpdateEntry{Username: "bob", SetUsername: true}, entry: access.Entry{Type: "STANDARD"}, groups: []string{}, username: "bob"},
		{name: "entry without type is STANDARD", req: access.UpdateEntry{NoGroups: true}, entry: access.Entry{Username: "u"}, groups: []string{}, username: "u"},
		{
			name:  "node entry",
			req:   access.UpdateEntry{Username: "bob", SetUsername: true},
			entry: access.Entry{Type: "EC2_LINUX", KubernetesGroups: []string{"system:nodes"}},
			err:   want{"update applies to STANDARD entries only; EC2_LINUX entries are managed by EKS", noHint},
		},
		{name: "Auto Mode entry", req: access.UpdateEntry{NoGroups: true}, entry: access.Entry{Type: "EC2"}, err: want{"EC2 entries are managed by EKS", noHint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			groups, username, err := tt.req.Apply(tt.entry)
			checkError(t, err, tt.err)
			// No EquateEmpty: "no groups" must be an empty list, never nil.
			if diff := cmp.Diff(tt.groups, groups); diff != "" {
				t.Errorf("groups mismatch (-want +got):\n%s", diff)
			}
			if username != tt.username {
				t.Errorf("username = %q, want %q", username, tt.username)
			}
		})
	}

	t.Run("result does not alias the entry", func(t *testing.T) {
		t.Parallel()
		e := access.Entry{Type: "STANDARD", KubernetesGroups: []string{"ops"}}
		groups, _, err := access.UpdateEntry{Username: "bob", SetUsername: true}.Apply(e)
		if err != nil {
			t.Fatal(err)
		}
		groups[0] = "changed"
		if e.KubernetesGroups[0] != "ops" {
			t.Errorf("Apply's groups share memory with the entry's")
		}
	})
}
