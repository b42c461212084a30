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
//
// One entry's failure does not stop the others: an entry that stays
// throttled after its retries is reported and the rest go on, within the
// command's deadline. Any other failure (access denied, the cluster gone,
// the network) would fail every entry alike, so it stops new work. Either
// way describeAll returns the entries it has and, when any are missing, an
// error naming each failed entry (a line each) and then how many entries
// are missing and why; errors.Is sees every cause, so the exit code
// follows them (throttled: 6).
func describeAll(ctx context.Context, o *listOptions, client *eksapi.Client, arns []string) ([]detailedEntry, error) {
	results := make([]*detailedEntry, len(arns))
	failures := make([]error, len(arns))
	started := make([]bool, len(arns))
	var done atomic.Int64
	stop := o.showProgress(&done, len(arns))
	defer stop() // idempotent: also ends the progress line on an early return

	wctx, halt := context.WithCancelCause(ctx)
	defer halt(nil)
	var g errgroup.Group // not WithContext: one entry's failure is not everyone's
	g.SetLimit(o.concurrency)
	for i, a := range arns {
		if wctx.Err() != nil {
			break // the deadline, Ctrl-C, or a failure every entry would share: start no more
		}
		started[i] = true
		g.Go(func() error {
			defer done.Add(1)
			e, err := describeOne(wctx, o, client, a)
			switch {
			case errors.Is(err, eksapi.ErrNotFound):
				// deleted meanwhile: results[i] stays nil, warned below
			case err != nil:
				failures[i] = err
				if !perEntry(err) {
					halt(err)
				}
			default:
				results[i] = e
			}
			return nil
		})
	}
	_ = g.Wait()
	stop() // the progress line ends before any warning is printed

	entries := make([]detailedEntry, 0, len(results))
	var errs []error
	var throttled, unfinished, failed int
	for i, r := range results {
		switch {
		case r != nil:
			entries = append(entries, *r)
		case !started[i] || isContextErr(failures[i]):
			unfinished++
		case failures[i] != nil:
			failed++
			if errors.Is(failures[i], eksapi.ErrThrottled) {
				throttled++
			}
			errs = append(errs, failures[i])
		default:
			warn(o.deps, fmt.Sprintf("%s was deleted while listing: skipped", arns[i]))
		}
	}
	if failed == 0 && unfinished == 0 {
		return entries, nil
	}
	errs = append(errs, missingError(ctx, len(arns), failed, throttled, unfinished))
	return entries, errors.Join(errs...)
}

// describeOne describes one entry and lists its policies.
func describeOne(ctx context.Context, o *listOptions, client *eksapi.Client, arn string) (d *detailedEntry, err error) {
	defer func() {
		if r := recover(); r != nil { // run's recover cannot see this goroutine
			d, err = nil, fmt.Errorf("describe access entry %s: internal error: %v", arn, r)
		}
	}()
	p, err := access.ParsePrincipalARN(arn)
	if err != nil {
		// EKS listed it, so it is valid there; keep what it says.
		p = access.UncheckedPrincipalARN(arn)
	}
	e, err := client.DescribeEntry(ctx, o.cluster, p)
	if err != nil {
		return nil, err
	}
	policies, err := client.ListAssociatedPolicies(ctx, o.cluster, p)
	if err != nil {
		return nil, err
	}
	return &detailedEntry{Entry: e, AssociatedAccessPolicies: policies}, nil
}

// perEntry reports whether err is about one entry only, so the others go
// on: throttling or a server error that outlasted the retries.
func perEntry(err error) bool {
	return errors.Is(err, eksapi.ErrThrottled) && !isContextErr(err)
}

func isContextErr(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// missingError says how many of total entries are missing from the output,
// and why. It wraps the command's context error when that ended the work,
// for the exit code and the --timeout hint.
func missingError(ctx context.Context, total, failed, throttled, unfinished int) error {
	var why []string
	if failed > 0 {
		reason := fmt.Sprintf("%d failed", failed)
		if throttled == failed {
			reason = fmt.Sprintf("%d throttled after every retry", failed)
		}
		why = append(why, reason)
	}
	if unfinished > 0 {
		when := "after the first failure"
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			when = "before --timeout"
		case ctx.Err() != nil:
			when = "before the interruption"
		}
		why = append(why, fmt.Sprintf("%d not described %s", unfinished, when))
	}
	return &missingEntriesError{
		msg:   fmt.Sprintf("list --details: %d of %d entries are missing from the output (%s)", failed+unfinished, total, strings.Join(why, ", ")),
		cause: ctx.Err(),
	}
}

// missingEntriesError is the summary line of describeAll; it wraps the
// context error that ended the work, if any, without repeating its words.
type missingEntriesError struct {
	msg   string
	cause error
}

func (e *missingEntriesError) Error() string { return e.msg }
func (e *missingEntriesError) Unwrap() error { return e.cause }

// printDetails prints what describeAll found. When entries are missing
// (err != nil), table and text still print the rows there are, one an
// entry, so a person or a line-counting script sees what is known; json,
// yaml and --query print nothing, since a partial document (or a count
// computed on one) would pass for the whole. err is returned either way.
func (o *listOptions) printDetails(entries []detailedEntry, err error) error {
	if err == nil {
		return o.deps.print(detailsResult(entries))
	}
	f := o.deps.Output.Format
	if o.deps.Output.Query == "" && (f == output.TableFormat || f == output.Text || f == "") && len(entries) > 0 {
		if perr := o.deps.print(detailsResult(entries)); perr != nil {
			return errors.Join(err, perr)
		}
	}
	return err
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
