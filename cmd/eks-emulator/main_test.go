package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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
		for _, want := range []string{"Usage: eks-emulator", "AWS_ENDPOINT_URL_EKS=", "--endpoint-url", "AWS_DEFAULT_REGION", "-propagation-delay"} {
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
	deadline := time.Now().Add(10 * time.Second)
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
			t.Fatal("no url file after 10s")
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
	case <-time.After(10 * time.Second):
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
