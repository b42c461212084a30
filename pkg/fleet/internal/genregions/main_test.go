package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestRegionsUpToDate fails when pkg/fleet/regions_gen.go is not what the
// SDK release go.mod names lists: after a bump, go generate ./pkg/fleet.
func TestRegionsUpToDate(t *testing.T) {
	src, version, err := readEndpoints(t.Context())
	if err != nil {
		t.Skipf("the SDK's source is not in the module cache: %v", err)
	}
	want, err := render(src, version)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../regions_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("pkg/fleet/regions_gen.go is out of date with %s %s: run go generate ./pkg/fleet", eksModule, version)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	src := []byte(`package endpoints
var partitionRegexp = struct{ Aws *regexp.Regexp }{
	Aws: regexp.MustCompile("^(us|eu)\\-\\w+\\-\\d+$"),
}
var defaultPartitions = endpoints.Partitions{
	{
		ID: "aws",
		RegionRegex: partitionRegexp.Aws,
		Endpoints: endpoints.Endpoints{
			endpoints.EndpointKey{Region: "us-east-1"}: endpoints.Endpoint{},
			endpoints.EndpointKey{Region: "us-east-1", Variant: endpoints.FIPSVariant}: {Hostname: "x"},
			endpoints.EndpointKey{Region: "fips-us-east-1"}: endpoints.Endpoint{Deprecated: aws.TrueTernary},
			endpoints.EndpointKey{Region: "eu-west-1"}: endpoints.Endpoint{},
		},
	},
}
`)
	parts, err := parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 || parts[0].id != "aws" || strings.Join(parts[0].regions, ",") != "eu-west-1,us-east-1" || parts[0].pattern != `^(us|eu)\-\w+\-\d+$` {
		t.Errorf("parse = %+v", parts)
	}
}
