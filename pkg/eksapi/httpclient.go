package eksapi

import (
	"bytes"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// ownBody is the HTTP client every call goes through. It gives the
// transport a copy of the request body that only the transport reads.
//
// smithy-go closes a request's body as soon as the response headers are
// in, while net/http's writeLoop may not yet have made its last read of
// that body (the check for bytes beyond Content-Length): when the server
// answers first, that read fails, the transport closes the connection, and
// the response body in flight fails to decode with "use of closed network
// connection" (aws/aws-sdk-go-v2#2737, seen here on IAM's larger XML
// pages). EKS, STS and IAM request bodies are small documents, so copying
// one costs nothing worth measuring.
type ownBody struct{ next aws.HTTPClient }

// withOwnBody wraps c's HTTP client (the SDK's default when it has none),
// once.
func withOwnBody(cfg aws.Config) aws.Config {
	switch cfg.HTTPClient.(type) {
	case ownBody:
		return cfg
	case nil:
		cfg.HTTPClient = ownBody{next: awshttp.NewBuildableClient()}
	default:
		cfg.HTTPClient = ownBody{next: cfg.HTTPClient}
	}
	return cfg
}

func (c ownBody) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return c.next.Do(req)
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	req.ContentLength = int64(len(b))
	return c.next.Do(req)
}
