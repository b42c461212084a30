package cmdutil

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

// TestReportPanicSaysWhatWasSent: after a write, exit 1 and a hint to check
// the result; after reads only, exit 1; with nothing sent, exit 2.
func TestReportPanicSaysWhatWasSent(t *testing.T) {
	_, hs := emutest.Start(t, emulator.Options{})
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_MAX_ATTEMPTS": "1",
	} {
		t.Setenv(k, v)
	}
	var sent eksapi.Activity
	client, err := eksapi.New(t.Context(), eksapi.Config{Region: "us-west-2", EndpointURL: hs.URL, Activity: &sent})
	if err != nil {
		t.Fatal(err)
	}
	check := func(stage string, wantCode int, wantHint string) {
		t.Helper()
		var buf strings.Builder
		if code := ReportPanic(&buf, "boom", &sent); code != wantCode {
			t.Errorf("%s: exit %d, want %d", stage, code, wantCode)
		}
		if !strings.HasPrefix(buf.String(), "eksaccess: internal error: boom\n") || !strings.Contains(buf.String(), wantHint) {
			t.Errorf("%s: stderr = %q, want the error and %q", stage, buf.String(), wantHint)
		}
	}
	check("nothing sent", ExitUsage, "nothing was sent")
	if _, err := client.ListEntries(t.Context(), "demo", eksapi.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	check("after a read", ExitFailure, "nothing was changed")
	p, _ := access.ParsePrincipalARN("arn:aws:iam::111122223333:role/dev")
	if _, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
		t.Fatal(err)
	}
	check("after a write", ExitFailure, "a change was sent")
}
