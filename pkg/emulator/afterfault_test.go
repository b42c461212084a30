package emulator_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// TestFailAfter: the write takes effect, then the error is answered; the
// next request of the operation is normal again.
func TestFailAfter(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	const dev = "arn:aws:iam::111122223333:role/dev"
	h.create("demo", `{"principalArn":"`+dev+`"}`)
	h.create("demo", `{"principalArn":"arn:aws:iam::111122223333:role/ops"}`)
	h.srv.FailAfter("DeleteAccessEntry", 500, "ServerException", "lost the answer")

	del := request{method: "DELETE", path: entryPath("demo", dev)}
	wantError(t, h.do(del), 500, "ServerException", "lost the answer")
	wantError(t, h.do(request{method: "GET", path: entryPath("demo", dev)}), 404, "ResourceNotFoundException", "...")
	wantError(t, h.do(del), 404, "ResourceNotFoundException", "...") // the retry finds nothing
	h.ok(request{method: "DELETE", path: entryPath("demo", "arn:aws:iam::111122223333:role/ops")})
}

// TestFailAfterKeepsAnOwnFailure: a request that fails by itself uses the
// fault up and keeps its own answer.
func TestFailAfterKeepsAnOwnFailure(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	h.srv.FailAfter("DeleteAccessEntry", 500, "ServerException", "lost the answer")
	del := request{method: "DELETE", path: entryPath("demo", "arn:aws:iam::111122223333:role/none")}
	wantError(t, h.do(del), 404, "ResourceNotFoundException", "...")
	wantError(t, h.do(del), 404, "ResourceNotFoundException", "...")
}

// TestResetAfter: the write takes effect and the connection is reset
// without an answer.
func TestResetAfter(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	const dev = "arn:aws:iam::111122223333:role/dev"
	h.create("demo", `{"principalArn":"`+dev+`"}`)
	h.srv.ResetAfter("DeleteAccessEntry")
	hs := httptest.NewServer(h.srv)
	t.Cleanup(hs.Close)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete, hs.URL+entryPath("demo", dev), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250507/"+region+"/eks/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef")
	resp, err := hs.Client().Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("answered %s, want a reset connection", resp.Status)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Logf("error is %v (not ECONNRESET, but the connection closed without an answer)", err)
	}
	wantError(t, h.do(request{method: "GET", path: entryPath("demo", dev)}), 404, "ResourceNotFoundException", "...")
}
