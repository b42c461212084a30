package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The fleet figures: `list --all-regions --all-clusters --details` over
// fleetRegions regions of fleetClusters clusters of fleetEntries entries
// (one policy each), each region behind its own token bucket of
// -fleet-rate requests a second and -latency, as EKS throttles each
// account in each region apart.
//
// One eks-emulator holds the clusters (every region sees the same ones:
// the emulator's own regions are not needed for the figure); in front of
// it a regionProxy routes each request by the region its SigV4 signature
// names, delays it, admits it through that region's bucket (or answers
// 429 TooManyRequestsException as EKS does) and logs it. A region the
// proxy does not serve answers 403 UnrecognizedClientException, as a
// region not enabled for the account does, so --all-regions reads the
// regions served and names the others skipped.
const (
	fleetClusters = 20
	fleetEntries  = 50
)

// fleetCommand is one command the fleet figures time. The audit command
// joins here once it exists (the lead's hook):
//
//	{"audit", "`audit --all-regions`", []string{"audit", "--all-regions"}, ...}
type fleetCommand struct {
	key, name string
	args      []string
	// requests is how many EKS requests the busiest region gets: the
	// floor is requests / the region's rate.
	requests int
}

var fleetCommands = []fleetCommand{
	{
		key:  "fleet-list",
		name: "`list --all-regions --all-clusters --details`",
		args: []string{"list", "--all-regions", "--all-clusters", "--details", "-o", "text"},
		// ListClusters, then per cluster ListAccessEntries and per entry
		// DescribeAccessEntry and ListAssociatedAccessPolicies.
		requests: 1 + fleetClusters*(pages(fleetEntries)+2*fleetEntries),
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

// regionProxy routes requests by their signed region (see above).
type regionProxy struct {
	backend *httputil.ReverseProxy
	latency time.Duration
	rate    float64
	burst   float64
	limited atomic.Bool // off while the fleet is being written

	mu      sync.Mutex
	regions map[string]*bucket
	log     []proxyLine
}

type bucket struct {
	tokens float64
	last   time.Time
}

type proxyLine struct {
	at        time.Time
	region    string
	throttled bool
}

// credentialRE finds the region and service of a SigV4 Authorization header.
var credentialRE = regexp.MustCompile(`Credential=[^/]+/\d+/([^/]+)/([^/]+)/`)

func (p *regionProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil || m[2] != "eks" || !p.limited.Load() {
		p.backend.ServeHTTP(w, r) // STS, and the writes that set the fleet up
		return
	}
	region := m[1]
	time.Sleep(p.latency)
	p.mu.Lock()
	b, served := p.regions[region]
	if !served {
		p.mu.Unlock()
		w.Header().Set("X-Amzn-Errortype", "UnrecognizedClientException")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"The security token included in the request is invalid."}`)
		return
	}
	now := time.Now()
	if b.last.IsZero() {
		b.tokens, b.last = p.burst, now
	}
	b.tokens = math.Min(p.burst, b.tokens+now.Sub(b.last).Seconds()*p.rate)
	b.last = now
	throttled := b.tokens < 1
	if !throttled {
		b.tokens--
	}
	p.log = append(p.log, proxyLine{at: now, region: region, throttled: throttled})
	p.mu.Unlock()
	if throttled {
		w.Header().Set("X-Amzn-Errortype", "TooManyRequestsException")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message":"Too Many Requests"}`)
		return
	}
	p.backend.ServeHTTP(w, r)
}

// serve sets the regions served (each with a full bucket) and clears the log.
func (p *regionProxy) serve(regions []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.regions = map[string]*bucket{}
	for _, r := range regions {
		p.regions[r] = &bucket{}
	}
	p.log = nil
}

func (p *regionProxy) lines() []proxyLine {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]proxyLine(nil), p.log...)
}

// fleetRegionSets are the region counts timed: the time should stay flat
// while each region has a limit of its own.
var fleetRegionSets = []int{1, 3, 6}

var servedRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1"}

func (b *bench) fleet(ctx context.Context) error {
	args := []string{}
	for i := range fleetClusters {
		args = append(args, "--cluster", fmt.Sprintf("c%02d", i))
	}
	emu, err := b.startEmulator(ctx, false, args...)
	if err != nil {
		return err
	}
	defer emu.stop()
	target, err := url.Parse(emu.url)
	if err != nil {
		return err
	}
	proxy := &regionProxy{
		backend: httputil.NewSingleHostReverseProxy(target),
		latency: b.cfg.latency,
		rate:    b.cfg.fleetRate,
		burst:   float64(b.cfg.rateBurst),
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	env := b.env("http://" + ln.Addr().String())

	// The fleet's entries, written without limits: every region sees them.
	for i := range fleetClusters {
		cluster := fmt.Sprintf("c%02d", i)
		file := filepath.Join(b.tmp, "fleet-"+cluster+".yaml")
		if err := os.WriteFile(file, applyFile(cluster, fleetEntries), 0o644); err != nil {
			return err
		}
		if _, _, _, err := exe(ctx, env, b.bin, "apply", "-f", file, "--yes"); err != nil {
			return err
		}
	}
	proxy.limited.Store(true)

	for _, fc := range fleetCommands {
		for _, n := range fleetRegionSets {
			proxy.serve(servedRegions[:n])
			d, rss, out, err := exe(ctx, env, b.bin, fc.args...)
			r := fleetRun{
				What: fc.name, Command: "eksaccess " + strings.Join(fc.args, " "), Regions: n, Wall: d, RSSKiB: rss,
				Floor: time.Duration(float64(fc.requests) / b.cfg.fleetRate * float64(time.Second)),
			}
			if err != nil {
				r.Err = err.Error()
			} else if want := n * fleetClusters * fleetEntries; strings.Count(string(out), "\n") != want {
				r.Err = fmt.Sprintf("%d lines of output, want %d", strings.Count(string(out), "\n"), want)
			}
			lines := proxy.lines()
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
	p("A fleet of N regions x %d clusters x %d entries (one policy each): every region behind its own token bucket of %s requests a second (burst %d) and %s latency, as EKS throttles each account in each region apart (scripts/bench/fleet.go: a proxy routes by the signed region; regions not served answer 403, as regions not enabled do, and are skipped). ",
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
	p("\nCommand: `eksaccess %s` with AWS_ENDPOINT_URL at the proxy.\n\n", strings.Join(fleetCommands[0].args, " "))
}
