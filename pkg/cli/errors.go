package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// Exit codes, as docs/guides/scripting.md lists them (the command-line
// contract).
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitNotFound    = 3
	exitConflict    = 4
	exitAuth        = 5
	exitThrottled   = 6
	exitDrift       = 7
	exitInterrupted = 130 // SIGINT (Ctrl-C): 128+2
	exitTerminated  = 143 // SIGTERM (a CI runner cancelling the job): 128+15
)

// FlagError is a usage or validation error: exit 2, nothing was sent.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

func flagErrorf(format string, args ...any) error {
	return &FlagError{fmt.Errorf(format, args...)}
}

// exitCodeError carries an exit code the error's kind does not imply.
type exitCodeError struct {
	code int
	err  error
}

func (e *exitCodeError) Error() string { return e.err.Error() }
func (e *exitCodeError) Unwrap() error { return e.err }

// silentError has already been reported on stderr; only its code remains.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// hintError adds a "hint:" line to an error.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }
func (e *hintError) Hint() string  { return e.hint }

func withHint(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &hintError{err: err, hint: fmt.Sprintf(format, args...)}
}

// didYouMean is the one way a hint suggests names (commands, flags,
// policies): "did you mean create?", "did you mean --cluster-scope or
// --namespace?".
func didYouMean(names ...string) string {
	return "did you mean " + strings.Join(names, " or ") + "?"
}

// printError writes err as an "eksaccess: ..." line and at most one
// "hint: ..." line under it: an error's several hints (what the command
// knows, then what to do about its kind) are joined on that line with
// "; ". Several problems joined (a bad file, several failed entries) are
// a line each, each with its own hint line; the hints for all of them
// join the last one's.
func printError(w io.Writer, err error) {
	var silent *silentError
	if errors.As(err, &silent) {
		return
	}
	printed := map[string]bool{}
	hint := func(hs []string) {
		var fresh []string
		for _, h := range hs {
			if !printed[h] {
				printed[h] = true
				fresh = append(fresh, h)
			}
		}
		if len(fresh) > 0 {
			fmt.Fprintf(w, "hint: %s\n", output.Sanitize(strings.Join(fresh, "; ")))
		}
	}
	parts, outer := splitJoined(err)
	if len(parts) < 2 {
		printLines(w, err)
		hint(hints(err))
		return
	}
	last := parts[len(parts)-1]
	for _, part := range parts[:len(parts)-1] {
		printLines(w, part)
		hint(chainHints(part))
	}
	printLines(w, last)
	lastHints := chainHints(last)
	for _, e := range outer {
		if h, ok := e.(interface{ Hint() string }); ok && h.Hint() != "" && !slices.Contains(lastHints, h.Hint()) {
			lastHints = append(lastHints, h.Hint())
		}
	}
	if h := kindHint(err); h != "" && !slices.Contains(lastHints, h) {
		lastHints = append(lastHints, h)
	}
	hint(lastHints)
}

// awsCLIAdvice is the advice EKS puts in its messages, which names AWS CLI
// commands: printLines leaves it out, and kindHint names the eksaccess
// command instead.
var awsCLIAdvice = struct{ entries, policies string }{
	entries:  "You can view your available access entries with 'list-access-entries'.",
	policies: "You can view the available access policies with 'list-access-policies'.",
}

// printLines writes err's message as "eksaccess: ..." lines.
func printLines(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		for _, advice := range []string{awsCLIAdvice.entries, awsCLIAdvice.policies} {
			line = strings.ReplaceAll(line, " "+advice, "")
		}
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(w, "eksaccess: %s\n", output.Sanitize(line))
		}
	}
}

// splitJoined finds the errors.Join under err's wrappers that add no words
// of their own (FlagError, exitCodeError, a hint): its parts, and those
// wrappers. A wrapper that adds words ends the search: its message is
// printed whole.
func splitJoined(err error) (parts, outer []error) {
	for e := err; e != nil; {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			// errors.Join's message is its parts', a line each; an error
			// with several %w and words of its own is not split.
			var msgs []string
			for _, p := range j.Unwrap() {
				msgs = append(msgs, p.Error())
			}
			if strings.Join(msgs, "\n") != e.Error() {
				return nil, nil
			}
			return j.Unwrap(), outer
		}
		inner := errors.Unwrap(e)
		if inner == nil || inner.Error() != e.Error() {
			return nil, nil
		}
		outer = append(outer, e)
		e = inner
	}
	return nil, nil
}

// warn prints non-fatal remarks on stderr.
func warn(deps *Deps, lines ...string) {
	for _, l := range lines {
		fmt.Fprintf(deps.IO.ErrOut, "warning: %s\n", output.Sanitize(l))
	}
}

// exitCode picks the contract's exit code for err.
func exitCode(err error) int {
	var (
		flagErr   *FlagError
		codeErr   *exitCodeError
		silentErr *silentError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &silentErr):
		return silentErr.code
	case errors.As(err, &codeErr):
		return codeErr.code
	case errors.As(err, &flagErr), errors.Is(err, eksapi.ErrNoRegion), errors.Is(err, eksapi.ErrNoProfile), errors.Is(err, eksapi.ErrBadConfig):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, eksapi.ErrNotFound):
		return exitNotFound
	case errors.Is(err, eksapi.ErrConflict):
		return exitConflict
	case errors.Is(err, eksapi.ErrAccessDenied), errors.Is(err, eksapi.ErrNoCredentials):
		return exitAuth
	case errors.Is(err, eksapi.ErrThrottled):
		return exitThrottled
	default:
		return exitError
	}
}

// hints returns the "hint:" lines for err: the ones errors in its chain
// carry (what the command knows), then the one for its kind (what to do
// about a timeout, missing credentials, a CONFIG_MAP cluster...), without
// repeats.
func hints(err error) []string {
	out := chainHints(err)
	if h := kindHint(err); h != "" && !slices.Contains(out, h) {
		out = append(out, h)
	}
	return out
}

// chainHints collects the hints that errors in err's chain carry.
func chainHints(err error) []string {
	var out []string
	for e := err; e != nil; e = errors.Unwrap(e) {
		if h, ok := e.(interface{ Hint() string }); ok && h.Hint() != "" && !slices.Contains(out, h.Hint()) {
			out = append(out, h.Hint())
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, je := range j.Unwrap() {
				for _, h := range chainHints(je) {
					if !slices.Contains(out, h) {
						out = append(out, h)
					}
				}
			}
			break
		}
	}
	return out
}

// kindHint is the advice for err's kind, or "".
func kindHint(err error) string {
	var (
		netErr *net.OpError
		apiErr *eksapi.APIError
	)
	switch {
	case eksapi.IsConfigMapMode(err) && errors.As(err, &apiErr) && apiErr.Cluster != "":
		return fmt.Sprintf("access entries need the authentication mode API_AND_CONFIG_MAP or API: check it with `eksaccess auth-mode --cluster %[1]s`, change it with `eksaccess auth-mode --cluster %[1]s --set API_AND_CONFIG_MAP`", apiErr.Cluster)
	case eksapi.IsConfigMapMode(err):
		return "access entries need the authentication mode API_AND_CONFIG_MAP or API: see `eksaccess auth-mode --help`"
	case eksapi.IsClusterNotFound(err) && errors.As(err, &apiErr) && apiErr.Cluster != "" && apiErr.Region != "":
		return fmt.Sprintf("no cluster %s in region %s: check --region (or AWS_REGION, or the profile's region); `aws eks list-clusters --region %s` lists the region's clusters", apiErr.Cluster, apiErr.Region, apiErr.Region)
	case errors.Is(err, eksapi.ErrNoCredentials):
		return "configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); `aws sts get-caller-identity` checks them"
	case errors.Is(err, eksapi.ErrAccessDenied):
		return "check who you are with `aws sts get-caller-identity`, that the credentials are current, and that the identity may call this EKS action"
	case errors.Is(err, eksapi.ErrNoRegion):
		return "pass --region or set AWS_REGION"
	case errors.Is(err, eksapi.ErrNoProfile):
		return "`aws configure list-profiles` lists the profiles; check --profile and AWS_PROFILE"
	case errors.Is(err, eksapi.ErrThrottled):
		return "EKS is busy or throttling this account: retry later, or raise --max-attempts"
	case errors.Is(err, context.DeadlineExceeded):
		return "the command ran past --timeout; raise it, or check the network and --endpoint-url"
	case errors.As(err, &netErr):
		return "check the network and the endpoint: --endpoint-url or AWS_ENDPOINT_URL_EKS for EKS, AWS_ENDPOINT_URL_STS for STS"
	case errors.As(err, &apiErr) && strings.Contains(apiErr.Message, awsCLIAdvice.entries):
		cluster := apiErr.Cluster
		if cluster == "" {
			cluster = "NAME"
		}
		return fmt.Sprintf("`eksaccess list --cluster %s` lists the cluster's access entries", cluster)
	case errors.As(err, &apiErr) && strings.Contains(apiErr.Message, awsCLIAdvice.policies):
		return "`eksaccess policy list` lists the access policies"
	}
	return ""
}
