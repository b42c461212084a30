package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

func TestRandomFaults(t *testing.T) {
	describe := request{method: "GET", path: "/clusters/demo"}
	t.Run("throttle", func(t *testing.T) {
		h := newHarness(t, emulator.Options{ThrottleRate: 1})
		wantError(t, h.do(describe), 429, "TooManyRequestsException", "Too Many Requests")
		wantError(t, h.do(request{method: "PUT", path: "/nowhere"}), 429, "TooManyRequestsException", "Too Many Requests")
	})
	t.Run("server error", func(t *testing.T) {
		h := newHarness(t, emulator.Options{ErrorRate: 1})
		wantError(t, h.do(describe), 500, "ServerException", "An internal error occurred. Please try again.")
	})
	t.Run("faults come after authentication", func(t *testing.T) {
		h := newHarness(t, emulator.Options{ThrottleRate: 1})
		wantError(t, h.do(request{method: "GET", path: "/clusters/demo", key: "EXPIRED"}), 403, "ExpiredTokenException", "The security token included in the request is expired")
	})
	t.Run("SetFaults at run time", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		h.ok(describe)
		h.srv.SetFaults(0, 0, 1)
		wantError(t, h.do(describe), 500, "ServerException", "An internal error occurred. Please try again.")
		h.srv.SetFaults(0, 0, 0)
		h.ok(describe)
	})
	t.Run("the seed makes faults reproducible", func(t *testing.T) {
		statuses := func(seed int64) []int {
			h := newHarness(t, emulator.Options{Seed: seed, ThrottleRate: 0.3, ErrorRate: 0.3})
			var out []int
			for range 40 {
				out = append(out, h.do(describe).status)
			}
			return out
		}
		a, b := statuses(7), statuses(7)
		if !slices.Equal(a, b) {
			t.Errorf("same seed, different faults:\n%v\n%v", a, b)
		}
		if !slices.Contains(a, 200) || !slices.Contains(a, 429) || !slices.Contains(a, 500) {
			t.Errorf("rates of 0.3 gave %v", a)
		}
		if slices.Equal(a, statuses(8)) {
			t.Error("different seeds, same faults")
		}
	})
	t.Run("latency", func(t *testing.T) {
		h := newHarness(t, emulator.Options{Latency: 30 * time.Millisecond})
		begin := time.Now()
		h.ok(describe)
		if d := time.Since(begin); d < 30*time.Millisecond {
			t.Errorf("answered in %v", d)
		}
	})
}

func TestFailNext(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.srv.FailNext("DescribeCluster", 503, "ServiceUnavailableException", "first")
	h.srv.FailNext("DescribeCluster", 429, "ThrottlingException", "second")
	h.srv.FailNext("ListClusters", 500, "ServerException", "other op")
	describe := request{method: "GET", path: "/clusters/demo"}

	h.ok(request{method: "GET", path: "/clusters/demo/access-entries"}) // other operations are unaffected
	wantError(t, h.do(describe), 503, "ServiceUnavailableException", "first")
	resp := h.do(describe)
	wantError(t, resp, 429, "ThrottlingException", "second")
	if want := `{"message":"second","clusterName":null}`; string(resp.body) != want {
		t.Errorf("body %s, want the modeled members of ThrottlingException: %s", resp.body, want)
	}
	h.ok(describe)
	wantError(t, h.do(request{method: "GET", path: "/clusters"}), 500, "ServerException", "other op")
	h.ok(request{method: "GET", path: "/clusters"})

	t.Run("the injected error wins over validation", func(t *testing.T) {
		h.srv.FailNext("CreateAccessEntry", 404, "ResourceNotFoundException", "injected")
		wantError(t, h.do(createReq(`{}`)), 404, "ResourceNotFoundException", "injected")
	})
}

func TestFailCall(t *testing.T) {
	describe := request{method: "GET", path: "/clusters/demo"}
	list := request{method: "GET", path: "/clusters"}
	statuses := func(h *harness, r request, n int) []int {
		var out []int
		for range n {
			out = append(out, h.do(r).status)
		}
		return out
	}

	t.Run("the nth request from now on", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		h.ok(describe) // numbers count from the FailCall, not from the start
		h.srv.FailCall("DescribeCluster", 3, emulator.Fault{Status: 500, Code: "ServerException"})
		h.do(request{method: "GET", path: "/clusters/demo", noAuth: true}) // unauthenticated: not counted
		h.ok(list)                                                         // other operations: not counted
		if got := statuses(h, describe, 4); !slices.Equal(got, []int{200, 200, 500, 200}) {
			t.Errorf("statuses %v", got)
		}
	})
	t.Run("the answer has the AWS error shape and the usual message", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		for code, f := range map[string]emulator.Fault{
			"ServerException":             {Status: 500, Code: "ServerException"},
			"TooManyRequestsException":    {Status: 429, Code: "TooManyRequestsException"},
			"ServiceUnavailableException": {Status: 503, Code: "ServiceUnavailableException"},
			"ResourceNotFoundException":   {Status: 404, Code: "ResourceNotFoundException", Message: "gone"},
		} {
			h.srv.FailCall("DescribeCluster", 1, f)
			want := map[string]string{
				"ServerException":             "An internal error occurred. Please try again.",
				"TooManyRequestsException":    "Too Many Requests",
				"ServiceUnavailableException": "Service Unavailable",
				"ResourceNotFoundException":   "gone",
			}[code]
			resp := h.do(describe)
			wantError(t, resp, f.Status, code, want)
			if code == "ServerException" && string(resp.body) != `{"message":"`+want+`","clusterName":null,"nodegroupName":null,"addonName":null,"subscriptionId":null}` {
				t.Errorf("body %s lacks the modeled members", resp.body)
			}
		}
	})
	t.Run("all counts every operation", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		h.srv.FailCall(emulator.AllOperations, 2, emulator.Fault{Status: 500, Code: "ServerException"})
		h.ok(describe)
		wantError(t, h.do(list), 500, "ServerException", "An internal error occurred. Please try again.")
		h.ok(list)
	})
	t.Run("Options.Failures count from the start", func(t *testing.T) {
		h := newHarness(t, emulator.Options{Failures: []emulator.CallFault{
			{Op: "DescribeCluster", Call: 2, Fault: emulator.Fault{Status: 429, Code: "TooManyRequestsException"}},
			{Op: "DescribeCluster", Call: 3, Fault: emulator.Fault{Status: 500, Code: "ServerException"}},
		}})
		if got := statuses(h, describe, 4); !slices.Equal(got, []int{200, 429, 500, 200}) {
			t.Errorf("statuses %v", got)
		}
	})
	t.Run("FailNext comes first and still counts", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		h.srv.FailCall("DescribeCluster", 1, emulator.Fault{Status: 500, Code: "ServerException"})
		h.srv.FailNext("DescribeCluster", 404, "ResourceNotFoundException", "queued")
		wantError(t, h.do(describe), 404, "ResourceNotFoundException", "queued")
		h.ok(describe) // request 1 was the queued failure's
	})
	t.Run("typos panic", func(t *testing.T) {
		for name, f := range map[string]func(){
			"FailCall op": func() {
				emulator.New(emulator.Options{}).FailCall("DescribeAcessEntry", 1, emulator.Fault{Reset: true})
			},
			"FailCall n": func() {
				emulator.New(emulator.Options{}).FailCall("DescribeAccessEntry", 0, emulator.Fault{Reset: true})
			},
			"FailCall fault": func() {
				emulator.New(emulator.Options{}).FailCall("DescribeAccessEntry", 1, emulator.Fault{Status: 200})
			},
			"SetHang":          func() { emulator.New(emulator.Options{}).SetHang("describe", true) },
			"Options.Failures": func() { emulator.New(emulator.Options{Failures: []emulator.CallFault{{Op: "x", Call: 1}}}) },
			"Options.Hang":     func() { emulator.New(emulator.Options{Hang: []string{"x"}}) },
		} {
			t.Run(name, func(t *testing.T) {
				defer func() {
					if recover() == nil {
						t.Error("no panic")
					}
				}()
				f()
			})
		}
	})
}

func TestRateLimit(t *testing.T) {
	describe := request{method: "GET", path: "/clusters/demo"}
	h := newHarness(t, emulator.Options{RateLimit: 2, RateBurst: 3})
	for i := range 3 {
		if resp := h.do(describe); resp.status != 200 {
			t.Fatalf("request %d of the burst: %d", i+1, resp.status)
		}
	}
	wantError(t, h.do(describe), 429, "TooManyRequestsException", "Too Many Requests")
	wantError(t, h.do(request{method: "GET", path: "/clusters"}), 429, "TooManyRequestsException", "Too Many Requests") // one bucket for all

	h.clock.Advance(500 * time.Millisecond) // 2 per second: one token back
	h.ok(describe)
	wantError(t, h.do(describe), 429, "TooManyRequestsException", "Too Many Requests")

	h.clock.Advance(time.Hour) // the bucket refills to its burst, no more
	for range 3 {
		h.ok(describe)
	}
	wantError(t, h.do(describe), 429, "TooManyRequestsException", "Too Many Requests")

	h.srv.SetRateLimit(0, 0)
	for range 10 {
		h.ok(describe)
	}

	t.Run("the burst defaults to the rate", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		h.srv.SetRateLimit(2.5, 0)
		var got []int
		for range 4 {
			got = append(got, h.do(describe).status)
		}
		if !slices.Equal(got, []int{200, 200, 200, 429}) {
			t.Errorf("statuses %v", got)
		}
	})
	t.Run("unauthenticated requests take no token", func(t *testing.T) {
		h := newHarness(t, emulator.Options{RateLimit: 1, RateBurst: 1})
		h.do(request{method: "GET", path: "/clusters/demo", key: "EXPIRED"})
		h.ok(describe)
	})
}

func TestRepeatPageToken(t *testing.T) {
	h := newHarness(t, emulator.Options{RepeatPageToken: []string{"ListAccessEntries"}})
	for _, p := range []string{adminRole, aliceUser, nodeRole} {
		h.create("demo", `{"principalArn":"`+p+`"}`)
	}
	first := h.ok(request{method: "GET", path: "/clusters/demo/access-entries?maxResults=1"})
	token := first["nextToken"].(string)
	for range 3 {
		page := h.ok(request{method: "GET", path: "/clusters/demo/access-entries?maxResults=1&nextToken=" + url.QueryEscape(token)})
		if page["nextToken"] != token {
			t.Fatalf("nextToken %v, want the repeated %q", page["nextToken"], token)
		}
		if entries := page["accessEntries"].([]any); len(entries) != 1 || entries[0] != nodeRole {
			t.Errorf("page %v, want the second page again", entries)
		}
	}
	// Even the last page repeats the token it was asked with.
	page := h.ok(request{method: "GET", path: "/clusters/demo/access-entries?maxResults=100&nextToken=" + url.QueryEscape(token)})
	if page["nextToken"] != token {
		t.Errorf("last page: nextToken %v", page["nextToken"])
	}
	// A list that fits on one page gets a token too, to an empty page that
	// carries it again.
	whole := h.ok(request{method: "GET", path: "/clusters/demo/access-entries"})
	end, ok := whole["nextToken"].(string)
	if !ok || len(whole["accessEntries"].([]any)) != 3 {
		t.Fatalf("the whole list: %v", whole)
	}
	page = h.ok(request{method: "GET", path: "/clusters/demo/access-entries?nextToken=" + url.QueryEscape(end)})
	if page["nextToken"] != end || len(page["accessEntries"].([]any)) != 0 {
		t.Errorf("after the end: %v", page)
	}
	// Other lists are unaffected; so is ListAccessEntries once switched off.
	clusters := h.ok(request{method: "GET", path: "/clusters?maxResults=1"})["nextToken"].(string)
	if next := h.ok(request{method: "GET", path: "/clusters?maxResults=1&nextToken=" + url.QueryEscape(clusters)})["nextToken"]; next == clusters {
		t.Error("ListClusters repeated its token")
	}
	h.srv.SetRepeatPageToken("ListAccessEntries", false)
	if next := h.ok(request{method: "GET", path: "/clusters/demo/access-entries?maxResults=1&nextToken=" + url.QueryEscape(token)})["nextToken"]; next == token {
		t.Error("still repeating after SetRepeatPageToken(false)")
	}
	h.srv.SetRepeatPageToken(emulator.AllOperations, true)
	if next := h.ok(request{method: "GET", path: "/clusters?maxResults=1&nextToken=" + url.QueryEscape(clusters)})["nextToken"]; next != clusters {
		t.Errorf("all: ListClusters answered %v", next)
	}
}

// served is an emulator on a real loopback connection, for the faults that
// break connections, with its request log.
func served(t *testing.T, opts emulator.Options) (*emulator.Server, string, <-chan string) {
	t.Helper()
	lines := make(chan string, 100)
	opts.Logf = func(format string, args ...any) { lines <- fmt.Sprintf(format, args...) }
	srv := emulator.New(opts)
	srv.AddCluster("demo", "")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL, lines
}

func get(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250507/"+region+"/eks/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirects, no transparent retry
	if err == nil {
		_ = resp.Body.Close()
	}
	return resp, err
}

func TestHang(t *testing.T) {
	t.Parallel()
	t.Run("until the client gives up", func(t *testing.T) {
		t.Parallel()
		srv, url, log := served(t, emulator.Options{Hang: []string{"DescribeCluster"}})
		// The client gives up once its request is sent (not after a time,
		// which a loaded machine may spend before sending it).
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { cancel() }})
		if _, err := get(ctx, url+"/clusters/demo"); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want the client's giving up", err)
		}
		if line := <-log; !strings.Contains(line, "DescribeCluster -> hung until the client gave up") {
			t.Errorf("log %q", line)
		}
		if resp, err := get(t.Context(), url+"/clusters"); err != nil || resp.StatusCode != 200 {
			t.Errorf("another operation: %v", err)
		}
		<-log
		srv.SetHang("DescribeCluster", false)
		if resp, err := get(t.Context(), url+"/clusters/demo"); err != nil || resp.StatusCode != 200 {
			t.Errorf("after SetHang(false): %v", err)
		}
	})
	t.Run("at most HangMax", func(t *testing.T) {
		t.Parallel()
		_, url, log := served(t, emulator.Options{Hang: []string{emulator.AllOperations}, HangMax: 100 * time.Millisecond})
		begin := time.Now()
		resp, err := get(t.Context(), url+"/clusters/demo")
		if err == nil {
			t.Fatalf("answered %d", resp.StatusCode)
		}
		if d := time.Since(begin); d < 100*time.Millisecond {
			t.Errorf("dropped after %v, want HangMax", d)
		}
		// the log says HangMax ended it (no upper bound in seconds: a loaded
		// machine is slow; a hang without HangMax would never end at all)
		if line := <-log; !strings.Contains(line, "hung for 100ms, then dropped the connection") {
			t.Errorf("log %q", line)
		}
	})
	t.Run("one numbered request", func(t *testing.T) {
		t.Parallel()
		srv, url, _ := served(t, emulator.Options{HangMax: 50 * time.Millisecond})
		srv.FailCall("DescribeCluster", 1, emulator.Fault{Hang: true})
		if _, err := get(t.Context(), url+"/clusters/demo"); err == nil {
			t.Error("the hung request was answered")
		}
		if resp, err := get(t.Context(), url+"/clusters/demo"); err != nil || resp.StatusCode != 200 {
			t.Errorf("the next request: %v", err)
		}
	})
}

func TestReset(t *testing.T) {
	t.Parallel()
	srv, url, log := served(t, emulator.Options{})
	srv.FailCall("DescribeCluster", 1, emulator.Fault{Reset: true})
	_, err := get(t.Context(), url+"/clusters/demo")
	if reset := errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF); !reset {
		t.Errorf("error %v, want a connection reset", err)
	}
	if line := <-log; !strings.Contains(line, "DescribeCluster -> connection reset") {
		t.Errorf("log %q", line)
	}
	if resp, err := get(t.Context(), url+"/clusters/demo"); err != nil || resp.StatusCode != 200 {
		t.Errorf("the next request: %v", err)
	}
}

func TestParseFault(t *testing.T) {
	tests := []struct {
		in      string
		want    emulator.Fault
		wantErr string
	}{
		{in: "500", want: emulator.Fault{Status: 500, Code: "ServerException"}},
		{in: "429", want: emulator.Fault{Status: 429, Code: "TooManyRequestsException"}},
		{in: "503", want: emulator.Fault{Status: 503, Code: "ServiceUnavailableException"}},
		{in: "reset", want: emulator.Fault{Reset: true}},
		{in: "hang", want: emulator.Fault{Hang: true}},
		{in: "400:InvalidParameterException", want: emulator.Fault{Status: 400, Code: "InvalidParameterException"}},
		{in: "409:ResourceInUseException:busy: try later", want: emulator.Fault{Status: 409, Code: "ResourceInUseException", Message: "busy: try later"}},
		{in: "404", wantErr: `fault "404": use 500, 429, 503, reset, hang or STATUS:CODE[:MESSAGE]`},
		{in: "x:ServerException", wantErr: `"x" is not an HTTP status`},
		{in: "200:OK", wantErr: "an error status is 400-599"},
		{in: "500:", wantErr: "an AWS error code"},
		{in: "500:server error", wantErr: "an AWS error code"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := emulator.ParseFault(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestParseCallFault(t *testing.T) {
	tests := []struct {
		in      string
		want    emulator.CallFault
		wantErr string
	}{
		{in: "DescribeAccessEntry:3:500", want: emulator.CallFault{Op: "DescribeAccessEntry", Call: 3, Fault: emulator.Fault{Status: 500, Code: "ServerException"}}},
		{in: "all:1:reset", want: emulator.CallFault{Op: "all", Call: 1, Fault: emulator.Fault{Reset: true}}},
		{in: "GetCallerIdentity:2:403:AccessDenied:no", want: emulator.CallFault{Op: "GetCallerIdentity", Call: 2, Fault: emulator.Fault{Status: 403, Code: "AccessDenied", Message: "no"}}},
		{in: "DescribeAccessEntry:3", wantErr: "want OP:N:FAULT"},
		{in: "describe:3:500", wantErr: `unknown operation "describe": use all or one of AssociateAccessPolicy, `},
		{in: "DescribeAccessEntry:0:500", wantErr: `the request number "0" must be 1 or more`},
		{in: "DescribeAccessEntry:x:500", wantErr: `the request number "x" must be 1 or more`},
		{in: "DescribeAccessEntry:1:boom", wantErr: `fault "boom"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := emulator.ParseCallFault(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestOperations(t *testing.T) {
	ops := emulator.Operations()
	if len(ops) != 24 || !slices.IsSorted(ops) || !slices.Contains(ops, "GetCallerIdentity") || slices.Contains(ops, "") {
		t.Errorf("Operations() = %v", ops)
	}
}
