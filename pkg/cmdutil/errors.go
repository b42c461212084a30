package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// Exit codes, as docs/guides/scripting.md lists them (the command-line
// contract). ExitCode picks one for any error.
const (
	ExitOK          = 0
	ExitFailure     = 1 // an API or network error, or any other failure
	ExitUsage       = 2 // bad usage or input: nothing was sent
	ExitNotFound    = 3
	ExitConflict    = 4
	ExitAuth        = 5
	ExitThrottled   = 6
	ExitDrift       = 7
	ExitFindings    = 8   // audit: a finding at or above --fail-on was reported
	ExitInterrupted = 130 // SIGINT (Ctrl-C): 128+2
	ExitTerminated  = 143 // SIGTERM (a CI runner cancelling the job): 128+15
)

// ExitError is the one error type that says how a command ends beyond its
// message: with exit code Code (0: the code of Err's kind, see ExitCode),
// and with a hint (WithHint), printed under the message as a "hint: ..."
// line. Its message is Err's: it adds no words. With no Err, the failure
// has been reported already and only its code remains (Silent).
//
// Errors of other packages carry hints the same way, with a method
// Hint() string (access.Error, eksapi's configuration errors).
type ExitError struct {
	Code int
	Err  error
	hint string
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }
func (e *ExitError) Hint() string  { return e.hint }

// UsageError marks err as a usage or validation error: exit 2, nothing was
// sent (nil stays nil).
func UsageError(err error) error { return WithCode(err, ExitUsage) }

// UsageErrorf is UsageError of fmt.Errorf(format, args...).
func UsageErrorf(format string, args ...any) error {
	return UsageError(fmt.Errorf(format, args...))
}

// WithCode gives err the exit code code, whatever its kind (nil stays nil).
func WithCode(err error, code int) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}

// WithHint adds a "hint:" line to err (nil stays nil).
func WithHint(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &ExitError{Err: err, hint: fmt.Sprintf(format, args...)}
}

// Silent is a failure the command has reported on stderr already: only
// its exit code remains.
func Silent(code int) error { return &ExitError{Code: code} }

// SignalError is the cause of the root context's end when a signal ended
// it (Ctrl-C, SIGTERM).
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return "received " + e.Signal.String() }

// Stopped is err of a command whose context ended with cause (see
// context.Cause): it says "terminated: ..." with exit 143 for SIGTERM, and
// "interrupted: ..." with exit 130 otherwise (Ctrl-C).
func Stopped(cause, err error) error {
	code, what := ExitInterrupted, "interrupted"
	var sig *SignalError
	if errors.As(cause, &sig) && sig.Signal == syscall.SIGTERM {
		code, what = ExitTerminated, "terminated"
	}
	return &ExitError{Code: code, Err: fmt.Errorf("%s: %w", what, err)}
}

// exitErrors calls f for each ExitError in err's tree, in the order
// errors.As looks, until f returns true.
func exitErrors(err error, f func(*ExitError) bool) bool {
	for err != nil {
		if e, ok := err.(*ExitError); ok && f(e) { //nolint:errorlint // this walks the tree itself, node by node
			return true
		}
		switch u := err.(type) { //nolint:errorlint // this walks the tree itself, node by node
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if exitErrors(inner, f) {
					return true
				}
			}
			return false
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return false
		}
	}
	return false
}

// silent reports whether err has been reported already (Silent).
func silent(err error) bool {
	return exitErrors(err, func(e *ExitError) bool { return e.Err == nil })
}

// didYouMean is the one way a hint suggests names (commands, flags,
// policies): "did you mean create?", "did you mean --cluster-scope or
// --namespace?".
func didYouMean(names ...string) string {
	return "did you mean " + strings.Join(names, " or ") + "?"
}

// PrintError writes err as an "eksaccess: ..." line and at most one
// "hint: ..." line under it: an error's several hints (what the command
// knows, then what to do about its kind) are joined on that line with
// "; ". Several problems joined (a bad file, several failed entries) are
// a line each, each with its own hint line; the hints for all of them
// join the last one's. It is the one way an error reaches stderr.
func PrintError(w io.Writer, err error) {
	if silent(err) {
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
		hint(Hints(err))
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
// The command that meets associated (policy disassociate) adds its own
// hint, naming `eksaccess policy list-associated`.
var awsCLIAdvice = struct{ entries, policies, associated string }{
	entries:    "You can view your available access entries with 'list-access-entries'.",
	policies:   "You can view the available access policies with 'list-access-policies'.",
	associated: "You can view the associated access policies with 'list-associated-access-policies'.",
}

// printLines writes err's message as "eksaccess: ..." lines.
func printLines(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		for _, advice := range []string{awsCLIAdvice.entries, awsCLIAdvice.policies, awsCLIAdvice.associated} {
			line = strings.ReplaceAll(line, " "+advice, "")
		}
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(w, "eksaccess: %s\n", output.Sanitize(line))
		}
	}
}

// splitJoined finds the errors.Join under err's wrappers that add no words
// of their own (ExitError): its parts, and those
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

// Warn prints non-fatal remarks on w (stderr), a "warning: ..." line each.
func Warn(w io.Writer, lines ...string) {
	for _, l := range lines {
		fmt.Fprintf(w, "warning: %s\n", output.Sanitize(l))
	}
}

// ExitCode picks the contract's exit code for err: the one place that
// does. The code an ExitError in err's tree carries comes first (the
// outermost); else err's kind: bad configuration is usage, a cancelled
// context an interruption, and eksapi's sentinels (a refusal of the
// planner is a conflict) their own codes.
func ExitCode(err error) int {
	code := ExitOK
	exitErrors(err, func(e *ExitError) bool {
		code = e.Code
		return code != ExitOK
	})
	switch {
	case err == nil:
		return ExitOK
	case code != ExitOK:
		return code
	case errors.Is(err, eksapi.ErrNoRegion), errors.Is(err, eksapi.ErrNoProfile), errors.Is(err, eksapi.ErrBadConfig):
		return ExitUsage
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, eksapi.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, eksapi.ErrConflict):
		return ExitConflict
	case errors.Is(err, eksapi.ErrAccessDenied), errors.Is(err, eksapi.ErrNoCredentials):
		return ExitAuth
	case errors.Is(err, eksapi.ErrThrottled):
		return ExitThrottled
	default:
		return ExitFailure
	}
}

// Hints returns the "hint:" lines for err: the ones errors in its chain
// carry (what the command knows), then the one for its kind (what to do
// about a timeout, missing credentials, a CONFIG_MAP cluster...), without
// repeats.
func Hints(err error) []string {
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

// kindHints are the advice for the error kinds that need no detail of the
// error, in the order kindHint tries them.
var kindHints = []struct {
	kind error
	hint string
}{
	{eksapi.ErrNoCredentials, "configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); `aws sts get-caller-identity` checks them"},
	{eksapi.ErrAccessDenied, "check who you are with `aws sts get-caller-identity`, that the credentials are current, and that the identity may call this EKS action"},
	{eksapi.ErrNoRegion, "pass --region or set AWS_REGION"},
	{eksapi.ErrNoProfile, "`aws configure list-profiles` lists the profiles; check --profile and AWS_PROFILE"},
	{eksapi.ErrThrottled, "EKS is busy or throttling this account: retry later, or raise --max-attempts"},
	{context.DeadlineExceeded, "the command ran past --timeout; raise it, or check the network and --endpoint-url"},
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
	}
	for _, k := range kindHints {
		if errors.Is(err, k.kind) {
			return k.hint
		}
	}
	switch {
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
