package emulator_test

import (
	"fmt"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// recorded sums what the recorded requests hold.
func recorded(srv *emulator.Server) (n, bodyBytes, maxBody int) {
	for _, r := range srv.Requests() {
		n++
		bodyBytes += len(r.Body)
		maxBody = max(maxBody, len(r.Body))
	}
	return n, bodyBytes, maxBody
}

// describeWith is a DescribeCluster request (which reads no body) with the
// given body: cheap to answer, so the tests can send many.
func describeWith(body string) request {
	return request{method: "GET", path: "/clusters/demo", body: body}
}

func TestRequestsStayBounded(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 20<<10)

	t.Run("defaults: bodies capped, total capped", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		for range 1500 {
			h.do(describeWith(big))
		}
		n, bodyBytes, maxBody := recorded(h.srv)
		if maxBody > 16<<10 {
			t.Errorf("a recorded body has %d bytes, want at most 16 KiB", maxBody)
		}
		if bodyBytes > 16<<20 {
			t.Errorf("recorded bodies hold %d bytes, want at most 16 MiB", bodyBytes)
		}
		if n < 900 || n > 1100 {
			t.Errorf("%d requests recorded", n)
		}
		last := h.srv.Requests()[n-1]
		if last.BodySize != len(big) || string(last.Body) != big[:16<<10] {
			t.Errorf("last request: BodySize %d, body %d bytes", last.BodySize, len(last.Body))
		}
	})
	t.Run("count: the most recent, in order", func(t *testing.T) {
		h := newHarness(t, emulator.Options{RecordLimit: 5})
		for i := range 23 {
			h.do(request{method: "GET", path: fmt.Sprintf("/clusters/c%d", i)})
		}
		var paths []string
		for _, r := range h.srv.Requests() {
			paths = append(paths, r.Path)
		}
		if got := strings.Join(paths, " "); got != "/clusters/c18 /clusters/c19 /clusters/c20 /clusters/c21 /clusters/c22" {
			t.Errorf("recorded %s", got)
		}
	})
	t.Run("bytes: the oldest go first", func(t *testing.T) {
		h := newHarness(t, emulator.Options{RecordBodyLimit: 1000, RecordBytes: 10 << 10})
		for range 100 {
			h.do(describeWith(big))
		}
		if n, bodyBytes, maxBody := recorded(h.srv); n < 5 || n > 10 || bodyBytes > 10<<10 || maxBody != 1000 {
			t.Errorf("%d requests, %d body bytes, largest %d", n, bodyBytes, maxBody)
		}
	})
	t.Run("none", func(t *testing.T) {
		h := newHarness(t, emulator.Options{RecordLimit: -1})
		h.ok(request{method: "GET", path: "/clusters/demo"})
		if n := len(h.srv.Requests()); n != 0 {
			t.Errorf("%d requests recorded", n)
		}
	})
	t.Run("no body from unauthenticated requests", func(t *testing.T) {
		big := `{"principalArn":"` + strings.Repeat("x", 1<<20-40) + `"}` // just under the 1 MiB request limit
		h := newHarness(t, emulator.Options{})
		h.do(request{method: "POST", path: "/clusters/demo/access-entries", body: big, noAuth: true})
		h.do(request{method: "POST", path: "/clusters/demo/access-entries", body: big, key: "EXPIRED"})
		h.do(request{method: "POST", path: "/clusters/demo/access-entries", body: `{}`, key: "DENIED"})
		for i, r := range h.srv.Requests() {
			if r.Body != nil || r.Op != "CreateAccessEntry" {
				t.Errorf("request %d: Op %q, %d body bytes recorded", i, r.Op, len(r.Body))
			}
			if i < 2 && r.BodySize != len(big) {
				t.Errorf("request %d: BodySize %d", i, r.BodySize)
			}
		}
	})
}

// TestRecordingMemory is the reported case: 1 MiB requests used to be kept
// whole, forever (12 MB -> 816 MB after 600 requests). Not parallel: it
// reads the heap.
func TestRecordingMemory(t *testing.T) {
	big := strings.Repeat("x", 1<<20) // the most the emulator reads
	h := newHarness(t, emulator.Options{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 100 {
		h.do(describeWith(big))
		h.do(request{method: "PUT", path: "/nowhere", body: big, noAuth: true})
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 40<<20 {
		t.Errorf("the heap grew by %d MiB over 200 requests of 1 MiB", grown>>20)
	}
	runtime.KeepAlive(h)
}

// BenchmarkServeMemory reports what each request leaves on the heap once
// the request log is full (retained-B/op), besides its allocations.
func BenchmarkServeMemory(b *testing.B) {
	for _, size := range []int{1 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("body=%dKiB", size>>10), func(b *testing.B) {
			body := strings.Repeat("x", size)
			srv := emulator.New(emulator.Options{})
			srv.AddCluster("demo", "")
			send := func() {
				req := httptest.NewRequestWithContext(b.Context(), "GET", "http://eks.us-west-2.amazonaws.com/clusters/demo", strings.NewReader(body))
				req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250507/us-west-2/eks/aws4_request, SignedHeaders=host, Signature=00")
				srv.ServeHTTP(httptest.NewRecorder(), req)
			}
			for range 12000 { // fill the log: what stays from now on is the steady state
				send()
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.ReportAllocs()
			for b.Loop() {
				send()
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(b.N), "retained-B/op")
		})
	}
}

func TestIdempotencyTokensExpire(t *testing.T) {
	body := func(principal, token string) string {
		return `{"principalArn":"` + principal + `","clientRequestToken":"` + token + `"}`
	}
	t.Run("after a day", func(t *testing.T) {
		h := newHarness(t, emulator.Options{})
		first := h.do(createReq(body(adminRole, "tok")))
		h.clock.Advance(24*time.Hour - time.Millisecond)
		if again := h.do(createReq(body(adminRole, "tok"))); again.status != 200 || string(again.body) != string(first.body) {
			t.Errorf("within a day: %d %s, want the replay", again.status, again.body)
		}
		wantError(t, h.do(createReq(body(aliceUser, "tok"))), 400, "InvalidParameterException", "The clientRequestToken tok was already used with different parameters.")
		h.clock.Advance(time.Millisecond)
		// Forgotten: the same request is a new one (and the entry exists)...
		wantError(t, h.do(createReq(body(adminRole, "tok"))), 409, "ResourceInUseException", "The specified access entry resource is already in use on this cluster.")
		// ...and the token is free for other parameters.
		h.create("demo", body(aliceUser, "tok"))
	})
	t.Run("IdempotencyTTL", func(t *testing.T) {
		h := newHarness(t, emulator.Options{IdempotencyTTL: time.Minute})
		h.create("demo", body(adminRole, "tok"))
		h.clock.Advance(time.Minute)
		h.create("demo", body(aliceUser, "tok"))
	})
	t.Run("at most MaxIdempotencyTokens, the oldest forgotten first", func(t *testing.T) {
		h := newHarness(t, emulator.Options{MaxIdempotencyTokens: 2})
		for i := range 3 {
			h.create("demo", body(fmt.Sprintf("arn:aws:iam::111122223333:role/r%d", i), fmt.Sprint("tok-", i)))
		}
		h.create("demo", body(aliceUser, "tok-0")) // forgotten
		wantError(t, h.do(createReq(body(nodeRole, "tok-2"))), 400, "InvalidParameterException", "The clientRequestToken tok-2 was already used with different parameters.")
	})
}

func TestBodyLimit(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	tooBig := `{"principalArn":"` + strings.Repeat("x", 1<<20) + `"}`
	wantError(t, h.do(createReq(tooBig)), 400, "SerializationException", "Unable to read the request body: http: request body too large")
	if r := h.srv.Requests()[0]; r.BodySize != 1<<20 {
		t.Errorf("BodySize %d, want the 1 MiB read", r.BodySize)
	}
}
