package cli

import (
	"slices"
	"testing"
)

// TestNewWhoamiCmd: argv -> options; --cluster is optional, and taken
// from EKSACCESS_CLUSTER when set; a bad name is a usage error.
func TestNewWhoamiCmd(t *testing.T) {
	t.Parallel()
	want := func(cluster string) func(*testing.T, *whoamiOptions) {
		return func(t *testing.T, got *whoamiOptions) {
			if string(got.cluster) != cluster {
				t.Errorf("cluster = %q, want %q", got.cluster, cluster)
			}
		}
	}
	runParseCases(t, newWhoamiCmd, []parseCase[whoamiOptions]{
		{name: "no cluster", check: want("")},
		{name: "a cluster", args: []string{"--cluster", "demo"}, check: want("demo")},
		{name: "a cluster ARN", args: []string{"--cluster", "arn:aws:eks:us-west-2:111122223333:cluster/demo"}, check: want("demo")},
		{name: "cluster from the environment", env: map[string]string{"EKSACCESS_CLUSTER": "prod"}, check: want("prod")},
		{name: "the flag wins over the environment", args: []string{"--cluster", "demo"}, env: map[string]string{"EKSACCESS_CLUSTER": "prod"}, check: want("demo")},
		{name: "a bad environment", env: map[string]string{"EKSACCESS_CLUSTER": "no such"}, wantErr: "EKSACCESS_CLUSTER"},
		{name: "a bad name", args: []string{"--cluster", "no such"}, wantErr: "--cluster"},
		{name: "positional argument", args: []string{"demo"}, wantErr: "demo"},
	})
}

// TestNewWhoCmd: argv -> options; --cluster repeatable and
// comma-separated (a cluster ARN keeps its region and account), or --all-clusters, or
// EKSACCESS_CLUSTER; every misuse a usage error with nothing sent.
func TestNewWhoCmd(t *testing.T) {
	t.Parallel()
	const role = "arn:aws:iam::111122223333:role/dev"
	want := func(targets []clusterTarget, all bool) func(*testing.T, *whoOptions) {
		return func(t *testing.T, got *whoOptions) {
			if got.principal.String() != role || got.fleet.allClusters != all || !slices.Equal(got.fleet.clusters.targets(), targets) {
				t.Errorf("options = %s %v %v, want %s %v %v", got.principal, got.fleet.clusters.targets(), got.fleet.allClusters, role, targets, all)
			}
		}
	}
	runParseCases(t, newWhoCmd, []parseCase[whoOptions]{
		{name: "clusters, repeated and comma-separated, each once", args: []string{"--principal", role, "--cluster", "a,b", "--cluster", "c", "--cluster", "a"},
			check: want([]clusterTarget{{name: "a"}, {name: "b"}, {name: "c"}}, false)},
		{name: "a cluster ARN keeps its region and account", args: []string{"--principal", role, "--cluster", "arn:aws:eks:eu-west-1:111122223333:cluster/prod"},
			check: want([]clusterTarget{{name: "prod", region: "eu-west-1", account: "111122223333"}}, false)},
		{name: "every cluster", args: []string{"--principal", role, "--all-clusters"}, check: want(nil, true)},
		{name: "cluster from the environment", args: []string{"--principal", role}, env: map[string]string{"EKSACCESS_CLUSTER": "prod"},
			check: want([]clusterTarget{{name: "prod"}}, false)},
		{name: "no principal", args: []string{"--cluster", "prod"}, wantErr: "--principal is required"},
		{name: "an STS session", args: []string{"--principal", "arn:aws:sts::111122223333:assumed-role/dev/s", "--cluster", "prod"}, wantErr: "STS"},
		{name: "no cluster", args: []string{"--principal", role}, wantErr: "--cluster or --all-clusters is required"},
		{name: "both", args: []string{"--principal", role, "--cluster", "prod", "--all-clusters"}, wantErr: "cannot be given together"},
		{name: "a bad cluster", args: []string{"--principal", role, "--cluster", "a,no such"}, wantErr: "--cluster"},
		{name: "an empty cluster", args: []string{"--principal", role, "--cluster", ""}, wantErr: "cluster name is empty"},
	})
}
