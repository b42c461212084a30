package emulator_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// The entry every fuzzed request finds in cluster "demo", with a policy and
// a tag, so that describe, update, delete, policy and tag routes reach
// their handlers.
const (
	fuzzHost      = "eks.us-west-2.amazonaws.com"
	fuzzPrincipal = "arn:aws:iam::111122223333:role/dev/admin"
)

// FuzzServeHTTP sends the emulator one request made of a fuzzed method,
// request target (path and query, escaped as on the wire), body and
// credential, parsed by net/http's own request reader as a server would,
// then checks the answer and the state it leaves:
//
//   - nothing panics; every answer is the emulator's own (an
//     x-amzn-RequestId, a 200 or an error status), never a redirect or a
//     405 from the router;
//   - a rest-json answer is JSON, an error one with X-Amzn-Errortype and a
//     message; an STS answer is well-formed XML;
//   - a request without a credential is refused with 403;
//   - the request is recorded as received (its body may be left out when
//     it is refused at authentication, or cut when long);
//   - afterwards every listed entry of every cluster can be described by
//     its principal ARN, escaped as the SDKs escape it, with groups and
//     tags as [] and {} rather than null.
//
// auth selects the credential: 0 none, 1 SigV4 for eks, 2 SigV4 for sts
// (both with key as the access key id), 3 key as the whole Authorization
// header.
func FuzzServeHTTP(f *testing.F) {
	f.Fuzz(func(t *testing.T, method, target string, body []byte, auth uint8, key string) {
		req, ok := readRequest(method, target, body, auth, key)
		if !ok {
			return // net/http answers 400 before any handler runs
		}
		req = req.WithContext(t.Context())
		srv := fuzzServer(t)
		before := len(srv.Requests())

		resp := serve(srv, req)
		checkAnswer(t, req, resp)
		if !signed(req) && resp.status != http.StatusForbidden {
			t.Errorf("%s %s without a credential: status %d, want 403\n%s", method, target, resp.status, resp.body)
		}
		reqs := srv.Requests()
		if len(reqs) != before+1 {
			t.Fatalf("%d requests recorded for one", len(reqs)-before)
		}
		got := reqs[len(reqs)-1]
		if got.Method != req.Method || got.Path != req.URL.Path {
			t.Errorf("recorded %s %q, want %s %q", got.Method, got.Path, req.Method, req.URL.Path)
		}
		// The log may keep no body for a request refused at authentication,
		// and only the beginning of a long one.
		whole := bytes.Equal(got.Body, body)
		refused := got.Body == nil && resp.status == http.StatusForbidden
		cut := len(got.Body) >= 4<<10 && bytes.HasPrefix(body, got.Body)
		if !whole && !refused && !cut {
			t.Errorf("recorded body %q, want %q", got.Body, body)
		}
		checkState(t, srv)
	})
}

// readRequest builds the request as net/http's server reads it off the
// wire; ok is false when net/http would not accept it.
func readRequest(method, target string, body []byte, auth uint8, key string) (*http.Request, bool) {
	var raw strings.Builder
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, fuzzHost)
	switch auth % 4 {
	case 1, 2:
		service := "eks"
		if auth%4 == 2 {
			service = "sts"
		}
		fmt.Fprintf(&raw, "Authorization: AWS4-HMAC-SHA256 Credential=%s/20250507/us-west-2/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef\r\n", key, service)
	case 3:
		fmt.Fprintf(&raw, "Authorization: %s\r\n", key)
	}
	if len(body) > 0 {
		ct := "application/json"
		if strings.HasPrefix(target, "/?") || target == "/" {
			ct = "application/x-www-form-urlencoded; charset=utf-8"
		}
		fmt.Fprintf(&raw, "Content-Type: %s\r\nContent-Length: %d\r\n", ct, len(body))
	}
	raw.WriteString("\r\n")
	raw.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
	if err != nil || req.Method != method {
		return nil, false
	}
	return req, true
}

// fuzzServer is an emulator with a cluster per authentication mode and one
// entry, with a policy and a tag, in "demo".
func fuzzServer(t *testing.T) *emulator.Server {
	t.Helper()
	now := time.UnixMilli(1746578565453)
	srv := emulator.New(emulator.Options{Seed: 1, Now: func() time.Time { return now }})
	srv.AddCluster("demo", "")
	srv.AddCluster("api", "API")
	srv.AddCluster("legacy", "CONFIG_MAP")
	entry := "/clusters/demo/access-entries/" + sdkEscape(fuzzPrincipal)
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/clusters/demo/access-entries", `{"principalArn":"` + fuzzPrincipal + `","kubernetesGroups":["dev"],"tags":{"team":"a"}}`},
		{"POST", entry + "/access-policies", `{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy","accessScope":{"type":"namespace","namespaces":["dev"]}}`},
	} {
		if resp := serve(srv, signedRequest(t.Context(), r.method, r.path, r.body)); resp.status != http.StatusOK {
			t.Fatalf("seeding %s %s: %d %s", r.method, r.path, resp.status, resp.body)
		}
	}
	srv.ResetRequests()
	return srv
}

func signedRequest(ctx context.Context, method, path, body string) *http.Request {
	req := httptest.NewRequestWithContext(ctx, method, "http://"+fuzzHost+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250507/us-west-2/eks/aws4_request, SignedHeaders=host, Signature=0")
	return req
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func serve(srv *emulator.Server, req *http.Request) answer {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// signed reports whether req carries a SigV4 credential in either place.
func signed(req *http.Request) bool {
	return req.Header.Get("Authorization") != "" || req.URL.Query().Get("X-Amz-Credential") != ""
}

// checkAnswer checks that resp is a well-formed emulator answer.
func checkAnswer(t *testing.T, req *http.Request, resp answer) {
	t.Helper()
	where := req.Method + " " + req.RequestURI
	if resp.header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("%s: answer %d without x-amzn-RequestId, not the emulator's: %q", where, resp.status, resp.body)
	}
	if resp.status != http.StatusOK && (resp.status < 400 || resp.status > 599) {
		t.Fatalf("%s: status %d", where, resp.status)
	}
	switch ct := resp.header.Get("Content-Type"); ct {
	case "text/xml":
		checkXML(t, where, resp.body)
	case "application/json":
		var doc map[string]any
		if err := json.Unmarshal(resp.body, &doc); err != nil {
			t.Fatalf("%s: answer is not a JSON object: %v\n%q", where, err, resp.body)
		}
		if resp.status == http.StatusOK {
			checkEntryShape(t, where, doc["accessEntry"])
			return
		}
		if _, ok := doc["message"].(string); !ok || resp.header.Get("X-Amzn-Errortype") == "" {
			t.Fatalf("%s: error %d without X-Amzn-Errortype or message: %q", where, resp.status, resp.body)
		}
	default:
		t.Fatalf("%s: Content-Type %q", where, ct)
	}
}

// checkXML checks that body is one well-formed XML document.
func checkXML(t *testing.T, where string, body []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(body))
	var root string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: answer is not well-formed XML: %v\n%q", where, err, body)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "GetCallerIdentityResponse" && root != "ErrorResponse" {
		t.Fatalf("%s: XML answer has root %q\n%q", where, root, body)
	}
}

// checkEntryShape checks an accessEntry of an answer, when there is one:
// EKS always sends its groups and tags, as [] and {} when empty.
func checkEntryShape(t *testing.T, where string, v any) {
	t.Helper()
	if v == nil {
		return
	}
	e, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: accessEntry is %#v", where, v)
	}
	_, groups := e["kubernetesGroups"].([]any)
	_, tags := e["tags"].(map[string]any)
	_, arn := e["principalArn"].(string)
	if !groups || !tags || !arn {
		t.Fatalf("%s: accessEntry without principalArn, kubernetesGroups or tags: %#v", where, e)
	}
}

// checkState lists every cluster's entries and describes each one by its
// principal ARN escaped as the SDKs escape a path label.
func checkState(t *testing.T, srv *emulator.Server) {
	t.Helper()
	for _, cluster := range []string{"demo", "api"} {
		resp := serve(srv, signedRequest(t.Context(), "GET", "/clusters/"+cluster+"/access-entries", ""))
		if resp.status != http.StatusOK {
			t.Fatalf("list entries of %s afterwards: %d %s", cluster, resp.status, resp.body)
		}
		var list struct {
			AccessEntries []string `json:"accessEntries"`
		}
		if err := json.Unmarshal(resp.body, &list); err != nil {
			t.Fatalf("list entries of %s afterwards: %v", cluster, err)
		}
		if !slices.IsSorted(list.AccessEntries) {
			t.Errorf("entries of %s are not sorted: %q", cluster, list.AccessEntries)
		}
		for _, p := range list.AccessEntries {
			path := "/clusters/" + cluster + "/access-entries/" + sdkEscape(p)
			resp := serve(srv, signedRequest(t.Context(), "GET", path, ""))
			if resp.status != http.StatusOK {
				t.Fatalf("entry %q is listed in %s, but GET %s answers %d %s", p, cluster, path, resp.status, resp.body)
			}
			var doc map[string]any
			if err := json.Unmarshal(resp.body, &doc); err != nil {
				t.Fatalf("describe %q: %v", p, err)
			}
			checkEntryShape(t, "describe "+p, doc["accessEntry"])
			if got := doc["accessEntry"].(map[string]any)["principalArn"]; got != p {
				t.Errorf("GET %s describes %q", path, got)
			}
		}
	}
}

// sdkEscape escapes s as one path segment the way the AWS SDKs escape a
// URI label: every byte but A-Z a-z 0-9 - . _ ~ as %XX.
func sdkEscape(s string) string {
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
