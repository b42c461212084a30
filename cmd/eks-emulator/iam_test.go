package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

func TestIAMFlags(t *testing.T) {
	dir := t.TempDir()
	scenario := filepath.Join(dir, "scenario.json")
	if err := os.WriteFile(scenario, []byte(`{"iam": {"roles": [{"name": "ci", "id": "AROAEXAMPLEEXAMPLE001"}], "ssoRoles": ["ReadOnly"]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"iam": {"rolez": []}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		want    emulator.IAMSeed
		deny    bool
	}{
		{name: "none"},
		{name: "flags", args: []string{"--role", "admin", "--role", "/dev/ops,team/a/b", "--user", "people/alice", "--sso-role", "Admin,ReadOnly", "--deny-iam"},
			want: emulator.IAMSeed{
				Roles:    []emulator.Role{{Name: "admin", Path: "/"}, {Name: "ops", Path: "/dev/"}, {Name: "b", Path: "/team/a/"}},
				Users:    []emulator.User{{Name: "alice", Path: "/people/"}},
				SSORoles: []string{"Admin", "ReadOnly"},
			}, deny: true},
		{name: "scenario file and flags", args: []string{"--scenario", scenario, "--role", "admin"},
			want: emulator.IAMSeed{
				Roles:    []emulator.Role{{Name: "ci", ID: "AROAEXAMPLEEXAMPLE001"}, {Name: "admin", Path: "/"}},
				SSORoles: []string{"ReadOnly"},
			}},
		{name: "environment", env: map[string]string{"EKS_EMULATOR_ROLE": "a,dev/b", "EKS_EMULATOR_DENY_IAM": "true"},
			want: emulator.IAMSeed{Roles: []emulator.Role{{Name: "a", Path: "/"}, {Name: "b", Path: "/dev/"}}}, deny: true},
		{name: "bad role name", args: []string{"--role", "dev/a b"}, wantErr: `invalid role name "a b"`},
		{name: "bad user path", args: []string{"--user", "a//b"}, wantErr: `invalid user path "/a//"`},
		{name: "unknown scenario key", args: []string{"--scenario", bad}, wantErr: `unknown field "rolez"`},
		{name: "missing scenario", args: []string{"--scenario", filepath.Join(dir, "none.json")}, wantErr: "--scenario: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{"EKS_EMULATOR_ROLE", "EKS_EMULATOR_DENY_IAM"} {
				t.Setenv(name, tt.env[name])
			}
			cfg, err := parseFlags(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantEqualJSON(t, cfg.iam.seed.IAM, tt.want)
			if cfg.opts.DenyIAM != tt.deny {
				t.Errorf("DenyIAM %v, want %v", cfg.opts.DenyIAM, tt.deny)
			}
		})
	}
}

func wantEqualJSON(t *testing.T, got, want emulator.IAMSeed) {
	t.Helper()
	if g, w := strings.TrimSpace(jsonOf(t, got)), strings.TrimSpace(jsonOf(t, want)); g != w {
		t.Errorf("seed\n got %s\nwant %s", g, w)
	}
}

// TestRunSeedsIAM: the running command answers IAM with what the flags
// seeded, and refuses to start on a seed IAM would refuse.
func TestRunSeedsIAM(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := startRun(t, ctx, "--role", "dev/admin")
	req, err := http.NewRequestWithContext(t.Context(), "POST", r.url+"/", strings.NewReader("Action=GetRole&Version=2010-05-08&RoleName=admin"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250507/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<Arn>arn:aws:iam::111122223333:role/dev/admin</Arn>") {
		t.Errorf("GetRole: %d %s", resp.StatusCode, body)
	}
	cancel()
	r.wait(t)

	// Seeding comes before listening: a cancelled context, so that a run
	// that got past seeding stops at once rather than serving.
	stopped, stop := context.WithCancel(t.Context())
	stop()
	var stderr bytes.Buffer
	if code := run(stopped, []string{"--role", "admin", "--role", "ADMIN"}, io.Discard, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "eks-emulator: seeding IAM: EntityAlreadyExists: Role with name ADMIN already exists.") {
		t.Errorf("duplicate role: exit %d, stderr %s", code, &stderr)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
