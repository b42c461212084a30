package cli

import (
	"slices"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/fleet"
)

// TestNewListCmdFleet: argv -> options for a fleet; one cluster stays a
// single read; every misuse is a usage error with nothing sent.
func TestNewListCmdFleet(t *testing.T) {
	t.Parallel()
	want := func(many bool, clusters ...string) func(*testing.T, *listOptions) {
		return func(t *testing.T, got *listOptions) {
			var names []string
			for _, c := range got.fleet.clusters.targets() {
				names = append(names, string(c.name))
			}
			if got.fleet.many(got.deps) != many || !slices.Equal(names, clusters) {
				t.Errorf("many %v, clusters %v; want %v, %v", got.fleet.many(got.deps), names, many, clusters)
			}
		}
	}
	runParseCases(t, newListCmd, []parseCase[listOptions]{
		{name: "one cluster", args: []string{"--cluster", "prod"}, check: want(false, "prod")},
		{name: "the same cluster twice", args: []string{"--cluster", "prod", "--cluster", "prod"}, check: want(false, "prod")},
		{name: "two clusters", args: []string{"--cluster", "prod,staging"}, check: want(true, "prod", "staging")},
		{name: "every cluster", args: []string{"--all-clusters"}, check: want(true)},
		{name: "every region", args: []string{"--all-regions", "--cluster", "prod"}, check: want(true, "prod")},
		{name: "every region, the cluster from the environment", args: []string{"--all-regions"}, env: map[string]string{"EKSACCESS_CLUSTER": "prod"}, check: want(true, "prod")},
		{name: "every region, no cluster: every cluster of each", args: []string{"--all-regions"}, check: want(true)},
		{name: "no cluster", wantErr: "--cluster is required"},
		{name: "both", args: []string{"--cluster", "prod", "--all-clusters"}, wantErr: "cannot be given together"},
	})
}

// TestNewExportCmdFleet: several clusters need --dir (an apply file
// gives its entries to every cluster it names).
func TestNewExportCmdFleet(t *testing.T) {
	t.Parallel()
	runParseCases(t, newExportCmd, []parseCase[exportOptions]{
		{name: "one cluster", args: []string{"--cluster", "prod"}},
		{name: "two clusters", args: []string{"--cluster", "prod", "--cluster", "staging"}, wantErr: "--dir is required"},
		{name: "every cluster", args: []string{"--all-clusters"}, wantErr: "--dir is required"},
		{name: "every cluster, a directory", args: []string{"--all-clusters", "--dir", "out"}, check: func(t *testing.T, o *exportOptions) {
			if o.dir != "out" || !o.fleet.allClusters {
				t.Errorf("dir %q, all clusters %v", o.dir, o.fleet.allClusters)
			}
		}},
	})
}

// TestFleetProgress: a line of the clusters read of those found, per
// region; nothing on stderr without a terminal.
func TestFleetProgress(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := cmdutil.TestStreams()
	p := newFleetProgress(ios)
	if got, want := p.line(), "listing clusters (0 regions listed)"; got != want {
		t.Errorf("before any region is listed, line = %q, want %q", got, want)
	}
	p.set(fleet.RegionProgress{Region: "ap-east-1", Listed: true})
	if got, want := p.line(), "listing clusters (1 region listed)"; got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	p.set(fleet.RegionProgress{Region: "us-east-1", Found: 3, Done: 2, Listed: true})
	p.set(fleet.RegionProgress{Region: "eu-west-1", Found: 2, Done: 1, Listed: true})
	p.set(fleet.RegionProgress{Region: "ap-east-1", Listed: true}) // no clusters: not named
	p.set(fleet.RegionProgress{Profile: "dev", Region: "us-east-1", Found: 1, Listed: true})
	if got, want := p.line(), "read 3/6 clusters: eu-west-1 1/2, us-east-1 2/3, dev/us-east-1 0/1"; got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	p.stop()
	if errOut.Len() != 0 {
		t.Errorf("without a terminal, stderr got %q", errOut)
	}
}
