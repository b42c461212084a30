package eksapi

import (
	"errors"
	"fmt"
	"mime"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ConfigError is an unusable setting, found before anything is sent: it is
// ErrBadConfig for errors.Is, names the setting (a flag or an environment
// variable) and says what to do in its Hint.
type ConfigError struct {
	Setting string // "--region", "AWS_MAX_ATTEMPTS", ...
	Value   string
	Problem string // "is not a number of attempts"
	hint    string
	cause   error
}

func (e *ConfigError) Error() string {
	if e.Setting == "" {
		return e.Problem
	}
	return fmt.Sprintf("%s=%q %s", e.Setting, e.Value, e.Problem)
}

// Hint says what to do instead (the CLI prints it as "hint: ...").
func (e *ConfigError) Hint() string         { return e.hint }
func (e *ConfigError) Unwrap() error        { return e.cause }
func (e *ConfigError) Is(target error) bool { return target == ErrBadConfig }
func (e *ConfigError) withHint(format string, args ...any) error {
	e.hint = fmt.Sprintf(format, args...)
	return e
}

// endpointVars are the environment variables that send EKS, STS or IAM
// calls elsewhere, in the order the SDK reads them.
var endpointVars = []string{"AWS_ENDPOINT_URL_EKS", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL"}

// checkSettings checks what the SDK would otherwise reject with a message
// of its own (AWS_MAX_ATTEMPTS=abc), or accept and fail on later with a
// confusing one (an endpoint that is not a URL): the flags in c and the
// environment.
func checkSettings(c Config, getenv func(string) string) error {
	if c.Region != "" && !isRegion(c.Region) {
		return badRegion("--region", c.Region)
	}
	if c.Region == "" {
		name, v := "AWS_REGION", getenv("AWS_REGION")
		if v == "" {
			name, v = "AWS_DEFAULT_REGION", getenv("AWS_DEFAULT_REGION")
		}
		if v != "" && !isRegion(v) {
			return badRegion(name, v)
		}
	}
	if v := getenv("AWS_MAX_ATTEMPTS"); v != "" { // the SDK parses it even when --max-attempts is given
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			return (&ConfigError{Setting: "AWS_MAX_ATTEMPTS", Value: v, Problem: "is not a number of attempts"}).
				withHint("set AWS_MAX_ATTEMPTS to a whole number from 1 up, or unset it (--max-attempts overrides it)")
		}
	}
	if v := getenv("AWS_RETRY_MODE"); v != "" {
		if _, err := aws.ParseRetryMode(v); err != nil {
			return (&ConfigError{Setting: "AWS_RETRY_MODE", Value: v, Problem: "is not a retry mode"}).
				withHint("set AWS_RETRY_MODE to standard or adaptive, or unset it")
		}
	}
	if v := getenv("AWS_CA_BUNDLE"); v != "" {
		f, err := os.Open(v)
		if err != nil {
			return (&ConfigError{Setting: "AWS_CA_BUNDLE", Value: v, Problem: "cannot be read: " + pathProblem(err), cause: err}).
				withHint("point AWS_CA_BUNDLE at a PEM file of CA certificates, or unset it")
		}
		_ = f.Close()
	}
	if c.EndpointURL != "" {
		if err := checkURL("--endpoint-url", c.EndpointURL); err != nil {
			return err
		}
	}
	for _, name := range endpointVars {
		if v := getenv(name); v != "" {
			if err := checkURL(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// pathProblem is the reason in an *os.PathError, without the path again.
func pathProblem(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// checkURL accepts an absolute http or https URL with a host.
func checkURL(setting, raw string) error {
	u, err := url.Parse(raw)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	unset := "or unset " + setting
	if strings.HasPrefix(setting, "--") {
		unset = "or leave the flag out"
	}
	return (&ConfigError{Setting: setting, Value: raw, Problem: "is not an http:// or https:// URL"}).
		withHint("give a full URL such as https://eks.us-west-2.amazonaws.com or http://127.0.0.1:4566, %s", unset)
}

// regionPattern is the shape of every AWS region code: us-west-2,
// eu-central-1, us-gov-west-1, cn-north-1, us-iso-east-1, ap-southeast-7.
var regionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`) })

func isRegion(s string) bool { return regionPattern().MatchString(s) }

// CheckRegion checks that v, given as setting, is an AWS region code, as
// the region of a loaded configuration is checked: for regions a command
// reads besides that one (--region given more than once).
func CheckRegion(setting, v string) error {
	if isRegion(v) {
		return nil
	}
	return badRegion(setting, v)
}

func badRegion(setting, v string) error {
	return (&ConfigError{Setting: setting, Value: v, Problem: "is not an AWS region"}).
		withHint("use a region code such as us-west-2 or eu-central-1 (`aws account list-regions` lists yours)")
}

// checkRegion checks the region the SDK resolved when it came from the
// profile (the flag and the environment were checked before loading).
func checkRegion(c Config, cfg aws.Config, getenv func(string) string) error {
	if isRegion(cfg.Region) || c.Region != "" || getenv("AWS_REGION") != "" || getenv("AWS_DEFAULT_REGION") != "" {
		return nil
	}
	profile := requestedProfile(c, getenv)
	return (&ConfigError{
		Problem: fmt.Sprintf("the region %q of profile %q is not an AWS region", cfg.Region, profile),
	}).withHint("fix region in the profile (aws configure set region us-west-2 --profile %s), or pass --region", profile)
}

// requestedProfile is the profile the SDK loads.
func requestedProfile(c Config, getenv func(string) string) string {
	switch {
	case c.Profile != "":
		return c.Profile
	case getenv("AWS_PROFILE") != "":
		return getenv("AWS_PROFILE")
	case getenv("AWS_DEFAULT_PROFILE") != "":
		return getenv("AWS_DEFAULT_PROFILE")
	}
	return "default"
}

// loadError classifies a failure of config.LoadDefaultConfig: it reads
// only flags, environment and files, so whatever fails there is the
// configuration's fault and nothing was sent.
func loadError(err error, profile string) error {
	var assumeErr config.SharedConfigAssumeRoleError
	var noProfile config.SharedConfigProfileNotExistError
	switch {
	case errors.As(err, &assumeErr) && errors.As(err, &noProfile) && noProfile.Profile != profile:
		return &profileError{msg: fmt.Sprintf("%s: profile %q names source_profile %q, which does not exist", ErrNoProfile, profile, noProfile.Profile)}
	case errors.As(err, &noProfile):
		return &profileError{msg: fmt.Sprintf("%s: %q", ErrNoProfile, noProfile.Profile)}
	}
	return &ConfigError{Problem: "load AWS configuration: " + err.Error(), cause: err,
		hint: "check the AWS_* environment variables and the profile in AWS_CONFIG_FILE (~/.aws/config)"}
}

// profileError is ErrNoProfile with the name that is missing.
type profileError struct{ msg string }

func (e *profileError) Error() string        { return e.msg }
func (e *profileError) Is(target error) bool { return target == ErrNoProfile }

// credentialsHint is what to do when the credentials of cfg's profile
// cannot be had: for an SSO profile (or one whose source_profile chain ends
// in one), aws sso login.
func credentialsHint(cfg aws.Config) string {
	for _, src := range cfg.ConfigSources {
		sc, ok := src.(config.SharedConfig)
		if !ok {
			continue
		}
		for p := &sc; p != nil; p = p.Source {
			if p.SSOStartURL != "" || p.SSOSessionName != "" {
				return fmt.Sprintf("the profile signs in with AWS IAM Identity Center (SSO): run `aws sso login --profile %s`", sc.Profile)
			}
		}
	}
	return ""
}

// EndpointError: the endpoint answered, but not as the AWS service would:
// an HTML page, a 404 without an AWS error, a body that is not the
// service's JSON. --endpoint-url or AWS_ENDPOINT_URL* point somewhere else
// (a console, a proxy, a web server).
type EndpointError struct {
	Service     string // "EKS", "STS"
	Endpoint    string // scheme://host
	Status      int
	ContentType string
	cause       error // what the SDK could not decode, for --debug and errors.As
}

// Unwrap gives the SDK's own error (a *smithy.DeserializationError, or the
// APIError without a code).
func (e *EndpointError) Unwrap() error { return e.cause }

func (e *EndpointError) Error() string {
	got := strconv.Itoa(e.Status)
	if e.ContentType != "" {
		got += " " + e.ContentType
	}
	return fmt.Sprintf("the endpoint at %s does not look like %s: got %s", e.Endpoint, e.Service, got)
}

// Hint says where the endpoint comes from: --endpoint-url sends only EKS
// calls.
func (e *EndpointError) Hint() string {
	if e.Service != "EKS" {
		return "check AWS_ENDPOINT_URL_" + e.Service + " and AWS_ENDPOINT_URL (--endpoint-url applies to EKS only): they must point at the " + e.Service + " API"
	}
	return "check --endpoint-url, AWS_ENDPOINT_URL_" + e.Service + " and AWS_ENDPOINT_URL: they must point at the " + e.Service + " API"
}

// endpointMismatch returns an *EndpointError when err is an answer that no
// AWS service gives: a body the SDK could not decode, or a client error
// without an AWS error code. It returns nil for anything else (an AWS error,
// a network failure, a credentials failure, whose own endpoint is not the
// one the call went to).
func endpointMismatch(err error) *EndpointError {
	var (
		credErr *credentialsError
		opErr   *smithy.OperationError
		respErr *smithyhttp.ResponseError
	)
	if errors.As(err, &credErr) || !errors.As(err, &opErr) || !errors.As(err, &respErr) ||
		respErr.Response == nil || respErr.Response.Response == nil {
		return nil
	}
	var deserErr *smithy.DeserializationError
	var apiErr smithy.APIError
	status := respErr.HTTPStatusCode()
	switch {
	case errors.As(err, &deserErr):
	case errors.As(err, &apiErr) && apiErr.ErrorCode() == "UnknownError" && status >= 400 && status < 500:
	default:
		return nil
	}
	e := &EndpointError{Service: opErr.ServiceID, Status: status, cause: err}
	if ct, _, perr := mime.ParseMediaType(respErr.Response.Header.Get("Content-Type")); perr == nil {
		e.ContentType = ct
	}
	if req := respErr.Response.Request; req != nil && req.URL != nil {
		e.Endpoint = req.URL.Scheme + "://" + req.URL.Host
	}
	return e
}
