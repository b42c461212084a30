package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/fleet"
)

// The commands that read a fleet (list, export, who, audit) take
// --region and --profile more than once, --all-regions and
// --all-clusters; the fleet is read by package fleet, with one client per
// profile and region (fleetScope.open).

// fleetAnnotation marks a command that takes --region and --profile more
// than once.
const fleetAnnotation = "eksaccess/fleet"

// markFleet marks cmd as a fleet command.
func markFleet(cmd *cobra.Command) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[fleetAnnotation] = "true"
}

// multiValue is --region and --profile: every value given, once each. Its
// type is "string" (help reads as before); it is a pflag.SliceValue, so
// the flag guard lets it repeat, and globalOptions.validate refuses a
// second value for a command that reads one region.
type multiValue struct{ vals *[]string }

func (v multiValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if !slices.Contains(*v.vals, s) {
		*v.vals = append(*v.vals, s)
	}
	return nil
}

func (v multiValue) String() string {
	if len(*v.vals) == 0 {
		return ""
	}
	return (*v.vals)[0]
}

func (v multiValue) Type() string          { return "string" }
func (v multiValue) Append(s string) error { return v.Set(s) }
func (v multiValue) GetSlice() []string    { return slices.Clone(*v.vals) }
func (v multiValue) Replace(ss []string) error {
	*v.vals = nil
	for _, s := range ss {
		_ = v.Set(s)
	}
	return nil
}

// onlyOnce refuses a second --region or --profile for a command that is
// not a fleet command, as the flag guard words it for other flags.
func onlyOnce(cmd *cobra.Command, name string, vals []string) error {
	if len(vals) < 2 || cmd.Annotations[fleetAnnotation] != "" {
		return nil
	}
	return cmdutil.UsageError(cmdutil.WithHint(
		fmt.Errorf("--%s is given twice, as %s and as %s", name, access.Quote(vals[0]), access.Quote(vals[1])),
		"give --%s once (list, export, who and audit read several)", name))
}

// checkFleetRegions checks every --region of a fleet command before
// anything is sent: the SDK checks only the region a configuration is
// loaded with (the first), and a later one would be a failed row of an
// otherwise printed result, or a region silently read empty.
func checkFleetRegions(cmd *cobra.Command, regions []string) error {
	if cmd.Annotations[fleetAnnotation] == "" {
		return nil
	}
	for _, r := range regions {
		if err := eksapi.CheckRegion("--region", r); err != nil {
			return err
		}
	}
	return nil
}

// loadFleetProfiles loads the configuration of each --profile of a fleet
// command given several (a file read; no request is sent), so that a
// profile that does not exist, or whose settings are unusable, is a usage
// error with nothing sent (exit 2's promise), rather than a row beside
// what the other profiles read. The clients are kept for the read.
func loadFleetProfiles(cmd *cobra.Command, d *Deps, profiles []string) error {
	if cmd.Annotations[fleetAnnotation] == "" || len(profiles) < 2 || d.Fleet == nil {
		return nil
	}
	for _, p := range profiles {
		if _, err := d.Fleet.open(cmd.Context(), p, ""); err != nil && cmdutil.ExitCode(err) == cmdutil.ExitUsage {
			return err
		}
	}
	return nil
}

// fleetScope is what a fleet command reads beyond one cluster: every
// --region and --profile given, and a client per profile and region.
type fleetScope struct {
	Regions, Profiles []string
	// open returns profile's client in region ("" = the profile's own):
	// one per profile and region, each with its own rate limiter.
	open func(ctx context.Context, profile, region string) (*eksapi.Client, error)
}

// newFleetOpener returns fleetScope.open: a configuration loaded per
// profile (with base's settings and that profile), and a client per
// region of it (eksapi.Client.ForRegion: its own limiter).
func newFleetOpener(load func(ctx context.Context, profile string) (*eksapi.Client, error)) func(context.Context, string, string) (*eksapi.Client, error) {
	var mu sync.Mutex
	bases := map[string]*eksapi.Client{}
	regional := map[[2]string]*eksapi.Client{}
	return func(ctx context.Context, profile, region string) (*eksapi.Client, error) {
		mu.Lock()
		defer mu.Unlock()
		base, ok := bases[profile]
		if !ok {
			var err error
			if base, err = load(ctx, profile); err != nil {
				return nil, err // the error names the profile (ErrNoProfile), as does its row
			}
			bases[profile] = base
		}
		if region == "" {
			return base, nil
		}
		key := [2]string{profile, region}
		if c, ok := regional[key]; ok {
			return c, nil
		}
		c := base.ForRegion(region)
		regional[key] = c
		return c, nil
	}
}

// scope is d.Fleet; a Deps built without one (a unit test's) reads one
// cluster.
func (d *Deps) scope() *fleetScope {
	if d.Fleet == nil {
		// A Deps built by a test: the default profile is d.Client's.
		d.Fleet = &fleetScope{open: newFleetOpener(func(ctx context.Context, profile string) (*eksapi.Client, error) {
			if profile != "" {
				return nil, fmt.Errorf("profile %s: %w", profile, eksapi.ErrNoProfile)
			}
			return d.Client(ctx)
		})}
	}
	return d.Fleet
}

// fleetFlags are --cluster (repeatable), --all-clusters and --all-regions.
type fleetFlags struct {
	clusters    clusterList
	allClusters bool
	allRegions  bool
}

// addFleetFlags adds --cluster (repeatable), --all-clusters and
// --all-regions, and marks cmd a fleet command.
func addFleetFlags(cmd *cobra.Command, f *fleetFlags) {
	markFleet(cmd)
	fl := cmd.Flags()
	fl.Var(&f.clusters, "cluster", "EKS cluster `name` or ARN; repeatable, comma-separated (default: EKSACCESS_CLUSTER)")
	fl.BoolVar(&f.allClusters, "all-clusters", false, "every cluster of each region read (ListClusters)")
	fl.BoolVar(&f.allRegions, "all-regions", false, "every region of the partition where EKS answers (without --cluster: every cluster of each); a region that refuses the caller is named and skipped")
}

// many reports whether the command reads a fleet rather than one cluster
// (whose output stays what it was).
func (f *fleetFlags) many(d *Deps) bool {
	return len(f.clusters.targets()) > 1 || f.allClusters || f.allRegions || len(d.scope().Regions) > 1 || len(d.scope().Profiles) > 1
}

// validate checks the fleet flags and fills the one cluster of a
// single-cluster read (or EKSACCESS_CLUSTER).
func (f *fleetFlags) validate(d *Deps, one *access.ClusterName) error {
	f.everyClusterOfEveryRegion(d)
	if len(f.clusters.names) > 0 && f.allClusters {
		return cmdutil.UsageError(cmdutil.WithHint(errors.New("--cluster and --all-clusters cannot be given together"),
			"give --cluster for the clusters named, or --all-clusters for every cluster of each region"))
	}
	if f.allClusters {
		return nil
	}
	if len(f.clusters.names) == 0 {
		if err := cmdutil.RequireCluster(d.Env, one); err != nil {
			if f.many(d) {
				return cmdutil.UsageError(cmdutil.WithHint(errors.New("--cluster or --all-clusters is required (or set EKSACCESS_CLUSTER)"),
					"name each cluster with --cluster (repeatable), or read every cluster of each region with --all-clusters"))
			}
			return err
		}
		return f.clusters.Set(d.Env("EKSACCESS_CLUSTER"))
	}
	*one = f.clusters.names[0]
	return nil
}

// require checks --cluster (repeatable) against --all-clusters, and fills
// --cluster from EKSACCESS_CLUSTER when neither is given (who, audit: a
// cluster or several are always needed, in the wording of either).
func (f *fleetFlags) require(d *Deps) error {
	f.everyClusterOfEveryRegion(d)
	if len(f.clusters.names) > 0 && f.allClusters {
		return cmdutil.UsageError(cmdutil.WithHint(errors.New("--cluster and --all-clusters cannot be given together"),
			"give --cluster for the clusters named, or --all-clusters for every cluster of each region"))
	}
	if len(f.clusters.names) > 0 || f.allClusters {
		return nil
	}
	var one access.ClusterName
	if err := cmdutil.RequireCluster(d.Env, &one); err != nil {
		return cmdutil.UsageError(cmdutil.WithHint(errors.New("--cluster or --all-clusters is required (or set EKSACCESS_CLUSTER)"),
			"name each cluster with --cluster (repeatable), or read every cluster of each region with --all-clusters"))
	}
	return f.clusters.Set(string(one))
}

// everyClusterOfEveryRegion: --all-regions without --cluster (nor
// EKSACCESS_CLUSTER) reads every cluster of every region (`audit
// --all-regions`, the nightly audit of an account), as if --all-clusters
// were given; with a cluster named it finds it wherever it is.
func (f *fleetFlags) everyClusterOfEveryRegion(d *Deps) {
	if f.allRegions && len(f.clusters.names) == 0 && d.Env("EKSACCESS_CLUSTER") == "" {
		f.allClusters = true
	}
}

// spec is the fleet the flags name.
func (f *fleetFlags) spec(d *Deps) fleet.Spec {
	s := fleet.Spec{Profiles: d.scope().Profiles, Regions: d.scope().Regions, AllRegions: f.allRegions, AllClusters: f.allClusters}
	for _, t := range f.clusters.targets() {
		s.Clusters = append(s.Clusters, fleet.Cluster{Name: string(t.name), Region: t.region, Account: t.account})
	}
	return s
}

// fleetRead is one fleet command's read: the results, and how many
// regions refused the caller.
type fleetRead[R any] struct {
	results []fleet.Result[R]
	skipped int
}

// wide reports whether the results span several regions or accounts.
func (r fleetRead[R]) wide() bool {
	regions, accounts := map[string]bool{}, map[string]bool{}
	for _, res := range r.results {
		regions[res.Region], accounts[res.Profile+"/"+res.Account] = true, true
	}
	return len(regions) > 1 || len(accounts) > 1
}

// readFleet reads the fleet f names with run, showing progress on a
// terminal, and naming once each region that refused the caller.
func readFleet[R any](ctx context.Context, d *Deps, f *fleetFlags, concurrency int, run func(context.Context, *eksapi.Client, fleet.Target) (R, error)) fleetRead[R] {
	progress := newFleetProgress(d.IO)
	var mu sync.Mutex
	var out fleetRead[R]
	r := fleet.Reader[*eksapi.Client]{
		Open:        d.scope().open,
		Account:     callerAccount,
		Concurrency: concurrency,
		Progress:    progress.set,
		Refused:     eksapi.IsRegionRefused,
		Skipped: func(t fleet.Target, err error) {
			mu.Lock()
			defer mu.Unlock()
			out.skipped++
			progress.pause(func() {
				fmt.Fprintf(d.IO.ErrOut, "skipped region %s%s: EKS refused the caller there (the region is not enabled for the account, or access is denied)\n", t.Region, accountNote(t))
			})
		},
	}
	r.SameAccount = func(profile, first, account string) {
		progress.pause(func() {
			fmt.Fprintf(d.IO.ErrOut, "left out profile %s: it is account %s, which profile %s reads already\n", profile, account, first)
		})
	}
	out.results = fleet.Read(ctx, r, f.spec(d), run)
	progress.stop()
	return out
}

func accountNote(t fleet.Target) string {
	switch {
	case t.Profile != "" && t.Account != "":
		return fmt.Sprintf(" (profile %s, account %s)", t.Profile, t.Account)
	case t.Account != "":
		return fmt.Sprintf(" (account %s)", t.Account)
	}
	return ""
}

// arnAccount is the account of a cluster ARN ParseCluster accepted ("" for
// a name).
func arnAccount(s string) string {
	if a, err := arn.Parse(s); err == nil {
		return a.AccountID
	}
	return ""
}

// callerAccount is the account of a client's credentials (STS).
func callerAccount(ctx context.Context, c *eksapi.Client) (string, error) {
	id, err := c.CallerIdentity(ctx)
	if err != nil {
		return "", err
	}
	a, err := arn.Parse(id)
	if err != nil {
		return "", fmt.Errorf("get caller identity: %q is not an ARN", id)
	}
	return a.AccountID, nil
}

// where names a result's cluster for a message: the cluster, and its
// region and account when the fleet has several (wide).
func where(t fleet.Target, wide bool) string {
	var parts []string
	if t.Cluster != "" {
		parts = append(parts, "cluster "+t.Cluster)
	}
	if t.Region != "" && (wide || t.Cluster == "") {
		parts = append(parts, "region "+t.Region)
	}
	if t.Profile != "" && (wide || t.Cluster == "") {
		parts = append(parts, "profile "+t.Profile)
	}
	if t.Account != "" && (wide || t.Cluster == "") {
		parts = append(parts, "account "+t.Account)
	}
	if len(parts) == 0 {
		return "fleet"
	}
	return strings.Join(parts, ", ")
}

// finishFleet reports each failure on stderr and returns the command's
// error: the highest exit code; after Ctrl-C (or --timeout), how much was
// read (the results printed say which clusters were not).
func finishFleet[R any](ctx context.Context, d *Deps, r fleetRead[R]) error {
	read, stopped, unlisted := 0, 0, 0
	wide := r.wide()
	// A line per failure; each hint once, after them (a fleet's clusters
	// often fail alike, and the hint would repeat for each).
	var hints []string
	for _, res := range r.results {
		switch {
		case res.Err == nil:
			read++
		case errors.Is(res.Err, fleet.ErrStopped) && res.Cluster == "":
			unlisted++ // a region (or profile) whose clusters were not listed
		case errors.Is(res.Err, fleet.ErrStopped):
			stopped++
		default:
			var b strings.Builder
			cmdutil.PrintError(&b, fmt.Errorf("%s: %w", where(res.Target, wide), res.Err))
			for line := range strings.SplitAfterSeq(b.String(), "\n") {
				if strings.HasPrefix(line, "hint: ") {
					if !slices.Contains(hints, line) {
						hints = append(hints, line)
					}
					continue
				}
				fmt.Fprint(d.IO.ErrOut, line)
			}
		}
	}
	for _, h := range hints {
		fmt.Fprint(d.IO.ErrOut, h)
	}
	if ctx.Err() != nil {
		msg := fmt.Sprintf("read %d of %d clusters; the %d not read are marked \"not read: stopped\"", read, read+stopped, stopped)
		if unlisted > 0 {
			msg = fmt.Sprintf("read %d of the %d clusters found; %d %s not listed, and what was not read is marked \"not read: stopped\"",
				read, read+stopped, unlisted, plural(unlisted, "region was", "regions were"))
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = "--timeout ran out: " + msg
		}
		return &reportError{msg, ctx.Err()}
	}
	if len(r.results) == 0 && r.skipped > 0 {
		return fmt.Errorf("every region refused the caller (named above): %w", eksapi.ErrAccessDenied)
	}
	if len(r.results) == 0 {
		fmt.Fprintln(d.IO.ErrOut, "no clusters found")
	}
	if code := fleet.Worst(r.results, cmdutil.ExitCode); code != cmdutil.ExitOK {
		return cmdutil.Silent(code) // each failure was reported above
	}
	return nil
}

// fleetProgress shows, on a terminal's stderr, the clusters read of those
// found in each region, once the read has taken progressAfter; it shows
// nothing when stderr is not a terminal.
type fleetProgress struct {
	mu      sync.Mutex
	regions map[string]fleet.RegionProgress
	status  *cmdutil.StatusLine
}

func newFleetProgress(ios *cmdutil.IOStreams) *fleetProgress {
	p := &fleetProgress{regions: map[string]fleet.RegionProgress{}}
	p.status = cmdutil.NewStatusLine(ios, progressAfter, false, p.line)
	return p
}

func (p *fleetProgress) set(r fleet.RegionProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.regions[r.Profile+"\x00"+r.Region] = r
}

// line is the progress line: "read 12/40 clusters: us-east-1 5/20, eu-west-1 7/20".
func (p *fleetProgress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := make([]string, 0, len(p.regions))
	done, found := 0, 0
	for k, r := range p.regions {
		keys = append(keys, k)
		done += r.Done
		found += r.Found
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		r := p.regions[k]
		name := r.Region
		if r.Profile != "" {
			name = r.Profile + "/" + r.Region
		}
		if r.Found > 0 {
			parts = append(parts, fmt.Sprintf("%s %d/%d", name, r.Done, r.Found))
		}
	}
	if len(parts) == 0 {
		// No region has listed a cluster yet (STS, ListClusters under way):
		// "read 0/0 clusters: " said nothing.
		return fmt.Sprintf("listing clusters (%d %s listed)", len(p.regions), plural(len(p.regions), "region", "regions"))
	}
	return fmt.Sprintf("read %d/%d clusters: %s", done, found, strings.Join(parts, ", "))
}

// pause clears the line while say prints a message of its own.
func (p *fleetProgress) pause(say func()) { p.status.Pause(say) }

// stop ends the progress line (it returns once it is gone).
func (p *fleetProgress) stop() { p.status.Stop() }
