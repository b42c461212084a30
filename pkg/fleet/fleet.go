package fleet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// Spec is what to read: the flags of a fleet command.
type Spec struct {
	// Profiles are the shared-config profiles to read, each an account and
	// its credentials; none means the default credentials ("").
	Profiles []string
	// Regions are the regions to read; none means each profile's own
	// region (unless AllRegions).
	Regions []string
	// AllRegions reads every region of each profile's partition
	// (PartitionRegions); a region that refuses the caller (not enabled
	// for the account, or denied) is skipped and named once.
	AllRegions bool
	// Clusters are the clusters named. A cluster with a Region (given as
	// an ARN) is read there only; one without is read in each region
	// (with AllRegions: in each region whose ListClusters lists it).
	Clusters []Cluster
	// AllClusters reads every cluster ListClusters returns in each region.
	AllClusters bool
}

// Cluster is a cluster named on the command line.
type Cluster struct {
	Name   string
	Region string // "" = every region read
}

// Target is one cluster of the fleet: where its result comes from.
type Target struct {
	Profile string `json:"profile,omitempty"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Cluster string `json:"cluster"`
}

// Client is what the fleet needs of a region's client (*eksapi.Client).
type Client interface {
	Region() string
	ListClusters(ctx context.Context) ([]string, error)
}

// Reader reads a fleet with the clients Open returns.
type Reader[C Client] struct {
	// Open returns profile's client in region ("" = the profile's own
	// region). It is called once per profile and region, and every
	// cluster of that region is read through that client: one rate
	// limiter and one retryer per account and region.
	Open func(ctx context.Context, profile, region string) (C, error)
	// Account returns the account a profile's credentials belong to.
	Account func(ctx context.Context, c C) (string, error)
	// Concurrency bounds the clusters read at once in each region (the
	// region's limiter bounds the requests); 0 means DefaultConcurrency.
	Concurrency int
	// Skipped, when set, is told once of each region AllRegions skipped.
	Skipped func(t Target, err error)
	// SameAccount, when set, is told of a profile left out because an
	// earlier profile (first) reads the same account: EKS throttles an
	// account, not a profile, and its clusters would be listed twice.
	SameAccount func(profile, first, account string)
	// Progress, when set, is told each time a region's count of clusters
	// found or read changes. It may be called from several goroutines.
	Progress func(RegionProgress)
}

// DefaultConcurrency is how many clusters of a region are read at once.
const DefaultConcurrency = 4

// RegionProgress is how far the reading of one region of one profile is.
type RegionProgress struct {
	Profile, Region string
	Found, Done     int
	Listed          bool // Found is final (the clusters are known)
}

// Result is one cluster's result, or why it has none. A failure that
// concerns a whole profile or region (its credentials, ListClusters) has
// an empty Cluster (and Region).
type Result[R any] struct {
	Target
	Value R
	Err   error
}

// ErrNotInFleet is the error of a cluster named with AllRegions that no
// region lists.
var ErrNotInFleet = fmt.Errorf("%w: no region lists the cluster", eksapi.ErrNotFound)

// Read reads every cluster of spec with run, side by side: every
// (profile, region) at once, up to Concurrency clusters of each at a
// time. A cluster that fails has its error in its Result; the others
// still run. When ctx ends, the clusters not yet read get
// its cause as their error, without run being called.
// Results are ordered by profile (as given), region, then the clusters
// named in the order given, then the clusters found by name.
func Read[C Client, R any](ctx context.Context, r Reader[C], spec Spec, run func(context.Context, C, Target) (R, error)) []Result[R] {
	profiles := spec.Profiles
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	var (
		mu  sync.Mutex
		out []Result[R]
		wg  sync.WaitGroup
	)
	add := func(res ...Result[R]) {
		mu.Lock()
		out = append(out, res...)
		mu.Unlock()
	}
	// First every profile's client and account, side by side; then a
	// profile whose account an earlier one reads already is left out
	// (one client, one limiter, per account and region).
	type opened struct {
		base    C
		account string
		ok      bool
	}
	bases := make([]opened, len(profiles))
	for i, profile := range profiles {
		wg.Go(func() {
			base, err := r.Open(ctx, profile, "")
			if err != nil {
				add(Result[R]{Target: Target{Profile: profile}, Err: err})
				return
			}
			account := ""
			if r.Account != nil {
				if account, err = r.Account(ctx, base); err != nil {
					add(Result[R]{Target: Target{Profile: profile, Region: base.Region()}, Err: err})
					return
				}
			}
			bases[i] = opened{base: base, account: account, ok: true}
		})
	}
	wg.Wait()
	reader := map[string]string{} // account -> the profile that reads it
	found := map[string]bool{}    // the names AllRegions found somewhere
	for i, profile := range profiles {
		b := bases[i]
		if !b.ok {
			continue
		}
		if first, dup := reader[b.account]; dup && b.account != "" {
			if r.SameAccount != nil {
				r.SameAccount(profile, first, b.account)
			}
			continue
		}
		reader[b.account] = profile
		wg.Go(func() {
			account := b.account
			regions, err := regionsOf(spec, b.base.Region())
			if err != nil {
				add(Result[R]{Target: Target{Profile: profile, Account: account, Region: b.base.Region()}, Err: err})
				return
			}
			var rwg sync.WaitGroup
			for _, region := range regions {
				rwg.Go(func() {
					t := Target{Profile: profile, Account: account, Region: region.name}
					res, names := readRegion(ctx, r, spec, t, region.plain, run)
					add(res...)
					mu.Lock()
					for _, n := range names {
						found[n] = true
					}
					mu.Unlock()
				})
			}
			rwg.Wait()
		})
	}
	wg.Wait()
	order := func(p string) int { return slices.Index(profiles, p) }
	named := func(c string) int { // clusters named keep the order given
		if i := slices.IndexFunc(spec.Clusters, func(n Cluster) bool { return n.Name == c }); i >= 0 {
			return i
		}
		return len(spec.Clusters)
	}
	slices.SortStableFunc(out, func(a, b Result[R]) int {
		return cmp.Or(cmp.Compare(order(a.Profile), order(b.Profile)), cmp.Compare(a.Region, b.Region),
			cmp.Compare(named(a.Cluster), named(b.Cluster)), cmp.Compare(a.Cluster, b.Cluster))
	})
	if spec.AllRegions {
		for _, c := range spec.Clusters {
			if c.Region == "" && !found[c.Name] && ctx.Err() == nil {
				out = append(out, Result[R]{Target: Target{Cluster: c.Name}, Err: fmt.Errorf("cluster %s: %w", c.Name, ErrNotInFleet)})
			}
		}
	}
	return out
}

// region is one region to read for a profile.
type region struct {
	name  string
	plain bool // the clusters named without a region are read here
}

// regionsOf lists the regions to read for a profile whose own region is
// home: those named, or the partition's, or home; and the regions of
// clusters named as ARNs, which are read there only.
func regionsOf(spec Spec, home string) ([]region, error) {
	var names []string
	switch {
	case spec.AllRegions:
		all, err := PartitionRegions(home)
		if err != nil {
			return nil, err
		}
		names = all
	case len(spec.Regions) > 0:
		names = spec.Regions
	case spec.AllClusters || len(spec.Clusters) == 0 || slices.ContainsFunc(spec.Clusters, func(c Cluster) bool { return c.Region == "" }):
		names = []string{home}
	}
	var regions []region
	for _, n := range names {
		if !slices.ContainsFunc(regions, func(r region) bool { return r.name == n }) {
			regions = append(regions, region{name: n, plain: true})
		}
	}
	for _, c := range spec.Clusters {
		if c.Region != "" && !slices.ContainsFunc(regions, func(r region) bool { return r.name == c.Region }) {
			regions = append(regions, region{name: c.Region})
		}
	}
	slices.SortFunc(regions, func(a, b region) int { return cmp.Compare(a.name, b.name) })
	return regions, nil
}

// readRegion reads the clusters of one region of one profile: its
// client is opened once, the clusters listed when the spec asks for it,
// and up to Concurrency clusters read at once. It returns the results and
// the names ListClusters gave.
func readRegion[C Client, R any](ctx context.Context, r Reader[C], spec Spec, t Target, plain bool, run func(context.Context, C, Target) (R, error)) ([]Result[R], []string) {
	progress := RegionProgress{Profile: t.Profile, Region: t.Region}
	report := func() {
		if r.Progress != nil {
			r.Progress(progress)
		}
	}
	client, err := r.Open(ctx, t.Profile, t.Region)
	if err != nil {
		return []Result[R]{{Target: t, Err: err}}, nil
	}
	var names, listed []string
	named := func(plain bool) {
		for _, c := range spec.Clusters {
			if (c.Region == "" && plain) || c.Region == t.Region {
				names = append(names, c.Name)
			}
		}
	}
	discover := plain && (spec.AllClusters || (spec.AllRegions && slices.ContainsFunc(spec.Clusters, func(c Cluster) bool { return c.Region == "" })))
	if discover {
		listed, err = client.ListClusters(ctx)
		switch {
		case err != nil && spec.AllRegions && !slices.Contains(spec.Regions, t.Region) && errors.Is(err, eksapi.ErrAccessDenied):
			// Not enabled for the account, or denied: named once, skipped.
			if r.Skipped != nil {
				r.Skipped(t, err)
			}
			return nil, nil
		case err != nil:
			return []Result[R]{{Target: t, Err: err}}, nil
		}
		if spec.AllClusters {
			names = append(names, listed...)
		} else {
			for _, c := range spec.Clusters {
				if c.Region == "" && slices.Contains(listed, c.Name) {
					names = append(names, c.Name)
				}
			}
		}
		named(false)
	} else {
		named(plain)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	progress.Found, progress.Listed = len(names), true
	report()

	results := make([]Result[R], len(names))
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, cmp.Or(r.Concurrency, DefaultConcurrency))
	)
	for i, name := range names {
		ct := t
		ct.Cluster = name
		results[i].Target = ct
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i].Err = stopped(ctx, nil)
				return
			}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				results[i].Err = stopped(ctx, nil)
				return
			}
			results[i].Value, results[i].Err = run(ctx, client, ct)
			if results[i].Err != nil && ctx.Err() != nil {
				results[i].Err = stopped(ctx, results[i].Err)
				return
			}
			mu.Lock()
			progress.Done++
			report()
			mu.Unlock()
		})
	}
	wg.Wait()
	return results, listed
}

// ErrStopped is the error of a cluster not read because the context
// ended (Ctrl-C, SIGTERM, --timeout) before or while it was read.
var ErrStopped = errors.New("not read: stopped")

// stopped is ErrStopped with the context's cause (and what the cluster's
// read returned, if it had begun).
func stopped(ctx context.Context, err error) error {
	if err == nil {
		return fmt.Errorf("%w (%w)", ErrStopped, context.Cause(ctx))
	}
	return fmt.Errorf("%w (%w)", ErrStopped, err)
}

// Worst is the highest of the codes of the results' errors (0 when none
// failed): a fleet command's exit code.
func Worst[R any](results []Result[R], code func(error) int) int {
	worst := 0
	for _, r := range results {
		if r.Err != nil {
			worst = max(worst, code(r.Err))
		}
	}
	return worst
}
