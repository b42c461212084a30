package emulator_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

const (
	otherAccount = "444455556666"
	otherKey     = "AKIAOTHERACCOUNT"
)

// signedAs is a request signed with an access key id for a region.
type signedAs struct {
	key, region string
	ctx         context.Context // default: the test's
}

// send sends method path (body: form-encoded for STS and IAM at "/",
// JSON otherwise) to srv, signed as who, and returns what was answered.
func send(t *testing.T, srv http.Handler, who signedAs, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	ctx := who.ctx
	if ctx == nil {
		ctx = t.Context()
	}
	req := httptest.NewRequestWithContext(ctx, method, "http://emulator"+path, strings.NewReader(body))
	service := "eks"
	if path == "/" {
		service = "sts"
		if strings.Contains(body, "Version=2010-05-08") {
			service = "iam"
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+who.key+"/20250507/"+who.region+"/"+service+
		"/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// clusters lists the clusters who sees, failing the test on an error.
func clusters(t *testing.T, srv http.Handler, who signedAs) []string {
	t.Helper()
	rec := send(t, srv, who, http.MethodGet, "/clusters", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("ListClusters as %+v: %d %s", who, rec.Code, rec.Body)
	}
	var out struct{ Clusters []string }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out.Clusters
}

// callerAccount is the account STS GetCallerIdentity answers who.
func callerAccount(t *testing.T, srv http.Handler, who signedAs) string {
	t.Helper()
	rec := send(t, srv, who, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15")
	if rec.Code != http.StatusOK {
		t.Fatalf("GetCallerIdentity as %+v: %d %s", who, rec.Code, rec.Body)
	}
	_, rest, _ := strings.Cut(rec.Body.String(), "<Account>")
	account, _, _ := strings.Cut(rest, "</Account>")
	return account
}

func TestRegionsHaveTheirOwnClusters(t *testing.T) {
	srv := emulator.New(emulator.Options{})
	srv.AddClusterIn("eu-west-1", "prod", "")
	srv.AddClusterIn("eu-west-1", "shared", "API")
	srv.AddClusterIn("us-east-1", "web", "")
	srv.AddClusterIn("us-east-1", "shared", "")
	eu, us := signedAs{key: "AKIDEXAMPLE", region: "eu-west-1"}, signedAs{key: "AKIDEXAMPLE", region: "us-east-1"}

	for _, tt := range []struct {
		who  signedAs
		want []string
	}{
		{eu, []string{"prod", "shared"}},
		{us, []string{"shared", "web"}},
		{signedAs{key: "AKIDEXAMPLE", region: "ap-south-1"}, nil},
	} {
		if got := clusters(t, srv, tt.who); !slices.Equal(got, tt.want) {
			t.Errorf("ListClusters in %s = %q, want %q", tt.who.region, got, tt.want)
		}
	}

	var signed []string
	for _, r := range srv.Requests() {
		signed = append(signed, r.Region)
	}
	if want := []string{"eu-west-1", "us-east-1", "ap-south-1"}; !slices.Equal(signed, want) {
		t.Errorf("Requests' regions %q, want %q", signed, want)
	}

	// A cluster of another region is not found; one of the region is, with
	// its region in its ARN, and its own state (here its mode).
	if rec := send(t, srv, us, http.MethodGet, "/clusters/prod", ""); rec.Code != http.StatusNotFound {
		t.Errorf("DescribeCluster prod in us-east-1: %d %s, want 404", rec.Code, rec.Body)
	}
	rec := send(t, srv, eu, http.MethodGet, "/clusters/shared", "")
	if body := rec.Body.String(); rec.Code != http.StatusOK ||
		!strings.Contains(body, `"arn":"arn:aws:eks:eu-west-1:111122223333:cluster/shared"`) || !strings.Contains(body, `"authenticationMode":"API"`) {
		t.Errorf("DescribeCluster shared in eu-west-1: %d %s", rec.Code, body)
	}
	// Entries live in the region's cluster only.
	if err := srv.AddAccessEntry("eu-west-1", "shared", adminRole, viewARN); err != nil {
		t.Fatal(err)
	}
	for who, want := range map[signedAs]int{eu: http.StatusOK, us: http.StatusNotFound} {
		path := "/clusters/shared/access-entries/" + url.PathEscape(adminRole) + "/access-policies"
		if rec := send(t, srv, who, http.MethodGet, path, ""); rec.Code != want || (want == 200 && !strings.Contains(rec.Body.String(), viewARN)) {
			t.Errorf("ListAssociatedAccessPolicies in %s: %d %s, want %d", who.region, rec.Code, rec.Body, want)
		}
	}
}

func TestClustersOfEveryRegionStayEverywhere(t *testing.T) {
	srv := emulator.New(emulator.Options{})
	srv.AddCluster("demo", "")
	srv.AddClusterIn("eu-west-1", "prod", "")
	for region, want := range map[string][]string{"eu-west-1": {"demo", "prod"}, "us-west-2": {"demo"}} {
		if got := clusters(t, srv, signedAs{key: "AKIDEXAMPLE", region: region}); !slices.Equal(got, want) {
			t.Errorf("ListClusters in %s = %q, want %q", region, got, want)
		}
	}
}

func TestAccountsByAccessKey(t *testing.T) {
	srv := emulator.New(emulator.Options{Accounts: []emulator.Account{{ID: otherAccount, AccessKeys: []string{otherKey}}}})
	other := srv.Account(otherAccount)
	if other == nil || srv.Account(account) != srv || srv.Account("999999999999") != nil {
		t.Fatalf("Account: %v %v %v", other, srv.Account(account), srv.Account("999999999999"))
	}
	srv.AddClusterIn("eu-west-1", "mine", "")
	other.AddClusterIn("eu-west-1", "theirs", "")
	mine, theirs := signedAs{key: "AKIDEXAMPLE", region: "eu-west-1"}, signedAs{key: otherKey, region: "eu-west-1"}

	if got := callerAccount(t, srv, mine); got != account {
		t.Errorf("GetCallerIdentity with the default key: account %s, want %s", got, account)
	}
	if got := callerAccount(t, srv, theirs); got != otherAccount {
		t.Errorf("GetCallerIdentity with %s: account %s, want %s", otherKey, got, otherAccount)
	}
	if got := clusters(t, srv, mine); !slices.Equal(got, []string{"mine"}) {
		t.Errorf("the default account sees %q", got)
	}
	if got := clusters(t, srv, theirs); !slices.Equal(got, []string{"theirs"}) {
		t.Errorf("account %s sees %q", otherAccount, got)
	}
	rec := send(t, srv, theirs, http.MethodGet, "/clusters/theirs", "")
	if !strings.Contains(rec.Body.String(), `"arn":"arn:aws:eks:eu-west-1:444455556666:cluster/theirs"`) {
		t.Errorf("DescribeCluster as %s: %d %s", otherAccount, rec.Code, rec.Body)
	}

	// IAM is the account's, whatever region the request is signed for.
	if _, err := other.CreateRole(emulator.Role{Name: "deployer"}); err != nil {
		t.Fatal(err)
	}
	getRole := "Action=GetRole&RoleName=deployer&Version=2010-05-08"
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		if rec := send(t, srv, signedAs{key: otherKey, region: region}, http.MethodPost, "/", getRole); rec.Code != http.StatusOK ||
			!strings.Contains(rec.Body.String(), "arn:aws:iam::444455556666:role/deployer") {
			t.Errorf("GetRole as %s signed for %s: %d %s", otherAccount, region, rec.Code, rec.Body)
		}
	}
	if rec := send(t, srv, signedAs{key: "AKIDEXAMPLE", region: "us-east-1"}, http.MethodPost, "/", getRole); rec.Code != http.StatusNotFound {
		t.Errorf("GetRole of another account's role: %d %s, want 404 NoSuchEntity", rec.Code, rec.Body)
	}

	// Requests are the account's too.
	if n := len(other.Requests()); n != 5 {
		t.Errorf("account %s recorded %d requests, want 5", otherAccount, n)
	}
}

func TestAddAccountRefuses(t *testing.T) {
	srv := emulator.New(emulator.Options{Accounts: []emulator.Account{{ID: otherAccount, AccessKeys: []string{otherKey}}}})
	for _, a := range []emulator.Account{
		{ID: account},
		{ID: otherAccount},
		{ID: "777788889999", AccessKeys: []string{otherKey}},
	} {
		if _, err := srv.AddAccount(a); err == nil {
			t.Errorf("AddAccount(%+v) succeeded", a)
		}
	}
}

func TestDisabledAndDeniedRegions(t *testing.T) {
	srv := emulator.New(emulator.Options{
		DisabledRegions: []string{"ap-east-1"},
		Accounts:        []emulator.Account{{ID: otherAccount, AccessKeys: []string{otherKey}, DeniedRegions: []string{"eu-west-1"}}},
	})
	srv.SetRegionDenied("me-south-1", true)
	tests := []struct {
		name       string
		who        signedAs
		path, body string
		status     int
		code       string // X-Amzn-Errortype, or in the XML body
		message    string
	}{
		{"disabled: EKS", signedAs{key: "AKIDEXAMPLE", region: "ap-east-1"}, "/clusters", "",
			403, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"disabled: STS", signedAs{key: "AKIDEXAMPLE", region: "ap-east-1"}, "/", "Action=GetCallerIdentity&Version=2011-06-15",
			403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"disabled for one account only", signedAs{key: otherKey, region: "ap-east-1"}, "/clusters", "", 200, "", ""},
		{"denied: EKS", signedAs{key: "AKIDEXAMPLE", region: "me-south-1"}, "/clusters/prod", "",
			403, "AccessDeniedException", "User: arn:aws:iam::111122223333:user/emulator-admin is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:me-south-1:111122223333:cluster/prod with an explicit deny in a service control policy"},
		{"denied: STS answers", signedAs{key: "AKIDEXAMPLE", region: "me-south-1"}, "/", "Action=GetCallerIdentity&Version=2011-06-15", 200, "", ""},
		{"denied for one account", signedAs{key: otherKey, region: "eu-west-1"}, "/clusters", "",
			403, "AccessDeniedException", "User: arn:aws:iam::444455556666:user/emulator-admin is not authorized to perform: eks:ListClusters on resource: arn:aws:eks:eu-west-1:444455556666:cluster/* with an explicit deny in a service control policy"},
		{"IAM is global", signedAs{key: "AKIDEXAMPLE", region: "ap-east-1"}, "/", "Action=ListRoles&Version=2010-05-08", 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.body != "" {
				method = http.MethodPost
			}
			rec := send(t, srv, tt.who, method, tt.path, tt.body)
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, body)
			}
			if tt.code == "" {
				return
			}
			if rec.Header().Get("X-Amzn-Errortype") != tt.code && !strings.Contains(body, "<Code>"+tt.code+"</Code>") {
				t.Errorf("code: %s %s, want %s", rec.Header().Get("X-Amzn-Errortype"), body, tt.code)
			}
			if !strings.Contains(body, tt.message) {
				t.Errorf("body %s, want the message %q", body, tt.message)
			}
		})
	}
	srv.SetRegionDisabled("ap-east-1", false)
	if got := clusters(t, srv, signedAs{key: "AKIDEXAMPLE", region: "ap-east-1"}); len(got) != 0 {
		t.Errorf("ap-east-1 enabled again: %q", got)
	}
}

func TestRegionRateLimit(t *testing.T) {
	clk := &clock{now: start}
	srv := emulator.New(emulator.Options{Now: clk.Now, Regions: []emulator.Region{{Name: "eu-west-1", RateLimit: 1, RateBurst: 2}}})
	eu, us := signedAs{key: "AKIDEXAMPLE", region: "eu-west-1"}, signedAs{key: "AKIDEXAMPLE", region: "us-east-1"}
	list := func(who signedAs) int { return send(t, srv, who, http.MethodGet, "/clusters", "").Code }

	got := []int{list(eu), list(eu), list(eu)}
	for range 5 {
		got = append(got, list(us)) // no limit of its own
	}
	clk.Advance(time.Second)
	got = append(got, list(eu), list(eu))
	want := []int{200, 200, 429, 200, 200, 200, 200, 200, 200, 429}
	if !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}

	// SetRegionRateLimit replaces it; each account has its own bucket.
	srv.SetRegionRateLimit("eu-west-1", 0, 0)
	srv.SetRegionRateLimit("us-east-1", 1, 1)
	got = []int{list(eu), list(eu), list(us), list(us)}
	if want := []int{200, 200, 200, 429}; !slices.Equal(got, want) {
		t.Errorf("after SetRegionRateLimit: statuses %v, want %v", got, want)
	}
}

// IAM is global: its requests (signed for us-east-1, as the SDK signs
// them) are not subject to the region's limit, and leave its tokens to EKS.
func TestRegionRateLimitSparesIAM(t *testing.T) {
	clk := &clock{now: start}
	srv := emulator.New(emulator.Options{Now: clk.Now, Regions: []emulator.Region{{Name: "us-east-1", RateLimit: 1, RateBurst: 1}}})
	us := signedAs{key: "AKIDEXAMPLE", region: "us-east-1"}
	var got []int
	for range 3 {
		got = append(got, send(t, srv, us, http.MethodPost, "/", "Action=ListRoles&Version=2010-05-08").Code)
	}
	got = append(got, send(t, srv, us, http.MethodGet, "/clusters", "").Code, send(t, srv, us, http.MethodGet, "/clusters", "").Code)
	if want := []int{200, 200, 200, 200, 429}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v (IAM, IAM, IAM, EKS, EKS)", got, want)
	}
}

func TestRegionRateLimitIsPerAccount(t *testing.T) {
	clk := &clock{now: start}
	srv := emulator.New(emulator.Options{Now: clk.Now, Regions: []emulator.Region{{Name: "eu-west-1", RateLimit: 1}},
		Accounts: []emulator.Account{{ID: otherAccount, AccessKeys: []string{otherKey}}}})
	mine, theirs := signedAs{key: "AKIDEXAMPLE", region: "eu-west-1"}, signedAs{key: otherKey, region: "eu-west-1"}
	list := func(who signedAs) int { return send(t, srv, who, http.MethodGet, "/clusters", "").Code }
	got := []int{list(mine), list(mine), list(theirs), list(theirs)}
	if want := []int{200, 429, 200, 429}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

// A request whose client has gone is dropped unanswered only where there
// is latency to wait through: that tells a delayed region from another
// without measuring time.
func TestRegionLatency(t *testing.T) {
	srv := emulator.New(emulator.Options{Regions: []emulator.Region{{Name: "eu-west-1", Latency: time.Hour}}})
	srv.SetRegionLatency("ap-south-1", time.Hour)
	gone, cancel := context.WithCancel(t.Context())
	cancel()
	for region, delayed := range map[string]bool{"eu-west-1": true, "ap-south-1": true, "us-east-1": false} {
		rec := send(t, srv, signedAs{key: "AKIDEXAMPLE", region: region, ctx: gone}, http.MethodGet, "/clusters", "")
		if answered := rec.Header().Get("x-amzn-RequestId") != ""; answered == delayed {
			t.Errorf("%s: answered %v, want delayed %v", region, answered, delayed)
		}
	}
	srv.SetRegionLatency("ap-south-1", 0)
	if rec := send(t, srv, signedAs{key: "AKIDEXAMPLE", region: "ap-south-1", ctx: gone}, http.MethodGet, "/clusters", ""); rec.Header().Get("x-amzn-RequestId") == "" {
		t.Error("ap-south-1 still delayed after SetRegionLatency(0)")
	}
}

func TestAddAccessEntryIsNotARequest(t *testing.T) {
	srv := emulator.New(emulator.Options{Regions: []emulator.Region{{Name: "eu-west-1", RateLimit: 1, RateBurst: 1}}})
	srv.AddClusterIn("eu-west-1", "prod", "")
	srv.AddCluster("demo", "")
	for i := range 3 {
		if err := srv.AddAccessEntry("eu-west-1", "prod", "arn:aws:iam::111122223333:role/r"+string(rune('a'+i)), viewARN, editARN); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.AddAccessEntry("", "demo", aliceUser); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests recorded, want 0", n)
	}
	// The bucket is still full, and the entries follow EKS's rules.
	rec := send(t, srv, signedAs{key: "AKIDEXAMPLE", region: "eu-west-1"}, http.MethodGet, "/clusters/prod/access-entries", "")
	if rec.Code != 200 || strings.Count(rec.Body.String(), "role/r") != 3 {
		t.Errorf("ListAccessEntries: %d %s", rec.Code, rec.Body)
	}
	for _, bad := range []struct{ region, cluster, principal, policy string }{
		{"eu-west-1", "nope", adminRole, ""},
		{"us-east-1", "prod", adminRole, ""},
		{"eu-west-1", "prod", "arn:aws:iam::111122223333:role/ra", ""},
		{"eu-west-1", "prod", "not-an-arn", ""},
		{"eu-west-1", "prod", adminRole, "arn:aws:eks::aws:cluster-access-policy/Nope"},
	} {
		var policies []string
		if bad.policy != "" {
			policies = append(policies, bad.policy)
		}
		if err := srv.AddAccessEntry(bad.region, bad.cluster, bad.principal, policies...); err == nil {
			t.Errorf("AddAccessEntry(%+v) succeeded", bad)
		}
	}
}

func TestRegionStats(t *testing.T) {
	clk := &clock{now: start}
	srv := emulator.New(emulator.Options{Now: clk.Now, RecordLimit: -1, Regions: []emulator.Region{{Name: "eu-west-1", RateLimit: 1}}})
	eu, us := signedAs{key: "AKIDEXAMPLE", region: "eu-west-1"}, signedAs{key: "AKIDEXAMPLE", region: "us-east-1"}
	for range 3 {
		send(t, srv, eu, http.MethodGet, "/clusters", "")
	}
	send(t, srv, us, http.MethodGet, "/clusters", "")
	send(t, srv, us, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15")
	want := map[string]emulator.RegionStats{"eu-west-1": {Requests: 3, Throttled: 2}, "us-east-1": {Requests: 2}}
	if got := srv.RegionStats(); !maps.Equal(got, want) {
		t.Errorf("RegionStats() = %v, want %v", got, want)
	}
	srv.ResetRequests()
	if got := srv.RegionStats(); len(got) != 0 {
		t.Errorf("after ResetRequests: %v", got)
	}
}

func TestSeedClustersAndAccounts(t *testing.T) {
	sc, err := emulator.ReadScenario(strings.NewReader(`{
		"iam": {"users": [{"name": "alice"}]},
		"clusters": [{"name": "prod", "region": "eu-west-1"}, {"name": "demo", "authenticationMode": "CONFIG_MAP"}],
		"accounts": [{"id": "444455556666", "accessKeys": ["AKIAOTHERACCOUNT"], "caller": "arn:aws:iam::444455556666:role/Auditor",
		              "disabledRegions": ["ap-east-1"], "iam": {"roles": [{"name": "deployer"}]},
		              "clusters": [{"name": "payments", "region": "eu-west-1"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := emulator.New(emulator.Options{})
	if err := srv.Seed(sc); err != nil {
		t.Fatal(err)
	}
	mine, theirs := signedAs{key: "AKIDEXAMPLE", region: "eu-west-1"}, signedAs{key: otherKey, region: "eu-west-1"}
	if got := clusters(t, srv, mine); !slices.Equal(got, []string{"demo", "prod"}) {
		t.Errorf("default account: %q", got)
	}
	if got := clusters(t, srv, theirs); !slices.Equal(got, []string{"payments"}) {
		t.Errorf("account %s: %q", otherAccount, got)
	}
	rec := send(t, srv, theirs, http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15")
	if !strings.Contains(rec.Body.String(), "<Arn>arn:aws:iam::444455556666:role/Auditor</Arn>") {
		t.Errorf("GetCallerIdentity: %s", rec.Body)
	}
	if roles := srv.Account(otherAccount).Roles(); len(roles) != 1 || roles[0].Name != "deployer" {
		t.Errorf("account %s roles %+v", otherAccount, roles)
	}
	if rec := send(t, srv, signedAs{key: otherKey, region: "ap-east-1"}, http.MethodGet, "/clusters", ""); rec.Code != http.StatusForbidden {
		t.Errorf("disabled region: %d %s", rec.Code, rec.Body)
	}

	for _, bad := range []string{
		`{"clusters": [{"name": "my.cluster"}]}`,
		`{"clusters": [{"name": "x", "authenticationMode": "api"}]}`,
		`{"accounts": [{"id": "444455556666", "accessKeys": ["AKIANEW"]}]}`, // already served
		`{"accounts": [{"id": "777788889999", "accessKeys": ["AKIAX"], "clusters": [{"name": "-bad"}]}]}`,
	} {
		sc, err := emulator.ReadScenario(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Seed(sc); err == nil {
			t.Errorf("Seed(%s) succeeded", bad)
		}
	}
}
