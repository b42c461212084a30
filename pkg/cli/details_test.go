package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// realClientDeps are test Deps whose client is built as the binary builds
// it (eksapi.New: retry policy, attempt budgets, attempt timeout), from an
// environment of static keys plus env, against srv. The caller must not be
// parallel (t.Setenv).
func realClientDeps(t testing.TB, srv *emulator.Server, env map[string]string) *testDeps {
	t.Helper()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	vars := map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_MAX_ATTEMPTS": "", "AWS_RETRY_MODE": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_EKS": "", "AWS_ENDPOINT_URL_STS": "",
	}
	for k, v := range env {
		vars[k] = v
	}
	for k, v := range vars {
		t.Setenv(k, v)
	}
	ios, _, out, errOut := cmdutil.TestStreams()
	td := &testDeps{out: out, errOut: errOut, env: map[string]string{}, srv: srv}
	td.Deps = &Deps{
		IO:     ios,
		Output: &output.Options{Format: output.TableFormat},
		Env:    func(k string) string { return td.env[k] },
		Client: func(ctx context.Context) (*eksapi.Client, error) {
			td.clients++
			return eksapi.New(ctx, eksapi.Config{Region: emutest.Region, EndpointURL: hs.URL})
		},
		Confirm: func(context.Context, string) (bool, error) { t.Fatal("unexpected prompt"); return false, nil },
	}
	return td
}

// seedEntries creates n entries in the emulator's cluster demo, quickly
// (one attempt each, no faults yet), and returns their ARNs sorted.
func seedEntries(t testing.TB, srv *emulator.Server, n int) []string {
	t.Helper()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	client := eksapi.NewFromConfig(emutest.Config(hs.URL), "")
	arns := make([]string, n)
	for i := range n {
		arns[i] = fmt.Sprintf("arn:aws:iam::111122223333:role/r%04d", i)
		p, err := access.ParsePrincipalARN(arns[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
			t.Fatal(err)
		}
	}
	return arns
}

func newDemoEmulator(opts emulator.Options) *emulator.Server {
	srv := emulator.New(opts)
	srv.AddCluster("demo", "API_AND_CONFIG_MAP")
	return srv
}

// TestListDetailsKeepsGoingUnderThrottling: 500 entries against an
// endpoint that throttles one request in ten at random: every entry is
// described, each call retrying on its own, within a modest deadline.
func TestListDetailsKeepsGoingUnderThrottling(t *testing.T) {
	if testing.Short() {
		t.Skip("seconds of backoff")
	}
	srv := newDemoEmulator(emulator.Options{Seed: 7})
	arns := seedEntries(t, srv, 500)
	srv.SetFaults(0, 0.1, 0)
	td := realClientDeps(t, srv, nil)
	*td.Output = output.Options{Format: output.Text}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute) // a guard: retries that never end
	defer cancel()
	start := time.Now()
	o := &listOptions{deps: td.Deps, cluster: "demo", details: true, concurrency: 16}
	if err := runList(ctx, o); err != nil {
		t.Fatalf("after %s: %v", time.Since(start), err)
	}
	rows := strings.Split(strings.TrimSuffix(td.out.String(), "\n"), "\n")
	if len(rows) != len(arns) {
		t.Fatalf("%d rows, want %d", len(rows), len(arns))
	}
	for i, r := range rows {
		if !strings.HasPrefix(r, arns[i]+"\t") {
			t.Fatalf("row %d = %q, want %s", i, r, arns[i])
		}
	}
	calls := 0
	for _, r := range srv.Requests() {
		if r.Op == "DescribeAccessEntry" || r.Op == "ListAssociatedAccessPolicies" {
			calls++
		}
	}
	if calls <= 2*len(arns) {
		t.Errorf("%d describe/list-policies requests for %d entries: the throttle knob did nothing", calls, len(arns))
	}
	t.Logf("500 entries, 10%% throttled: %s, %d requests", time.Since(start).Round(time.Millisecond), calls)
}

// TestListDetailsStopsAtTheDeadline: when throttling outlasts the deadline,
// the table has the rows there are, stderr says how many entries are
// missing, the exit code is not 0; json prints nothing partial. Events,
// not seconds, drive it, so that a slow machine sees the same: once
// 8+5 entries were described (so at least 5 finished, the 8 workers
// taking one entry after another), 60% of requests are throttled; the
// deadline passes at the 10th throttled one, and after it no request
// starts.
func TestListDetailsStopsAtTheDeadline(t *testing.T) {
	const concurrency = 8
	var (
		srv       *emulator.Server
		described atomic.Int32
		throttled atomic.Int32
		ctx       atomic.Pointer[expiringContext]
		atExpiry  atomic.Int64 // the requests the emulator had received then
	)
	srv = newDemoEmulator(emulator.Options{Seed: 3, Logf: func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		switch {
		case strings.Contains(line, "DescribeAccessEntry -> 200") && described.Add(1) == concurrency+5:
			srv.SetFaults(0, 0.6, 0)
		case strings.Contains(line, "-> 429 TooManyRequestsException") && throttled.Add(1) >= 10:
			if c := ctx.Load(); c.Err() == nil {
				atExpiry.Store(int64(len(srv.Requests())))
				c.expire()
			}
		}
	}})
	seedEntries(t, srv, 500)
	td := realClientDeps(t, srv, nil)
	for _, f := range []output.Format{output.TableFormat, output.JSON} {
		srv.SetFaults(0, 0, 0)
		described.Store(0)
		throttled.Store(0)
		td.out.Reset()
		td.errOut.Reset()
		*td.Output = output.Options{Format: f}
		ctx.Store(withExpiry(t.Context()))
		srv.ResetRequests()
		err := runList(ctx.Load(), &listOptions{deps: td.Deps, cluster: "demo", details: true, concurrency: concurrency})
		if err == nil {
			t.Fatalf("-o %s: no error with 60%% of requests throttled until the deadline", f)
		}
		// Only the attempts on their way when it passed arrive after it.
		if late := int64(len(srv.Requests())) - atExpiry.Load(); late > concurrency {
			t.Errorf("-o %s: %d requests arrived after the deadline, more than the %d workers had on their way", f, late, concurrency)
		}
		last := err.Error()[strings.LastIndex(err.Error(), "\n")+1:]
		var missing, total int
		if _, serr := fmt.Sscanf(last, "%d of %d entries of cluster demo are missing", &missing, &total); serr != nil || total != 500 || missing == 0 {
			t.Fatalf("-o %s: last line %q, want the count of missing entries", f, last)
		}
		t.Logf("-o %s: %s (exit %d, %d bytes on stdout)", f, last, cmdutil.ExitCode(err), td.out.Len())
		if !strings.Contains(last, "before --timeout") || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("-o %s: %q does not say the deadline ended it", f, last)
		}
		if code := cmdutil.ExitCode(err); code == cmdutil.ExitOK || code == cmdutil.ExitUsage {
			t.Errorf("-o %s: exit %d", f, code)
		}
		if missing > 500-5 {
			t.Errorf("-o %s: %d entries missing, want at least 5 described", f, missing)
		}
		switch lines := strings.Count(td.out.String(), "\n"); f {
		case output.TableFormat:
			if lines-1 != 500-missing { // the header, then a row per described entry
				t.Errorf("table: %d lines for %d described entries", lines, 500-missing)
			}
		case output.JSON:
			if td.out.Len() != 0 {
				t.Errorf("json: partial document on stdout: %.200q", td.out)
			}
		}
	}
}

// TestListDetailsReportsEveryFailedEntry: each entry that stays throttled
// is named, the others are printed, and the exit code is 6; a failure that
// every entry would share (access denied) stops the rest.
func TestListDetailsReportsEveryFailedEntry(t *testing.T) {
	srv := newDemoEmulator(emulator.Options{})
	arns := seedEntries(t, srv, 5)
	td := realClientDeps(t, srv, map[string]string{"AWS_MAX_ATTEMPTS": "1"})

	srv.FailNext("DescribeAccessEntry", 429, "TooManyRequestsException", "Rate exceeded")
	srv.FailNext("ListAssociatedAccessPolicies", 429, "TooManyRequestsException", "Rate exceeded")
	o := &listOptions{deps: td.Deps, cluster: "demo", details: true, concurrency: 1}
	err := runList(t.Context(), o)
	lines := strings.Split(fmt.Sprint(err), "\n")
	if len(lines) != 3 {
		t.Fatalf("error has %d lines, want one per failed entry and a summary:\n%v", len(lines), err)
	}
	if !strings.Contains(lines[0], "describe access entry "+arns[0]) || !strings.Contains(lines[1], "list policies of access entry "+arns[1]) {
		t.Errorf("failed entries not named:\n%v", err)
	}
	if want := "2 of 5 entries of cluster demo are missing (2 throttled after every retry)"; lines[2] != want {
		t.Errorf("summary %q, want %q", lines[2], want)
	}
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitThrottled {
		t.Errorf("exit %d, want %d", code, cmdutil.ExitThrottled)
	}
	if got := strings.Count(td.out.String(), "\n"); got != 4 {
		t.Errorf("%d table lines, want the header and 3 rows:\n%s", got, td.out)
	}

	td.out.Reset()
	*td.Output = output.Options{Format: output.YAML}
	srv.FailNext("DescribeAccessEntry", 403, "AccessDeniedException", "not authorized")
	err = runList(t.Context(), o)
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitAuth {
		t.Errorf("access denied: exit %d, want %d (%v)", code, cmdutil.ExitAuth, err)
	}
	if !strings.HasSuffix(fmt.Sprint(err), "\n5 of 5 entries of cluster demo are missing (1 failed, 4 not described after the first failure)") {
		t.Errorf("access denied: %v", err)
	}
	if td.out.Len() != 0 {
		t.Errorf("yaml printed a partial document: %q", td.out)
	}

	// An entry deleted meanwhile is not missing: it is skipped with a warning.
	td.out.Reset()
	td.errOut.Reset()
	*td.Output = output.Options{Format: output.Text}
	srv.FailNext("DescribeAccessEntry", 404, "ResourceNotFoundException", "gone")
	if err := runList(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(td.errOut.String(), arns[0]+" was deleted while listing: skipped") || strings.Count(td.out.String(), "\n") != 4 {
		t.Errorf("stdout %q, stderr %q", td.out, td.errOut)
	}
}
