// Package emutest starts the EKS emulator for tests and builds an AWS SDK
// configuration pointed at it: static credentials, a fixed region, one
// attempt per call. It is test support: the emulator itself stays free of
// the SDK.
package emutest

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// Region is the region test clients use.
const Region = "us-west-2"

// Start serves a new emulator with opts until the test ends and seeds the
// clusters "demo" (API_AND_CONFIG_MAP) and "legacy" (CONFIG_MAP).
func Start(t testing.TB, opts emulator.Options) (*emulator.Server, *httptest.Server) {
	t.Helper()
	srv := emulator.New(opts)
	srv.AddCluster("demo", "API_AND_CONFIG_MAP")
	srv.AddCluster("legacy", "CONFIG_MAP")
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs
}

// Config is an aws.Config that sends every call (EKS, STS and IAM) to url.
func Config(url string) aws.Config {
	return aws.Config{
		Region:           Region,
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: 1,
	}
}
