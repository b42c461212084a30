package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

func TestParseFleetFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, cfg *config)
	}{
		{name: "placed clusters only: no demo", args: []string{
			"--cluster", "prod@eu-west-1", "--cluster", "legacy@us-east-1=CONFIG_MAP",
			"--cluster", "arn:aws:eks:eu-west-1:444455556666:cluster/payments=API", "--account-key", "AKIAPAYMENTS=444455556666",
		}, check: func(t *testing.T, cfg *config) {
			if len(cfg.clusters) != 0 {
				t.Errorf("clusters of every region %v, want none", cfg.clusters)
			}
			want := []placedCluster{
				{clusterSpec{"prod", ""}, "eu-west-1", "", "prod@eu-west-1"},
				{clusterSpec{"legacy", "CONFIG_MAP"}, "us-east-1", "", "legacy@us-east-1"},
				{clusterSpec{"payments", "API"}, "eu-west-1", "444455556666", "arn:aws:eks:eu-west-1:444455556666:cluster/payments"},
			}
			if !slices.Equal(cfg.fleet.placed, want) {
				t.Errorf("placed %+v, want %+v", cfg.fleet.placed, want)
			}
		}},
		{name: "accounts and regions", args: []string{
			"--cluster", "demo", "--account-key", "AKIAA=444455556666,AKIAB=arn:aws:iam::444455556666:role/Admin",
			"--account-key", "AKIAC=777788889999",
			"--region-latency", "eu-west-1=20ms,us-east-1=5ms", "--region-rate-limit", "eu-west-1=20", "--region-rate-limit", "ap-south-1=2.5:4",
			"--disabled-region", "ap-east-1", "--disabled-region", "777788889999:me-south-1", "--denied-region", "111122223333:eu-south-1",
		}, check: func(t *testing.T, cfg *config) {
			o := cfg.opts
			wantAccounts := []emulator.Account{
				{ID: "444455556666", AccessKeys: []string{"AKIAA", "AKIAB"}, Caller: "arn:aws:iam::444455556666:role/Admin"},
				{ID: "777788889999", AccessKeys: []string{"AKIAC"}},
			}
			if len(o.Accounts) != 2 {
				t.Fatalf("accounts %+v", o.Accounts)
			}
			for i, a := range o.Accounts {
				w := wantAccounts[i]
				if a.ID != w.ID || a.Caller != w.Caller || !slices.Equal(a.AccessKeys, w.AccessKeys) {
					t.Errorf("account %+v, want %+v", a, w)
				}
			}
			if want := []string{"111122223333", "444455556666", "777788889999"}; !slices.Equal(cfg.fleet.accounts, want) {
				t.Errorf("accounts served %v, want %v", cfg.fleet.accounts, want)
			}
			wantRegions := []emulator.Region{
				{Name: "eu-west-1", Latency: 20 * time.Millisecond, RateLimit: 20},
				{Name: "us-east-1", Latency: 5 * time.Millisecond},
				{Name: "ap-south-1", RateLimit: 2.5, RateBurst: 4},
			}
			if !slices.Equal(o.Regions, wantRegions) || cfg.fleet.disabled.String() != "ap-east-1,777788889999:me-south-1" ||
				cfg.fleet.denied.String() != "111122223333:eu-south-1" {
				t.Errorf("regions %+v, disabled %v, denied %v", o.Regions, cfg.fleet.disabled.String(), cfg.fleet.denied.String())
			}
		}},
		{name: "from the environment", env: map[string]string{
			"EKS_EMULATOR_CLUSTER":     "prod@eu-west-1, demo",
			"EKS_EMULATOR_ACCOUNT_KEY": "AKIAA=444455556666",
		}, check: func(t *testing.T, cfg *config) {
			if cfg.clusters.String() != "demo=" || len(cfg.fleet.placed) != 1 || len(cfg.opts.Accounts) != 1 {
				t.Errorf("config %+v", cfg)
			}
		}},
		{name: "a comma-separated list on the command line", args: []string{"--cluster", "prod@eu-west-1,demo,arn:aws:eks:us-east-1:111122223333:cluster/web=API"},
			check: func(t *testing.T, cfg *config) {
				if cfg.clusters.String() != "demo=" || len(cfg.fleet.placed) != 2 || cfg.fleet.placed[1].name != "web" || cfg.fleet.placed[1].mode != "API" {
					t.Errorf("every region %s, placed %+v", cfg.clusters.String(), cfg.fleet.placed)
				}
			}},
		{name: "bad region", args: []string{"--cluster", "prod@Europe"}, wantErr: `invalid region "Europe"`},
		{name: "bad placed name", args: []string{"--cluster", "my.prod@eu-west-1"}, wantErr: `invalid cluster name "my.prod"`},
		{name: "bad placed mode", args: []string{"--cluster", "prod@eu-west-1=api"}, wantErr: `invalid authentication mode "api"`},
		{name: "unknown account", args: []string{"--cluster", "arn:aws:eks:eu-west-1:444455556666:cluster/p"}, wantErr: "account 444455556666 is not served"},
		{name: "unknown account of a region", args: []string{"--disabled-region", "444455556666:ap-east-1"}, wantErr: "account 444455556666 is not served"},
		{name: "default account key", args: []string{"--account-key", "AKIAA=111122223333"}, wantErr: "that is the default account"},
		{name: "key twice", args: []string{"--account-key", "AKIAA=444455556666,AKIAA=777788889999"}, wantErr: "access key id AKIAA is given twice"},
		{name: "bad key", args: []string{"--account-key", "akia=444455556666"}, wantErr: `invalid access key id "akia"`},
		{name: "bad key account", args: []string{"--account-key", "AKIAA=4444"}, wantErr: `invalid account "4444"`},
		{name: "two callers", args: []string{"--account-key", "AKIAA=arn:aws:iam::444455556666:user/a,AKIAB=arn:aws:iam::444455556666:user/b"}, wantErr: "has two callers"},
		{name: "bad latency", args: []string{"--region-latency", "eu-west-1=soon"}, wantErr: `invalid delay "soon"`},
		{name: "bad rate", args: []string{"--region-rate-limit", "eu-west-1=0"}, wantErr: `invalid rate "0"`},
		{name: "bad burst", args: []string{"--region-rate-limit", "eu-west-1=5:x"}, wantErr: `invalid rate "5:x"`},
		{name: "bad disabled account", args: []string{"--disabled-region", "acct:eu-west-1"}, wantErr: `invalid account "acct"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
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
			tt.check(t, cfg)
		})
	}
}

// TestRunFleet serves regions and accounts from the command line.
func TestRunFleet(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := startRun(t, ctx, "--cluster", "prod@eu-west-1", "--cluster", "web@us-east-1", "--cluster", "everywhere",
		"--cluster", "arn:aws:eks:eu-west-1:444455556666:cluster/payments",
		"--account-key", "AKIAPAYMENTS=arn:aws:iam::444455556666:role/Auditor",
		"--disabled-region", "ap-east-1", "--denied-region", "444455556666:us-east-1")
	get := func(key, region, service, path string) (int, string) {
		return signedCall(t, r.url, key, region, service, path)
	}
	for _, tt := range []struct {
		key, region, service, path string
		status                     int
		want                       string
	}{
		{"AKID", "eu-west-1", "eks", "/clusters", 200, `{"clusters":["everywhere","prod"]}`},
		{"AKID", "us-east-1", "eks", "/clusters", 200, `{"clusters":["everywhere","web"]}`},
		{"AKID", "sa-east-1", "eks", "/clusters", 200, `{"clusters":["everywhere"]}`},
		{"AKID", "ap-east-1", "eks", "/clusters", 403, "The security token included in the request is invalid."},
		{"AKIAPAYMENTS", "eu-west-1", "eks", "/clusters", 200, `{"clusters":["payments"]}`},
		{"AKIAPAYMENTS", "ap-east-1", "eks", "/clusters", 403, "The security token included in the request is invalid."},
		{"AKIAPAYMENTS", "us-east-1", "eks", "/clusters", 403, "arn:aws:iam::444455556666:role/Auditor is not authorized to perform: eks:ListClusters"},
		{"AKIAPAYMENTS", "eu-west-1", "sts", "Action=GetCallerIdentity&Version=2011-06-15", 200, "<Account>444455556666</Account>"},
		{"AKID", "eu-west-1", "sts", "Action=GetCallerIdentity&Version=2011-06-15", 200, "<Account>111122223333</Account>"},
	} {
		status, body := get(tt.key, tt.region, tt.service, tt.path)
		if status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s %s as %s in %s: %d %s, want %d %s", tt.service, tt.path, tt.key, tt.region, status, body, tt.status, tt.want)
		}
	}
	cancel()
	r.wait(t)
}

// signedCall sends a GET of path (or, for service sts or iam, the awsQuery
// action path names, as "Action=...") to url, signed with key for region,
// and returns the status and body.
func signedCall(t *testing.T, url, key, region, service, path string) (int, string) {
	t.Helper()
	method, body := http.MethodGet, ""
	if service != "eks" {
		method, body = http.MethodPost, path
		path = "/"
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+key+"/20250507/"+region+"/"+service+"/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestRunScenarioFleet seeds regions and accounts from --scenario, with
// flags that name the scenario's account.
func TestRunScenarioFleet(t *testing.T) {
	scenario := filepath.Join(t.TempDir(), "fleet.json")
	if err := os.WriteFile(scenario, []byte(`{
		"clusters": [{"name": "prod", "region": "eu-west-1"}],
		"accounts": [{"id": "444455556666", "accessKeys": ["AKIAPAY"],
		              "iam": {"roles": [{"name": "deployer"}]},
		              "clusters": [{"name": "payments", "region": "eu-west-1", "authenticationMode": "API"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := startRun(t, ctx, "--scenario", scenario, "--denied-region", "444455556666:us-east-1",
		"--cluster", "arn:aws:eks:us-west-2:444455556666:cluster/extra")
	sts := "Action=GetCallerIdentity&Version=2011-06-15"
	for _, tt := range []struct {
		key, region, service, path string
		status                     int
		want                       string
	}{
		{"AKID", "eu-west-1", "eks", "/clusters", 200, `{"clusters":["prod"]}`}, // no demo
		{"AKID", "us-west-2", "eks", "/clusters", 200, `{"clusters":[]}`},
		{"AKIAPAY", "eu-west-1", "eks", "/clusters", 200, `{"clusters":["payments"]}`},
		{"AKIAPAY", "eu-west-1", "eks", "/clusters/payments", 200, `"authenticationMode":"API"`},
		{"AKIAPAY", "us-west-2", "eks", "/clusters", 200, `{"clusters":["extra"]}`},
		{"AKIAPAY", "us-east-1", "eks", "/clusters", 403, "eks:ListClusters on resource: arn:aws:eks:us-east-1:444455556666:cluster/* with an explicit deny"},
		{"AKID", "us-east-1", "eks", "/clusters", 200, `{"clusters":[]}`},
		{"AKIAPAY", "us-east-1", "sts", sts, 200, "<Account>444455556666</Account>"},
		{"AKIAPAY", "us-east-1", "iam", "Action=GetRole&RoleName=deployer&Version=2010-05-08", 200, "arn:aws:iam::444455556666:role/deployer"},
		{"AKID", "us-east-1", "iam", "Action=GetRole&RoleName=deployer&Version=2010-05-08", 404, "NoSuchEntity"},
	} {
		status, body := signedCall(t, r.url, tt.key, tt.region, tt.service, tt.path)
		if status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s %s as %s in %s: %d %s, want %d %s", tt.service, tt.path, tt.key, tt.region, status, body, tt.status, tt.want)
		}
	}
	cancel()
	r.wait(t)
}

// A scenario that names clusters replaces the default demo cluster; one
// that names none (IAM only) keeps it.
func TestScenarioClustersReplaceDemo(t *testing.T) {
	for scenario, wantDemo := range map[string]bool{
		`{"clusters": [{"name": "prod", "region": "eu-west-1"}]}`:                                  false,
		`{"accounts": [{"id": "444455556666", "accessKeys": ["K"], "clusters": [{"name": "p"}]}]}`: false,
		`{"iam": {"roles": [{"name": "admin"}]}}`:                                                  true,
	} {
		file := filepath.Join(t.TempDir(), "scenario.json")
		if err := os.WriteFile(file, []byte(scenario), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := parseFlags([]string{"--scenario", file}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if gotDemo := cfg.clusters.String() == "demo="; gotDemo != wantDemo {
			t.Errorf("%s: clusters %q, want demo %v", scenario, cfg.clusters.String(), wantDemo)
		}
	}
}
