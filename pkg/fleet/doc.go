// Package fleet reads many clusters at once: every cluster named or found
// (ListClusters, every page) in every region named or in the partition
// (--all-regions), for every profile (an account and its credentials).
// Each (profile, region) has one client, and so one rate limiter and one
// retryer: regions are read side by side, each at its own API limit, and
// a slow or throttled region holds none of the others back. A run
// function reads one cluster; each result carries its account, region and
// cluster, and its error when it failed, and the others still run.
//
// The package knows nothing of the commands: pkg/cli's list, export and
// who (and audit) give it a Spec from their flags, a way to open a client
// (Open) and a run function, and print the Results.
package fleet

//go:generate go run ./internal/genregions -o regions_gen.go
