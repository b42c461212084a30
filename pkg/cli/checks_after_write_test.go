package cli

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/cmdutil/cmdutiltest"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// adminCaller is a session of adminRole.
const adminCaller = "arn:aws:sts::111122223333:assumed-role/admin/alice"

// checkAfterWrite is a write whose check after it (the read-back for
// another writer, the re-read of the caller's own access) reads the entry:
// the setup, the command, which request is the write and which the read
// of the check.
type checkAfterWrite struct {
	name  string
	seed  func(t *testing.T, td *testDeps)
	args  func(t *testing.T) []string
	write func(*http.Request) bool // the write the check follows
	read  func(*http.Request) bool // the check's read, once the write was sent
	// stopped: what stderr says when the command stops in the read (the
	// write made, the check not); warned: the one warning line when the
	// read fails otherwise.
	stopped, warned string
	// wrote checks that the write was made.
	wrote func(t *testing.T, td *testDeps)
}

func isListPolicies(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/access-policies")
}

func isUpdateEntry(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/access-entries/") && !strings.Contains(r.URL.Path, "/access-policies")
}

// seedWithGroups creates principal in cluster demo with groups and policies.
func seedWithGroups(t *testing.T, td *testDeps, principal string, groups []string, policies ...string) {
	t.Helper()
	client, err := td.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p := mustPrincipal(t, principal)
	if _, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p, Groups: groups}); err != nil {
		t.Fatal(err)
	}
	for _, s := range policies {
		pa, err := access.ParsePolicyAssociation(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.AssociatePolicy(t.Context(), "demo", p, pa.Policy.ARN(p.Partition()), pa.Scope); err != nil {
			t.Fatal(err)
		}
	}
}

// groupsAre checks the groups of principal in cluster demo.
func groupsAre(principal string, want ...string) func(*testing.T, *testDeps) {
	return func(t *testing.T, td *testDeps) {
		t.Helper()
		client, err := td.Client(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		e, err := client.DescribeEntry(t.Context(), "demo", mustPrincipal(t, principal))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(e.KubernetesGroups, ",") != strings.Join(want, ",") {
			t.Errorf("groups of %s: %v, want %v", principal, e.KubernetesGroups, want)
		}
	}
}

func applyFile(yaml string) func(t *testing.T) []string {
	return func(t *testing.T) []string {
		return []string{"apply", "--yes", "-f", writeFile(t, "access.yaml", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\nentries:\n"+yaml)}
	}
}

func checksAfterWrites() []checkAfterWrite {
	by := func(principal, extra string) string {
		return "check by hand: eksaccess describe --cluster demo --region " + emutest.Region + " --principal " + principal + extra
	}
	return []checkAfterWrite{
		{
			name:  "apply: the read-back for another writer",
			seed:  func(t *testing.T, td *testDeps) { seedWithGroups(t, td, devRole, []string{"a"}) },
			args:  applyFile("  - principalArn: " + devRole + "\n    kubernetesGroups: [b]\n"),
			write: isUpdateEntry, read: isDescribe,
			stopped: "eksaccess: cluster demo: update " + devRole + ": the change was made (done: update groups and username), but apply stopped before checking whether another writer changed it at the same time; " + by(devRole, "") + "\n",
			warned:  "warning: cluster demo: update " + devRole + ": the change was made, but apply could not check whether another writer changed it at the same time (reading the entry back failed: ",
			wrote:   groupsAre(devRole, "b"),
		},
		{
			name: "apply: the re-read of your own access",
			seed: func(t *testing.T, td *testDeps) {
				seedWithGroups(t, td, adminRole, []string{"ops", "extra"}, "AmazonEKSViewPolicy")
			},
			args:  applyFile("  - principalArn: " + adminRole + "\n    kubernetesGroups: [ops]\n    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster}}]\n"),
			write: isUpdateEntry, read: isDescribe,
			stopped: "eksaccess: cluster demo: update " + adminRole + ": the change was made (done: update groups and username), but apply stopped before checking whether another writer took the rest of your access at the same time, or whether another writer changed it at the same time; " + by(adminRole, " --with-policies") + "\n",
			warned:  "warning: cluster demo: update " + adminRole + ": the change was made, but apply could not check whether another writer took the rest of your access at the same time (reading the entry back failed: ",
			wrote:   groupsAre(adminRole, "ops"),
		},
		{
			name: "update: the read-back for another writer",
			seed: func(t *testing.T, td *testDeps) { seedWithGroups(t, td, devRole, []string{"a"}) },
			args: func(*testing.T) []string {
				return []string{"update", "--cluster", "demo", "--principal", devRole, "--group", "b"}
			},
			write: isUpdateEntry, read: isDescribe,
			stopped: "updated access entry " + devRole + " in cluster demo, but eksaccess stopped before reading it back, so it did not check whether another writer changed it at the same time: ",
			warned:  "warning: the update was made, but reading the entry back failed, so eksaccess cannot tell whether another writer changed it at the same time: ",
			wrote:   groupsAre(devRole, "b"),
		},
		{
			name: "update: the re-read of your own access",
			seed: func(t *testing.T, td *testDeps) {
				seedWithGroups(t, td, adminRole, []string{"ops"}, "AmazonEKSViewPolicy")
			},
			args: func(*testing.T) []string {
				return []string{"update", "--cluster", "demo", "--principal", adminRole, "--group", "other"}
			},
			write: isUpdateEntry, read: isListPolicies,
			stopped: "updated access entry " + adminRole + " in cluster demo, but eksaccess stopped before reading your access back, so it did not check whether another writer took the rest of it at the same time: ",
			warned:  "warning: the update was made, but reading your access back failed, so eksaccess cannot tell whether another writer took the rest of it at the same time: ",
			wrote:   groupsAre(adminRole, "other"),
		},
		{
			name: "policy disassociate: the re-read of your own access",
			seed: func(t *testing.T, td *testDeps) {
				seedWithGroups(t, td, adminRole, nil, "AmazonEKSViewPolicy", "AmazonEKSEditPolicy:namespace=dev")
			},
			args: func(*testing.T) []string {
				return []string{"policy", "disassociate", "--cluster", "demo", "--principal", adminRole, "--policy", "AmazonEKSEditPolicy"}
			},
			write:   func(r *http.Request) bool { return r.Method == http.MethodDelete },
			read:    func(r *http.Request) bool { return r.Method == http.MethodGet },
			stopped: "disassociated AmazonEKSEditPolicy from " + adminRole + " in cluster demo, but eksaccess stopped before reading your access back, so it did not check whether another writer took the rest of it at the same time: ",
			warned:  "warning: AmazonEKSEditPolicy was disassociated, but reading your access back failed, so eksaccess cannot tell whether another writer took the rest of it at the same time: ",
			wrote: func(t *testing.T, td *testDeps) {
				t.Helper()
				client, err := td.Client(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				have, err := client.ListAssociatedPolicies(t.Context(), "demo", mustPrincipal(t, adminRole))
				if err != nil {
					t.Fatal(err)
				}
				if len(have) != 1 || access.PolicyName(have[0].PolicyARN) != "AmazonEKSViewPolicy" {
					t.Errorf("policies left: %+v", have)
				}
			},
		},
	}
}

// TestChecksAfterAWriteStopped: Ctrl-C, SIGTERM or --timeout while a
// command reads the entry back after its write (the check for another
// writer, or for your own access) is the command's end: exit 130, 143 or
// 1, never 0, and stderr says that the write was made, which check did
// not run, and how to check by hand. The read never gets an answer; the
// stop comes as it arrives (a fake clock moved past --timeout).
func TestChecksAfterAWriteStopped(t *testing.T) {
	t.Parallel()
	stops := []struct {
		name string
		code int
	}{
		{"ctrl-c", cmdutil.ExitInterrupted},
		{"sigterm", cmdutil.ExitTerminated},
		{"timeout", cmdutil.ExitFailure},
	}
	for _, tc := range checksAfterWrites() {
		for _, stop := range stops {
			t.Run(tc.name+"/"+stop.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithCancelCause(t.Context())
				defer cancel(nil)
				clk := cmdutiltest.NewFakeClock()
				var wrote, stopped atomic.Bool
				testDone := make(chan struct{})
				td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
					return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if wrote.Load() && tc.read(r) && !stopped.Swap(true) {
							switch stop.name {
							case "ctrl-c":
								cancel(&cmdutil.SignalError{Signal: os.Interrupt})
							case "sigterm":
								cancel(&cmdutil.SignalError{Signal: syscall.SIGTERM})
							default:
								clk.Advance(time.Hour)
							}
							select { // never answered
							case <-r.Context().Done():
							case <-testDone:
							}
							return
						}
						if tc.write(r) {
							wrote.Store(true)
						}
						next.ServeHTTP(w, r)
					})
				})
				t.Cleanup(func() { close(testDone) }) // before the server's Close
				td.srv.SetCaller(adminCaller)
				tc.seed(t, td)
				g := &globalOptions{clock: clk}
				code := execute(ctx, newRootCmd(td.Deps, g, BuildInfo{}), g, tc.args(t), td.IO)
				if !stopped.Load() {
					t.Fatalf("the check's read was never sent (exit %d)\n%s", code, td.errOut)
				}
				if code != stop.code {
					t.Errorf("exit %d, want %d\n%s", code, stop.code, td.errOut)
				}
				if !strings.Contains(td.errOut.String(), tc.stopped) {
					t.Errorf("stderr lacks %q:\n%s", tc.stopped, td.errOut)
				}
				if !strings.Contains(td.errOut.String(), "check by hand: eksaccess describe --cluster demo") {
					t.Errorf("stderr names no command to check by hand:\n%s", td.errOut)
				}
				if strings.Contains(td.out.String(), "applied") {
					t.Errorf("stdout says applied:\n%s", td.out)
				}
				tc.wrote(t, td)
			})
		}
	}
}

// TestChecksAfterAWriteFailed: the check's read fails (access denied): the
// write was made and stands (exit 0), and stderr warns, in one line, that
// the check could not be made, naming what to check and how. apply said
// nothing of it before.
func TestChecksAfterAWriteFailed(t *testing.T) {
	t.Parallel()
	for _, tc := range checksAfterWrites() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var wrote, denied atomic.Bool
			td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if wrote.Load() && tc.read(r) && !denied.Swap(true) {
						_, _ = io.Copy(io.Discard, r.Body)
						w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
						w.WriteHeader(http.StatusForbidden)
						_, _ = io.WriteString(w, `{"message":"User: alice is not authorized to perform: eks:Read"}`)
						return
					}
					if tc.write(r) {
						wrote.Store(true)
					}
					next.ServeHTTP(w, r)
				})
			})
			td.srv.SetCaller(adminCaller)
			tc.seed(t, td)
			if code := runRoot(t.Context(), td, tc.args(t)...); code != cmdutil.ExitOK {
				t.Errorf("exit %d, want 0\n%s", code, td.errOut)
			}
			if !denied.Load() {
				t.Fatalf("the check's read was never sent\n%s", td.errOut)
			}
			var warnings []string
			for _, l := range strings.Split(td.errOut.String(), "\n") {
				if strings.HasPrefix(l, "warning: ") {
					warnings = append(warnings, l)
				}
			}
			if len(warnings) != 1 || !strings.HasPrefix(warnings[0], tc.warned) ||
				!strings.Contains(warnings[0], "not authorized") || !strings.Contains(warnings[0], "check by hand: eksaccess describe --cluster demo") {
				t.Errorf("warnings %q, want one starting %q, with the cause and the command to check by hand\n%s", warnings, tc.warned, td.errOut)
			}
			tc.wrote(t, td)
		})
	}
}

// TestApplyStoppedSaysWhatWasWritten: stopped (Ctrl-C) while an entry's
// work is under way, apply says "may have been applied" only when one of
// its writes was on its way. Stopped in the read before a delete (the
// check that it did not change hands), nothing was written: "not
// started", as for the entries never begun. Stopped in the read between
// an update's writes, those made are named and the rest were not sent.
// The stop is Ctrl-C as the request to stop in arrives; it never gets an
// answer. The question (a terminal) arms it: the plan's reads come before.
func TestApplyStoppedSaysWhatWasWritten(t *testing.T) {
	t.Parallel()
	m1, m2 := "arn:aws:iam::111122223333:role/m1", "arn:aws:iam::111122223333:role/m2"
	managed := func(t *testing.T, td *testDeps) {
		client, err := td.Client(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{m1, m2} {
			req := access.CreateEntry{Cluster: "demo", Principal: mustPrincipal(t, p), Tags: access.Tags{plan.ManagedTagKey: plan.ManagedTagValue}}
			if _, err := client.CreateEntry(t.Context(), req); err != nil {
				t.Fatal(err)
			}
		}
	}
	isDelete := func(r *http.Request) bool {
		return r.Method == http.MethodDelete && !strings.Contains(r.URL.Path, "/access-policies")
	}
	cases := []struct {
		name string
		seed func(*testing.T, *testDeps)
		file string
		// stop: the request to stop in; n: the how-manieth of them
		stop      func(*http.Request) bool
		n         int
		want      []string // lines of stderr
		never     []string
		deletions int // DeleteAccessEntry requests answered
	}{
		{
			name: "in the read before a delete", seed: managed, file: "entries:\n  - principalArn: " + devRole + "\n",
			stop: isDescribe, n: 1,
			want: []string{
				"cluster demo (us-west-2): 1 created, 0 updated, 0 deleted; 2 not started\n",
				"eksaccess: cluster demo: delete " + m1 + ": not started\n",
				"eksaccess: cluster demo: delete " + m2 + ": not started\n",
			},
			never: []string{"may have been applied"},
		},
		{
			name: "while the delete is on its way", seed: managed, file: "entries:\n  - principalArn: " + devRole + "\n",
			stop: isDelete, n: 1,
			want: []string{
				"cluster demo (us-west-2): 1 created, 0 updated, 0 deleted; 1 may have been applied, 1 not started\n",
				"eksaccess: cluster demo: delete " + m1 + ": may have been applied; run it again to converge\n",
				"eksaccess: cluster demo: delete " + m2 + ": not started\n",
			},
		},
		{
			name: "in the read between an update's writes",
			seed: func(t *testing.T, td *testDeps) { seedWithGroups(t, td, devRole, []string{"a"}) },
			file: "entries:\n  - principalArn: " + devRole + "\n    kubernetesGroups: [b]\n    accessPolicies: [{policyArn: AmazonEKSViewPolicy, accessScope: {type: cluster}}]\n",
			stop: isDescribe, n: 2,
			want: []string{
				"cluster demo (us-west-2): 0 created, 0 updated, 0 deleted; 1 stopped part-way\n",
				"eksaccess: cluster demo: update " + devRole + ": stopped part-way (done: add AmazonEKSViewPolicy), the rest not sent; run it again to converge\n",
			},
			never: []string{"may have been applied"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancelCause(t.Context())
			defer cancel(nil)
			var armed atomic.Bool
			var seen atomic.Int32
			testDone := make(chan struct{})
			td := newTestDepsWrapped(t, func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if armed.Load() && tc.stop(r) && int(seen.Add(1)) >= tc.n {
						_, _ = io.Copy(io.Discard, r.Body)
						cancel(&cmdutil.SignalError{Signal: os.Interrupt})
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
			tc.seed(t, td)
			td.srv.ResetRequests()
			td.IO.SetTTY(true, false, true)
			td.Confirm = func(context.Context, string) (bool, error) { armed.Store(true); return true, nil }
			file := writeFile(t, "access.yaml", "apiVersion: eksaccess/v1\nkind: AccessConfig\nclusters: [{name: demo}]\n"+tc.file)
			g := &globalOptions{}
			args := []string{"apply", "-f", file, "--prune", "--concurrency", "1", "--force"}
			if code := execute(ctx, newRootCmd(td.Deps, g, BuildInfo{}), g, args, td.IO); code != cmdutil.ExitInterrupted {
				t.Errorf("exit %d, want %d\n%s", code, cmdutil.ExitInterrupted, td.errOut)
			}
			if !armed.Load() || seen.Load() < int32(tc.n) {
				t.Fatalf("apply never reached the request to stop in\n%s", td.errOut)
			}
			stderr := td.errOut.String()
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(stderr, n) || strings.Contains(td.out.String(), n) {
					t.Errorf("output says %q:\n%s\n%s", n, td.out, stderr)
				}
			}
			if n := opCount(td, "DeleteAccessEntry"); n != tc.deletions {
				t.Errorf("%d DeleteAccessEntry requests answered, want %d", n, tc.deletions)
			}
		})
	}
}
