package emutest

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// FleetRegions are the regions of a Fleet that names none.
var FleetRegions = []string{"us-east-1", "eu-west-1", "ap-southeast-2"}

// ViewPolicy is the policy a Fleet's entries get by default.
const ViewPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"

// Fleet is a set of clusters to seed in one account: the same clusters
// (FleetCluster(1)...) in each region, each with the same entries
// (FleetPrincipal(account, 1)...), each entry with Policy at cluster scope.
type Fleet struct {
	Regions  []string // default FleetRegions
	Clusters int      // per region
	Entries  int      // per cluster
	Policy   string   // default ViewPolicy; "-" for none
	// Latency and RateLimit (with RateBurst, default the rate rounded up)
	// are set on each of the fleet's regions (SetRegionLatency,
	// SetRegionRateLimit), when positive.
	Latency   time.Duration
	RateLimit float64
	RateBurst int
}

// FleetCluster is the name of a Fleet's n-th cluster (from 1): cluster-01.
func FleetCluster(n int) string { return fmt.Sprintf("cluster-%02d", n) }

// FleetPrincipal is the principal of a Fleet's n-th entry (from 1) in
// account: arn:aws:iam::<account>:role/fleet-0001.
func FleetPrincipal(account string, n int) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/fleet-%04d", account, n)
}

// SeedFleet adds f to srv, the Server of one account (see
// emulator.Server.Account), without requests: 3 regions x 20 clusters x
// 50 entries take well under a second. It fails the test on an error.
func SeedFleet(t testing.TB, srv *emulator.Server, f Fleet) {
	t.Helper()
	regions := f.Regions
	if len(regions) == 0 {
		regions = FleetRegions
	}
	var policies []string
	switch f.Policy {
	case "":
		policies = []string{ViewPolicy}
	case "-":
	default:
		policies = []string{f.Policy}
	}
	for _, region := range regions {
		for c := 1; c <= f.Clusters; c++ {
			srv.AddClusterIn(region, FleetCluster(c), "API")
			for e := 1; e <= f.Entries; e++ {
				if err := srv.AddAccessEntry(region, FleetCluster(c), FleetPrincipal(srv.AccountID(), e), policies...); err != nil {
					t.Fatalf("seeding %s %s entry %d: %v", region, FleetCluster(c), e, err)
				}
			}
		}
		if f.Latency > 0 {
			srv.SetRegionLatency(region, f.Latency)
		}
		if f.RateLimit > 0 {
			srv.SetRegionRateLimit(region, f.RateLimit, f.RateBurst)
		}
	}
}

// StartFleet serves a new emulator with opts until the test ends, holding
// only f in the default account (not Start's demo and legacy). Seed other
// accounts (opts.Accounts) with SeedFleet on srv.Account(id).
func StartFleet(t testing.TB, opts emulator.Options, f Fleet) (*emulator.Server, *httptest.Server) {
	t.Helper()
	srv := emulator.New(opts)
	SeedFleet(t, srv, f)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs
}

// ConfigAs is Config signed with accessKeyID (which picks the account, see
// emulator.Account) for region (which picks the region's clusters).
func ConfigAs(url, accessKeyID, region string) aws.Config {
	cfg := Config(url)
	cfg.Region = region
	cfg.Credentials = credentials.NewStaticCredentialsProvider(accessKeyID, "secret", "")
	return cfg
}
