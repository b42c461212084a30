package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

// depsAt is a testDeps whose client talks to h, which serves srv.
func depsAt(t *testing.T, srv *emulator.Server, h http.Handler) *testDeps {
	t.Helper()
	td := newTestDeps(t)
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	td.srv = srv
	td.Client = func(context.Context) (*eksapi.Client, error) {
		return eksapi.NewFromConfig(emutest.Config(hs.URL), ""), nil
	}
	return td
}

// ownedFile is an apply file for cluster demo with owner owner and the
// roles names.
func ownedFile(t *testing.T, owner string, names ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: eksaccess/v1\nkind: AccessConfig\nowner: %s\nclusters: [{name: demo}]\nentries:\n", owner)
	for _, n := range names {
		fmt.Fprintf(&b, "  - principalArn: arn:aws:iam::111122223333:role/%s\n", n)
	}
	return writeFile(t, owner+".yaml", b.String())
}

// liveRoles lists the role names that have an entry in cluster demo.
func liveRoles(t *testing.T, td *testDeps) []string {
	t.Helper()
	c, _ := td.Client(t.Context())
	arns, err := c.ListEntries(t.Context(), "demo", eksapi.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range arns {
		out = append(out, a.String()[strings.LastIndexByte(a.String(), '/')+1:])
	}
	slices.Sort(out)
	return out
}

// TestApplyOwnersSideBySide: two files with different owners, each
// applied with --prune by its own pipeline at the same time, never delete
// each other's entries (issue 14 item 1: a first deployment of A pruned
// B's brand-new entries). The interleavings are made, not hoped for: B's
// whole apply runs inside one of A's requests, held until B is done.
func TestApplyOwnersSideBySide(t *testing.T) {
	t.Parallel()
	isList := func(r *http.Request) bool {
		return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/access-entries")
	}
	isCreate := func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/access-entries")
	}
	cases := []struct {
		name string
		// before: the roles team A applied earlier, alone
		before []string
		// when: the request of A's apply that B's apply runs before
		when func(*http.Request) bool
	}{
		// B creates its entries after A started but before A lists: A's
		// plan sees B's brand-new entries, which its file does not state.
		{name: "B creates, then A reads its plan", when: isList},
		// A has read its plan; B's --prune sees A's earlier entry, which
		// B's file does not state; then A executes.
		{name: "A reads its plan, B applies, A executes", before: []string{"a1"}, when: isCreate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.New(emulator.Options{})
			srv.AddCluster("demo", "API_AND_CONFIG_MAP")
			fileA := ownedFile(t, "team-a", "a1", "a2", "a3")
			fileB := ownedFile(t, "team-b", "b1", "b2", "b3")
			tdB := depsAt(t, srv, srv)
			if len(tc.before) > 0 {
				if code := runRoot(t.Context(), tdB, "apply", "-f", ownedFile(t, "team-a", tc.before...), "--yes", "--prune"); code != 0 {
					t.Fatalf("A's earlier apply: exit %d\n%s", code, tdB.errOut)
				}
			}
			var once sync.Once
			codeB := -1
			tdA := depsAt(t, srv, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.when(r) {
					once.Do(func() { codeB = runRoot(r.Context(), tdB, "apply", "-f", fileB, "--yes", "--prune") })
				}
				srv.ServeHTTP(w, r)
			}))

			codeA := runRoot(t.Context(), tdA, "apply", "-f", fileA, "--yes", "--prune")
			if codeA != 0 || codeB != 0 {
				t.Fatalf("A exit %d, B exit %d (-1: B did not run)\nA:\n%s\nB:\n%s", codeA, codeB, tdA.errOut, tdB.errOut)
			}
			want := []string{"a1", "a2", "a3", "b1", "b2", "b3"}
			if got := liveRoles(t, tdA); !slices.Equal(got, want) {
				t.Fatalf("entries %v, want %v\nA:\n%s\nB:\n%s", got, want, tdA.errOut, tdB.errOut)
			}
			if n := opCount(tdA, "DeleteAccessEntry"); n != 0 {
				t.Errorf("%d deletes", n)
			}
			// Once both are done, each file is in sync, --prune and all.
			for _, f := range []string{fileA, fileB} {
				tdA.errOut.Reset()
				if code := runRoot(t.Context(), tdA, "diff", "-f", f, "--prune"); code != 0 {
					t.Errorf("diff -f %s --prune: exit %d\n%s", f, code, tdA.errOut)
				}
			}
		})
	}
}
