package cli

import (
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
