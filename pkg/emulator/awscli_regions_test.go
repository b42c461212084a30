package emulator_test

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// The AWS CLI reaches the regions and accounts of one endpoint by its
// --region and its access key, as it would reach AWS's.
func TestAWSCLIRegionsAndAccounts(t *testing.T) {
	path := findAWSCLI(t)
	srv := emulator.New(emulator.Options{
		Accounts:        []emulator.Account{{ID: otherAccount, AccessKeys: []string{otherKey}}},
		DisabledRegions: []string{"ap-east-1"},
	})
	srv.AddClusterIn("eu-west-1", "prod-eu", "")
	srv.AddClusterIn("us-east-1", "prod-us", "")
	srv.AddClusterIn("us-east-1", "staging-us", "")
	srv.Account(otherAccount).AddClusterIn("eu-west-1", "payments", "")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	cli := &awsCLI{path: path, endpoint: ts.URL}

	for _, tt := range []struct {
		key, region string
		want        []string
	}{
		{"AKIDEXAMPLE", "eu-west-1", []string{"prod-eu"}},
		{"AKIDEXAMPLE", "us-east-1", []string{"prod-us", "staging-us"}},
		{"AKIDEXAMPLE", "sa-east-1", []string{}},
		{otherKey, "eu-west-1", []string{"payments"}},
	} {
		res := cli.run(t, []string{"AWS_ACCESS_KEY_ID=" + tt.key}, "eks", "list-clusters", "--region", tt.region)
		if res.failed {
			t.Fatalf("list-clusters --region %s: %s", tt.region, res.stderr)
		}
		var got []string
		for _, c := range decode(t, res.stdout)["clusters"].([]any) {
			got = append(got, c.(string))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("list-clusters as %s --region %s = %q, want %q", tt.key, tt.region, got, tt.want)
		}
	}

	for key, want := range map[string]string{"AKIDEXAMPLE": account, otherKey: otherAccount} {
		res := cli.run(t, []string{"AWS_ACCESS_KEY_ID=" + key}, "sts", "get-caller-identity")
		if res.failed {
			t.Fatalf("sts get-caller-identity as %s: %s", key, res.stderr)
		}
		if got := decode(t, res.stdout)["Account"]; got != want {
			t.Errorf("sts get-caller-identity as %s: Account %v, want %s", key, got, want)
		}
	}

	cli.fails(t, nil, "An error occurred (UnrecognizedClientException) when calling the ListClusters operation: The security token included in the request is invalid.",
		"eks", "list-clusters", "--region", "ap-east-1")
}
