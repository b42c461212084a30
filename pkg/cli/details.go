package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// detailedEntry is one item of `list --details`: the entry's own fields
// plus its policies.
type detailedEntry struct {
	access.Entry
	AssociatedAccessPolicies []access.AssociatedPolicy `json:"associatedAccessPolicies"`
}

// progressAfter is how long `list --details` works before it shows
// progress on a terminal.
var progressAfter = time.Second

// describeAll describes every entry and lists its policies, at most
// o.concurrency requests at a time. The result keeps the order of arns,
// whatever the order of the answers. An entry deleted meanwhile is skipped
// with a warning.
func describeAll(ctx context.Context, o *listOptions, client *eksapi.Client, arns []string) ([]detailedEntry, error) {
	results := make([]*detailedEntry, len(arns))
	var done atomic.Int64
	stop := o.showProgress(&done, len(arns))
	defer stop() // idempotent: also ends the progress line on an early return

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.concurrency)
	for i, a := range arns {
		if gctx.Err() != nil {
			break // a call failed (or Ctrl-C): start no more
		}
		g.Go(func() error {
			defer done.Add(1)
			p, err := access.ParsePrincipalARN(a)
			if err != nil {
				// EKS listed it, so it is valid there; keep what it says.
				p = access.UncheckedPrincipalARN(a)
			}
			e, err := client.DescribeEntry(gctx, o.cluster, p)
			if errors.Is(err, eksapi.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			policies, err := client.ListAssociatedPolicies(gctx, o.cluster, p)
			if errors.Is(err, eksapi.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			results[i] = &detailedEntry{Entry: e, AssociatedAccessPolicies: policies}
			return nil
		})
	}
	err := g.Wait()
	stop() // the progress line ends before any warning is printed
	if err != nil {
		return nil, err
	}
	entries := make([]detailedEntry, 0, len(results))
	for i, r := range results {
		if r == nil {
			warn(o.deps, fmt.Sprintf("%s was deleted while listing: skipped", arns[i]))
			continue
		}
		entries = append(entries, *r)
	}
	return entries, nil
}

// showProgress prints "described n/total" on a terminal's stderr once the
// work has taken longer than progressAfter; the returned func ends it.
func (o *listOptions) showProgress(done *atomic.Int64, total int) (stop func()) {
	if !o.deps.IO.IsStderrTTY() || total == 0 {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		timer := time.NewTimer(progressAfter)
		defer timer.Stop()
		select {
		case <-quit:
			return
		case <-timer.C:
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			fmt.Fprintf(o.deps.IO.ErrOut, "\rdescribed %d/%d entries", done.Load(), total)
			select {
			case <-quit:
				fmt.Fprintf(o.deps.IO.ErrOut, "\rdescribed %d/%d entries\n", done.Load(), total)
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(quit); <-finished }) }
}

// detailsResult renders `list --details`: {"accessEntries": [entry+policies]}
// and one row per entry.
func detailsResult(entries []detailedEntry) output.Result {
	rows := make([][]string, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, []string{
			e.PrincipalARN, e.Type, e.Username,
			strings.Join(e.KubernetesGroups, ","), policySummary(e.AssociatedAccessPolicies),
		})
	}
	return output.Result{
		Doc: struct {
			AccessEntries []detailedEntry `json:"accessEntries"`
		}{entries},
		Table: output.Table{Header: []string{"PRINCIPAL", "TYPE", "USERNAME", "GROUPS", "POLICIES"}, Rows: rows},
	}
}
