package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

// hook sends td's calls through a server that runs after once each request
// has been answered: a test's way to change the emulator's state between
// two calls of one command.
func hook(t *testing.T, td *testDeps, after func(*http.Request)) {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		td.srv.ServeHTTP(w, r)
		after(r)
	}))
	t.Cleanup(hs.Close)
	td.Client = func(context.Context) (*eksapi.Client, error) {
		td.clients++
		return eksapi.NewFromConfig(emutest.Config(hs.URL), ""), nil
	}
}

func createOpts(t *testing.T, td *testDeps, principal string, policies ...string) *createOptions {
	t.Helper()
	var assocs []access.PolicyAssociation
	for _, s := range policies {
		a, err := access.ParsePolicyAssociation(s)
		if err != nil {
			t.Fatal(err)
		}
		assocs = append(assocs, a)
	}
	return &createOptions{deps: td.Deps, req: access.CreateEntry{Cluster: "demo", Principal: mustPrincipal(t, principal), Policies: assocs}}
}

// sentTokens are the clientRequestTokens of the CreateAccessEntry calls.
func sentTokens(t *testing.T, td *testDeps) []string {
	t.Helper()
	var out []string
	for _, r := range td.srv.Requests() {
		if r.Op != "CreateAccessEntry" {
			continue
		}
		var in struct {
			ClientRequestToken string `json:"clientRequestToken"`
		}
		if err := json.Unmarshal(r.Body, &in); err != nil {
			t.Fatal(err)
		}
		out = append(out, in.ClientRequestToken)
	}
	return out
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestCreateSendsAToken: eksaccess makes the idempotency token itself, so
// that it can name it when the outcome is unknown; a given one is sent.
func TestCreateSendsAToken(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	if err := runCreate(t.Context(), createOpts(t, td, devRole)); err != nil {
		t.Fatal(err)
	}
	o := createOpts(t, td, aliceUser)
	o.req.ClientRequestToken = strings.Repeat("t", 40)
	if err := runCreate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	tokens := sentTokens(t, td)
	if len(tokens) != 2 || !uuidPattern.MatchString(tokens[0]) || tokens[1] != o.req.ClientRequestToken {
		t.Errorf("tokens sent: %q", tokens)
	}
	if a, b := newClientRequestToken(), newClientRequestToken(); a == b || !uuidPattern.MatchString(a) {
		t.Errorf("tokens %q, %q", a, b)
	}
}

// TestCreateUnknownOutcomeNamesTheToken: a 5xx after every retry, or a
// stop before the answer, may leave an entry: the hint gives the token
// that was sent, and --if-not-exists.
func TestCreateUnknownOutcomeNamesTheToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// created is told when the create reached the emulator
		run  func(t *testing.T, td *testDeps, o *createOptions, created <-chan struct{}) error
		code int
	}{
		{
			name: "5xx",
			run: func(t *testing.T, td *testDeps, o *createOptions, _ <-chan struct{}) error {
				td.srv.FailNext("CreateAccessEntry", 500, "ServerException", "An internal error occurred.")
				return runCreate(t.Context(), o)
			},
			code: cmdutil.ExitThrottled,
		},
		{
			name: "timeout",
			run: func(t *testing.T, td *testDeps, o *createOptions, created <-chan struct{}) error {
				// --timeout runs out while the create is on its way.
				td.srv.FailCall("CreateAccessEntry", 1, emulator.Fault{Hang: true})
				ctx := withExpiry(t.Context())
				go func() { <-created; ctx.expire() }()
				return runCreate(ctx, o)
			},
			code: cmdutil.ExitFailure,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			created := make(chan struct{}, 1)
			td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/access-entries") {
						// Whole, so that the emulator records it whole
						// however soon the client gives up after the signal.
						body, _ := io.ReadAll(r.Body)
						r.Body = io.NopCloser(bytes.NewReader(body))
						select {
						case created <- struct{}{}:
						default:
						}
					}
					next.ServeHTTP(w, r)
				})
			})
			err := tt.run(t, td, createOpts(t, td, devRole), created)
			tokens := sentTokens(t, td)
			if len(tokens) != 1 {
				t.Fatalf("tokens sent: %q", tokens)
			}
			checkExit(t, err, tt.code, "the entry may or may not exist now: re-run the same command with --client-request-token "+tokens[0]+" ")
			checkExit(t, err, tt.code, "or with --if-not-exists")
		})
	}

	// with a token of the user's, the same command is the safe re-run
	td := newTestDeps(t)
	td.srv.FailNext("CreateAccessEntry", 503, "ServiceUnavailableException", "Unavailable.")
	o := createOpts(t, td, devRole)
	o.req.ClientRequestToken = strings.Repeat("u", 36)
	checkExit(t, runCreate(t.Context(), o), cmdutil.ExitThrottled, "re-running the same command is safe")

	// an answer EKS gave is a known outcome: no such hint
	td.srv.FailNext("CreateAccessEntry", 400, "InvalidParameterException", "Bad.")
	err := runCreate(t.Context(), createOpts(t, td, aliceUser))
	for _, h := range cmdutil.Hints(err) {
		if strings.Contains(h, "may or may not exist") {
			t.Errorf("hint %q on %v", h, err)
		}
	}
}

// TestCreateRaceWithAnIdenticalCreate: another create makes the entry
// between --if-not-exists' describe and its create; the 409 is then
// compared like an entry found up front.
func TestCreateRaceWithAnIdenticalCreate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		groups []string
		code   int
	}{
		{name: "identical", code: cmdutil.ExitOK},
		{name: "different", groups: []string{"ops"}, code: cmdutil.ExitConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			other, err := td.Client(t.Context()) // another job's client, straight to the emulator
			if err != nil {
				t.Fatal(err)
			}
			var raced atomic.Bool
			hook(t, td, func(r *http.Request) {
				// After the describe that finds nothing, the other job
				// creates the entry; the calls so far are forgotten.
				if r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/access-entries/") || raced.Swap(true) {
					return
				}
				p := mustPrincipal(t, devRole)
				if _, err := other.CreateEntry(r.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
					t.Error(err)
				}
				if _, err := other.AssociatePolicy(r.Context(), "demo", p, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", access.Scope{Type: access.ScopeCluster}); err != nil {
					t.Error(err)
				}
				td.srv.ResetRequests()
			})
			o := createOpts(t, td, devRole, "AmazonEKSViewPolicy")
			o.req.Groups = tc.groups
			o.ifNotExists = true
			err = runCreate(t.Context(), o)
			if got := cmdutil.ExitCode(err); got != tc.code {
				t.Fatalf("exit %d (%v), want %d", got, err, tc.code)
			}
			// STS first: the lockout guard asks who the caller is.
			want := []string{"GetCallerIdentity", "CreateAccessEntry", "DescribeAccessEntry", "ListAssociatedAccessPolicies"}
			if diff := cmp.Diff(want, opNames(td)); diff != "" || !raced.Load() {
				t.Errorf("calls after the race (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreateReportsPoliciesAssociatedBeforeAFailure: the second of two
// policies fails; the first is reported as associated.
func TestCreateReportsPoliciesAssociatedBeforeAFailure(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	var failed atomic.Bool
	hook(t, td, func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/access-policies") && !failed.Swap(true) {
			td.srv.FailNext("AssociateAccessPolicy", 400, "InvalidParameterException", "Refused.")
		}
	})
	err := runCreate(t.Context(), createOpts(t, td, devRole, "AmazonEKSViewPolicy", "AmazonEKSEditPolicy:namespace=dev"))
	checkExit(t, err, cmdutil.ExitFailure, "--if-not-exists")
	for _, want := range []string{"; associated: AmazonEKSViewPolicy(cluster); ", "; not associated: AmazonEKSEditPolicy; ", "Refused."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("%q is more than one line", err)
	}
}

// TestCreateSaysItWaitsForTheEntry: the wait for a new entry is said once
// on stderr, however many retries and policies.
func TestCreateSaysItWaitsForTheEntry(t *testing.T) {
	t.Parallel()
	td := newTestDepsWith(t, emulator.Options{PropagationDelay: 600 * time.Millisecond})
	if err := runCreate(t.Context(), createOpts(t, td, devRole, "AmazonEKSViewPolicy", "AmazonEKSEditPolicy")); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(td.errOut.String(), "waiting up to 30s for EKS to see the new entry\n"); n != 1 {
		t.Errorf("said %d times: %q", n, td.errOut)
	}
	if opCount(td, "AssociateAccessPolicy") < 3 {
		t.Error("the delay was not exercised")
	}
}

// TestConflictHints: one hint per kind of difference, with the command
// that fixes it.
func TestConflictHints(t *testing.T) {
	t.Parallel()
	const entryARN = "arn:aws:eks:us-west-2:111122223333:access-entry/demo/role/111122223333/dev/1"
	base := func() access.CreateEntry {
		return access.CreateEntry{Cluster: "demo", Principal: mustPrincipal(t, devRole)}
	}
	existing := access.Entry{
		ClusterName: "demo", PrincipalARN: access.UncheckedPrincipalARN(devRole), Type: "STANDARD", AccessEntryARN: entryARN,
		Username: "u", KubernetesGroups: []string{"dev"}, Tags: map[string]string{"team": "b", "old": "1"},
	}
	target := "--cluster demo --principal " + devRole
	tests := []struct {
		name string
		req  func(*access.CreateEntry)
		have []access.AssociatedPolicy
		want []string
	}{
		{
			name: "groups",
			req:  func(r *access.CreateEntry) { r.Groups = []string{"a", "b c"} },
			want: []string{"change the groups and username with: eksaccess update " + target + " --group 'a,b c'"},
		},
		{
			name: "no groups",
			req:  func(*access.CreateEntry) {},
			want: []string{"change the groups and username with: eksaccess update " + target + " --no-groups"},
		},
		{
			name: "username",
			req:  func(r *access.CreateEntry) { r.Groups, r.Username = []string{"dev"}, "dev:{{SessionName}}" },
			want: []string{"change the groups and username with: eksaccess update " + target + " --username 'dev:{{SessionName}}'"},
		},
		{
			name: "type wins",
			req:  func(r *access.CreateEntry) { r.Type, r.Username = access.TypeEC2Linux, "x" },
			want: []string{"the type of an access entry cannot change: delete it (eksaccess delete " + target + " --yes) and run this command again without --if-not-exists"},
		},
		{
			name: "tags",
			req: func(r *access.CreateEntry) {
				r.Groups, r.Tags = []string{"dev"}, access.Tags{"team": "a", "new": "it's"}
			},
			want: []string{
				"tags change only through the EKS tagging API (eksaccess has no tag command yet): aws eks tag-resource --resource-arn " + entryARN + ` --tags 'new=it'\''s,team=a'`,
				"remove the tags not requested with: aws eks untag-resource --resource-arn " + entryARN + " --tag-keys old",
			},
		},
		{
			name: "policies",
			req: func(r *access.CreateEntry) {
				r.Groups = []string{"dev"}
				r.Policies = []access.PolicyAssociation{
					{Policy: mustPolicy(t, "AmazonEKSViewPolicy"), Scope: access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"a", "b"}}},
					{Policy: mustPolicy(t, "AmazonEKSEditPolicy"), Scope: access.Scope{Type: access.ScopeCluster}},
					{Policy: mustPolicy(t, "AmazonEKSAdminViewPolicy"), Scope: access.Scope{Type: access.ScopeCluster}},
				}
			},
			have: []access.AssociatedPolicy{
				{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", AccessScope: access.Scope{Type: access.ScopeCluster}},
				{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", AccessScope: access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"dev"}}},
				{PolicyARN: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", AccessScope: access.Scope{Type: access.ScopeNamespace, Namespaces: []string{"x"}}},
				{PolicyARN: "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", AccessScope: access.Scope{Type: access.ScopeCluster}},
			},
			want: []string{
				"change the scope of AmazonEKSViewPolicy in place with: eksaccess policy associate " + target + " --policy AmazonEKSViewPolicy --namespace a,b",
				"change the scope of AmazonEKSEditPolicy in place with: eksaccess policy associate " + target + " --policy AmazonEKSEditPolicy --cluster-scope",
				"AmazonEKSAdminPolicy is associated but not requested: remove it with eksaccess policy disassociate " + target + " --policy arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy, or add --policy arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy:cluster to keep it",
				"AmazonEKSAdminPolicy is associated but not requested: remove it with eksaccess policy disassociate " + target + " --policy AmazonEKSAdminPolicy, or add --policy AmazonEKSAdminPolicy:namespace=x to keep it",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := base()
			tt.req(&r)
			d := r.Compare(existing, tt.have).Conflicts()
			if diff := cmp.Diff(tt.want, conflictHints(r, existing, d)); diff != "" {
				t.Errorf("hints (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCatalogMatchesTheEmulator: the catalog eksaccess ships holds every
// policy of the emulator's (an independent reading of the reference), and
// refuses offline exactly the policies the emulator refuses to associate.
func TestCatalogMatchesTheEmulator(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	seedEntry(t, td, devRole)
	client, err := td.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	live, err := client.ListPolicies(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	shipped := access.Catalog("")
	for _, p := range live {
		if !slices.Contains(shipped, p) {
			t.Errorf("%s (%s) is not in access.Catalog", p.Name, p.ARN)
		}
		ref, err := access.ParsePolicyRef(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.AssociatePolicy(t.Context(), "demo", mustPrincipal(t, devRole), p.ARN, access.Scope{Type: access.ScopeCluster})
		if refused, offline := err != nil, ref.CheckAssociable() != nil; refused != offline {
			t.Errorf("%s: the emulator refuses it: %v (%v); CheckAssociable refuses it: %v", p.Name, refused, err, offline)
		}
	}
}
