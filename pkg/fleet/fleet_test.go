package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// fakeClient is one (profile, region)'s client.
type fakeClient struct {
	region   string
	clusters []string
	listErr  error
}

func (c *fakeClient) Region() string { return c.region }

func (c *fakeClient) ListClusters(context.Context) ([]string, error) {
	if c.listErr != nil {
		return nil, c.listErr
	}
	return slices.Clone(c.clusters), nil
}

// fakeCloud holds each profile's account, home region and clusters per
// region, and counts the clients opened.
type fakeCloud struct {
	home     map[string]string              // profile -> its own region
	accounts map[string]string              // profile -> account
	clusters map[string]map[string][]string // profile -> region -> clusters
	denied   map[string]bool                // "profile/region" -> ListClusters denied
	mu       sync.Mutex
	opened   map[string]int // "profile/region" -> clients opened
}

func (f *fakeCloud) reader() Reader[*fakeClient] {
	return Reader[*fakeClient]{
		Open: func(_ context.Context, profile, region string) (*fakeClient, error) {
			home, ok := f.home[profile]
			if !ok {
				return nil, fmt.Errorf("profile %s: %w", profile, eksapi.ErrNoProfile)
			}
			if region == "" {
				return &fakeClient{region: home}, nil
			}
			f.mu.Lock()
			if f.opened == nil {
				f.opened = map[string]int{}
			}
			f.opened[profile+"/"+region]++
			f.mu.Unlock()
			c := &fakeClient{region: region, clusters: f.clusters[profile][region]}
			if f.denied[profile+"/"+region] {
				c.listErr = fmt.Errorf("list clusters: UnrecognizedClientException: %w", eksapi.ErrAccessDenied)
			}
			return c, nil
		},
		Account: func(_ context.Context, c *fakeClient) (string, error) {
			for p, h := range f.home {
				if h == c.region {
					return f.accounts[p], nil
				}
			}
			return "", errors.New("no account")
		},
	}
}

func newCloud() *fakeCloud {
	return &fakeCloud{
		home:     map[string]string{"": "us-east-1", "prod": "us-east-1", "dev": "eu-west-1"},
		accounts: map[string]string{"": "111122223333", "prod": "111122223333", "dev": "444455556666"},
		clusters: map[string]map[string][]string{
			"":     {"us-east-1": {"a", "b"}, "eu-west-1": {"c"}},
			"prod": {"us-east-1": {"a", "b"}, "eu-west-1": {"c"}},
			"dev":  {"us-east-1": {"x"}, "eu-west-1": {"y", "a"}},
		},
	}
}

func targets(rs []Result[string]) []string {
	var out []string
	for _, r := range rs {
		s := fmt.Sprintf("%s/%s/%s/%s", r.Profile, r.Account, r.Region, r.Cluster)
		if r.Err != nil {
			s += " err"
		}
		out = append(out, s)
	}
	return out
}

func readName(_ context.Context, c *fakeClient, t Target) (string, error) {
	if c.region != t.Region {
		return "", fmt.Errorf("cluster %s read through the client of %s", t.Cluster, c.region)
	}
	return t.Cluster, nil
}

func TestRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		spec    Spec
		want    []string
		skipped []string
	}{
		{
			name: "one cluster in the home region",
			spec: Spec{Clusters: []Cluster{{Name: "a"}}},
			want: []string{"/111122223333/us-east-1/a"},
		},
		{
			name: "every cluster of two regions",
			spec: Spec{Regions: []string{"us-east-1", "eu-west-1"}, AllClusters: true},
			want: []string{"/111122223333/eu-west-1/c", "/111122223333/us-east-1/a", "/111122223333/us-east-1/b"},
		},
		{
			name: "two profiles, two accounts, in the order given",
			spec: Spec{Profiles: []string{"prod", "dev"}, Regions: []string{"us-east-1", "eu-west-1"}, AllClusters: true},
			want: []string{
				"prod/111122223333/eu-west-1/c", "prod/111122223333/us-east-1/a", "prod/111122223333/us-east-1/b",
				"dev/444455556666/eu-west-1/a", "dev/444455556666/eu-west-1/y", "dev/444455556666/us-east-1/x",
			},
		},
		{
			name: "a profile of an account read already is left out",
			spec: Spec{Profiles: []string{"prod", "dev", ""}, Clusters: []Cluster{{Name: "a"}}},
			want: []string{"prod/111122223333/us-east-1/a", "dev/444455556666/eu-west-1/a"},
		},
		{
			name: "each profile in its own region by default",
			spec: Spec{Profiles: []string{"dev", "prod"}, AllClusters: true},
			want: []string{"dev/444455556666/eu-west-1/a", "dev/444455556666/eu-west-1/y", "prod/111122223333/us-east-1/a", "prod/111122223333/us-east-1/b"},
		},
		{
			name: "clusters named keep the order given",
			spec: Spec{Clusters: []Cluster{{Name: "b"}, {Name: "a"}}},
			want: []string{"/111122223333/us-east-1/b", "/111122223333/us-east-1/a"},
		},
		{
			name: "a cluster named by ARN is read in its region only",
			spec: Spec{Clusters: []Cluster{{Name: "a"}, {Name: "c", Region: "eu-west-1"}}},
			want: []string{"/111122223333/eu-west-1/c", "/111122223333/us-east-1/a"},
		},
		{
			name: "a cluster named in two regions",
			spec: Spec{Regions: []string{"us-east-1", "eu-west-1"}, Clusters: []Cluster{{Name: "a"}}},
			want: []string{"/111122223333/eu-west-1/a", "/111122223333/us-east-1/a"},
		},
		{
			name: "all regions: clusters named are looked up; one found nowhere fails",
			spec: Spec{Profiles: []string{"dev"}, AllRegions: true, Clusters: []Cluster{{Name: "a"}, {Name: "gone"}}},
			want: []string{"dev/444455556666/eu-west-1/a", "///gone err"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cloud := newCloud()
			got := Read(t.Context(), cloud.reader(), tt.spec, readName)
			if g, w := strings.Join(targets(got), "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("targets:\n%s\nwant:\n%s", g, w)
			}
			for _, r := range got {
				if r.Err == nil && r.Value != r.Cluster {
					t.Errorf("%s: value %q", r.Cluster, r.Value)
				}
			}
		})
	}
}

// A region that refuses the caller is skipped and named once under
// AllRegions; named with Regions it is an error in the results.
func TestReadSkipsRefusedRegions(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	cloud.denied = map[string]bool{"prod/ap-east-1": true, "prod/me-south-1": true}
	var mu sync.Mutex
	var skipped []string
	r := cloud.reader()
	r.Skipped = func(t Target, err error) {
		mu.Lock()
		defer mu.Unlock()
		skipped = append(skipped, t.Region)
	}
	got := Read(t.Context(), r, Spec{Profiles: []string{"prod"}, AllRegions: true, AllClusters: true}, readName)
	slices.Sort(skipped)
	if strings.Join(skipped, ",") != "ap-east-1,me-south-1" {
		t.Errorf("skipped %v, want ap-east-1 and me-south-1, once each", skipped)
	}
	want := "prod/111122223333/eu-west-1/c\nprod/111122223333/us-east-1/a\nprod/111122223333/us-east-1/b"
	if g := strings.Join(targets(got), "\n"); g != want {
		t.Errorf("targets:\n%s\nwant:\n%s", g, want)
	}
	regions, _ := PartitionRegions("us-east-1")
	for _, region := range regions {
		if n := cloud.opened["prod/"+region]; n != 1 {
			t.Errorf("%s: %d clients opened, want one per account and region", region, n)
		}
	}

	skipped = nil
	got = Read(t.Context(), r, Spec{Profiles: []string{"prod"}, Regions: []string{"us-east-1", "ap-east-1"}, AllClusters: true}, readName)
	if len(skipped) != 0 || len(got) != 3 || !errors.Is(got[0].Err, eksapi.ErrAccessDenied) || got[0].Region != "ap-east-1" {
		t.Errorf("a region named is reported, not skipped: skipped %v, results %v", skipped, targets(got))
	}
}

// One client per (profile, region), however many clusters it has.
func TestReadOneClientPerRegion(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	cloud.clusters["prod"]["us-east-1"] = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	Read(t.Context(), cloud.reader(), Spec{Profiles: []string{"prod", "dev"}, Regions: []string{"us-east-1", "eu-west-1"}, AllClusters: true}, readName)
	want := map[string]int{"prod/us-east-1": 1, "prod/eu-west-1": 1, "dev/us-east-1": 1, "dev/eu-west-1": 1}
	if fmt.Sprint(cloud.opened) != fmt.Sprint(want) {
		t.Errorf("clients opened %v, want %v", cloud.opened, want)
	}
}

// A slow region holds no other back: eu-west-1's clusters (more than a
// region reads at once) cannot finish until us-east-1's are all read,
// which they could not be if the regions shared a pool of workers or
// were read one after the other (eu-west-1 comes first).
func TestReadRegionsSideBySide(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	var many []string
	for i := range 3 * DefaultConcurrency {
		many = append(many, fmt.Sprintf("slow-%02d", i))
	}
	cloud.clusters[""]["eu-west-1"] = many
	cloud.clusters[""]["us-east-1"] = []string{"f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"}
	usDone := make(chan struct{})
	r := cloud.reader()
	var once sync.Once
	r.Progress = func(p RegionProgress) {
		if p.Region == "us-east-1" && p.Listed && p.Done == p.Found {
			once.Do(func() { close(usDone) })
		}
	}
	// The deadline only ends a read that would never finish: the failure
	// is then the errors below.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	got := Read(ctx, r, Spec{Regions: []string{"us-east-1", "eu-west-1"}, AllClusters: true},
		func(ctx context.Context, c *fakeClient, t Target) (string, error) {
			if c.region == "eu-west-1" {
				select {
				case <-usDone:
				case <-ctx.Done():
					return "", ctx.Err()
				}
			}
			return t.Cluster, nil
		})
	if len(got) != len(many)+9 {
		t.Fatalf("%d results", len(got))
	}
	for _, r := range got {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Cluster, r.Err)
		}
	}
}

// A failing cluster is in its row; the others are read; the code is the
// highest.
func TestReadFailuresPerCluster(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	errThrottled := fmt.Errorf("b: %w", eksapi.ErrThrottled)
	errMissing := fmt.Errorf("c: %w", eksapi.ErrNotFound)
	got := Read(t.Context(), cloud.reader(), Spec{Regions: []string{"us-east-1", "eu-west-1"}, AllClusters: true},
		func(_ context.Context, _ *fakeClient, t Target) (string, error) {
			switch t.Cluster {
			case "b":
				return "", errThrottled
			case "c":
				return "", errMissing
			}
			return t.Cluster, nil
		})
	if g := strings.Join(targets(got), ","); g != "/111122223333/eu-west-1/c err,/111122223333/us-east-1/a,/111122223333/us-east-1/b err" {
		t.Errorf("results %s", g)
	}
	code := func(err error) int {
		switch {
		case errors.Is(err, eksapi.ErrThrottled):
			return 6
		case errors.Is(err, eksapi.ErrNotFound):
			return 3
		}
		return 1
	}
	if w := Worst(got, code); w != 6 {
		t.Errorf("Worst = %d, want 6", w)
	}
	if w := Worst(got[1:2], code); w != 0 {
		t.Errorf("Worst of a success = %d, want 0", w)
	}
	// A profile that cannot be opened is one failed row; the other profile is read.
	got = Read(t.Context(), cloud.reader(), Spec{Profiles: []string{"nope", "dev"}, AllClusters: true}, readName)
	if g := strings.Join(targets(got), ","); g != "nope/// err,dev/444455556666/eu-west-1/a,dev/444455556666/eu-west-1/y" || !errors.Is(got[0].Err, eksapi.ErrNoProfile) {
		t.Errorf("results %s (%v)", g, got[0].Err)
	}
}

// When the context ends, the clusters not yet read are ErrStopped and run
// is not called for them.
func TestReadStopped(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	cloud.clusters[""]["us-east-1"] = []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var mu sync.Mutex
	var ran []string
	r := cloud.reader()
	r.Concurrency = 1
	got := Read(ctx, r, Spec{AllClusters: true}, func(_ context.Context, _ *fakeClient, t Target) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		ran = append(ran, t.Cluster)
		if len(ran) == 3 {
			cancel()
		}
		return t.Cluster, nil
	})
	read, stopped := 0, 0
	for _, r := range got {
		switch {
		case r.Err == nil:
			read++
		case errors.Is(r.Err, ErrStopped) && errors.Is(r.Err, context.Canceled):
			stopped++
		default:
			t.Errorf("%s: %v", r.Cluster, r.Err)
		}
	}
	if read != 3 || stopped != 5 || len(ran) != 3 {
		t.Errorf("read %d, stopped %d, run called %d times; want 3, 5, 3", read, stopped, len(ran))
	}
}

func TestPartitionRegions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region   string
		has, not string
		err      bool
	}{
		{region: "us-east-1", has: "eu-west-1", not: "us-gov-west-1"},
		{region: "us-gov-west-1", has: "us-gov-east-1", not: "us-east-1"},
		{region: "cn-north-1", has: "cn-northwest-1", not: "us-east-1"},
		{region: "us-gov-north-9", has: "us-gov-west-1", not: "us-east-1"}, // not listed yet: by its pattern
		{region: "mars-east-1", err: true},
	}
	for _, tt := range tests {
		got, err := PartitionRegions(tt.region)
		if tt.err {
			if err == nil {
				t.Errorf("%s: no error", tt.region)
			}
			continue
		}
		if err != nil || !slices.Contains(got, tt.has) || slices.Contains(got, tt.not) {
			t.Errorf("%s: %v, %v; want %s and not %s", tt.region, got, err, tt.has, tt.not)
		}
	}
}

// A cluster named by ARN is read by the profile of the ARN's account only;
// one of an account no profile reads is an error, not a read of another
// account's cluster of that name.
func TestReadClusterARNAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec Spec
		want []string
	}{
		{
			name: "two profiles: only the ARN's account reads it",
			spec: Spec{Profiles: []string{"prod", "dev"}, Clusters: []Cluster{{Name: "a", Region: "eu-west-1", Account: "444455556666"}}},
			want: []string{"dev/444455556666/eu-west-1/a"},
		},
		{
			name: "beside a name: the name in each profile's region, the ARN in its account",
			spec: Spec{Profiles: []string{"prod", "dev"}, Clusters: []Cluster{{Name: "c", Region: "eu-west-1", Account: "111122223333"}, {Name: "a"}}},
			want: []string{"prod/111122223333/eu-west-1/c", "prod/111122223333/us-east-1/a", "dev/444455556666/eu-west-1/a"},
		},
		{
			name: "an account no profile reads",
			spec: Spec{Profiles: []string{"prod"}, Clusters: []Cluster{{Name: "y", Region: "eu-west-1", Account: "444455556666"}}},
			want: []string{"/444455556666/eu-west-1/y err"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Read(t.Context(), newCloud().reader(), tt.spec, readName)
			if g, w := strings.Join(targets(got), "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("targets:\n%s\nwant:\n%s", g, w)
			}
			for _, r := range got {
				if r.Err != nil && !errors.Is(r.Err, ErrOtherAccount) {
					t.Errorf("%s: %v, want ErrOtherAccount", r.Cluster, r.Err)
				}
			}
		})
	}
}

// Reader.Refused decides which ListClusters errors skip a region under
// AllRegions: an error it does not call a refusal (expired credentials)
// is the region's failure, not a skip.
func TestReadRefusedDecidesSkips(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	cloud.denied = map[string]bool{"prod/ap-east-1": true}
	r := cloud.reader()
	var skipped []string
	var mu sync.Mutex
	r.Skipped = func(t Target, _ error) {
		mu.Lock()
		defer mu.Unlock()
		skipped = append(skipped, t.Region)
	}
	r.Refused = func(error) bool { return false } // as for ExpiredTokenException
	got := Read(t.Context(), r, Spec{Profiles: []string{"prod"}, AllRegions: true, AllClusters: true}, readName)
	if len(skipped) != 0 {
		t.Errorf("skipped %v, want none", skipped)
	}
	if !slices.ContainsFunc(got, func(r Result[string]) bool {
		return r.Region == "ap-east-1" && errors.Is(r.Err, eksapi.ErrAccessDenied)
	}) {
		t.Errorf("no failed row for ap-east-1: %v", targets(got))
	}
}

// The account is asked in the profile's region; when that region refuses
// the caller (an opt-in region named first with --region), in the other
// regions named: the region that refuses is one failed row, not the whole
// profile.
func TestReadAccountFromAnotherRegion(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	cloud.home[""] = "ap-east-1" // the first --region: not enabled
	cloud.denied = map[string]bool{"/ap-east-1": true}
	r := cloud.reader()
	r.Account = func(_ context.Context, c *fakeClient) (string, error) {
		if c.region == "ap-east-1" {
			return "", fmt.Errorf("get caller identity: InvalidClientTokenId: %w", eksapi.ErrAccessDenied)
		}
		return "111122223333", nil
	}
	got := Read(t.Context(), r, Spec{Regions: []string{"ap-east-1", "us-east-1"}, AllClusters: true}, readName)
	if g, w := strings.Join(targets(got), ","), "/111122223333/ap-east-1/ err,/111122223333/us-east-1/a,/111122223333/us-east-1/b"; g != w {
		t.Errorf("targets %s, want %s", g, w)
	}
}

// A region whose listing the context ends is ErrStopped, as its clusters
// would be: the command then says it was not read, not that it failed.
func TestReadStoppedWhileListing(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := cloud.reader()
	open := r.Open
	r.Open = func(ctx context.Context, profile, region string) (*fakeClient, error) {
		c, err := open(ctx, profile, region)
		if err == nil && region == "us-east-1" {
			cancel() // Ctrl-C while the region is listed
			c.listErr = fmt.Errorf("list clusters: %w", context.Canceled)
		}
		return c, err
	}
	got := Read(ctx, r, Spec{Regions: []string{"us-east-1"}, AllClusters: true}, readName)
	if len(got) != 1 || !errors.Is(got[0].Err, ErrStopped) || got[0].Cluster != "" {
		t.Errorf("results %v (%v), want the region stopped", targets(got), got)
	}
}

// A cluster named with AllRegions that no region lists is not found; when
// a region could not be listed, its error says the cluster may be there.
func TestReadNotInFleetWhenARegionFailed(t *testing.T) {
	t.Parallel()
	cloud := newCloud()
	r := cloud.reader()
	r.Refused = func(error) bool { return false }
	cloud.denied = map[string]bool{"dev/ap-east-1": true}
	got := Read(t.Context(), r, Spec{Profiles: []string{"dev"}, AllRegions: true, Clusters: []Cluster{{Name: "gone"}}}, readName)
	last := got[len(got)-1]
	if last.Cluster != "gone" || !errors.Is(last.Err, ErrNotInFleet) || !strings.Contains(last.Err.Error(), "a region could not be listed") {
		t.Errorf("last result %v: %v", last.Target, last.Err)
	}
}
