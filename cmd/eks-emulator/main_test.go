package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, cfg *config)
	}{
		{name: "defaults", check: func(t *testing.T, cfg *config) {
			if cfg.addr != "127.0.0.1:0" || cfg.opts.Account != "111122223333" || cfg.opts.Region != "" || cfg.log || cfg.urlFile != "" {
				t.Errorf("config %+v", cfg)
			}
			if len(cfg.clusters) != 1 || cfg.clusters[0] != (clusterSpec{name: "demo"}) {
				t.Errorf("clusters %v, want demo", cfg.clusters)
			}
		}},
		{name: "everything", args: []string{
			"--addr", "localhost:4566", "--cluster", "prod", "--cluster", "legacy=CONFIG_MAP", "--cluster=new=API",
			"--account", "444455556666", "--region", "eu-west-1", "--caller", "arn:aws:iam::444455556666:user/ci",
			"--latency", "20ms", "--throttle-rate", "0.1", "--error-rate", "0.05", "--seed", "42",
			"--propagation-delay", "2s", "--allow-direct-api-mode", "--url-file", "/tmp/url", "--log",
		}, check: func(t *testing.T, cfg *config) {
			want := clusterFlag{{"prod", ""}, {"legacy", "CONFIG_MAP"}, {"new", "API"}}
			if cfg.clusters.String() != want.String() {
				t.Errorf("clusters %v, want %v", cfg.clusters, want)
			}
			o := cfg.opts
			if o.Account != "444455556666" || o.Region != "eu-west-1" || o.Caller != "arn:aws:iam::444455556666:user/ci" ||
				o.Latency != 20*time.Millisecond || o.ThrottleRate != 0.1 || o.ErrorRate != 0.05 || o.Seed != 42 ||
				o.PropagationDelay != 2*time.Second || !o.AllowDirectAPIMode || cfg.urlFile != "/tmp/url" || !cfg.log {
				t.Errorf("options %+v", cfg)
			}
		}},
		{name: "faults", args: []string{
			"--fail", "DescribeAccessEntry:3:500", "--fail", "all:1:reset", "--fail=CreateAccessEntry:2:409:ResourceInUseException:busy: later",
			"--hang", "DescribeCluster", "--hang", "all", "--hang-max", "30s",
			"--repeat-page-token", "ListAccessEntries", "--rate-limit", "2.5", "--rate-burst", "4",
		}, check: func(t *testing.T, cfg *config) {
			o := cfg.opts
			wantFailures := []emulator.CallFault{
				{Op: "DescribeAccessEntry", Call: 3, Fault: emulator.Fault{Status: 500, Code: "ServerException"}},
				{Op: "all", Call: 1, Fault: emulator.Fault{Reset: true}},
				{Op: "CreateAccessEntry", Call: 2, Fault: emulator.Fault{Status: 409, Code: "ResourceInUseException", Message: "busy: later"}},
			}
			if !slices.Equal(o.Failures, wantFailures) || !slices.Equal(o.Hang, []string{"DescribeCluster", "all"}) || o.HangMax != 30*time.Second ||
				!slices.Equal(o.RepeatPageToken, []string{"ListAccessEntries"}) || o.RateLimit != 2.5 || o.RateBurst != 4 {
				t.Errorf("options %+v", o)
			}
		}},
		{name: "fault defaults", check: func(t *testing.T, cfg *config) {
			if o := cfg.opts; o.HangMax != 5*time.Minute || o.Failures != nil || o.Hang != nil || o.RateLimit != 0 {
				t.Errorf("options %+v", o)
			}
		}},
		{name: "bad fault", args: []string{"--fail", "DescribeAccessEntry:3:boom"}, wantErr: `invalid value "DescribeAccessEntry:3:boom" for flag -fail: fault "boom": use 500, 429, 503, reset, hang or STATUS:CODE[:MESSAGE]`},
		{name: "unknown operation", args: []string{"--hang", "describe-cluster"}, wantErr: `unknown operation "describe-cluster": use all or one of AssociateAccessPolicy,`},
		{name: "unknown list operation", args: []string{"--repeat-page-token", "ListAccessEntry"}, wantErr: `unknown operation "ListAccessEntry"`},
		{name: "zero hang-max", args: []string{"--hang-max", "0s"}, wantErr: "--hang-max must be positive"},
		{name: "negative rate", args: []string{"--rate-limit", "-1"}, wantErr: "--rate-limit and --rate-burst cannot be negative"},
		{name: "burst without rate", args: []string{"--rate-burst", "3"}, wantErr: "--rate-burst needs --rate-limit"},
		{name: "IPv6 loopback", args: []string{"--addr", "[::1]:0"}},
		{name: "any interface", args: []string{"--addr", ":8080"}, wantErr: `--addr ":8080" is not a loopback address`},
		{name: "public address", args: []string{"--addr", "0.0.0.0:8080"}, wantErr: `--addr "0.0.0.0:8080" is not a loopback address`},
		{name: "host name", args: []string{"--addr", "example.com:80"}, wantErr: "is not a loopback address"},
		{name: "remote allowed", args: []string{"--addr", "0.0.0.0:8080", "--allow-remote"}},
		{name: "no port", args: []string{"--addr", "127.0.0.1"}, wantErr: "missing port"},
		{name: "bad mode", args: []string{"--cluster", "x=api"}, wantErr: `invalid authentication mode "api"`},
		{name: "bad cluster name", args: []string{"--cluster", "my.cluster"}, wantErr: `invalid cluster name "my.cluster"`},
		{name: "rate above 1", args: []string{"--throttle-rate", "1.5"}, wantErr: "--throttle-rate must be between 0 and 1"},
		{name: "negative rate", args: []string{"--error-rate", "-0.1"}, wantErr: "--error-rate must be between 0 and 1"},
		{name: "negative latency", args: []string{"--latency", "-1s"}, wantErr: "cannot be negative"},
		{name: "bad account", args: []string{"--account", "1234"}, wantErr: "--account must be 12 digits"},
		{name: "unknown flag", args: []string{"--nope"}, wantErr: "flag provided but not defined: -nope"},
		{name: "argument", args: []string{"serve"}, wantErr: `unexpected argument "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseFlags(tt.args, &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, cfg)
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	t.Run("help", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), []string{"--help"}, &stdout, &stderr); code != 0 {
			t.Errorf("exit %d", code)
		}
		for _, want := range []string{"Usage: eks-emulator", `eval "$(eks-emulator --background`, "EKS_EMULATOR_PID", "-log-file file", "AWS_ENDPOINT_URL_EKS=", "--endpoint-url", "-propagation-delay",
			"--fail DescribeAccessEntry:3:500", "-fail OP:N:FAULT", "-hang OP", "-hang-max", "-repeat-page-token OP", "-rate-limit rps", "-rate-burst size"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("help lacks %q:\n%s", want, stdout.String())
			}
		}
	})
	t.Run("bad flag", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), []string{"--addr", "0.0.0.0:1"}, &stdout, &stderr); code != 2 {
			t.Errorf("exit %d", code)
		}
		if !strings.HasPrefix(stderr.String(), "eks-emulator: --addr") || !strings.Contains(stderr.String(), "--help") || stdout.Len() > 0 {
			t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
		}
	})
	t.Run("address in use", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		first := startRun(t, ctx, "--cluster", "a")
		var stderr bytes.Buffer
		addr := strings.TrimPrefix(first.url, "http://")
		if code := run(t.Context(), []string{"--addr", addr}, &bytes.Buffer{}, &stderr); code != 1 {
			t.Errorf("exit %d, stderr %s", code, stderr.String())
		}
		cancel()
		first.wait(t)
	})
}

// TestRunServes starts the command, talks to it and stops it as a signal
// would.
func TestRunServes(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := startRun(t, ctx, "--cluster", "prod=API", "--cluster", "legacy=CONFIG_MAP", "--log", "--region", "eu-west-1")

	if !strings.HasPrefix(r.url, "http://127.0.0.1:") {
		t.Errorf("url %q", r.url)
	}
	req, err := http.NewRequestWithContext(t.Context(), "GET", r.url+"/clusters/prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250507/eu-west-1/eks/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Cluster struct {
			ARN          string `json:"arn"`
			AccessConfig struct {
				AuthenticationMode string `json:"authenticationMode"`
			} `json:"accessConfig"`
		} `json:"cluster"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	_ = resp.Body.Close()
	if err != nil || body.Cluster.AccessConfig.AuthenticationMode != "API" || body.Cluster.ARN != "arn:aws:eks:eu-west-1:111122223333:cluster/prod" {
		t.Errorf("DescribeCluster: %v %+v", err, body)
	}

	cancel()
	stderr := r.wait(t)
	for _, want := range []string{"eks-emulator: listening on " + r.url + "\n", "GET /clusters/prod DescribeCluster -> 200", "eks-emulator: stopped\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestRunFaults drives the fault flags through the running command.
func TestRunFaults(t *testing.T) {
	arrived := make(chan struct{}, 1) // the hung request reached the emulator
	wrapHandler = func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/clusters/demo/access-entries" {
				select {
				case arrived <- struct{}{}:
				default:
				}
			}
			h.ServeHTTP(w, r)
		})
	}
	t.Cleanup(func() { wrapHandler = nil }) // not parallel: it sets a package variable
	ctx, cancel := context.WithCancel(t.Context())
	r := startRun(t, ctx, "--fail", "DescribeCluster:2:503", "--repeat-page-token", "ListClusters", "--hang", "ListAccessEntries", "--rate-limit", "1000")
	status := func(path string) (int, string) {
		t.Helper()
		resp, err := signedGet(t.Context(), r.url+path)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var body struct {
			NextToken string `json:"nextToken"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, resp.Header.Get("X-Amzn-Errortype") + body.NextToken
	}
	for i, want := range []int{200, 503, 200} {
		if got, code := status("/clusters/demo"); got != want {
			t.Errorf("DescribeCluster %d: %d %s, want %d", i+1, got, code, want)
		}
	}
	_, token := status("/clusters")
	if _, again := status("/clusters?nextToken=" + url.QueryEscape(token)); token == "" || again != token {
		t.Errorf("ListClusters tokens %q then %q, want the same one twice", token, again)
	}

	// A hung request is released when the command stops: the command
	// stops cleanly (its shutdown waits for no hang), and so does the
	// request, unanswered.
	hung := make(chan error, 1)
	go func() {
		resp, err := signedGet(t.Context(), r.url+"/clusters/demo/access-entries")
		if err == nil {
			_ = resp.Body.Close()
		}
		hung <- err
	}()
	<-arrived
	cancel()
	r.wait(t)
	select {
	case err := <-hung:
		if err == nil {
			t.Error("the hung request was answered")
		}
	case <-time.After(time.Minute): // a guard: the shutdown ended every request
		t.Fatal("the hung request outlived the command")
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	hs := newHTTPServer(t.Context(), http.NotFoundHandler(), emulator.Options{Latency: time.Second, HangMax: time.Minute})
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Errorf("unbounded: %+v", hs)
	}
	if hs.WriteTimeout <= time.Minute+time.Second {
		t.Errorf("WriteTimeout %v cuts off the latency and a hang of --hang-max", hs.WriteTimeout)
	}
}

// TestSlowClientIsCut: a client that never finishes its headers is
// disconnected after ReadHeaderTimeout.
func TestSlowClientIsCut(t *testing.T) {
	hs := newHTTPServer(t.Context(), http.NotFoundHandler(), emulator.Options{})
	hs.ReadHeaderTimeout = 100 * time.Millisecond
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	conn, err := (&net.Dialer{}).DialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if _, err := conn.Write([]byte("GET /clusters HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	// A guard far beyond ReadHeaderTimeout: only a server that never cuts
	// the connection meets it.
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	if _, err = io.ReadAll(conn); err != nil {
		t.Errorf("connection not closed by the server: %v", err)
	}
}

func signedGet(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250507/us-west-2/eks/aws4_request, SignedHeaders=host, Signature=00")
	return http.DefaultClient.Do(req)
}

// running is a run call in progress.
type running struct {
	url    string
	done   chan int
	stderr *syncBuffer
}

// startRun runs the command with --url-file and waits until it listens.
func startRun(t *testing.T, ctx context.Context, args ...string) *running {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	r := &running{done: make(chan int, 1), stderr: &syncBuffer{}}
	go func() { r.done <- run(ctx, append(args, "--url-file", urlFile), &bytes.Buffer{}, r.stderr) }()
	deadline := time.Now().Add(time.Minute) // a guard: a loaded machine starts slowly
	for {
		b, err := os.ReadFile(urlFile)
		if err == nil {
			if !strings.HasSuffix(string(b), "\n") {
				t.Fatalf("url file %q lacks its newline", b)
			}
			r.url = strings.TrimSpace(string(b))
			return r
		}
		select {
		case code := <-r.done:
			t.Fatalf("run exited %d before listening: %s", code, r.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no url file after a minute")
		}
	}
}

// wait returns the command's stderr once it exited 0.
func (r *running) wait(t *testing.T) string {
	t.Helper()
	select {
	case code := <-r.done:
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(time.Minute): // a guard: shutdown itself gives up after 5s
		t.Fatal("run did not stop")
	}
	return r.stderr.String()
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
