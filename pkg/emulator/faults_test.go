package emulator_test

import (
	"slices"
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
