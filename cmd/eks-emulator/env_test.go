package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestFlagsFromEnv: every flag has an EKS_EMULATOR_ variable, for service
// containers whose command line cannot be set; the command line wins.
func TestFlagsFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
		check   func(t *testing.T, cfg *config)
	}{
		{name: "container service", env: map[string]string{
			"EKS_EMULATOR_ADDR":              "0.0.0.0:4566",
			"EKS_EMULATOR_ALLOW_REMOTE":      "true",
			"EKS_EMULATOR_CLUSTER":           "prod, legacy=CONFIG_MAP",
			"EKS_EMULATOR_THROTTLE_RATE":     "0.25",
			"EKS_EMULATOR_PROPAGATION_DELAY": "2s",
		}, check: func(t *testing.T, cfg *config) {
			if cfg.addr != "0.0.0.0:4566" || !cfg.allowRemote || cfg.opts.ThrottleRate != 0.25 || cfg.opts.PropagationDelay != 2*time.Second {
				t.Errorf("config %+v", cfg)
			}
			if got := cfg.clusters.String(); got != "prod=,legacy=CONFIG_MAP" {
				t.Errorf("clusters %s", got)
			}
		}},
		{name: "command line wins", env: map[string]string{"EKS_EMULATOR_CLUSTER": "fromenv", "EKS_EMULATOR_ACCOUNT": "444455556666"},
			args: []string{"--cluster", "fromflag"}, check: func(t *testing.T, cfg *config) {
				if got := cfg.clusters.String(); got != "fromflag=" {
					t.Errorf("clusters %s, want the flag's", got)
				}
				if cfg.opts.Account != "444455556666" {
					t.Errorf("account %s, want the variable's", cfg.opts.Account)
				}
			}},
		{name: "checked like the flag", env: map[string]string{"EKS_EMULATOR_CLUSTER": "ok,bad.name"},
			wantErr: `EKS_EMULATOR_CLUSTER="ok,bad.name": invalid cluster name "bad.name"`},
		{name: "loopback rule still holds", env: map[string]string{"EKS_EMULATOR_ADDR": "0.0.0.0:4566"},
			wantErr: "is not a loopback address"},
		{name: "bad number", env: map[string]string{"EKS_EMULATOR_ERROR_RATE": "lots"},
			wantErr: `EKS_EMULATOR_ERROR_RATE="lots"`},
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

// TestVersion: --version prints what the release linked in.
func TestVersion(t *testing.T) {
	for _, v := range []struct{ version, commit, date, want string }{
		{"", "", "", "eks-emulator dev (commit unknown, built unknown, go"},
		{"1.2.3", "0123abc", "2026-01-02T03:04:05Z", "eks-emulator 1.2.3 (commit 0123abc, built 2026-01-02T03:04:05Z, go"},
	} {
		version, commit, date = v.version, v.commit, v.date
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), []string{"--version"}, &stdout, &stderr); code != 0 || stderr.Len() > 0 {
			t.Errorf("exit %d, stderr %q", code, stderr.String())
		}
		if !strings.HasPrefix(stdout.String(), v.want) {
			t.Errorf("--version printed %q, want %q...", stdout.String(), v.want)
		}
	}
	version, commit, date = "", "", ""
}
