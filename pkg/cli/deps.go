package cli

import (
	"context"
	"fmt"

	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// Deps is what commands need from the outside world. Everything is lazy or
// plain data, so a command that fails validation never loads AWS config.
type Deps struct {
	IO *cmdutil.IOStreams
	// Client builds the EKS client; called only once a command is about to
	// send something.
	Client func(context.Context) (*eksapi.Client, error)
	// Output is how results are printed (filled from -o, --query, --no-color).
	Output *output.Options
	// Confirm asks a yes/no question on the terminal; ctx ending (Ctrl-C,
	// --timeout) abandons the question.
	Confirm func(ctx context.Context, question string) (bool, error)
	// Env reads an environment variable (tests pass a map).
	Env func(string) string
	// Fleet is every --region and --profile given, and a client per
	// profile and region, for the commands that read many clusters
	// (fleet.go); the others use Client.
	Fleet *fleetScope

	// iamRegion is the region Client falls back to when none is
	// configured, for a command that calls only IAM (global) and takes
	// the cluster's region as a flag of its own: import aws-auth --resolve.
	iamRegion string
}

// done confirms a success on stderr, to a person only: scripts and CI
// logs stay quiet on success.
func (d *Deps) done(format string, args ...any) {
	if d.IO.IsStderrTTY() {
		fmt.Fprintln(d.IO.ErrOut, output.Sanitize(fmt.Sprintf(format, args...)))
	}
}

// print renders a result to stdout with the global output options.
func (d *Deps) print(r output.Result) error {
	if err := output.Print(d.IO.Out, *d.Output, r); err != nil {
		return &printFailed{err}
	}
	return nil
}

// printFailed is a result that could not be printed (a --query that fails
// on the data): after a write, the change was made all the same.
type printFailed struct{ err error }

func (e *printFailed) Error() string { return e.err.Error() }
func (e *printFailed) Unwrap() error { return e.err }

// waiter waits out EKS's eventual consistency, saying once on stderr what
// it waits for.
func (d *Deps) waiter() eksapi.Waiter {
	return eksapi.Waiter{Notify: func(msg string) { fmt.Fprintln(d.IO.ErrOut, msg) }}
}

// executor is the one write path (package apply) for a single command's
// change, with this command's notices on stderr.
func (d *Deps) executor(client *eksapi.Client) apply.Executor {
	return apply.Executor{Client: client, Waiter: d.waiter(), Concurrency: 1, Single: true}
}
