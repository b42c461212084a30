package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// TestNewAuthModeCmd: argv -> options, or a usage error with no client
// built: a bad mode. (--set without --yes where nobody can answer is
// refused after the mode is read: the same mode needs no --yes.)
func TestNewAuthModeCmd(t *testing.T) {
	t.Parallel()
	want := func(w authModeOptions) func(*testing.T, *authModeOptions) {
		return func(t *testing.T, got *authModeOptions) {
			if got.cluster != w.cluster || got.set != w.set || got.yes != w.yes {
				t.Errorf("options = %+v, want %+v", *got, w)
			}
		}
	}
	runParseCases(t, newAuthModeCmd, []parseCase[authModeOptions]{
		{name: "show", args: []string{"--cluster", "demo"}, check: want(authModeOptions{cluster: "demo"})},
		{name: "cluster from the environment", env: map[string]string{"EKSACCESS_CLUSTER": "prod"}, check: want(authModeOptions{cluster: "prod"})},
		{name: "set, any case, with --yes", args: []string{"--cluster", "demo", "--set", "api_and_config_map", "--yes"}, check: want(authModeOptions{cluster: "demo", set: modeAPIAndConfigMap, yes: true})},
		{name: "set with dashes and -y", args: []string{"--cluster", "demo", "--set", "Api-And-Config-Map", "-y"}, check: want(authModeOptions{cluster: "demo", set: modeAPIAndConfigMap, yes: true})},
		{name: "set on a terminal asks later", args: []string{"--cluster", "demo", "--set", "API"}, tty: true, check: want(authModeOptions{cluster: "demo", set: modeAPI})},
		{name: "set without a terminal: decided once the mode is read", args: []string{"--cluster", "demo", "--set", "API"}, check: want(authModeOptions{cluster: "demo", set: modeAPI})},
		{name: "unknown mode", args: []string{"--cluster", "demo", "--set", "IAM", "--yes"}, wantErr: `invalid argument "IAM" for "--set" flag: unknown authentication mode`},
		{name: "no cluster", args: []string{"--set", "API", "--yes"}, wantErr: "--cluster is required"},
		{name: "positional argument", args: []string{"demo"}, wantErr: "demo"},
	})
}

// TestAuthModeStep: one step toward API is allowed, staying is a no-op,
// anything else is a usage error whose hint names the allowed step.
func TestAuthModeStep(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to   authMode
		wantChange bool
		wantHint   string // "" when allowed
	}{
		{modeConfigMap, modeConfigMap, false, ""},
		{modeConfigMap, modeAPIAndConfigMap, true, ""},
		{modeConfigMap, modeAPI, false, "the next allowed step is --set API_AND_CONFIG_MAP"},
		{modeAPIAndConfigMap, modeConfigMap, false, "the next allowed step is --set API"},
		{modeAPIAndConfigMap, modeAPIAndConfigMap, false, ""},
		{modeAPIAndConfigMap, modeAPI, true, ""},
		{modeAPI, modeConfigMap, false, "API is the last step"},
		{modeAPI, modeAPIAndConfigMap, false, "API is the last step"},
		{modeAPI, modeAPI, false, ""},
	}
	for _, tc := range cases {
		change, err := authModeStep(tc.from, tc.to)
		if change != tc.wantChange {
			t.Errorf("%s -> %s: change = %v, want %v", tc.from, tc.to, change, tc.wantChange)
		}
		switch {
		case tc.wantHint == "" && err != nil:
			t.Errorf("%s -> %s: %v", tc.from, tc.to, err)
		case tc.wantHint != "":
			if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(strings.Join(cmdutil.Hints(err), "\n"), tc.wantHint) {
				t.Errorf("%s -> %s: err %v (exit %d, hints %q), want exit 2 and hint %q", tc.from, tc.to, err, cmdutil.ExitCode(err), cmdutil.Hints(err), tc.wantHint)
			}
		}
	}
	if _, err := authModeStep("API_ONLY_SOMEDAY", modeAPI); err == nil || cmdutil.ExitCode(err) == cmdutil.ExitUsage {
		t.Errorf("an unknown current mode: err = %v, want an error that is not a usage error", err)
	}
}

func TestRunAuthModeShow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		format output.Format
		want   string
	}{
		{output.JSON, "{\n    \"cluster\": {\n        \"name\": \"demo\",\n        \"arn\": \"arn:aws:eks:us-west-2:111122223333:cluster/demo\",\n        \"accessConfig\": {\n            \"authenticationMode\": \"API_AND_CONFIG_MAP\"\n        }\n    }\n}\n"},
		{output.Text, "API_AND_CONFIG_MAP\n"},
		{output.TableFormat, "MODE\nAPI_AND_CONFIG_MAP\n"},
	}
	for _, tc := range cases {
		t.Run(string(tc.format), func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			*td.Output = output.Options{Format: tc.format}
			if err := runAuthMode(t.Context(), &authModeOptions{deps: td.Deps, cluster: "demo"}); err != nil {
				t.Fatal(err)
			}
			if td.out.String() != tc.want {
				t.Errorf("stdout = %q, want %q", td.out, tc.want)
			}
			if n := opCount(td, "UpdateClusterConfig"); n != 0 {
				t.Errorf("%d UpdateClusterConfig calls", n)
			}
		})
	}

	td := newTestDeps(t)
	checkExit(t, runAuthMode(t.Context(), &authModeOptions{deps: td.Deps, cluster: "nosuch"}), cmdutil.ExitNotFound, "")
}

// TestRunAuthModeSet: the mode is read first; a switch happens only for
// the one allowed step, only once confirmed (or with --yes), and, to API,
// only when the caller keeps access through an access entry (or --force).
func TestRunAuthModeSet(t *testing.T) {
	t.Parallel()
	const (
		me    = "arn:aws:iam::111122223333:user/emulator-admin" // the emulator's default caller
		other = "arn:aws:iam::111122223333:role/other"
	)
	cases := []struct {
		name      string
		cluster   string
		to        authMode
		yes       bool
		force     bool
		entries   map[string][]string // principal -> policies (P[:scope]); "group" adds a Kubernetes group
		answer    string              // the prompt's answer, "yes" or "no"; "": no prompt expected
		wantAsk   string              // a substring of the question
		fail      string              // an error code UpdateClusterConfig answers
		wantCode  int
		wantHint  string
		wantMsg   string // a substring of the error
		wantMode  string // the cluster's mode afterwards
		wantOut   string // a substring of stdout (text format)
		wantErr   string // a substring of stderr
		wantWrite bool
		wantReads bool   // the caller's access was checked (ListAccessEntries)
		noTTY     bool   // stdin and stderr are not terminals
		caller    string // the identity STS reports; default the emulator's
	}{
		{name: "confirmed", cluster: "legacy", to: modeAPIAndConfigMap, answer: "yes", wantAsk: "? This cannot be undone", wantMode: "API_AND_CONFIG_MAP", wantOut: "API_AND_CONFIG_MAP\t", wantErr: "warning: the switch is one-way", wantWrite: true},
		{name: "--yes does not ask", cluster: "demo", to: modeAPI, yes: true, entries: map[string][]string{me: {"AmazonEKSClusterAdminPolicy"}}, wantMode: "API", wantOut: "API\t", wantErr: "warning: the switch is asynchronous", wantWrite: true, wantReads: true},
		{name: "declined", cluster: "legacy", to: modeAPIAndConfigMap, answer: "no", wantCode: cmdutil.ExitUsage, wantMode: "CONFIG_MAP", wantMsg: "not switched (cluster legacy stays CONFIG_MAP): declined at the prompt"},
		{name: "already there", cluster: "demo", to: modeAPIAndConfigMap, wantMode: "API_AND_CONFIG_MAP", wantOut: "API_AND_CONFIG_MAP\n", wantErr: "cluster demo is already API_AND_CONFIG_MAP: unchanged"},
		{name: "backwards", cluster: "demo", to: modeConfigMap, yes: true, wantCode: cmdutil.ExitUsage, wantHint: "--set API", wantMode: "API_AND_CONFIG_MAP"},
		{name: "skipping a step", cluster: "legacy", to: modeAPI, yes: true, wantCode: cmdutil.ExitUsage, wantHint: "--set API_AND_CONFIG_MAP", wantMode: "CONFIG_MAP"},
		{name: "past the last step", cluster: "modern", to: modeAPIAndConfigMap, wantCode: cmdutil.ExitUsage, wantHint: "API is the last step", wantMode: "API"},
		{name: "another update in progress", cluster: "demo", to: modeAPI, yes: true, entries: map[string][]string{me: {"AmazonEKSClusterAdminPolicy"}}, fail: "ResourceInUseException", wantCode: cmdutil.ExitConflict, wantHint: "another update in progress", wantMode: "API_AND_CONFIG_MAP", wantWrite: true, wantReads: true},
		{name: "no such cluster", cluster: "nosuch", to: modeAPI, yes: true, wantCode: cmdutil.ExitNotFound},

		// to API: who would lose access
		{name: "to API without access entries", cluster: "demo", to: modeAPI, yes: true, wantCode: cmdutil.ExitConflict,
			wantMsg: "refusing to switch cluster demo to API: it has no access entries", wantHint: "create access entries first", wantMode: "API_AND_CONFIG_MAP", wantReads: true},
		{name: "to API without an entry of mine", cluster: "demo", to: modeAPI, yes: true, entries: map[string][]string{other: {"AmazonEKSClusterAdminPolicy"}}, wantCode: cmdutil.ExitConflict,
			wantMsg: "you have no access entry in it (you are " + me + ")", wantHint: "create one for yourself first: eksaccess create --cluster demo --principal " + me + " --policy AmazonEKSClusterAdminPolicy", wantMode: "API_AND_CONFIG_MAP", wantReads: true},
		{name: "to API with an entry of mine that grants nothing", cluster: "demo", to: modeAPI, yes: true, entries: map[string][]string{me: nil, other: {"AmazonEKSClusterAdminPolicy"}}, wantCode: cmdutil.ExitConflict,
			wantMsg: "your access entry " + me + " grants no Kubernetes group and no access policy", wantHint: "eksaccess policy associate --cluster demo --principal " + me + " --policy AmazonEKSClusterAdminPolicy --cluster-scope", wantMode: "API_AND_CONFIG_MAP", wantReads: true},
		{name: "to API with some access, not admin: a warning", cluster: "demo", to: modeAPI, yes: true, entries: map[string][]string{me: {"AmazonEKSViewPolicy:namespace=dev"}},
			wantMode: "API", wantOut: "API\t", wantErr: "warning: your access entries in cluster demo do not hold AmazonEKSClusterAdminPolicy at cluster scope", wantWrite: true, wantReads: true},
		{name: "to API with a group only", cluster: "demo", to: modeAPI, yes: true, entries: map[string][]string{me: {"group"}},
			wantMode: "API", wantOut: "API\t", wantErr: "do not hold AmazonEKSClusterAdminPolicy", wantWrite: true, wantReads: true},
		{name: "to API --force skips the check", cluster: "demo", to: modeAPI, yes: true, force: true, wantMode: "API", wantOut: "API\t", wantWrite: true},
		{name: "to API on a terminal: the question names aws-auth", cluster: "demo", to: modeAPI, answer: "yes", entries: map[string][]string{me: {"AmazonEKSClusterAdminPolicy"}},
			wantAsk: "Every identity mapped only through the aws-auth ConfigMap stops working", wantMode: "API", wantOut: "API\t", wantWrite: true, wantReads: true},
		{name: "to API refused before the question", cluster: "demo", to: modeAPI, wantCode: cmdutil.ExitConflict, wantHint: "create access entries first", wantMode: "API_AND_CONFIG_MAP", wantReads: true},

		// without a terminal
		{name: "already there, no terminal, no --yes: a no-op", cluster: "demo", to: modeAPIAndConfigMap, noTTY: true, wantMode: "API_AND_CONFIG_MAP", wantOut: "API_AND_CONFIG_MAP\n", wantErr: "cluster demo is already API_AND_CONFIG_MAP: unchanged"},
		{name: "a switch without a terminal needs --yes", cluster: "legacy", to: modeAPIAndConfigMap, noTTY: true, wantCode: cmdutil.ExitUsage, wantMsg: "--yes is required with --set", wantHint: "cluster legacy is CONFIG_MAP now; nothing was changed", wantMode: "CONFIG_MAP"},
		{name: "a bad step without a terminal is still that", cluster: "legacy", to: modeAPI, noTTY: true, wantCode: cmdutil.ExitUsage, wantHint: "--set API_AND_CONFIG_MAP", wantMode: "CONFIG_MAP"},

		// callers no access entry can name: their access can only be aws-auth's
		{name: "to API as the account root", cluster: "demo", to: modeAPI, yes: true, caller: "arn:aws:iam::111122223333:root", entries: map[string][]string{other: {"AmazonEKSClusterAdminPolicy"}}, wantCode: cmdutil.ExitConflict,
			wantMsg: "refusing to switch cluster demo to API: you are arn:aws:iam::111122223333:root, the account root, which no access entry can stand for", wantHint: "switch with the credentials of an IAM role or user whose access entry holds AmazonEKSClusterAdminPolicy", wantMode: "API_AND_CONFIG_MAP", wantReads: true},
		{name: "to API as a federated user", cluster: "demo", to: modeAPI, yes: true, caller: "arn:aws:sts::111122223333:federated-user/bob", entries: map[string][]string{other: {"AmazonEKSClusterAdminPolicy"}}, wantCode: cmdutil.ExitConflict,
			wantMsg: "you are arn:aws:sts::111122223333:federated-user/bob, an STS federated user, which no access entry can stand for", wantHint: "--force skips this check", wantMode: "API_AND_CONFIG_MAP", wantReads: true},
		{name: "to API as the account root with --force", cluster: "demo", to: modeAPI, yes: true, force: true, caller: "arn:aws:iam::111122223333:root", wantMode: "API", wantOut: "API\t", wantWrite: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			td.srv.AddCluster("modern", "API")
			for p, policies := range tc.entries {
				var groups []string
				var assoc []string
				for _, pol := range policies {
					if pol == "group" {
						groups = append(groups, "readers")
					} else {
						assoc = append(assoc, pol)
					}
				}
				seedEntry(t, td, p, assoc...)
				if groups != nil {
					client, _ := td.Client(t.Context())
					if _, err := client.UpdateEntry(t.Context(), "demo", mustPrincipal(t, p), groups, ""); err != nil {
						t.Fatal(err)
					}
					td.srv.ResetRequests()
				}
			}
			td.IO.SetTTY(!tc.noTTY, true, !tc.noTTY)
			if tc.caller != "" {
				td.srv.SetCaller(tc.caller)
			}
			var asked []string
			if tc.answer != "" {
				td.Confirm = func(_ context.Context, q string) (bool, error) {
					asked = append(asked, q)
					return tc.answer == "yes", nil
				}
			}
			if tc.fail != "" {
				td.srv.FailNext("UpdateClusterConfig", 409, tc.fail, "Cannot AccessConfigUpdate because cluster demo currently has update 1234 in progress")
			}
			*td.Output = output.Options{Format: output.Text}
			o := &authModeOptions{deps: td.Deps, cluster: access.ClusterName(tc.cluster), set: tc.to, yes: tc.yes, force: tc.force}

			err := runAuthMode(t.Context(), o)
			checkExit(t, err, tc.wantCode, tc.wantHint)
			if tc.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), tc.wantMsg)) {
				t.Errorf("err = %v, want %q", err, tc.wantMsg)
			}
			if tc.answer != "" {
				want := "Switch cluster " + tc.cluster + " from "
				if len(asked) != 1 || !strings.HasPrefix(asked[0], want) || !strings.Contains(asked[0], tc.wantAsk) || !strings.HasSuffix(asked[0], "This cannot be undone") {
					t.Errorf("asked %q", asked)
				}
			}
			if n, want := opCount(td, "UpdateClusterConfig"), map[bool]int{true: 1}[tc.wantWrite]; n != want {
				t.Errorf("%d UpdateClusterConfig calls, want %d", n, want)
			}
			if n := opCount(td, "ListAccessEntries"); (n > 0) != tc.wantReads {
				t.Errorf("%d ListAccessEntries calls; checked the caller's access: want %v", n, tc.wantReads)
			}
			if !strings.Contains(td.out.String(), tc.wantOut) || tc.wantOut == "" && td.out.Len() != 0 {
				t.Errorf("stdout = %q, want %q", td.out, tc.wantOut)
			}
			if !strings.Contains(td.errOut.String(), tc.wantErr) {
				t.Errorf("stderr = %q, want %q", td.errOut, tc.wantErr)
			}
			if tc.wantErr == "" && strings.Contains(td.errOut.String(), "do not hold") {
				t.Errorf("unexpected warning: %q", td.errOut)
			}
			if tc.wantMode != "" {
				td.out.Reset()
				if err := runAuthMode(t.Context(), &authModeOptions{deps: td.Deps, cluster: o.cluster}); err != nil {
					t.Fatal(err)
				}
				if got := strings.TrimSpace(td.out.String()); got != tc.wantMode {
					t.Errorf("mode afterwards %s, want %s", got, tc.wantMode)
				}
			}
		})
	}
}

// TestRunAuthModeJSONAfterSet: after --set the document has the cluster
// in DescribeCluster's shape and the update in UpdateClusterConfig's.
func TestRunAuthModeJSONAfterSet(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	*td.Output = output.Options{Format: output.JSON}
	if err := runAuthMode(t.Context(), &authModeOptions{deps: td.Deps, cluster: "legacy", set: modeAPIAndConfigMap, yes: true}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cluster struct {
			Name         string `json:"name"`
			AccessConfig struct {
				AuthenticationMode string `json:"authenticationMode"`
			} `json:"accessConfig"`
		} `json:"cluster"`
		Update struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Type   string `json:"type"`
			Params []struct {
				Type  string `json:"type"`
				Value string `json:"value"`
			} `json:"params"`
			CreatedAt string `json:"createdAt"`
			Errors    []any  `json:"errors"`
		} `json:"update"`
	}
	if err := json.Unmarshal(td.out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, td.out)
	}
	u := doc.Update
	if doc.Cluster.Name != "legacy" || doc.Cluster.AccessConfig.AuthenticationMode != "API_AND_CONFIG_MAP" ||
		len(u.ID) != 36 || u.Status != "InProgress" || u.Type != "AccessConfigUpdate" || u.Errors == nil ||
		len(u.Params) != 1 || u.Params[0].Type != "AuthenticationMode" || u.Params[0].Value != `"API_AND_CONFIG_MAP"` {
		t.Errorf("document:\n%s", td.out)
	}
	if _, err := time.Parse(time.RFC3339, u.CreatedAt); err != nil {
		t.Errorf("createdAt %q: %v", u.CreatedAt, err)
	}
}
