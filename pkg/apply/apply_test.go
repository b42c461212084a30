package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// executorEnv is an emulator whose clock moves a second at every reading,
// so that every write gives an entry a new modifiedAt (its Revision)
// without waiting, and a client for it.
func executorEnv(t *testing.T) *eksapi.Client {
	t.Helper()
	var tick atomic.Int64
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, hs := emutest.Start(t, emulator.Options{Now: func() time.Time {
		return start.Add(time.Duration(tick.Add(1)) * time.Second)
	}})
	return eksapi.NewFromConfig(emutest.Config(hs.URL), "")
}

// planFor reads cluster demo and plans want against it.
func planFor(t *testing.T, c *eksapi.Client, want []access.CreateEntry, o plan.Options) plan.Plan {
	t.Helper()
	lv, err := ReadLive(t.Context(), c, "demo", ReadOptions{Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	return plan.Build("demo", "", want, lv, o)
}

func mustCreate(t *testing.T, c *eksapi.Client, r access.CreateEntry) access.Entry {
	t.Helper()
	r.Cluster = "demo"
	e, err := c.CreateEntry(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// outcome applies p and returns the one entry's outcome.
func outcome(t *testing.T, c *eksapi.Client, p plan.Plan) Outcome {
	t.Helper()
	r := Executor{Client: c, Concurrency: 1}.Apply(t.Context(), p)
	if len(r.Outcomes) != 1 {
		t.Fatalf("%d outcomes, want 1: %+v", len(r.Outcomes), r.Outcomes)
	}
	return r.Outcomes[0]
}

// TestExecutorUpdateLeavesAnEntryChangedMeanwhile guards apply's
// concurrent-writer check (changedMeanwhile): another writer changes the
// entry between the plan's read and apply's write, and apply leaves it
// (ErrChangedMeanwhile) rather than undo that change. Each case fails if
// the check is skipped; "rewritten as it was" fails if it ignores the
// revision (the other writer set the same groups and username, so only
// modifiedAt says it wrote). "nobody else wrote" fails if the check
// refuses every update.
func TestExecutorUpdateLeavesAnEntryChangedMeanwhile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		other    func(ctx context.Context, c *eksapi.Client, p access.PrincipalARN) error // nil: nobody writes
		groups   []string                                                                 // the entry's groups at the end
		username string
	}{
		{
			name: "groups changed",
			other: func(ctx context.Context, c *eksapi.Client, p access.PrincipalARN) error {
				_, err := c.UpdateEntry(ctx, "demo", p, []string{"other"}, "dev")
				return err
			},
			groups: []string{"other"}, username: "dev",
		},
		{
			name: "username changed",
			other: func(ctx context.Context, c *eksapi.Client, p access.PrincipalARN) error {
				_, err := c.UpdateEntry(ctx, "demo", p, []string{"a"}, "other")
				return err
			},
			groups: []string{"a"}, username: "other",
		},
		{
			name: "rewritten as it was",
			other: func(ctx context.Context, c *eksapi.Client, p access.PrincipalARN) error {
				_, err := c.UpdateEntry(ctx, "demo", p, []string{"a"}, "dev")
				return err
			},
			groups: []string{"a"}, username: "dev",
		},
		{name: "nobody else wrote", groups: []string{"a", "b"}, username: "dev"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := executorEnv(t)
			p := mustPrincipal(t, dev)
			mustCreate(t, c, access.CreateEntry{Principal: p, Groups: []string{"a"}, Username: "dev"})
			pl := planFor(t, c, []access.CreateEntry{{Principal: p, Groups: []string{"a", "b"}, Username: "dev"}}, plan.Options{})
			if pl.Changes[0].Action != plan.ActionUpdate {
				t.Fatalf("plan: %+v", pl.Changes)
			}
			if tc.other != nil {
				if err := tc.other(t.Context(), c, p); err != nil {
					t.Fatalf("the other writer: %v", err)
				}
			}
			o := outcome(t, c, pl)
			switch {
			case tc.other == nil && o.Err != nil:
				t.Fatalf("nobody else wrote, yet: %v", o.Err)
			case tc.other != nil && !errors.Is(o.Err, ErrChangedMeanwhile):
				t.Fatalf("err = %v (done %v), want ErrChangedMeanwhile", o.Err, o.Done)
			}
			e, err := c.DescribeEntry(t.Context(), "demo", p)
			if err != nil {
				t.Fatal(err)
			}
			if got := sorted(e.KubernetesGroups); !slices.Equal(got, tc.groups) || e.Username != tc.username {
				t.Errorf("entry has groups %v, username %q; want %v, %q", got, e.Username, tc.groups, tc.username)
			}
		})
	}
}

// TestExecutorLeavesAnEntryThatChangedHands: between the plan's read and
// apply's write, another file adopts the entry (its owner tag). Apply then
// neither deletes it (a prune planned while it was the default owner's)
// nor tags it with its own owner (an adoption planned meanwhile). Without
// another writer, both go ahead.
func TestExecutorLeavesAnEntryThatChangedHands(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		want   func(p access.PrincipalARN) []access.CreateEntry
		opts   plan.Options
		action plan.Action
	}{
		{name: "a prune by the default owner", want: func(access.PrincipalARN) []access.CreateEntry { return nil }, opts: plan.Options{Prune: true}, action: plan.ActionDelete},
		{name: "an adoption by team-a", want: func(p access.PrincipalARN) []access.CreateEntry { return []access.CreateEntry{{Principal: p}} }, opts: plan.Options{Owner: "team-a"}, action: plan.ActionUpdate},
	}
	for _, tc := range cases {
		for _, race := range []bool{true, false} {
			name := tc.name + ", nobody else"
			if race {
				name = tc.name + ", team-b adopts it meanwhile"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				c := executorEnv(t)
				p := mustPrincipal(t, dev)
				e := mustCreate(t, c, access.CreateEntry{Principal: p, Tags: access.Tags{plan.ManagedTagKey: plan.ManagedTagValue}})
				pl := planFor(t, c, tc.want(p), tc.opts)
				if pl.Changes[0].Action != tc.action {
					t.Fatalf("plan: %+v", pl.Changes)
				}
				if race {
					if err := c.TagEntry(t.Context(), "demo", e.AccessEntryARN, map[string]string{plan.OwnerTagKey: "team-b"}); err != nil {
						t.Fatal(err)
					}
				}
				o := outcome(t, c, pl)
				now, err := c.DescribeEntry(t.Context(), "demo", p)
				switch {
				case race && !errors.Is(o.Err, ErrChangedMeanwhile):
					t.Fatalf("err = %v (done %v), want ErrChangedMeanwhile", o.Err, o.Done)
				case race && err != nil:
					t.Fatalf("team-b's entry: %v", err)
				case race && now.Tags[plan.OwnerTagKey] != "team-b":
					t.Errorf("team-b's entry was taken: tags %v", now.Tags)
				case !race && o.Err != nil:
					t.Fatalf("nobody else wrote, yet: %v", o.Err)
				case !race && tc.action == plan.ActionDelete && !errors.Is(err, eksapi.ErrNotFound):
					t.Errorf("not deleted: %v, %v", now, err)
				case !race && tc.action == plan.ActionUpdate && now.Tags[plan.OwnerTagKey] != "team-a":
					t.Errorf("not adopted: tags %v (%v)", now.Tags, err)
				}
			})
		}
	}
}

// TestOutcomeState: what apply reports of an entry follows from what was
// sent. Stopped, an entry is "in flight" (it may have been applied) only
// with a write on its way; stopped in a read, it is "not started" when
// nothing was written, "partial" when some writes were made, "unchecked"
// when every write was made but the checks after them were not.
func TestOutcomeState(t *testing.T) {
	t.Parallel()
	stop := fmt.Errorf("describe access entry: %w", context.Canceled)
	cases := []struct {
		name string
		o    Outcome
		want State
	}{
		{"done", Outcome{Started: true, Done: []string{"create entry"}}, StateDone},
		{"done, a check not made", Outcome{Started: true, Done: []string{"update groups and username"}, Unchecked: []Check{CheckOtherWriter}, UncheckedErr: eksapi.ErrAccessDenied}, StateDone},
		{"never begun", Outcome{Err: context.Canceled}, StateNotStarted},
		{"stopped in its first read", Outcome{Started: true, Err: stop}, StateNotStarted},
		{"stopped with a write on its way", Outcome{Started: true, Writing: true, Err: stop}, StateInFlight},
		{"stopped with a write on its way after others", Outcome{Started: true, Writing: true, Done: []string{"add AmazonEKSViewPolicy"}, Err: context.DeadlineExceeded}, StateInFlight},
		{"stopped in a read between writes", Outcome{Started: true, Done: []string{"add AmazonEKSViewPolicy"}, Err: stop}, StatePartial},
		{"stopped in the read-back", Outcome{Started: true, Done: []string{"update groups and username"}, Unchecked: []Check{CheckOtherWriter}, Err: stop}, StateUnchecked},
		{"refused", Outcome{Started: true, Err: fmt.Errorf("%w: your own access", ErrRefused)}, StateRefused},
		{"failed with a write sent", Outcome{Started: true, Writing: true, Err: eksapi.ErrAccessDenied}, StateFailed},
		{"another writer", Outcome{Started: true, Done: []string{"update groups and username"}, Err: &writtenMeanwhile{}}, StateFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.o.State(); got != tc.want {
				t.Errorf("State() = %d, want %d", got, tc.want)
			}
		})
	}
}
