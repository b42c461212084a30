package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/fleet"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// fleetClusterConcurrency is how many clusters of a region list reads at
// once; each reads up to --concurrency entries at once, and the region's
// limiter paces them all.
const fleetClusterConcurrency = fleet.DefaultConcurrency

// listFleetDoc is list's document for a fleet: one item per cluster, with
// its entries or its error, so that --query works across the fleet
// (clusters[?error], clusters[].accessEntries[]).
type listFleetDoc struct {
	Clusters []listFleetCluster `json:"clusters"`
}

// listFleetCluster is one cluster's entries (principal ARNs, or with
// --details the entries described), or its error.
type listFleetCluster struct {
	fleet.Target
	AccessEntries any    `json:"accessEntries"`
	Error         string `json:"error,omitempty"`
}

// runListFleet lists the entries of every cluster of the fleet.
func runListFleet(ctx context.Context, o *listOptions) error {
	if o.policyRef != nil {
		// One check of the name for the whole fleet: an unknown name would
		// filter out every entry of every cluster.
		client, err := o.deps.scope().open(ctx, first(o.deps.scope().Profiles), "")
		if err != nil {
			return err
		}
		if err := checkPolicyExists(ctx, o.deps, client, *o.policyRef); err != nil {
			return err
		}
	}
	var mu sync.Mutex
	var deleted []string
	read := readFleet(ctx, o.deps, &o.fleet, fleetClusterConcurrency, func(ctx context.Context, c *eksapi.Client, t fleet.Target) (any, error) {
		lo := eksapi.ListOptions{MaxItems: o.maxItems}
		if o.policyRef != nil {
			lo.AssociatedPolicyARN = o.policyRef.ARN(access.PartitionOf(c.Region()))
		}
		cluster := access.ClusterName(t.Cluster)
		arns, err := c.ListEntries(ctx, cluster, lo)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(arns, func(a, b access.PrincipalARN) int { return strings.Compare(a.String(), b.String()) })
		if !o.details {
			names := make([]string, len(arns))
			for i, a := range arns {
				names[i] = a.String()
			}
			return names, nil
		}
		return apply.DescribeAll(ctx, c, cluster, arns, apply.ReadOptions{
			Concurrency: o.concurrency,
			Deleted: func(p string) {
				mu.Lock()
				defer mu.Unlock()
				deleted = append(deleted, fmt.Sprintf("%s was deleted from cluster %s (%s) while listing: skipped", p, t.Cluster, t.Region))
			},
		})
	})
	cmdutil.Warn(o.deps.IO.ErrOut, deleted...)
	doc := listFleetDoc{Clusters: make([]listFleetCluster, len(read.results))}
	for i, r := range read.results {
		doc.Clusters[i] = listFleetCluster{Target: r.Target, AccessEntries: r.Value}
		if r.Err != nil {
			doc.Clusters[i].Error = r.Err.Error()
		} else if r.Value == nil {
			doc.Clusters[i].AccessEntries = []string{}
		}
	}
	if err := o.deps.print(listFleetResult(doc, o.details)); err != nil {
		return err
	}
	return finishFleet(ctx, o.deps, read)
}

// fleetColumns are the columns a fleet table starts with: it is grouped by
// account, region and cluster.
var fleetColumns = []string{"ACCOUNT", "REGION", "CLUSTER"}

func fleetCells(t fleet.Target) []string { return []string{t.Account, t.Region, t.Cluster} }

// listFleetResult renders a fleet's list: a row per entry, after its
// account, region and cluster; a cluster that failed has one row with its
// error.
func listFleetResult(doc listFleetDoc, details bool) output.Result {
	t := output.Table{Header: append(slices.Clone(fleetColumns), "PRINCIPAL")}
	if details {
		t = detailsResult(nil).Table
		t.Header = append(slices.Clone(fleetColumns), t.Header...)
		shift := len(fleetColumns)
		for i := range t.Shrink {
			t.Shrink[i] += shift
		}
		least := map[int]int{}
		for k, v := range t.Least {
			least[k+shift] = v
		}
		t.Least = least
		t.Compact = [][]string{}
	}
	for _, c := range doc.Clusters {
		prefix := fleetCells(c.Target)
		if c.Error != "" {
			row := append(slices.Clone(prefix), "error: "+c.Error)
			for len(row) < len(t.Header) {
				row = append(row, "")
			}
			t.Rows = append(t.Rows, row)
			if details {
				t.Compact = append(t.Compact, row)
			}
			continue
		}
		switch entries := c.AccessEntries.(type) {
		case []string:
			for _, e := range entries {
				t.Rows = append(t.Rows, append(slices.Clone(prefix), e))
			}
		case []detailedEntry:
			one := detailsResult(entries).Table
			for i := range one.Rows {
				t.Rows = append(t.Rows, append(slices.Clone(prefix), one.Rows[i]...))
				t.Compact = append(t.Compact, append(slices.Clone(prefix), one.Compact[i]...))
			}
			// The narrowest a policy column gets is the widest policy name of any cluster.
			for k, v := range one.Least {
				t.Least[k+len(fleetColumns)] = max(t.Least[k+len(fleetColumns)], v)
			}
		}
	}
	return output.Result{Doc: doc, Table: t}
}
