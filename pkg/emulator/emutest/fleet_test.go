package emutest_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
)

func TestFleetInTwoRegionsAndTwoAccounts(t *testing.T) {
	const other, otherKey = "444455556666", "AKIAOTHER"
	srv, hs := emutest.StartFleet(t, emulator.Options{
		Accounts: []emulator.Account{{ID: other, AccessKeys: []string{otherKey}}},
	}, emutest.Fleet{Regions: []string{"eu-west-1", "us-east-1"}, Clusters: 2, Entries: 3})
	emutest.SeedFleet(t, srv.Account(other), emutest.Fleet{Regions: []string{"eu-west-1"}, Clusters: 1, Entries: 1, Policy: "-"})

	for _, tt := range []struct {
		key, region, account string
		clusters             []string
		entries, policies    int
	}{
		{"AKIDEXAMPLE", "eu-west-1", "111122223333", []string{"cluster-01", "cluster-02"}, 3, 1},
		{"AKIDEXAMPLE", "us-east-1", "111122223333", []string{"cluster-01", "cluster-02"}, 3, 1},
		{otherKey, "eu-west-1", other, []string{"cluster-01"}, 1, 0},
		{otherKey, "us-east-1", other, nil, 0, 0},
	} {
		cfg := emutest.ConfigAs(hs.URL, tt.key, tt.region)
		client := eks.NewFromConfig(cfg)
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(id.Account) != tt.account {
			t.Errorf("%s: GetCallerIdentity = %v, %v; want account %s", tt.key, id, err, tt.account)
		}
		list, err := client.ListClusters(t.Context(), &eks.ListClustersInput{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(list.Clusters, tt.clusters) {
			t.Errorf("%s in %s: clusters %q, want %q", tt.key, tt.region, list.Clusters, tt.clusters)
		}
		if len(tt.clusters) == 0 {
			continue
		}
		entries, err := client.ListAccessEntries(t.Context(), &eks.ListAccessEntriesInput{ClusterName: aws.String("cluster-01")})
		if err != nil || len(entries.AccessEntries) != tt.entries || entries.AccessEntries[0] != emutest.FleetPrincipal(tt.account, 1) {
			t.Fatalf("%s in %s: entries %v, %v; want %d", tt.key, tt.region, entries, err, tt.entries)
		}
		policies, err := client.ListAssociatedAccessPolicies(t.Context(), &eks.ListAssociatedAccessPoliciesInput{
			ClusterName: aws.String("cluster-01"), PrincipalArn: aws.String(emutest.FleetPrincipal(tt.account, 1))})
		if err != nil || len(policies.AssociatedAccessPolicies) != tt.policies {
			t.Errorf("%s in %s: policies %v, %v; want %d", tt.key, tt.region, policies, err, tt.policies)
		}
	}
}

// The benchmark's fleet: 3 regions x 20 clusters x 50 entries, built
// without requests, rate limits set per region.
func TestBenchmarkFleet(t *testing.T) {
	srv, hs := emutest.StartFleet(t, emulator.Options{}, emutest.Fleet{Clusters: 20, Entries: 50, RateLimit: 20})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("seeding sent %d requests", n)
	}
	client := eks.NewFromConfig(emutest.ConfigAs(hs.URL, "AKIDEXAMPLE", "ap-southeast-2"))
	list, err := client.ListClusters(t.Context(), &eks.ListClustersInput{})
	if err != nil || len(list.Clusters) != 20 {
		t.Fatalf("ListClusters: %v, %v", list, err)
	}
	entries, err := client.ListAccessEntries(t.Context(), &eks.ListAccessEntriesInput{ClusterName: aws.String("cluster-20")})
	if err != nil || len(entries.AccessEntries) != 50 {
		t.Fatalf("ListAccessEntries: %v, %v", entries, err)
	}
}
