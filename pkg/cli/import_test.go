package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/eksaccess/eksaccess/pkg/accessfile"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// TestNewImportAWSAuthCmd: argv -> options, or a usage error with no
// client built.
func TestNewImportAWSAuthCmd(t *testing.T) {
	t.Parallel()
	want := func(w importAWSAuthOptions) func(*testing.T, *importAWSAuthOptions) {
		return func(t *testing.T, got *importAWSAuthOptions) {
			if got.file != w.file || got.cluster != w.cluster || got.region != w.region {
				t.Errorf("options = %+v, want %+v", *got, w)
			}
		}
	}
	runParseCases(t, newImportAWSAuthCmd, []parseCase[importAWSAuthOptions]{
		{name: "file, cluster, region", args: []string{"-f", "aws-auth.yaml", "--cluster", "prod", "--region", "eu-west-1"}, check: want(importAWSAuthOptions{file: "aws-auth.yaml", cluster: "prod", region: "eu-west-1"})},
		{name: "stdin, cluster from the environment", args: []string{"--filename", "-"}, env: map[string]string{"EKSACCESS_CLUSTER": "prod"}, check: want(importAWSAuthOptions{file: "-", cluster: "prod"})},
		{name: "no file", args: []string{"--cluster", "prod"}, wantErr: "-f is required"},
		{name: "no cluster", args: []string{"-f", "aws-auth.yaml"}, wantErr: "--cluster is required (or set EKSACCESS_CLUSTER)"},
		{name: "bad cluster in the environment", args: []string{"-f", "-"}, env: map[string]string{"EKSACCESS_CLUSTER": "a b"}, wantErr: "EKSACCESS_CLUSTER: "},
		{name: "bad region", args: []string{"-f", "-", "--cluster", "prod", "--region", "eu_west_1"}, wantErr: `--region: "eu_west_1" is not an AWS region`},
		{name: "positional argument", args: []string{"aws-auth.yaml", "--cluster", "prod"}, wantErr: `unexpected argument "aws-auth.yaml"`},
	})
}

// sampleArchive is the end-to-end test of import aws-auth: its sample
// ConfigMap has every kind of row, with the golden apply file and report.
func sampleArchive(t *testing.T) map[string][]byte {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("..", "..", "cmd", "eksaccess", "testdata", "script", "import_awsauth.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range a.Files {
		files[f.Name] = f.Data
	}
	return files
}

// TestRunImportAWSAuth runs the command on the sample ConfigMap: the
// golden apply file and report, nothing sent (no client even built), and
// the apply file loads with accessfile.Load, back into itself.
func TestRunImportAWSAuth(t *testing.T) {
	t.Parallel()
	files := sampleArchive(t)
	path := filepath.Join(t.TempDir(), "aws-auth.yaml")
	if err := os.WriteFile(path, files["aws-auth.yaml"], 0o600); err != nil {
		t.Fatal(err)
	}
	td := newTestDeps(t)
	if err := execArgs(t, td, newImportAWSAuthCmd(td.Deps, nil), "-f", path, "--cluster", "prod", "--region", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	// The header names the file read; the rest is the golden file.
	gotHeader, gotBody := splitHeader(td.out.String())
	_, wantBody := splitHeader(string(files["want.yaml"]))
	if !strings.Contains(gotHeader, "from "+path+":") {
		t.Errorf("header %q does not name %s", gotHeader, path)
	}
	if diff := cmp.Diff(wantBody, gotBody); diff != "" {
		t.Errorf("apply file (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(string(files["want-report.txt"]), td.errOut.String()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if td.clients != 0 || len(td.srv.Requests()) != 0 {
		t.Errorf("%d clients built, requests %v: import is offline", td.clients, opNames(td))
	}

	f, err := accessfile.Load("access.yaml", strings.NewReader(td.out.String()))
	if err != nil {
		t.Fatalf("the apply file does not load: %v", err)
	}
	if len(f.Entries) != 11 || f.Clusters[0] != (accessfile.Cluster{Name: "prod", Region: "eu-west-1"}) {
		t.Errorf("loaded %d entries for %v", len(f.Entries), f.Clusters)
	}
	again, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(gotBody, string(again)); diff != "" {
		t.Errorf("Marshal(Load(file)) (-import +again):\n%s", diff)
	}
}

// splitHeader splits the comment lines at the top of an apply file from
// the rest.
func splitHeader(s string) (header, body string) {
	i := 0
	for strings.HasPrefix(s[i:], "#") {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return s, ""
		}
		i += j + 1
	}
	return s[:i], s[i:]
}

// TestRunImportAWSAuth_stdin: -f - reads stdin; a file that is not an
// aws-auth ConfigMap is a usage error (exit 2) with nothing on stdout.
func TestRunImportAWSAuth_stdin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		code     int
		stdout   string // a substring
		stderr   string
	}{
		{"a ConfigMap", "kind: ConfigMap\nmetadata: {name: aws-auth}\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/a\n      groups: [dev]\n",
			cmdutil.ExitOK, "# Written by eksaccess import aws-auth from <stdin>:", "1 row: 1 mapped, 0 left to EKS, 0 skipped"},
		{"not a ConfigMap", "kind: Secret\n", cmdutil.ExitUsage, "", ""},
		{"empty", "", cmdutil.ExitUsage, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			td.IO.In = bytes.NewBufferString(tc.in)
			cmd := newImportAWSAuthCmd(td.Deps, nil)
			cmd.SilenceUsage = true // as under the root command
			err := execArgs(t, td, cmd, "-f", "-", "--cluster", "prod")
			if got := cmdutil.ExitCode(err); got != tc.code {
				t.Fatalf("exit %d (%v), want %d", got, err, tc.code)
			}
			if tc.stdout == "" && td.out.Len() > 0 {
				t.Errorf("stdout %q, want nothing", td.out)
			}
			if !strings.Contains(td.out.String(), tc.stdout) || !strings.Contains(td.errOut.String(), tc.stderr) {
				t.Errorf("stdout %q, stderr %q", td.out, td.errOut)
			}
			if td.clients != 0 {
				t.Error("a client was built")
			}
		})
	}
}
