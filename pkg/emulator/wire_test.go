package emulator_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// scenarioStep is one hand-written request/response pair of
// testdata/scenario.json. In "response", the string "*" matches any
// non-empty string, and UUIDs in the actual body are replaced by "UUID".
type scenarioStep struct {
	Name     string          `json:"name"`
	Advance  string          `json:"advance"`
	Method   string          `json:"method"`
	Path     string          `json:"path"`
	Body     json.RawMessage `json:"body"`
	Response json.RawMessage `json:"response"`
}

// TestScenario walks every operation's success shape, in order, against
// hand-written wire documents.
func TestScenario(t *testing.T) {
	raw, err := os.ReadFile("testdata/scenario.json")
	if err != nil {
		t.Fatal(err)
	}
	var steps []scenarioStep
	if err := json.Unmarshal(raw, &steps); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, emulator.Options{})
	for _, st := range steps {
		if st.Advance != "" {
			d, err := time.ParseDuration(st.Advance)
			if err != nil {
				t.Fatalf("%s: %v", st.Name, err)
			}
			h.clock.Advance(d)
		}
		resp := h.do(request{method: st.Method, path: st.Path, body: string(st.Body)})
		if resp.status != http.StatusOK {
			t.Fatalf("%s: status %d, body %s", st.Name, resp.status, resp.body)
		}
		if ct := resp.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", st.Name, ct)
		}
		if resp.header.Get("X-Amzn-Requestid") == "" {
			t.Errorf("%s: no x-amzn-RequestId header", st.Name)
		}
		got := decode(t, []byte(uuidRE.ReplaceAllString(string(resp.body), "UUID")))
		want := decode(t, st.Response)
		for _, d := range match("", want, got) {
			t.Errorf("%s: %s", st.Name, d)
		}
	}
}

// match compares decoded JSON documents and describes each difference.
func match(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %#v, want an object", path, got)}
		}
		var diffs []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			diffs = append(diffs, match(path+"."+k, wv, gv)...)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: unexpected member %v", path, k, g[k]))
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, match(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return diffs
	case string:
		if g, ok := got.(string); ok && (g == w || (w == "*" && g != "")) {
			return nil
		}
	default: // json.Number (compared as written, so 1746578565.453 stays exact), bool, nil
		if want == got {
			return nil
		}
	}
	return []string{fmt.Sprintf("%s: got %#v, want %#v", path, got, want)}
}

// TestErrorBodies pins the rest-json error layout: the header, message and
// the exception's modeled members as null.
func TestErrorBodies(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	tests := []struct {
		name string
		req  request
		want string
	}{
		{
			name: "ResourceNotFoundException",
			req:  request{method: "GET", path: "/clusters/nope"},
			want: `{"message":"No cluster found for name: nope.","clusterName":null,"nodegroupName":null,"fargateProfileName":null,"addonName":null,"subscriptionId":null}`,
		},
		{
			name: "InvalidRequestException",
			req:  request{method: "GET", path: "/clusters/legacy/access-entries"},
			want: `{"message":"The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.","clusterName":null,"nodegroupName":null,"addonName":null,"subscriptionId":null}`,
		},
		{
			name: "BadRequestException has only a message",
			req:  request{method: "GET", path: "/tags/not-an-arn"},
			want: `{"message":"The resourceArn not-an-arn is not a valid EKS resource ARN."}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(tt.req)
			if string(resp.body) != tt.want {
				t.Errorf("body\n got %s\nwant %s", resp.body, tt.want)
			}
			if ct := resp.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if resp.header.Get("X-Amzn-Requestid") == "" {
				t.Error("no x-amzn-RequestId header")
			}
		})
	}
}

func TestTimestampsAreEpochSecondsWithFraction(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.clock.Advance(-453 * time.Millisecond) // a whole second still carries ".000"
	resp := h.do(request{method: "POST", path: "/clusters/demo/access-entries", body: `{"principalArn":"` + adminRole + `"}`})
	for _, want := range []string{`"createdAt":1746578565.000`, `"modifiedAt":1746578565.000`} {
		if !strings.Contains(string(resp.body), want) {
			t.Errorf("body lacks %s: %s", want, resp.body)
		}
	}
}

// stsIdentity is the GetCallerIdentity XML document.
type stsIdentity struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Arn     string   `xml:"GetCallerIdentityResult>Arn"`
	UserID  string   `xml:"GetCallerIdentityResult>UserId"`
	Account string   `xml:"GetCallerIdentityResult>Account"`
	ReqID   string   `xml:"ResponseMetadata>RequestId"`
}

type stsError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
}

const getCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15"

func TestGetCallerIdentity(t *testing.T) {
	tests := []struct {
		name       string
		caller     string
		req        request
		wantArn    string
		wantUserID string // prefix
		wantAcct   string
	}{
		{
			name:       "default caller",
			req:        request{method: "POST", path: "/", body: getCallerIdentity},
			wantArn:    "arn:aws:iam::111122223333:user/emulator-admin",
			wantUserID: "AIDA",
			wantAcct:   account,
		},
		{
			name:       "assumed role in another account",
			caller:     "arn:aws:sts::444455556666:assumed-role/Admin/alice@example.com",
			req:        request{method: "POST", path: "/", body: getCallerIdentity},
			wantArn:    "arn:aws:sts::444455556666:assumed-role/Admin/alice@example.com",
			wantUserID: "AROA",
			wantAcct:   "444455556666",
		},
		{
			name:       "DENIED still learns who it is",
			req:        request{method: "POST", path: "/", body: getCallerIdentity, key: "DENIED"},
			wantArn:    "arn:aws:iam::111122223333:user/emulator-admin",
			wantUserID: "AIDA",
			wantAcct:   account,
		},
		{
			name: "presigned GET",
			req: request{method: "GET", noAuth: true, path: "/?" + getCallerIdentity +
				"&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20250507%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Signature=00"},
			wantArn:    "arn:aws:iam::111122223333:user/emulator-admin",
			wantUserID: "AIDA",
			wantAcct:   account,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			if tt.caller != "" {
				h.srv.SetCaller(tt.caller)
			}
			resp := h.do(tt.req)
			if resp.status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.status, resp.body)
			}
			var got stsIdentity
			if err := xml.Unmarshal(resp.body, &got); err != nil {
				t.Fatalf("%v: %s", err, resp.body)
			}
			if got.Arn != tt.wantArn || got.Account != tt.wantAcct || !strings.HasPrefix(got.UserID, tt.wantUserID) || got.ReqID == "" {
				t.Errorf("got %+v, want Arn %s, Account %s, UserId %s...", got, tt.wantArn, tt.wantAcct, tt.wantUserID)
			}
			if !strings.Contains(string(resp.body), `xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`) {
				t.Errorf("no STS namespace: %s", resp.body)
			}
		})
	}
	t.Run("assumed-role UserId ends with the session", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		h.srv.SetCaller("arn:aws:sts::111122223333:assumed-role/Admin/alice")
		var got stsIdentity
		if err := xml.Unmarshal(h.do(request{method: "POST", path: "/", body: getCallerIdentity}).body, &got); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(got.UserID, ":alice") || len(got.UserID) != len("AROA")+17+len(":alice") {
			t.Errorf("UserId %q", got.UserID)
		}
	})
}

func TestSTSErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(*emulator.Server)
		req        request
		wantStatus int
		wantType   string
		wantCode   string
		wantMsg    string
	}{
		{"expired", nil, request{method: "POST", path: "/", body: getCallerIdentity, key: "EXPIRED"},
			403, "Sender", "ExpiredToken", "The security token included in the request is expired"},
		{"unknown key", nil, request{method: "POST", path: "/", body: getCallerIdentity, key: "UNKNOWN"},
			403, "Sender", "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"unsigned", nil, request{method: "POST", path: "/", body: getCallerIdentity, noAuth: true},
			403, "Sender", "MissingAuthenticationToken", "Missing Authentication Token"},
		{"unknown action", nil, request{method: "POST", path: "/", body: "Action=AssumeRole&Version=2011-06-15"},
			400, "Sender", "InvalidAction", "Could not find operation AssumeRole for version 2011-06-15"},
		{"throttled", func(s *emulator.Server) { s.SetFaults(0, 1, 0) }, request{method: "POST", path: "/", body: getCallerIdentity},
			400, "Sender", "Throttling", "Too Many Requests"},
		{"server error", func(s *emulator.Server) { s.SetFaults(0, 0, 1) }, request{method: "POST", path: "/", body: getCallerIdentity},
			500, "Receiver", "InternalFailure", "An internal error occurred. Please try again."},
		{"FailNext", func(s *emulator.Server) { s.FailNext("GetCallerIdentity", 503, "ServiceUnavailable", "try later") },
			request{method: "POST", path: "/", body: getCallerIdentity},
			503, "Receiver", "ServiceUnavailable", "try later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, emulator.Options{})
			if tt.setup != nil {
				tt.setup(h.srv)
			}
			resp := h.do(tt.req)
			var got stsError
			if err := xml.Unmarshal(resp.body, &got); err != nil {
				t.Fatalf("%v: %s", err, resp.body)
			}
			if resp.status != tt.wantStatus || got.Type != tt.wantType || got.Code != tt.wantCode || got.Message != tt.wantMsg {
				t.Errorf("got %d %+v, want %d %s %s %q", resp.status, got, tt.wantStatus, tt.wantType, tt.wantCode, tt.wantMsg)
			}
		})
	}
}

// TestRequestsRecordsOperations checks the Op name of every route and what
// is recorded about a request.
func TestRequestsRecordsOperations(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	entry := entryPath("demo", adminRole)
	clusterTags := tagsPath("arn:aws:eks:us-west-2:111122223333:cluster/demo")
	reqs := []struct {
		op  string
		req request
	}{
		{"CreateAccessEntry", request{method: "POST", path: "/clusters/demo/access-entries", body: `{"principalArn":"` + adminRole + `"}`}},
		{"DescribeAccessEntry", request{method: "GET", path: entry}},
		{"ListAccessEntries", request{method: "GET", path: "/clusters/demo/access-entries?maxResults=5"}},
		{"UpdateAccessEntry", request{method: "POST", path: entry, body: `{}`}},
		{"AssociateAccessPolicy", request{method: "POST", path: entry + "/access-policies", body: `{"policyArn":"` + viewARN + `","accessScope":{"type":"cluster"}}`}},
		{"ListAssociatedAccessPolicies", request{method: "GET", path: entry + "/access-policies"}},
		{"DisassociateAccessPolicy", request{method: "DELETE", path: entry + "/access-policies/" + escape(viewARN)}},
		{"DeleteAccessEntry", request{method: "DELETE", path: entry}},
		{"ListAccessPolicies", request{method: "GET", path: "/access-policies"}},
		{"DescribeCluster", request{method: "GET", path: "/clusters/demo"}},
		{"ListClusters", request{method: "GET", path: "/clusters"}},
		{"UpdateClusterConfig", request{method: "POST", path: "/clusters/demo/update-config", body: `{"accessConfig":{"authenticationMode":"API"}}`}},
		{"TagResource", request{method: "POST", path: clusterTags, body: `{"tags":{"a":"b"}}`}},
		{"ListTagsForResource", request{method: "GET", path: clusterTags}},
		{"UntagResource", request{method: "DELETE", path: clusterTags + "?tagKeys=a"}},
		{"GetCallerIdentity", request{method: "POST", path: "/", body: getCallerIdentity}},
		{"", request{method: "PUT", path: "/clusters/demo"}},
	}
	for _, r := range reqs {
		h.do(r.req)
	}
	got := h.srv.Requests()
	if len(got) != len(reqs) {
		t.Fatalf("recorded %d requests, want %d", len(got), len(reqs))
	}
	for i, r := range reqs {
		if got[i].Op != r.op || got[i].Method != r.req.method {
			t.Errorf("request %d: Op %q %s, want %q %s", i, got[i].Op, got[i].Method, r.op, r.req.method)
		}
	}
	if want := "/clusters/demo/access-entries/" + adminRole; got[1].Path != want {
		t.Errorf("Path %q, want the unescaped %q", got[1].Path, want)
	}
	if got[2].Query.Get("maxResults") != "5" {
		t.Errorf("Query %v", got[2].Query)
	}
	if string(got[0].Body) != `{"principalArn":"`+adminRole+`"}` {
		t.Errorf("Body %s", got[0].Body)
	}
	got[0].Body[0] = 'X' // a copy: the server's record is unaffected
	if h.srv.Requests()[0].Body[0] != '{' {
		t.Error("Requests returned the server's own slice")
	}
	h.srv.ResetRequests()
	if n := len(h.srv.Requests()); n != 0 {
		t.Errorf("after ResetRequests: %d requests", n)
	}
}

func TestRouting(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.create("demo", `{"principalArn":"`+adminRole+`"}`)

	t.Run("principal ARN with a path is one escaped segment", func(t *testing.T) {
		h.ok(request{method: "GET", path: entryPath("demo", adminRole)})
	})
	for _, r := range []request{
		{method: "PUT", path: "/clusters/demo/access-entries"},
		{method: "GET", path: "/v1/clusters"},
		{method: "GET", path: "/clusters/demo/access-entries/a/../b"},
		{method: "GET", path: "/clusters//access-entries"},
		{method: "PATCH", path: "/"},
	} {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			wantError(t, h.do(r), 404, "UnknownOperationException", "eks-emulator does not implement "+r.method+" "+r.path)
		})
	}
	t.Run("unescaped slash splits the ARN", func(t *testing.T) {
		resp := h.do(request{method: "GET", path: "/clusters/demo/access-entries/arn:aws:iam::111122223333:role/dev/admin"})
		if resp.status != 404 {
			t.Errorf("status %d", resp.status)
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	const n = 40
	done := make(chan string, n)
	for i := range n {
		go func() {
			principal := fmt.Sprintf("arn:aws:iam::111122223333:role/r%02d", i)
			resp := h.do(request{method: "POST", path: "/clusters/demo/access-entries", body: `{"principalArn":"` + principal + `"}`})
			h.do(request{method: "GET", path: "/clusters/demo/access-entries"})
			h.do(request{method: "POST", path: entryPath("demo", principal) + "/access-policies",
				body: `{"policyArn":"` + viewARN + `","accessScope":{"type":"cluster"}}`})
			done <- fmt.Sprint(resp.status)
		}()
	}
	for range n {
		if s := <-done; s != "200" {
			t.Errorf("create: status %s", s)
		}
	}
	got := h.ok(request{method: "GET", path: "/clusters/demo/access-entries?associatedPolicyArn=" + escape(viewARN)})["accessEntries"].([]any)
	if len(got) != n {
		t.Errorf("%d entries with the policy, want %d", len(got), n)
	}
	if len(h.srv.Requests()) != 3*n+1 {
		t.Errorf("%d requests recorded", len(h.srv.Requests()))
	}
	if !slices.IsSortedFunc(got, func(a, b any) int { return strings.Compare(a.(string), b.(string)) }) {
		t.Error("list not sorted")
	}
}

func TestAddClusterRejectsTypos(t *testing.T) {
	for _, tc := range []struct{ name, mode string }{{"demo", "api"}, {"my.cluster", ""}} {
		t.Run(tc.name+"/"+tc.mode, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("AddCluster did not panic")
				}
			}()
			emulator.New(emulator.Options{}).AddCluster(tc.name, tc.mode)
		})
	}
}

func TestRequestLog(t *testing.T) {
	var lines []string
	h := newHarness(t, emulator.Options{Logf: func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }})
	h.do(request{method: "GET", path: "/clusters/demo"})
	h.do(request{method: "GET", path: "/clusters/nope"})
	h.do(request{method: "PUT", path: "/x"})
	want := []string{
		"GET /clusters/demo DescribeCluster -> 200 (",
		"GET /clusters/nope DescribeCluster -> 404 ResourceNotFoundException (",
		"PUT /x unknown operation -> 404 UnknownOperationException (",
	}
	if len(lines) != len(want) {
		t.Fatalf("log %q", lines)
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("log line %q, want prefix %q", lines[i], want[i])
		}
	}
}
