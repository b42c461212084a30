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
	// Account is the account of a cluster named by ARN: only a profile of
	// that account reads it ("" = every profile).
	Account string
}

// readBy reports whether the profile of account reads c ("" = an account
// not known: every cluster).
func (c Cluster) readBy(account string) bool {
	return c.Account == "" || account == "" || c.Account == account
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
	// Refused reports whether an error of ListClusters (or of Account)
	// means that the region refuses the caller: not enabled for the
	// account, or denied by a policy; not credentials that expired or
	// are wrong. nil: errors.Is(err, eksapi.ErrAccessDenied).
	Refused func(error) bool
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
				add(Result[R]{Target: Target{Profile: profile}, Err: stoppedOr(ctx, err)})
				return
			}
			account, err := r.account(ctx, spec, profile, base)
			if err != nil {
				add(Result[R]{Target: Target{Profile: profile, Region: base.Region()}, Err: stoppedOr(ctx, err)})
				return
			}
			bases[i] = opened{base: base, account: account, ok: true}
		})
	}
	wg.Wait()
	reader := map[string]string{} // account -> the profile that reads it
	found := map[string]bool{}    // the names AllRegions found somewhere
	unlisted := false             // a region could not be listed
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
			regions, err := regionsOf(spec, b.base.Region(), account)
			if err != nil {
				add(Result[R]{Target: Target{Profile: profile, Account: account, Region: b.base.Region()}, Err: err})
				return
			}
			var rwg sync.WaitGroup
			for _, region := range regions {
				rwg.Go(func() {
					t := Target{Profile: profile, Account: account, Region: region.name}
					res, names, listed := readRegion(ctx, r, spec, t, region.plain, run)
					add(res...)
					mu.Lock()
					for _, n := range names {
						found[n] = true
					}
					unlisted = unlisted || !listed
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
	if ctx.Err() != nil {
		return out
	}
	for _, c := range spec.Clusters {
		switch {
		case c.Region == "" && spec.AllRegions && !found[c.Name] && unlisted:
			out = append(out, Result[R]{Target: Target{Cluster: c.Name},
				Err: fmt.Errorf("cluster %s: %w (and a region could not be listed: see its error)", c.Name, ErrNotInFleet)})
		case c.Region == "" && spec.AllRegions && !found[c.Name]:
			out = append(out, Result[R]{Target: Target{Cluster: c.Name}, Err: fmt.Errorf("cluster %s: %w", c.Name, ErrNotInFleet)})
		case c.Account != "" && r.Account != nil && reader[c.Account] == "" && !slices.ContainsFunc(bases, func(b opened) bool { return !b.ok }):
			out = append(out, Result[R]{Target: Target{Account: c.Account, Region: c.Region, Cluster: c.Name},
				Err: ErrOtherAccount})
		}
	}
	return out
}

// ErrOtherAccount is the error of a cluster named by an ARN whose account
// no profile read reads.
var ErrOtherAccount = fmt.Errorf("%w: no profile given reads the account of its ARN (give --profile for that account)", eksapi.ErrNotFound)

// refused is Reader.Refused, or its default.
func (r Reader[C]) refused(err error) bool {
	if r.Refused != nil {
		return r.Refused(err)
	}
	return errors.Is(err, eksapi.ErrAccessDenied)
}

// account returns the account of profile's credentials, asked (Account)
// in the profile's own region; when that region refuses the caller (an
// opt-in region not enabled, given first with --region), in the other
// regions named, in turn, until one answers.
func (r Reader[C]) account(ctx context.Context, spec Spec, profile string, base C) (string, error) {
	if r.Account == nil {
		return "", nil
	}
	account, err := r.Account(ctx, base)
	if err == nil || !r.refused(err) || spec.AllRegions {
		return account, err
	}
	for _, region := range spec.Regions {
		if region == base.Region() {
			continue
		}
		c, oerr := r.Open(ctx, profile, region)
		if oerr != nil {
			continue
		}
		if a, aerr := r.Account(ctx, c); aerr == nil {
			return a, nil
		}
	}
	return "", err
}

// region is one region to read for a profile.
type region struct {
	name  string
	plain bool // the clusters named without a region are read here
}

// regionsOf lists the regions to read for a profile whose own region is
// home: those named, or the partition's, or home; and the regions of
// clusters named as ARNs, which are read there only.
func regionsOf(spec Spec, home, account string) ([]region, error) {
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
		if c.Region != "" && c.readBy(account) && !slices.ContainsFunc(regions, func(r region) bool { return r.name == c.Region }) {
			regions = append(regions, region{name: c.Region})
		}
	}
	slices.SortFunc(regions, func(a, b region) int { return cmp.Compare(a.name, b.name) })
	return regions, nil
}

// readRegion reads the clusters of one region of one profile: its
// client is opened once, the clusters listed when the spec asks for it,
// and up to Concurrency clusters read at once. It returns the results and
// the names ListClusters gave, and whether the region was listed (or
// needed no listing): false when it could not be.
func readRegion[C Client, R any](ctx context.Context, r Reader[C], spec Spec, t Target, plain bool, run func(context.Context, C, Target) (R, error)) ([]Result[R], []string, bool) {
	progress := RegionProgress{Profile: t.Profile, Region: t.Region}
	report := func() {
		if r.Progress != nil {
			r.Progress(progress)
		}
	}
	client, err := r.Open(ctx, t.Profile, t.Region)
	if err != nil {
		return []Result[R]{{Target: t, Err: stoppedOr(ctx, err)}}, nil, false
	}
	var names, listed []string
	named := func(plain bool) {
		for _, c := range spec.Clusters {
			if ((c.Region == "" && plain) || c.Region == t.Region) && c.readBy(t.Account) {
				names = append(names, c.Name)
			}
		}
	}
	discover := plain && (spec.AllClusters || (spec.AllRegions && slices.ContainsFunc(spec.Clusters, func(c Cluster) bool { return c.Region == "" })))
	if discover {
		listed, err = client.ListClusters(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return []Result[R]{{Target: t, Err: stopped(ctx, err)}}, nil, false
		case err != nil && spec.AllRegions && !slices.Contains(spec.Regions, t.Region) && r.refused(err):
			// Not enabled for the account, or denied: named once, skipped.
			if r.Skipped != nil {
				r.Skipped(t, err)
			}
			return nil, nil, true
		case err != nil:
			return []Result[R]{{Target: t, Err: err}}, nil, false
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
			progress.Done++ // read, or failed: done either way
			report()
			mu.Unlock()
		})
	}
	wg.Wait()
	return results, listed, true
}

// ErrStopped is the error of a cluster not read because the context
// ended (Ctrl-C, SIGTERM, --timeout) before or while it was read.
var ErrStopped = errors.New("not read: stopped")

// stoppedOr is err, or ErrStopped when the context has ended (err is then
// most likely the context's own).
func stoppedOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return stopped(ctx, err)
	}
	return err
}

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
