// Package cli holds eksaccess's commands: cobra wiring, flag parsing into
// the request model (package access), calls through package eksapi, and
// results handed to package output. Main is the one place that prints
// errors and picks exit codes.
package cli

import (
	"bufio"
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
	"github.com/spf13/pflag"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// BuildInfo describes the binary (set by the linker at release time).
type BuildInfo struct {
	Version, Commit, Date string
}

// globalOptions are the flags every command has.
type globalOptions struct {
	region      string
	profile     string
	endpointURL string
	output      output.Format
	query       string
	timeout     time.Duration
	maxAttempts int
	debug       bool
	noColor     bool

	cancel context.CancelFunc // ends the --timeout context
	sent   eksapi.Activity    // what the command sent, for reportPanic
}

// Main runs eksaccess with args (without the program name) and returns the
// exit code. It makes the root context: Ctrl-C cancels it.
func Main(args []string, ios *IOStreams, build BuildInfo) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, the default handling comes back: a second
		// Ctrl-C ends the process at once.
		<-ctx.Done()
		stop()
	}()
	return run(ctx, args, ios, build, os.Getenv)
}

func run(ctx context.Context, args []string, ios *IOStreams, build BuildInfo, env func(string) string) (code int) {
	deps, g := newDeps(ios, build, env)
	defer func() {
		if r := recover(); r != nil {
			code = reportPanic(ios.ErrOut, r, &g.sent)
		}
	}()
	root := newRootCmd(deps, g, build)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	err := unknownCommand(root, args)
	if err == nil {
		err = root.ExecuteContext(ctx)
	}
	if g.cancel != nil {
		g.cancel()
	}
	if err != nil && ctx.Err() != nil {
		// Ctrl-C: say so, with whatever the command reported of the state
		// it left (its hints), and exit 130.
		printError(ios.ErrOut, fmt.Errorf("interrupted: %w", err))
		return exitInterrupted
	}
	if err != nil {
		printError(ios.ErrOut, err)
	}
	return exitCode(err)
}

// unknownCommand turns cobra's "unknown command" into a usage error (exit 2)
// with a suggestion, before anything runs.
func unknownCommand(root *cobra.Command, args []string) error {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return nil // cobra's hidden completion entry points
	}
	if c, _, err := root.Find(args); err == nil || c != root {
		return nil
	}
	// The unknown name is the first argument that is neither a global flag
	// nor a global flag's value (eksaccess --region eu-west-1 craete).
	fs := pflag.NewFlagSet("eksaccess", pflag.ContinueOnError)
	fs.AddFlagSet(root.PersistentFlags())
	fs.ParseErrorsAllowlist.UnknownFlags = true
	fs.SetOutput(io.Discard)
	_ = fs.Parse(args)
	name := fs.Arg(0)
	ferr := flagErrorf("unknown command %q", name)
	if s := root.SuggestionsFor(name); len(s) > 0 {
		return withHint(ferr, "did you mean %q? See eksaccess --help", s[0])
	}
	return withHint(ferr, "see eksaccess --help for the commands")
}

// Command returns the root command wired to the real world; cmd/gendocs
// walks it to write the reference docs and shell completions.
func Command(build BuildInfo) *cobra.Command {
	deps, g := newDeps(System(), build, os.Getenv)
	return newRootCmd(deps, g, build)
}

func newDeps(ios *IOStreams, build BuildInfo, env func(string) string) (*Deps, *globalOptions) {
	g := &globalOptions{}
	deps := &Deps{
		IO:      ios,
		Output:  &output.Options{},
		Confirm: terminalConfirm(ios),
		Env:     env,
	}
	deps.Client = func(ctx context.Context) (*eksapi.Client, error) {
		var debug io.Writer
		if g.debug {
			debug = ios.ErrOut
		}
		return eksapi.New(ctx, eksapi.Config{
			Region:      g.region,
			Profile:     g.profile,
			EndpointURL: g.endpointURL,
			MaxAttempts: g.maxAttempts,
			Version:     build.Version,
			Debug:       debug,
			Activity:    &g.sent,
		})
	}
	return deps, g
}

// printError writes err as "eksaccess: ..." lines plus its hints.
func printError(w io.Writer, err error) {
	var silent *silentError
	if errors.As(err, &silent) {
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			fmt.Fprintf(w, "eksaccess: %s\n", output.Sanitize(line))
		}
	}
	for _, h := range hints(err) {
		fmt.Fprintf(w, "hint: %s\n", output.Sanitize(h))
	}
}

func newRootCmd(deps *Deps, g *globalOptions, build BuildInfo) *cobra.Command {
	root := &cobra.Command{
		Use:   "eksaccess",
		Short: "Manage who may enter your Amazon EKS clusters",
		Long: `eksaccess manages Amazon EKS access entries: which IAM users and roles may
authenticate to a cluster, with which Kubernetes groups and username, and
which EKS access policies they hold.

Results go to stdout (table, json, yaml or text); progress, warnings and
errors go to stderr. Exit codes: 0 ok, 1 API or network error, 2 bad usage
(nothing sent), 3 not found, 4 conflict, 5 credentials or access denied,
6 throttled or unavailable after retries, 130 interrupted.`,
		Example: `  eksaccess create --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --group dev-team --policy AmazonEKSViewPolicy
  eksaccess describe --cluster prod --principal arn:aws:iam::111122223333:role/dev
  eksaccess list --cluster prod -o json`,
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return g.complete(cmd, deps)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{err} })

	f := root.PersistentFlags()
	f.StringVar(&g.region, "region", "", "AWS `region` (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)")
	f.StringVar(&g.profile, "profile", "", "shared config `profile` (default: AWS_PROFILE)")
	f.StringVar(&g.endpointURL, "endpoint-url", "", "send EKS calls to this `URL` (default: AWS_ENDPOINT_URL_EKS, AWS_ENDPOINT_URL)")
	f.VarP(&g.output, "output", "o", "output `format`: "+strings.Join(output.Formats(), ", ")+" (default: table, or EKSACCESS_OUTPUT)")
	f.StringVar(&g.query, "query", "", "JMESPath `expression` applied to the JSON document before printing")
	f.DurationVar(&g.timeout, "timeout", 2*time.Minute, "deadline for the whole command, retries included")
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
		newVersionCmd(deps, build),
	)
	root.SetHelpCommand(newHelpCmd())
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		rejectUnknownVerbs(c)
	}
	registerCompletions(root, deps)
	return root
}

// complete checks the global flags and fills deps.Output. It runs before
// every command; nothing here talks to AWS.
func (g *globalOptions) complete(cmd *cobra.Command, deps *Deps) error {
	if !cmd.Flags().Changed("output") {
		if v := deps.Env("EKSACCESS_OUTPUT"); v != "" {
			f, err := output.ParseFormat(v)
			if err != nil {
				return flagErrorf("EKSACCESS_OUTPUT: %w", err)
			}
			g.output = f
		} else {
			g.output = output.TableFormat
		}
	}
	if g.query != "" {
		if err := output.CompileQuery(g.query); err != nil {
			return flagErrorf("--query: %w", err)
		}
	}
	if g.timeout <= 0 {
		return flagErrorf("--timeout must be positive, got %s", g.timeout)
	}
	if g.maxAttempts < 0 {
		return flagErrorf("--max-attempts must be 1 or more (0, the default, means AWS_MAX_ATTEMPTS, else 10 per read and 3 per write), got %d", g.maxAttempts)
	}
	*deps.Output = output.Options{
		Format: g.output,
		Query:  g.query,
		Color:  !g.noColor && deps.Env("NO_COLOR") == "" && deps.IO.IsStdoutTTY(),
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), g.timeout)
	cmd.SetContext(ctx)
	g.cancel = cancel
	return nil
}

// clusterFlag adds --cluster, which also comes from EKSACCESS_CLUSTER.
func clusterFlag(cmd *cobra.Command, c *access.ClusterName) {
	cmd.Flags().Var(c, "cluster", "EKS cluster `name` (default: EKSACCESS_CLUSTER)")
}

// principalFlag adds --principal for a new entry: the strict rules of
// access.PrincipalARN. --principal-arn is an alias (the AWS CLI's name).
func principalFlag(cmd *cobra.Command, p *access.PrincipalARN) {
	addPrincipalFlag(cmd, p)
}

// entryPrincipalFlag adds --principal for an entry that may exist already:
// the account root, which EKS accepts but eksaccess will not create, can be
// named too (see access.ParseEntryPrincipal).
func entryPrincipalFlag(cmd *cobra.Command, p *access.PrincipalARN) {
	addPrincipalFlag(cmd, entryPrincipalValue{p})
}

func addPrincipalFlag(cmd *cobra.Command, v pflag.Value) {
	cmd.Flags().Var(v, "principal", "IAM user or role `ARN` (alias --principal-arn)")
	cmd.Flags().SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "principal-arn" {
			name = "principal"
		}
		return pflag.NormalizedName(name)
	})
}

// entryPrincipalValue is the pflag.Value of entryPrincipalFlag.
type entryPrincipalValue struct{ p *access.PrincipalARN }

func (v entryPrincipalValue) Set(s string) error {
	p, err := access.ParseEntryPrincipal(s)
	if err != nil {
		return err
	}
	*v.p = p
	return nil
}

func (v entryPrincipalValue) String() string { return v.p.String() }
func (v entryPrincipalValue) Type() string   { return "arn" }

// rejectUnknownVerbs makes every command group under c (policy,
// completion) treat an unknown verb as a usage error with a suggestion:
// cobra alone would print the group's help and exit 0.
func rejectUnknownVerbs(c *cobra.Command) {
	if !c.HasSubCommands() {
		return
	}
	c.Args = unknownSubcommand
	if c.SuggestionsMinimumDistance == 0 {
		c.SuggestionsMinimumDistance = 2
	}
	if !c.Runnable() {
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	for _, sub := range c.Commands() {
		rejectUnknownVerbs(sub)
	}
}

// newHelpCmd is `eksaccess help [command]`: cobra's, except that an unknown
// topic is a usage error (exit 2) rather than help and exit 0.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				return withHint(flagErrorf("unknown help topic %q", strings.Join(args, " ")), "see eksaccess --help for the commands")
			}
			return cmd.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			cmd, _, err := c.Root().Find(args)
			if err != nil || cmd == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), prefix) {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// noArgs rejects positional arguments as a usage error (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return flagErrorf("unexpected argument %q: %s takes flags only (see --help)", args[0], cmd.CommandPath())
	}
	return nil
}

// requireCluster fills an unset --cluster from EKSACCESS_CLUSTER.
func requireCluster(deps *Deps, c *access.ClusterName) error {
	if *c != "" {
		return nil
	}
	v := deps.Env("EKSACCESS_CLUSTER")
	if v == "" {
		return flagErrorf("--cluster is required (or set EKSACCESS_CLUSTER)")
	}
	if err := c.Set(v); err != nil {
		return &FlagError{fmt.Errorf("EKSACCESS_CLUSTER: %w", err)}
	}
	return nil
}

func requirePrincipal(p access.PrincipalARN) error {
	if p.IsZero() {
		return flagErrorf("--principal is required")
	}
	return nil
}

// warn prints non-fatal remarks on stderr.
func warn(deps *Deps, lines ...string) {
	for _, l := range lines {
		fmt.Fprintf(deps.IO.ErrOut, "warning: %s\n", output.Sanitize(l))
	}
}

// terminalConfirm asks on stderr and reads a line from stdin. The read
// runs aside, so that Ctrl-C or --timeout ends the wait at once.
func terminalConfirm(ios *IOStreams) func(context.Context, string) (bool, error) {
	return func(ctx context.Context, q string) (bool, error) {
		fmt.Fprintf(ios.ErrOut, "%s [y/N]: ", output.Sanitize(q))
		type answer struct {
			line string
			err  error
		}
		read := make(chan answer, 1)
		go func() {
			line, err := bufio.NewReader(ios.In).ReadString('\n')
			read <- answer{line, err}
		}()
		select {
		case <-ctx.Done():
			fmt.Fprintln(ios.ErrOut)
			return false, ctx.Err()
		case a := <-read:
			if a.err != nil && a.line == "" {
				return false, a.err
			}
			v := strings.ToLower(strings.TrimSpace(a.line))
			return v == "y" || v == "yes", nil
		}
	}
}
