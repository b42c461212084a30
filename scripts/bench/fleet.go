package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	eksemu "github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/fleet"
)

// The fleet figures: `list --all-regions --all-clusters --details` over
// 1, 3 and 6 regions of fleetClusters clusters of fleetEntries entries
// (one policy each), each region with its own token bucket of -fleet-rate
// requests a second and -latency, as EKS throttles each account in each
// region apart.
//
// The emulator runs in this process (package emulator: its regions and
// accounts), seeded without requests; every other region of the partition
// is disabled (403 UnrecognizedClientException, as a region the account
// has not enabled), so --all-regions reads the regions served and names
// the others skipped. A thin wrapper logs each EKS request's region and
// status for the counts.
const (
	fleetClusters = 20
	fleetEntries  = 50
)

// fleetCommand is one command the fleet figures time.
type fleetCommand struct {
	key, name string
	args      []string
	// requests is how many EKS requests the busiest region gets: the
	// floor is requests / the region's rate. (IAM, which audit reads too,
	// is global: no region's limit counts it, nor does the floor.)
	requests int
	// lines is how many lines of output a fleet of n regions prints.
	lines func(n int) int
}

var fleetCommands = []fleetCommand{
	{
		key:  "fleet-list",
		name: "`list --all-regions --all-clusters --details`",
		args: []string{"list", "--all-regions", "--all-clusters", "--details", "-o", "text"},
		// ListClusters, then per cluster ListAccessEntries and per entry
		// DescribeAccessEntry and ListAssociatedAccessPolicies.
		requests: 1 + fleetClusters*(pages(fleetEntries)+2*fleetEntries),
		lines:    func(n int) int { return n * fleetClusters * fleetEntries },
	},
	{
		key:  "fleet-audit",
		name: "`audit --all-regions`",
		args: []string{"audit", "--all-regions"},
		// ListClusters, then per cluster DescribeCluster,
		// ListAccessEntries, and per entry DescribeAccessEntry and
		// ListAssociatedAccessPolicies; IAM's GetRole once per principal
		// (global, not in the floor).
		requests: 1 + fleetClusters*(1+pages(fleetEntries)+2*fleetEntries),
		// The table: a header, and a row per cluster (no findings: every
		// principal exists, older than its entries).
		lines: func(n int) int { return 1 + n*fleetClusters },
	},
}

// fleetRun is one fleet command's figure.
type fleetRun struct {
	What      string        `json:"what"`
	Command   string        `json:"command"`
	Regions   int           `json:"regions"`
	Wall      time.Duration `json:"wall"`
	Floor     time.Duration `json:"floor"`
	RSSKiB    int64         `json:"rssKiB"`
	Requests  int           `json:"requests"` // EKS requests, all regions
	Busiest   int           `json:"busiest"`  // EKS requests of the busiest region
	Throttled int           `json:"throttled"`
	// Settled counts the requests and 429s after the first settleAfter.
	SettledRequests  int    `json:"settledRequests"`
	SettledThrottled int    `json:"settledThrottled"`
	Err              string `json:"error,omitempty"`
}

// requestLog logs the EKS requests an emulator answers: when, in which
// region, throttled or not.
type requestLog struct {
	next http.Handler
	mu   sync.Mutex
	log  []proxyLine
}

type proxyLine struct {
	at        time.Time
	region    string
	throttled bool
}

// credentialRE finds the region and service of a SigV4 Authorization header.
var credentialRE = regexp.MustCompile(`Credential=[^/]+/\d+/([^/]+)/([^/]+)/`)

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (l *requestLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization"))
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	l.next.ServeHTTP(sw, r)
	if m == nil || m[2] != "eks" || sw.status == http.StatusForbidden {
		return // STS; a region not served
	}
	l.mu.Lock()
	l.log = append(l.log, proxyLine{at: time.Now(), region: m[1], throttled: sw.status == http.StatusTooManyRequests})
	l.mu.Unlock()
}

func (l *requestLog) lines() []proxyLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]proxyLine(nil), l.log...)
}

// startFleet serves an emulator of the fleet in regions, every other
// region of the partition disabled.
func (b *bench) startFleet(ctx context.Context, regions []string) (*requestLog, string, func(), error) {
	srv := eksemu.New(eksemu.Options{Account: account})
	// Every principal exists in IAM, made before its entries (audit reads
	// IAM once per principal; none is a finding).
	for e := range fleetEntries {
		if _, err := srv.CreateRole(eksemu.Role{Name: fmt.Sprintf("e%05d", e), Path: "/bench/", Created: time.Now().Add(-24 * time.Hour)}); err != nil {
			return nil, "", nil, err
		}
	}
	for _, region := range regions {
		for c := range fleetClusters {
			cluster := fmt.Sprintf("c%02d", c)
			srv.AddClusterIn(region, cluster, "API")
			for e := range fleetEntries {
				if err := srv.AddAccessEntry(region, cluster, principal(fmt.Sprintf("e%05d", e)), "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"); err != nil {
					return nil, "", nil, err
				}
			}
		}
		srv.SetRegionLatency(region, b.cfg.latency)
		srv.SetRegionRateLimit(region, b.cfg.fleetRate, b.cfg.rateBurst)
	}
	all, err := fleet.PartitionRegions(regions[0])
	if err != nil {
		return nil, "", nil, err
	}
	for _, r := range all {
		if !slices.Contains(regions, r) {
			srv.SetRegionDisabled(r, true)
		}
	}
	log := &requestLog{next: srv}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	hs := &http.Server{Handler: log, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return log, "http://" + ln.Addr().String(), func() { _ = hs.Close() }, nil
}

// fleetRegionSets are the region counts timed: the time should stay flat
// while each region has a limit of its own.
var fleetRegionSets = []int{1, 3, 6}

// servedRegions are the fleet's regions, the first N of them served; the
// first is the environment's own (AWS_REGION), whose STS says the account.
var servedRegions = []string{"us-west-2", "us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1"}

func (b *bench) fleet(ctx context.Context) error {
	for _, fc := range fleetCommands {
		for _, n := range fleetRegionSets {
			log, url, stop, err := b.startFleet(ctx, servedRegions[:n])
			if err != nil {
				return err
			}
			d, rss, out, err := exe(ctx, b.env(url), b.bin, fc.args...)
			stop()
			r := fleetRun{
				What: fc.name, Command: "eksaccess " + strings.Join(fc.args, " "), Regions: n, Wall: d, RSSKiB: rss,
				Floor: time.Duration(float64(fc.requests) / b.cfg.fleetRate * float64(time.Second)),
			}
			if err != nil {
				r.Err = err.Error()
			} else if want := fc.lines(n); strings.Count(string(out), "\n") != want {
				r.Err = fmt.Sprintf("%d lines of output, want %d", strings.Count(string(out), "\n"), want)
			}
			lines := log.lines()
			perRegion := map[string]int{}
			var first time.Time
			if len(lines) > 0 {
				first = lines[0].at
			}
			for _, l := range lines {
				r.Requests++
				if !l.throttled {
					perRegion[l.region]++
				}
				settled := l.at.Sub(first) >= settleAfter
				if settled {
					r.SettledRequests++
				}
				if l.throttled {
					r.Throttled++
					if settled {
						r.SettledThrottled++
					}
				}
			}
			for _, c := range perRegion {
				r.Busiest = max(r.Busiest, c)
			}
			fmt.Fprintf(os.Stderr, "bench: %s, %d region(s): %s (floor %s), %d requests, %d throttled\n", fc.key, n, d.Round(100*time.Millisecond), r.Floor.Round(100*time.Millisecond), r.Requests, r.Throttled)
			b.res.Fleet = append(b.res.Fleet, r)
		}
	}
	return nil
}

// renderFleet writes the fleet section of the report.
func renderFleet(p func(string, ...any), r *results) {
	if len(r.Fleet) == 0 {
		return
	}
	c := r.cfg
	p("## Fleets\n\n")
	p("A fleet of N regions x %d clusters x %d entries (one policy each): every region behind its own token bucket of %s requests a second (burst %d) and %s latency, as EKS throttles each account in each region apart (the emulator's own regions, in the bench process: scripts/bench/fleet.go; the partition's other regions answer 403, as regions not enabled do, and are skipped). ",
		fleetClusters, fleetEntries, strconv.FormatFloat(c.fleetRate, 'f', -1, 64), c.rateBurst, c.latency)
	p("The floor is the busiest region's EKS requests divided by its limit; \"throttled once settled\" counts the 429s after the first %s. One run each.\n\n", settleAfter)
	p("| command | regions | time | floor | time / floor | requests | throttled | throttled once settled | peak RSS | |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range r.Fleet {
		ratio := float64(f.Wall) / float64(f.Floor)
		note := ""
		if f.Err != "" {
			note = failText(f.Err)
		}
		p("| %s | %d | %.1f s | %.1f s | %.2fx | %d | %d (%.1f%%) | %.1f%% | %.1f MiB | %s |\n", f.What, f.Regions, f.Wall.Seconds(), f.Floor.Seconds(), ratio,
			f.Requests, f.Throttled, pct(f.Throttled, f.Requests), pct(f.SettledThrottled, f.SettledRequests), float64(f.RSSKiB)/1024, note)
	}
	p("\nCommands: `eksaccess %s`, `eksaccess %s` (which also reads IAM, once per principal: IAM is global, outside the floor). The floor of N regions is the same as of one: each region has its own limit, so a fleet read takes its busiest region's time, not the sum (read one region after the other, 6 regions would take 6 floors).\n\n", strings.Join(fleetCommands[0].args, " "), strings.Join(fleetCommands[1].args, " "))
}
