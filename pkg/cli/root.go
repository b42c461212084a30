// Package cli holds eksaccess's commands: the root and a file per verb,
// each an options struct whose validate checks the flags offline and a
// run that calls package eksapi and hands results to package output;
// plus what only the commands about access entries share (entry.go,
// guard.go, deps.go). The plumbing every command uses (streams, the
// prompt, flag helpers, -f input, errors and exit codes) is in package
// cmdutil. Main is the one place that prints errors and exits, with
// cmdutil.ExitCode's code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// rootName is the program's name.
const rootName = cmdutil.ProgramName

// BuildInfo describes the binary (set by the linker at release time).
type BuildInfo struct {
	Version, Commit, Date string
}

// globalOptions are the flags every command has.
type globalOptions struct {
	region      string
	profile     string
	regions     []string // every --region given (fleet commands take several)
	profiles    []string // every --profile given
	endpointURL string
	output      output.Format
	query       string
	timeout     time.Duration
	maxAttempts int
	debug       bool
	noColor     bool

	// clusterARN is --cluster (or EKSACCESS_CLUSTER) when given as an ARN,
	// and clusterRegion its region, which must be the one in use.
	clusterARN, clusterRegion string

	cancel context.CancelFunc // ends the --timeout context
	clock  cmdutil.Clock      // the --timeout clock; nil is the wall clock
	sent   eksapi.Activity    // what the command sent, for reportPanic
}

// Main runs eksaccess with args (without the program name) and returns the
// exit code. It makes the root context: Ctrl-C (SIGINT) and SIGTERM cancel
// it, and the exit code says which (130, 143).
func Main(args []string, ios *cmdutil.IOStreams, build BuildInfo) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	go func() {
		select {
		case sig := <-signals:
			// After the first signal, the default handling comes back: a
			// second Ctrl-C ends the process at once.
			signal.Stop(signals)
			cancel(&cmdutil.SignalError{Signal: sig})
		case <-ctx.Done():
		}
	}()
	return runAs(ctx, displayName(os.Args[0]), args, ios, build, os.Getenv)
}

func run(ctx context.Context, args []string, ios *cmdutil.IOStreams, build BuildInfo, env func(string) string) int {
	return runAs(ctx, rootName, args, ios, build, env)
}

// runAs is run with the name help gives the program (see displayName).
func runAs(ctx context.Context, name string, args []string, ios *cmdutil.IOStreams, build BuildInfo, env func(string) string) (code int) {
	deps, g := newDeps(ios, build, env)
	defer func() {
		if r := recover(); r != nil {
			code = cmdutil.ReportPanic(ios.ErrOut, r, &g.sent)
		}
	}()
	root := newRootCmd(deps, g, build)
	setDisplayName(root, name)
	return execute(ctx, root, g, args, ios)
}

// execute runs the command args name in the tree of root (whose global
// flags fill g), prints its error and returns the exit code.
func execute(ctx context.Context, root *cobra.Command, g *globalOptions, args []string, ios *cmdutil.IOStreams) int {
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	args, err := cmdutil.Preflight(root, args)
	if err == nil {
		root.SetArgs(args)
		err = root.ExecuteContext(ctx)
	}
	if g.cancel != nil {
		g.cancel()
	}
	if err != nil && ctx.Err() != nil {
		// A signal: say so, with whatever the command reported of the state
		// it left (its hints), and exit 130 for Ctrl-C, 143 for SIGTERM.
		err = cmdutil.Stopped(context.Cause(ctx), err)
		cmdutil.PrintError(ios.ErrOut, err)
		return cmdutil.ExitCode(err)
	}
	var unprinted *printFailed
	if errors.As(err, &unprinted) && g.sent.Writes() > 0 {
		err = cmdutil.WithHint(err, "the change was made; only printing its result failed: describe the entry to see it, with another --query or none")
	}
	if err != nil {
		cmdutil.PrintError(ios.ErrOut, err)
	}
	return cmdutil.ExitCode(err)
}

// Command returns the root command wired to the real world; cmd/gendocs
// walks it to write the reference docs and shell completions.
func Command(build BuildInfo) *cobra.Command {
	deps, g := newDeps(cmdutil.System(), build, os.Getenv)
	return newRootCmd(deps, g, build)
}

func newDeps(ios *cmdutil.IOStreams, build BuildInfo, env func(string) string) (*Deps, *globalOptions) {
	g := &globalOptions{}
	deps := &Deps{
		IO:      ios,
		Output:  &output.Options{},
		Confirm: cmdutil.TerminalConfirm(ios),
		Env:     env,
	}
	newClientOf := func(ctx context.Context, region, profile string) (*eksapi.Client, error) {
		var debug io.Writer
		if g.debug {
			debug = ios.ErrOut
		}
		return eksapi.New(ctx, eksapi.Config{
			Region:      region,
			Profile:     profile,
			EndpointURL: g.endpointURL,
			MaxAttempts: g.maxAttempts,
			Version:     build.Version,
			Debug:       debug,
			Activity:    &g.sent,
		})
	}
	deps.Fleet = &fleetScope{open: newFleetOpener(func(ctx context.Context, profile string) (*eksapi.Client, error) {
		return newClientOf(ctx, g.region, profile)
	})}
	deps.Client = func(ctx context.Context) (*eksapi.Client, error) {
		newClient := func(region string) (*eksapi.Client, error) { return newClientOf(ctx, region, g.profile) }
		client, err := newClient(g.region)
		if errors.Is(err, eksapi.ErrNoRegion) && g.clusterRegion != "" {
			// No region configured, but the cluster's ARN names one.
			client, err = newClient(g.clusterRegion)
		} else if errors.Is(err, eksapi.ErrNoRegion) && deps.iamRegion != "" {
			client, err = newClient(deps.iamRegion)
		}
		if err != nil {
			return nil, err
		}
		if err := g.checkClusterRegion(client.Region()); err != nil {
			return nil, err
		}
		return client, nil
	}
	return deps, g
}

// checkClusterRegion refuses a cluster ARN of another region than the one
// in use: EKS would look for the cluster in the wrong region.
func (g *globalOptions) checkClusterRegion(region string) error {
	if g.clusterRegion == "" || g.clusterRegion == region {
		return nil
	}
	return cmdutil.UsageError(cmdutil.WithHint(
		fmt.Errorf("cluster %s is in region %s, but the region in use is %s", access.Quote(g.clusterARN), g.clusterRegion, region),
		"pass --region %s, or give the cluster's name alone to use %s", g.clusterRegion, region))

}

func newRootCmd(deps *Deps, g *globalOptions, build BuildInfo) *cobra.Command {
	root := &cobra.Command{
		Use:   rootName,
		Short: "Manage who may enter your Amazon EKS clusters",
		Long: `eksaccess manages Amazon EKS access entries: which IAM users and roles may
authenticate to a cluster, with which Kubernetes groups and username, and
which EKS access policies they hold.

Results go to stdout (table, json, yaml or text); progress, warnings and
errors go to stderr. Exit codes: 0 ok, 1 API or network error, 2 bad usage
(nothing sent), 3 not found, 4 conflict, 5 credentials or access denied,
6 throttled or unavailable after retries, 7 the cluster differs from the file (diff),
130 interrupted (Ctrl-C), 143 terminated (SIGTERM).`,
		Example: `  eksaccess create --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --group dev-team --policy AmazonEKSViewPolicy
  eksaccess describe --cluster prod --principal arn:aws:iam::111122223333:role/dev
  eksaccess list --cluster prod -o json`,
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return g.validate(cmd, deps)
		},
	}
	root.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	root.Version = versionInfo(build, readBuildInfo()).Version
	root.Flags().Bool("version", false, "print the version (the version command says more)")

	f := root.PersistentFlags()
	f.Var(multiValue{&g.regions}, "region", "AWS `region` (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)")
	f.Var(multiValue{&g.profiles}, "profile", "shared config `profile` (default: AWS_PROFILE)")
	f.StringVar(&g.endpointURL, "endpoint-url", "", "send EKS calls to this `URL` (default: AWS_ENDPOINT_URL_EKS, AWS_ENDPOINT_URL)")
	f.VarP(&g.output, "output", "o", "output `format`: "+strings.Join(output.Formats(), ", ")+" (default: table, or EKSACCESS_OUTPUT)")
	f.StringVar(&g.query, "query", "", "JMESPath `expression` applied to the JSON document before printing")
	f.DurationVar(&g.timeout, "timeout", 2*time.Minute, "deadline for the whole command, retries included; time at a confirmation prompt does not count")
	f.IntVar(&g.maxAttempts, "max-attempts", 0, "attempts per API call for throttling, 5xx errors and timeouts, with the SDK's standard retry (default: AWS_MAX_ATTEMPTS, else 10 per read and 3 per write)")
	f.BoolVar(&g.debug, "debug", false, "log each HTTP request and its timing to stderr (never credentials)")
	f.BoolVar(&g.noColor, "no-color", false, "plain output (also NO_COLOR)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats(), cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(
		newCreateCmd(deps, nil),
		newDescribeCmd(deps, nil),
		newListCmd(deps, nil),
		newUpdateCmd(deps, nil),
		newDeleteCmd(deps, nil),
		newPolicyCmd(deps),
		newAuthModeCmd(deps, nil),
		newImportCmd(deps),
		newApplyCmd(deps, nil),
		newDiffCmd(deps, nil),
		newExportCmd(deps, nil),
		newWhoamiCmd(deps, nil),
		newWhoCmd(deps, nil),
		newAuditCmd(deps, build, nil),
		newVersionCmd(deps, build),
	)
	root.SetHelpCommand(cmdutil.NewHelpCmd())
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		cmdutil.RejectUnknownVerbs(c)
		if c.Name() == "completion" {
			// cobra's shells take no argument, but say so as a plain error
			// (exit 1): a stray argument is a usage error (exit 2).
			for _, shell := range c.Commands() {
				shell.Args = cmdutil.NoArgs
			}
		}
	}
	registerCompletions(root, deps)
	cmdutil.GuardFlags(root)
	return root
}

// validate checks the global flags and fills deps.Output and the --timeout
// context. It runs before every command; nothing here talks to AWS.
func (g *globalOptions) validate(cmd *cobra.Command, deps *Deps) error {
	if !cmd.Flags().Changed("output") {
		g.output = output.TableFormat
		if v := deps.Env("EKSACCESS_OUTPUT"); v != "" && !ignoresOutputEnv(cmd) {
			f, err := output.ParseFormat(v)
			switch {
			case err == nil:
				g.output = f
			case cmd.Name() == "version":
				// A bad value in a job's environment must not hide which
				// binary runs.
				cmdutil.Warn(deps.IO.ErrOut, fmt.Sprintf("EKSACCESS_OUTPUT: %v; printing a table", err))
			default:
				return cmdutil.UsageErrorf("EKSACCESS_OUTPUT: %w", err)
			}
		}
	}
	if g.output == output.SARIF && cmd.Annotations[annotationSARIF] == "" {
		if cmd.Flags().Changed("output") {
			return cmdutil.WithHint(cmdutil.UsageErrorf("-o sarif is audit's: %s prints table, json, yaml or text", cmd.CommandPath()), "use -o json")
		}
		// EKSACCESS_OUTPUT=sarif set for a job's audit step must not
		// break its other commands.
		cmdutil.Warn(deps.IO.ErrOut, fmt.Sprintf("EKSACCESS_OUTPUT=sarif is audit's: %s prints a table", cmd.CommandPath()))
		g.output = output.TableFormat
	}
	g.clusterARN, g.clusterRegion = clusterARN(cmd, deps)
	if err := onlyOnce(cmd, "region", g.regions); err != nil {
		return err
	}
	if err := onlyOnce(cmd, "profile", g.profiles); err != nil {
		return err
	}
	if err := checkFleetRegions(cmd, g.regions); err != nil {
		return err
	}
	g.region, g.profile = first(g.regions), first(g.profiles)
	if deps.Fleet != nil {
		deps.Fleet.Regions, deps.Fleet.Profiles = g.regions, g.profiles
	}
	if g.query != "" {
		if err := output.CompileQuery(g.query); err != nil {
			return cmdutil.UsageErrorf("--query: %w", err)
		}
	}
	if g.timeout <= 0 {
		return cmdutil.UsageErrorf("--timeout must be positive, got %s", g.timeout)
	}
	if g.maxAttempts < 0 {
		return cmdutil.UsageErrorf("--max-attempts must be 1 or more (0, the default, means AWS_MAX_ATTEMPTS, else 10 per read and 3 per write), got %d", g.maxAttempts)
	}
	*deps.Output = output.Options{
		Format: g.output,
		Query:  g.query,
		Color:  !g.noColor && deps.Env("NO_COLOR") == "" && deps.IO.IsStdoutTTY(),
	}
	if err := loadFleetProfiles(cmd, deps, g.profiles); err != nil {
		return err
	}
	// --timeout: its clock stops while a person is asked a question.
	ctx, cancel := cmdutil.WithDeadline(cmd.Context(), g.timeout, g.clock)
	cmd.SetContext(ctx)
	g.cancel = cancel
	return nil
}

// annotationSARIF marks the commands that print -o sarif (audit).
const annotationSARIF = "eksaccess/sarif"

// first is the first of vals, or "".
func first(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}

// ignoresOutputEnv reports whether cmd prints no result document, so that
// EKSACCESS_OUTPUT does not concern it: shell completion scripts, cobra's
// completion entry points, help.
func ignoresOutputEnv(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		switch c.Name() {
		case "completion", "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
			return true
		}
	}
	return false
}

// clusterARN returns the cluster ARN cmd was given (--cluster, else
// EKSACCESS_CLUSTER) and its region, or "" when the cluster is named
// otherwise.
func clusterARN(cmd *cobra.Command, deps *Deps) (arn, region string) {
	f := cmd.Flags().Lookup("cluster")
	if f == nil {
		return "", ""
	}
	raw := deps.Env("EKSACCESS_CLUSTER")
	if f.Changed {
		raw = cmdutil.GivenValue(f)
	}
	if _, region, err := access.ParseCluster(raw); err == nil && region != "" {
		return raw, region
	}
	return "", ""
}
