package eksapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

// newRealClient is a client built the way the CLI builds it (LoadConfig:
// retry policy, attempt timeout), against url.
func newRealClient(t *testing.T, url string, c eksapi.Config, env map[string]string) *eksapi.Client {
	t.Helper()
	isolate(t, env)
	c.Region, c.EndpointURL = "us-west-2", url
	client, err := eksapi.New(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func countOps(srv *emulator.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// TestReadsGetMoreAttemptsThanWrites: by default a read keeps trying
// (ReadAttempts), a write gives up sooner (WriteAttempts).
func TestReadsGetMoreAttemptsThanWrites(t *testing.T) {
	srv, hs := emutest.Start(t, emulator.Options{})
	c := newRealClient(t, hs.URL, eksapi.Config{}, nil)
	p := principal(t, "arn:aws:iam::111122223333:role/dev")
	if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	for range 5 {
		srv.FailNext("DescribeAccessEntry", 500, "ServerException", "try again")
	}
	if _, err := c.DescribeEntry(t.Context(), "demo", p); err != nil {
		t.Errorf("describe gave up after %d attempts: %v", countOps(srv, "DescribeAccessEntry"), err)
	}
	if n := countOps(srv, "DescribeAccessEntry"); n != 6 {
		t.Errorf("%d DescribeAccessEntry attempts, want 6", n)
	}

	for range eksapi.WriteAttempts {
		srv.FailNext("UpdateAccessEntry", 500, "ServerException", "try again")
	}
	_, err := c.UpdateEntry(t.Context(), "demo", p, []string{"ops"}, "")
	if !errors.Is(err, eksapi.ErrThrottled) {
		t.Errorf("update: err = %v, want ErrThrottled", err)
	}
	if n := countOps(srv, "UpdateAccessEntry"); n != eksapi.WriteAttempts {
		t.Errorf("%d UpdateAccessEntry attempts, want %d", n, eksapi.WriteAttempts)
	}
}

// TestSetAttemptsApplyToEveryCall: --max-attempts (or AWS_MAX_ATTEMPTS) is
// exact, reads included.
func TestSetAttemptsApplyToEveryCall(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    eksapi.Config
		env  map[string]string
		want int
	}{
		{name: "flag", c: eksapi.Config{MaxAttempts: 2}, want: 2},
		{name: "environment", env: map[string]string{"AWS_MAX_ATTEMPTS": "1"}, want: 1},
		{name: "flag over environment", c: eksapi.Config{MaxAttempts: 3}, env: map[string]string{"AWS_MAX_ATTEMPTS": "1"}, want: 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, hs := emutest.Start(t, emulator.Options{})
			c := newRealClient(t, hs.URL, tt.c, tt.env)
			for range 5 {
				srv.FailNext("ListAccessEntries", 500, "ServerException", "try again")
			}
			_, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{})
			if !errors.Is(err, eksapi.ErrThrottled) {
				t.Errorf("err = %v, want ErrThrottled", err)
			}
			if n := countOps(srv, "ListAccessEntries"); n != tt.want {
				t.Errorf("%d attempts, want %d", n, tt.want)
			}
		})
	}
}

// TestNoClientWideRetryQuota: every call has its own retries. The SDK's
// default quota (500 tokens, 14 a retry of a server error that is not
// refunded) would refuse retries from the 36th such call on.
func TestNoClientWideRetryQuota(t *testing.T) {
	srv, hs := emutest.Start(t, emulator.Options{})
	c := newRealClient(t, hs.URL, eksapi.Config{}, nil)
	for i := range 40 {
		srv.FailNext("ListAccessEntries", 500, "ServerException", "try again")
		srv.FailNext("ListAccessEntries", 500, "ServerException", "try again")
		if _, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{}); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
}

// TestAttemptTimeout: a request that never gets an answer costs one
// attempt, which the client abandons on its own, then the call is retried
// and succeeds. The call's deadline is only a guard: without the attempt
// timeout the call would wait for the black hole until it ends.
func TestAttemptTimeout(t *testing.T) {
	srv, _ := emutest.Start(t, emulator.Options{})
	var seen atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) == 1 {
			<-r.Context().Done() // black hole: the client must give up on its own
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	c := newRealClient(t, hs.URL, eksapi.Config{AttemptTimeout: 300 * time.Millisecond}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	start := time.Now()
	if _, err := c.ListEntries(ctx, "demo", eksapi.ListOptions{}); err != nil {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
	// 2: the black hole's and the answered retry. (A machine so loaded
	// that an answer takes over the attempt timeout retries once more.)
	if n := seen.Load(); n < 2 {
		t.Errorf("%d requests, want the black hole's and a retry", n)
	}
}

// TestActivityCountsWhatWasSent: reads and writes apart, retries included.
func TestActivityCountsWhatWasSent(t *testing.T) {
	srv, hs := emutest.Start(t, emulator.Options{})
	var a eksapi.Activity
	c := newRealClient(t, hs.URL, eksapi.Config{Activity: &a}, nil)
	if _, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if a.Sent() != 1 || a.Writes() != 0 {
		t.Errorf("after a list: sent %d, writes %d", a.Sent(), a.Writes())
	}
	srv.FailNext("CreateAccessEntry", 500, "ServerException", "try again")
	if _, err := c.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: principal(t, "arn:aws:iam::111122223333:role/dev")}); err != nil {
		t.Fatal(err)
	}
	if a.Sent() != 3 || a.Writes() != 2 {
		t.Errorf("after a create retried once: sent %d, writes %d, want 3 and 2", a.Sent(), a.Writes())
	}
}
