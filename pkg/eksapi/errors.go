package eksapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// The kinds of failure commands act on. Every error a Client returns wraps
// at most one of them; match with errors.Is.
var (
	// ErrNotFound: the cluster, access entry, association, policy, or IAM
	// role or user does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the resource already exists or is in use.
	ErrConflict = errors.New("conflict")
	// ErrAccessDenied: the credentials were refused (denied, unknown, expired, bad signature).
	ErrAccessDenied = errors.New("access denied")
	// ErrNoCredentials: no credentials were found anywhere in the SDK's chain.
	ErrNoCredentials = errors.New("no AWS credentials found")
	// ErrNoRegion: no region was given and none is configured.
	ErrNoRegion = errors.New("no AWS region configured")
	// ErrNoProfile: the named shared-config profile does not exist.
	ErrNoProfile = errors.New("no such AWS profile")
	// ErrBadConfig: a setting (flag, environment variable, shared config
	// file) is unusable; nothing was sent. See ConfigError.
	ErrBadConfig = errors.New("bad AWS configuration")
	// ErrThrottled: throttled, or the service was unavailable, after all retries.
	ErrThrottled = errors.New("throttled")
	// ErrInvalidRequest: EKS refused the request in the cluster's current
	// state (for example a CONFIG_MAP cluster).
	ErrInvalidRequest = errors.New("invalid request")
	// ErrInvalidParameter: EKS refused a parameter.
	ErrInvalidParameter = errors.New("invalid parameter")
)

// APIError is an error answered by EKS, STS or IAM: its code, its message, and
// the kind (one of the sentinels above, or nil) it stands for.
type APIError struct {
	Code    string
	Message string
	// Cluster is the cluster the call was about, if any.
	Cluster string
	// Region is the region the call went to, when a Client made it.
	Region string
	kind   error
}

func (e *APIError) Error() string {
	if e.Message == "" || e.Message == e.Code {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Is makes errors.Is(err, ErrNotFound) and friends work.
func (e *APIError) Is(target error) bool { return e.kind != nil && target == e.kind }

// kinds maps error codes to kinds. Codes are matched, not SDK types: an
// operation's model does not list every error EKS sends, and unmodeled codes
// (AccessDeniedException, TooManyRequestsException) arrive as generic errors.
var kinds = map[string]error{
	"ResourceNotFoundException":           ErrNotFound,
	"NotFoundException":                   ErrNotFound,
	"ResourceInUseException":              ErrConflict,
	"AccessDeniedException":               ErrAccessDenied,
	"AccessDenied":                        ErrAccessDenied, // STS, IAM
	"NoSuchEntity":                        ErrNotFound,     // IAM
	"ServiceFailure":                      ErrThrottled,    // IAM's 500
	"ValidationError":                     ErrInvalidParameter,
	"InvalidInput":                        ErrInvalidParameter,
	"UnrecognizedClientException":         ErrAccessDenied,
	"InvalidClientTokenId":                ErrAccessDenied,
	"ExpiredTokenException":               ErrAccessDenied,
	"ExpiredToken":                        ErrAccessDenied,
	"InvalidSignatureException":           ErrAccessDenied,
	"SignatureDoesNotMatch":               ErrAccessDenied,
	"MissingAuthenticationToken":          ErrAccessDenied,
	"MissingAuthenticationTokenException": ErrAccessDenied,
	"TooManyRequestsException":            ErrThrottled,
	"ThrottlingException":                 ErrThrottled,
	"Throttling":                          ErrThrottled,
	"ServiceUnavailableException":         ErrThrottled,
	"ServerException":                     ErrThrottled,
	"InvalidRequestException":             ErrInvalidRequest,
	"InvalidParameterException":           ErrInvalidParameter,
	"BadRequestException":                 ErrInvalidParameter,
}

// wrap translates an SDK error once, adding the operation and its key:
// "describe access entry arn:... in cluster demo: ResourceNotFoundException: ...".
func wrap(op string, err error) error { return wrapIn("", op, err) }

// wrapIn is the package's wrapIn for a call c made: an API error also
// names c's region (a cluster "not found" may be in another).
func (c *Client) wrapIn(cluster access.ClusterName, op string, err error) error {
	err = wrapIn(cluster, op, err)
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.Region = c.region
	}
	return err
}

// wrapIn is wrap for a call about one cluster, which the error then names.
func wrapIn(cluster access.ClusterName, op string, err error) error {
	if err == nil {
		return nil
	}
	if e := endpointMismatch(err); e != nil {
		return fmt.Errorf("%s: %w", op, e)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		e := &APIError{
			Code:    apiErr.ErrorCode(),
			Message: apiErr.ErrorMessage(),
			Cluster: string(cluster),
			kind:    kinds[apiErr.ErrorCode()],
		}
		var stopped *stoppedRetrying
		if errors.As(err, &stopped) {
			// The deadline ended the retries: the kind is the last
			// attempt's (throttled: exit 6), and the context's error stays
			// in the chain for the --timeout hint.
			return fmt.Errorf("%s: %w (still failing when the command's deadline ended the retries: %w)", op, e, stopped.ctxErr)
		}
		return fmt.Errorf("%s: %w", op, e)
	}
	var credErr *credentialsError
	if errors.As(err, &credErr) {
		return fmt.Errorf("%s: %w", op, credErr)
	}
	var stopped *stoppedRetrying
	var urlErr *url.Error
	if errors.As(err, &stopped) && errors.As(stopped.cause, &urlErr) {
		// The deadline ended the retries of a connection that kept failing:
		// say what failed, not only that time ran out.
		return fmt.Errorf("%s: cannot reach %s: %w (still failing when the command's deadline ended the retries: %w)", op, endpointOf(urlErr.URL), urlErr.Err, stopped.ctxErr)
	}
	var canceled *aws.RequestCanceledError
	if errors.As(err, &canceled) {
		return fmt.Errorf("%s: %w", op, canceled.Err)
	}
	for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ctxErr) {
			return fmt.Errorf("%s: %w", op, ctxErr)
		}
	}
	// A transport failure: keep the URL and the network's own words, drop
	// the SDK's retry bookkeeping around them.
	if errors.As(err, &urlErr) {
		return fmt.Errorf("%s: cannot reach %s: %w", op, endpointOf(urlErr.URL), urlErr.Err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// IsRegionRefused reports whether err means that a region refuses the
// caller as a whole: an opt-in region the account has not enabled (EKS
// answers UnrecognizedClientException, STS InvalidClientTokenId, since the
// credentials are not valid there), or a policy that denies the caller
// there (AccessDeniedException). Expired credentials, a bad signature or
// missing credentials are not the region's doing, and are not refusals.
func IsRegionRefused(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.Code {
	case "UnrecognizedClientException", "InvalidClientTokenId", "AccessDeniedException", "AccessDenied":
		return true
	}
	return false
}

// IsUnknownPrincipal reports whether EKS refused a principal it cannot find
// in IAM: a typo, or a role or user created moments ago that IAM has not
// propagated yet. EKS has no error code of its own for this, so the message
// is the only signal; this is the one place that reads it.
func IsUnknownPrincipal(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Code == "InvalidParameterException" &&
		strings.Contains(apiErr.Message, "invalid principal")
}

// IsConfigMapMode reports whether EKS refused an access-entry call because
// the cluster's authentication mode is CONFIG_MAP. It shares the code
// InvalidRequestException with other refusals, so the message ("The
// cluster's authentication mode must be set to one of [API,
// API_AND_CONFIG_MAP] ...") is the only signal.
func IsConfigMapMode(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Code == "InvalidRequestException" &&
		strings.Contains(apiErr.Message, "authentication mode")
}

// credentialsError is a failure to find or refresh credentials. It is
// ErrNoCredentials for errors.Is, and keeps the chain's own reason (a
// failing credential_process, an expired SSO token) for the message.
type credentialsError struct {
	cause error
	hint  string // what to do, when the profile tells (aws sso login)
}

func (e *credentialsError) Error() string {
	reason := strings.TrimPrefix(e.cause.Error(), "failed to refresh cached credentials, ")
	return ErrNoCredentials.Error() + ": " + reason
}
func (e *credentialsError) Unwrap() error        { return e.cause }
func (e *credentialsError) Hint() string         { return e.hint }
func (e *credentialsError) Is(target error) bool { return target == ErrNoCredentials }

// endpointOf is the scheme and host of a request URL.
func endpointOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

// IsClusterNotFound reports whether EKS answered that the cluster itself
// does not exist (in the region asked): "No cluster found for name: NAME."
// ResourceNotFoundException stands for a missing entry, association or
// cluster alike, so the message is the only signal.
func IsClusterNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && errors.Is(apiErr, ErrNotFound) &&
		strings.Contains(apiErr.Message, "No cluster found")
}
