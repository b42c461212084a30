package emulator_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/smithy-go"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// The fault knobs against aws-sdk-go-v2's own retryers (standard and
// adaptive, real jitter, backoff capped so the tests stay fast): what a
// client built on the SDK sees.

// retryingClient is an EKS client making up to attempts attempts per call.
func retryingClient(url string, attempts int, adaptive bool) *eks.Client {
	return eks.NewFromConfig(sdkConfig(url, "AKIDEXAMPLE"), func(o *eks.Options) {
		o.RetryMaxAttempts = attempts
		standard := func(so *retry.StandardOptions) {
			so.MaxAttempts = attempts
			so.MaxBackoff = 50 * time.Millisecond
		}
		if adaptive {
			o.Retryer = retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
				ao.StandardOptions = append(ao.StandardOptions, standard)
			})
		} else {
			o.Retryer = retry.NewStandard(standard)
		}
	})
}

func TestFaultsThroughTheSDKRetryer(t *testing.T) {
	t.Parallel()
	describe := func(c *eks.Client, t *testing.T) error {
		_, err := c.DescribeAccessEntry(t.Context(), &eks.DescribeAccessEntryInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole)})
		return err
	}
	tests := []struct {
		name     string
		fault    emulator.Fault
		attempts int
		wantCode string // "" for success
		requests int
	}{
		{name: "500 on the 1st, 3 attempts: success", fault: emulator.Fault{Status: 500, Code: "ServerException"}, attempts: 3, requests: 2},
		{name: "429 on the 1st, 3 attempts: success", fault: emulator.Fault{Status: 429, Code: "TooManyRequestsException"}, attempts: 3, requests: 2},
		{name: "503 on the 1st, 3 attempts: success", fault: emulator.Fault{Status: 503, Code: "ServiceUnavailableException"}, attempts: 3, requests: 2},
		{name: "reset on the 1st, 3 attempts: success", fault: emulator.Fault{Reset: true}, attempts: 3, requests: 2},
		{name: "hang on the 1st, dropped at HangMax, 3 attempts: success", fault: emulator.Fault{Hang: true}, attempts: 3, requests: 2},
		{name: "500 on the 1st, 1 attempt: the error", fault: emulator.Fault{Status: 500, Code: "ServerException"}, attempts: 1, wantCode: "ServerException", requests: 1},
		{name: "404 is not retried", fault: emulator.Fault{Status: 404, Code: "ResourceNotFoundException"}, attempts: 3, wantCode: "ResourceNotFoundException", requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.New(emulator.Options{HangMax: 100 * time.Millisecond})
			srv.AddCluster("demo", "")
			ts := httptest.NewServer(srv)
			t.Cleanup(ts.Close)
			c := retryingClient(ts.URL, tt.attempts, false)
			if _, err := c.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole)}); err != nil {
				t.Fatal(err)
			}
			srv.ResetRequests()
			srv.FailCall("DescribeAccessEntry", 1, tt.fault)

			err := describe(c, t)
			var apiErr smithy.APIError
			switch {
			case tt.wantCode == "" && err != nil:
				t.Errorf("describe: %v", err)
			case tt.wantCode != "" && (!errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.wantCode):
				t.Errorf("describe: %v, want %s", err, tt.wantCode)
			}
			if n := len(srv.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

// TestRateLimitThroughTheSDK: a client that retries throttling with the
// adaptive retryer (eksaccess's) gets through a rate-limited endpoint with
// no failure, and the limit was really hit. (The standard retryer with a
// short backoff does not: its retries exhaust its retry quota.)
func TestRateLimitThroughTheSDK(t *testing.T) {
	t.Parallel()
	testRateLimit(t, true)
}

func testRateLimit(t *testing.T, adaptive bool) {
	const entries, rps = 40, 50
	var throttled atomic.Int64
	srv := emulator.New(emulator.Options{
		Logf: func(format string, args ...any) {
			if line := fmt.Sprintf(format, args...); strings.Contains(line, "-> 429 TooManyRequestsException") {
				throttled.Add(1)
			}
		},
		Now: frozenUntil(func() bool { return throttled.Load() > 0 }),
	})
	srv.AddCluster("demo", "")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	c := retryingClient(ts.URL, 10, adaptive)
	for i := range entries {
		if _, err := c.CreateAccessEntry(t.Context(), &eks.CreateAccessEntryInput{
			ClusterName: aws.String("demo"), PrincipalArn: aws.String(fmt.Sprintf("arn:aws:iam::111122223333:role/r%03d", i)),
		}); err != nil {
			t.Fatal(err)
		}
	}

	srv.SetRateLimit(rps, 10)
	begin := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, entries)
	sem := make(chan struct{}, 8)
	for i := range entries {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := c.DescribeAccessEntry(t.Context(), &eks.DescribeAccessEntryInput{
				ClusterName: aws.String("demo"), PrincipalArn: aws.String(fmt.Sprintf("arn:aws:iam::111122223333:role/r%03d", i)),
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	elapsed := time.Since(begin)
	if throttled.Load() == 0 {
		t.Error("8 concurrent clients were never throttled at 50 requests a second")
	}
	// 10 at once, then 50 a second: no faster than that (the emulator's
	// clock runs no faster than the real one).
	if min := time.Duration(float64(entries-10) / rps * float64(time.Second)); elapsed < min*9/10 {
		t.Errorf("%d describes in %v, faster than the limit allows (%v)", entries, elapsed, min)
	}
	t.Logf("%d describes in %v, %d throttled", entries, elapsed, throttled.Load())
}

// frozenUntil is a clock that stands still until started() is true, then
// runs in real time from where it stood: the rate limit's bucket gets no
// token back until the first request was throttled, however slowly a
// loaded machine sends the requests, so the limit is surely hit.
func frozenUntil(started func() bool) func() time.Time {
	var (
		mu    sync.Mutex
		since time.Time
	)
	at := time.Now()
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if since.IsZero() {
			if !started() {
				return at
			}
			since = time.Now()
		}
		return at.Add(time.Since(since))
	}
}
