package eksapi

import (
	"context"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Config is what the global flags say about reaching AWS.
type Config struct {
	Region      string    // --region; "" = the SDK's chain (AWS_REGION, AWS_DEFAULT_REGION, profile)
	Profile     string    // --profile; "" = AWS_PROFILE or default
	EndpointURL string    // --endpoint-url; "" = AWS_ENDPOINT_URL_EKS, AWS_ENDPOINT_URL, or the real endpoint
	MaxAttempts int       // --max-attempts; 0 = AWS_MAX_ATTEMPTS or the SDK default
	Version     string    // eksaccess version, sent in the user agent
	Debug       io.Writer // --debug: one line per HTTP exchange; nil = off
	Activity    *Activity // counts the requests sent; nil = none
	// AttemptTimeout bounds each HTTP attempt (connect, send, the whole
	// answer), so that a connection that never answers costs one attempt,
	// which is then retried, rather than the whole --timeout. 0 means
	// defaultAttemptTimeout (30s).
	AttemptTimeout time.Duration
}

// imdsTimeout bounds each call to the EC2 instance metadata service. On EC2
// it answers in milliseconds; elsewhere the SDK's own timeouts and retries
// would keep a user without credentials waiting for many seconds.
const imdsTimeout = time.Second

// LoadConfig builds the one aws.Config every client uses: the SDK's default
// chains for region, credentials and endpoints, the retry policy of
// retry.go, a deadline per HTTP attempt, and a credential provider whose
// failures are recognisable (ErrNoCredentials). Configuration mistakes
// (a region that is not one, AWS_MAX_ATTEMPTS=abc, a missing AWS_CA_BUNDLE,
// an endpoint that is not a URL, a missing profile) are ErrBadConfig or
// ErrNoProfile, found before anything is sent.
func LoadConfig(ctx context.Context, c Config) (aws.Config, error) {
	if err := checkSettings(c, os.Getenv); err != nil {
		return aws.Config{}, err
	}
	attemptTimeout := c.AttemptTimeout
	if attemptTimeout <= 0 {
		attemptTimeout = defaultAttemptTimeout
	}
	opts := []func(*config.LoadOptions) error{
		config.WithAppID("eksaccess/" + c.Version),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(attemptTimeout).WithTransportOptions(keepAlive)),
		config.WithAPIOptions([]func(*middleware.Stack) error{opBudget, keepCause}),
		config.WithLogger(sdkLogger(c.Debug)),
		config.WithEC2RoleCredentialOptions(func(o *ec2rolecreds.Options) {
			o.Client = quickIMDS{imds.New(imds.Options{Retryer: aws.NopRetryer{}})}
		}),
	}
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	if c.MaxAttempts > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(c.MaxAttempts))
	}
	if c.Debug != nil {
		opts = append(opts, config.WithAPIOptions([]func(*middleware.Stack) error{debugLog(c.Debug)}))
	}
	if c.Activity != nil {
		opts = append(opts, config.WithAPIOptions([]func(*middleware.Stack) error{countRequests(c.Activity)}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, loadError(err, requestedProfile(c, os.Getenv))
	}
	if cfg.Region == "" {
		return aws.Config{}, ErrNoRegion
	}
	if err := checkRegion(c, cfg, os.Getenv); err != nil {
		return aws.Config{}, err
	}
	// The attempts the user set (flag, AWS_MAX_ATTEMPTS, max_attempts) go
	// to the retryer, which applies them to every call; left in the config,
	// the SDK would wrap the retryer and hide its per-operation budgets.
	mode, attempts := cfg.RetryMode, cfg.RetryMaxAttempts
	cfg.RetryMaxAttempts = 0
	cfg.Retryer = func() aws.Retryer { return newRetryer(mode, attempts) }
	if cfg.Credentials != nil {
		cfg.Credentials = aws.NewCredentialsCache(credentialsProvider{next: cfg.Credentials, hint: credentialsHint(cfg)})
	}
	return cfg, nil
}

// maxIdleConns is how many idle connections the HTTP client keeps, to
// each endpoint and in all. The SDK's default keeps 10 to an endpoint:
// beyond that, every answer of a bulk command with more attempts in flight
// closes its connection, and the next attempt opens (and, against EKS,
// handshakes TLS for) a new one.
const maxIdleConns = 256

func keepAlive(t *http.Transport) {
	t.MaxIdleConns = maxIdleConns
	t.MaxIdleConnsPerHost = maxIdleConns
}

// credentialsProvider marks every failure to find credentials with
// ErrNoCredentials, so callers need no knowledge of the SDK's chain, and
// adds what to do about it when the profile says (aws sso login).
type credentialsProvider struct {
	next aws.CredentialsProvider
	hint string
}

func (p credentialsProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := p.next.Retrieve(ctx)
	if err != nil {
		return creds, &credentialsError{cause: err, hint: p.hint}
	}
	return creds, nil
}

// quickIMDS gives each metadata call a short deadline of its own.
type quickIMDS struct{ client *imds.Client }

func (q quickIMDS) GetMetadata(ctx context.Context, in *imds.GetMetadataInput, optFns ...func(*imds.Options)) (*imds.GetMetadataOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, imdsTimeout)
	defer cancel()
	return q.client.GetMetadata(ctx, in, optFns...)
}

// debugLog logs one line per HTTP attempt: method, URL, status, request id
// and duration. It sits innermost in the Deserialize step, next to the
// transport, so retries show as separate lines. Headers are never printed,
// so credentials, signatures and session tokens cannot leak; what the
// server sent (the request id, an error) is made terminal-safe (writeDebug).
func debugLog(w io.Writer) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("eksaccessDebugLog",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				req, ok := in.Request.(*smithyhttp.Request)
				if !ok {
					return next.HandleDeserialize(ctx, in)
				}
				u := *req.URL
				u.User = nil
				start := time.Now()
				out, md, err := next.HandleDeserialize(ctx, in)
				elapsed := time.Since(start).Round(time.Millisecond)
				if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp != nil {
					writeDebug(w, "%s %s -> %d (request id %s) in %s",
						req.Method, u.String(), resp.StatusCode, resp.Header.Get("X-Amzn-Requestid"), elapsed)
				} else if err != nil {
					writeDebug(w, "%s %s -> error after %s: %v", req.Method, u.String(), elapsed, err)
				}
				return out, md, err
			}), middleware.After)
	}
}
