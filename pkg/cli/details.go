package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// detailedEntry is one item of `list --details`: the entry's own fields
// plus its policies, as the planner reads the live state.
type detailedEntry = plan.Live

// progressAfter is how long bulk work goes before it shows progress on a
// terminal.
var progressAfter = time.Second

// describeAll describes every entry and lists its policies (apply.DescribeAll:
// the live read export, diff and apply use too), with progress on a
// terminal; an entry deleted meanwhile is skipped with a warning.
func describeAll(ctx context.Context, o *listOptions, client *eksapi.Client, arns []access.PrincipalARN) ([]detailedEntry, error) {
	progress := cmdutil.NewProgress(o.deps.IO, progressAfter, "described", "entries", len(arns))
	var deleted []string
	entries, err := apply.DescribeAll(ctx, client, o.cluster, arns, apply.ReadOptions{
		Concurrency: o.concurrency,
		Progress:    func(done, _ int) { progress.Set(done) },
		Deleted:     func(p string) { deleted = append(deleted, p) },
	})
	progress.Stop() // the progress line ends before any warning is printed
	for _, p := range deleted {
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("%s was deleted while listing: skipped", p))
	}
	return entries, err
}

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

// detailsWidth is the width the `list --details` table keeps within.
const detailsWidth = 120

// detailsResult renders `list --details`: {"accessEntries": [entry+policies]}
// and one row per entry. The table fits detailsWidth columns as far as the
// principal allows: the principal, the key of a row, is always printed
// whole (two principals cut alike would pass for one), and the other
// columns give way instead: long usernames first (the default ones are
// long ARNs), then tags, groups and last policies, never so narrow that a
// policy's name is cut (AmazonEKSVi… would be View or AdminView). A
// principal longer than the room left makes the table wider than
// detailsWidth. The table's TAGS shows the entry's own tags first and
// apply's bookkeeping tags as one word at the end (see compactTags).
// -o text and the documents keep every value whole.
func detailsResult(entries []detailedEntry) output.Result {
	rows := make([][]string, 0, len(entries))
	compact := make([][]string, 0, len(entries))
	policyName := 0 // the widest policy name
	for _, e := range entries {
		row := []string{
			e.PrincipalARN.String(), e.Type.String(), e.Username,
			strings.Join(e.KubernetesGroups, ","), cmdutil.PolicySummary(e.AssociatedAccessPolicies),
			cmdutil.TagSummary(e.Tags),
		}
		rows = append(rows, row)
		short := slices.Clone(row)
		short[colTags] = compactTags(e.Tags)
		compact = append(compact, short)
		for _, p := range e.AssociatedAccessPolicies {
			policyName = max(policyName, utf8.RuneCountInString(output.Sanitize(access.PolicyName(p.PolicyARN))))
		}
	}
	return output.Result{
		Doc: struct {
			AccessEntries []detailedEntry `json:"accessEntries"`
		}{entries},
		Table: output.Table{
			Header:  []string{"PRINCIPAL", "TYPE", "USERNAME", "GROUPS", "POLICIES", "TAGS"},
			Rows:    rows,
			Compact: compact,
			Fit:     detailsWidth,
			Shrink:  []int{colUsername, colTags, colGroups, colPolicies},
			// A cut POLICIES keeps the first policy's name whole and
			// the "(" of its scope: "AmazonEKSViewPolicy(…".
			Least: map[int]int{colPolicies: policyName + 2},
		},
	}
}

// The columns of the `list --details` table.
const (
	colUsername = 2
	colGroups   = 3
	colPolicies = 4
	colTags     = 5
)

// compactTags renders tags for the `list --details` table: the entry's own
// tags, k=v sorted by key, then apply's bookkeeping as one word without
// "=" (so it never reads as a tag): "managed" for managed-by=eksaccess,
// "managed:OWNER" when the entry also carries eksaccess/owner=OWNER. An
// owner tag without the managed tag is an ordinary tag: prune does not
// touch such an entry.
func compactTags(tags map[string]string) string {
	own := maps.Clone(tags)
	marker := ""
	if tags[access.ManagedTagKey] == access.ManagedTagValue {
		delete(own, access.ManagedTagKey)
		marker = "managed"
		if owner, ok := tags[access.OwnerTagKey]; ok {
			delete(own, access.OwnerTagKey)
			marker += ":" + owner
		}
	}
	s := cmdutil.TagSummary(own)
	switch {
	case marker == "":
		return s
	case s == "":
		return marker
	default:
		return s + "," + marker
	}
}
