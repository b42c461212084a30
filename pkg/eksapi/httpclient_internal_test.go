package eksapi

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// recorder answers every request with an empty GetCallerIdentity result
// and keeps the request the transport was given.
type recorder struct{ got *http.Request }

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.got = req
	body := `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
		`<Arn>arn:aws:iam::111122223333:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account>` +
		`</GetCallerIdentityResult></GetCallerIdentityResponse>`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// The transport may read the request body after the response is in (the
// end-of-body check net/http's writeLoop makes); by then smithy-go has
// closed the body it built. The transport must get a body of its own, or
// that late read fails and takes the connection, and the answer on it,
// down with it.
func TestTransportBodyOutlivesTheSDKsClose(t *testing.T) {
	rec := &recorder{}
	cfg := aws.Config{Region: "us-east-1", HTTPClient: rec, BaseEndpoint: aws.String("http://sts.invalid"),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	c := NewFromConfig(cfg, "")
	if _, err := c.CallerIdentity(t.Context()); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rec.got.Body) // after the SDK has closed its own
	if err != nil || !strings.Contains(string(b), "Action=GetCallerIdentity") {
		t.Fatalf("the transport's body after the call: %q, %v", b, err)
	}
}
