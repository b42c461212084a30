package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// TestAuditFixPrompt: on a terminal, audit --fix asks before it writes,
// with apply's question; no is nothing written (the findings still
// printed) and exits 2, as a declined apply does; yes repairs (exit 0).
func TestAuditFixPrompt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer  string
		code    int
		deletes int
	}{
		{answer: "n\n", code: cmdutil.ExitUsage, deletes: 0},
		{answer: "y\n", code: cmdutil.ExitOK, deletes: 1},
	} {
		t.Run(strings.TrimSpace(tc.answer), func(t *testing.T) {
			t.Parallel()
			td := newTestDeps(t)
			const role = "arn:aws:iam::111122223333:role/app"
			if _, err := td.srv.CreateRole(emulator.Role{Name: "app", Path: "/", Created: time.Now().Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			seedEntry(t, td, role, "AmazonEKSViewPolicy")
			// the role created again, after the entry
			if err := td.srv.DeleteRole("app"); err != nil {
				t.Fatal(err)
			}
			if _, err := td.srv.CreateRole(emulator.Role{Name: "app", Path: "/", Created: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			td.IO.In = strings.NewReader(tc.answer)
			td.IO.SetTTY(true, false, true)
			td.Confirm = cmdutil.TerminalConfirm(td.IO)
			g := &globalOptions{}
			code := execute(t.Context(), newRootCmd(td.Deps, g, BuildInfo{}), g, []string{"audit", "--cluster", "demo", "--fix"}, td.IO)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tc.code, td.errOut)
			}
			if want := "Apply 2 changes to cluster demo (1 to create, 1 to delete)? [y/N]: "; !strings.Contains(td.errOut.String(), want) {
				t.Errorf("stderr lacks the question %q:\n%s", want, td.errOut)
			}
			if n := opCount(td, "DeleteAccessEntry"); n != tc.deletes {
				t.Errorf("%d DeleteAccessEntry sent, want %d", n, tc.deletes)
			}
			if !strings.Contains(td.out.String(), "recreated-principal") {
				t.Errorf("stdout lacks the finding:\n%s", td.out)
			}
		})
	}
}

// TestClusterNamesOfAFleet: the question of audit --fix (and apply) names
// a cluster's region when its name is in several regions.
func TestClusterNamesOfAFleet(t *testing.T) {
	t.Parallel()
	change := []plan.Change{{Action: plan.ActionCreate}}
	cp := func(name, region string) clusterPlan {
		return clusterPlan{target: accessfile.Cluster{Name: access.ClusterName(name), Region: region}, plan: plan.Plan{Cluster: access.ClusterName(name), Region: region, Changes: change}}
	}
	tests := []struct {
		plans []clusterPlan
		want  string
	}{
		{[]clusterPlan{cp("apps", "us-east-1")}, "cluster apps"},
		{[]clusterPlan{cp("apps", "us-east-1"), cp("web", "us-east-1")}, "clusters apps, web"},
		{[]clusterPlan{cp("apps", "us-east-1"), cp("apps", "eu-west-1"), cp("web", "eu-west-1")}, "clusters apps (us-east-1), apps (eu-west-1), web"},
	}
	for _, tt := range tests {
		if got := clusterNames(tt.plans); got != tt.want {
			t.Errorf("clusterNames = %q, want %q", got, tt.want)
		}
	}
}

// TestAuditStoppedInIAM: Ctrl-C while audit reads IAM for several
// principals at once ends it with one "eksaccess:" line and exit 130, not
// a line per principal whose read it cut short.
func TestAuditStoppedInIAM(t *testing.T) {
	t.Parallel()
	ctx, interrupt := context.WithCancel(t.Context())
	defer interrupt()
	testDone := make(chan struct{})
	td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if strings.Contains(string(body), "Action=GetRole") {
				interrupt()
				select { // never answered
				case <-r.Context().Done():
				case <-testDone:
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	t.Cleanup(func() { close(testDone) }) // before the server's Close
	for _, name := range []string{"a", "b", "c"} {
		if _, err := td.srv.CreateRole(emulator.Role{Name: name, Path: "/"}); err != nil {
			t.Fatal(err)
		}
		seedEntry(t, td, "arn:aws:iam::111122223333:role/"+name)
	}
	g := &globalOptions{}
	code := execute(ctx, newRootCmd(td.Deps, g, BuildInfo{}), g, []string{"audit", "--cluster", "demo"}, td.IO)
	if code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want %d\n%s", code, cmdutil.ExitInterrupted, td.errOut)
	}
	if n := strings.Count(td.errOut.String(), "eksaccess: "); n != 1 {
		t.Errorf("%d eksaccess: lines, want 1:\n%s", n, td.errOut)
	}
}

// TestStoppedReadingClusters: Ctrl-C while audit or who reads several
// clusters ends it with one "eksaccess:" line, exit 130 and nothing on
// stdout: not a report of clusters cut short, which would read as no
// findings (audit) or no access (who).
func TestStoppedReadingClusters(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"audit", "--cluster", "demo,other", "-o", "json"},
		{"who", "--principal", "arn:aws:iam::111122223333:role/a", "--cluster", "demo,other", "-o", "json"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			ctx, interrupt := context.WithCancel(t.Context())
			defer interrupt()
			testDone := make(chan struct{})
			td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/access-entries") {
						interrupt()
						select { // never answered
						case <-r.Context().Done():
						case <-testDone:
						}
						return
					}
					next.ServeHTTP(w, r)
				})
			})
			t.Cleanup(func() { close(testDone) }) // before the server's Close
			td.srv.AddCluster("other", "")
			if _, err := td.srv.CreateRole(emulator.Role{Name: "a", Path: "/"}); err != nil {
				t.Fatal(err)
			}
			g := &globalOptions{}
			code := execute(ctx, newRootCmd(td.Deps, g, BuildInfo{}), g, args, td.IO)
			if code != cmdutil.ExitInterrupted {
				t.Errorf("exit %d, want %d\n%s", code, cmdutil.ExitInterrupted, td.errOut)
			}
			if n := strings.Count(td.errOut.String(), "eksaccess: "); n != 1 {
				t.Errorf("%d eksaccess: lines, want 1:\n%s", n, td.errOut)
			}
			switch {
			case args[0] == "who":
				// A fleet read reports what was read (issue 18): every
				// cluster cut short says so in its row, beside exit 130.
				if n := strings.Count(td.out.String(), `"error": "not read: stopped`); n != 2 {
					t.Errorf("%d clusters marked not read, want 2:\n%s", n, td.out)
				}
			case td.out.Len() > 0:
				t.Errorf("stdout:\n%s", td.out)
			}
		})
	}
}
