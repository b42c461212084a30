package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// Fixtures shared by the tests. The clock starts at the instant of the
// reference's CreateAccessEntry example, 1746578565.453.
const (
	account   = "111122223333"
	region    = "us-west-2"
	adminRole = "arn:aws:iam::111122223333:role/dev/admin"
	nodeRole  = "arn:aws:iam::111122223333:role/node"
	aliceUser = "arn:aws:iam::111122223333:user/alice"
	viewARN   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	editARN   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
	autoARN   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy"
)

var start = time.UnixMilli(1746578565453)

// clock is a settable time source for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness is an emulator with three clusters, a fake clock and helpers to
// send signed-looking requests to it without a network.
type harness struct {
	t     *testing.T
	srv   *emulator.Server
	clock *clock
}

func newHarness(t *testing.T, opts emulator.Options) *harness {
	t.Helper()
	clk := &clock{now: start}
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	srv := emulator.New(opts)
	srv.AddCluster("demo", "")
	srv.AddCluster("api", "API")
	srv.AddCluster("legacy", "CONFIG_MAP")
	return &harness{t: t, srv: srv, clock: clk}
}

// with returns the harness reporting to t, for use in subtests.
func (h *harness) with(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

// request describes one HTTP call. Path is sent as is, so it must already
// be escaped (see entryPath).
type request struct {
	method string
	path   string
	body   string
	key    string // access key id; default "AKIDEXAMPLE"
	noAuth bool
	header map[string]string
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (h *harness) do(r request) response {
	h.t.Helper()
	req := httptest.NewRequestWithContext(h.t.Context(), r.method, "http://eks."+region+".amazonaws.com"+r.path, strings.NewReader(r.body))
	service := "eks"
	if r.path == "/" || strings.HasPrefix(r.path, "/?") {
		service = "sts"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	} else if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if !r.noAuth {
		key := r.key
		if key == "" {
			key = "AKIDEXAMPLE"
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+key+"/20250507/"+region+"/"+service+
			"/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef")
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// ok sends r and fails the test unless it succeeds; it returns the decoded body.
func (h *harness) ok(r request) map[string]any {
	h.t.Helper()
	resp := h.do(r)
	if resp.status != http.StatusOK {
		h.t.Fatalf("%s %s: status %d, want 200; body %s", r.method, r.path, resp.status, resp.body)
	}
	return decode(h.t, resp.body)
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, b)
	}
	return v
}

// escape percent-encodes an ARN as one path segment, the way the SDKs do
// (':' as %3A, '/' as %2F).
func escape(arn string) string {
	return strings.ReplaceAll(url.PathEscape(arn), ":", "%3A")
}

func entryPath(cluster, principal string) string {
	return "/clusters/" + cluster + "/access-entries/" + escape(principal)
}

func tagsPath(arn string) string { return "/tags/" + escape(arn) }

// create makes an access entry and returns its decoded "accessEntry".
func (h *harness) create(cluster, body string) map[string]any {
	h.t.Helper()
	return h.ok(request{method: "POST", path: "/clusters/" + cluster + "/access-entries", body: body})["accessEntry"].(map[string]any)
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// wantError checks an EKS error response: status, X-Amzn-Errortype and
// message (exact unless it ends in "...", then a prefix).
func wantError(t *testing.T, resp response, status int, code, message string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status %d, want %d; body %s", resp.status, status, resp.body)
	}
	if got := resp.header.Get("X-Amzn-Errortype"); got != code {
		t.Errorf("X-Amzn-Errortype %q, want %q", got, code)
	}
	var body struct {
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil || body.Message == nil {
		t.Fatalf("error body has no message: %s", resp.body)
	}
	if prefix, ok := strings.CutSuffix(message, "..."); ok {
		if !strings.HasPrefix(*body.Message, prefix) {
			t.Errorf("message %q, want prefix %q", *body.Message, prefix)
		}
	} else if *body.Message != message {
		t.Errorf("message\n got %q\nwant %q", *body.Message, message)
	}
}
