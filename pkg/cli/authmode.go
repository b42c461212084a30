package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// authMode is a cluster's authentication mode, spelled as the API spells it.
// *authMode is the --set flag's value.
type authMode string

// The authentication modes, in the order a cluster may move through them.
const (
	modeConfigMap       authMode = "CONFIG_MAP"
	modeAPIAndConfigMap authMode = "API_AND_CONFIG_MAP"
	modeAPI             authMode = "API"
)

// authModes lists the modes from first to last step.
var authModes = []authMode{modeConfigMap, modeAPIAndConfigMap, modeAPI}

// Set accepts any case, and "-" for "_" ("api-and-config-map").
func (m *authMode) Set(s string) error {
	want := authMode(strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_")))
	if !slices.Contains(authModes, want) {
		return fmt.Errorf("unknown authentication mode %q; use %s", s, authModeList())
	}
	*m = want
	return nil
}

func (m *authMode) String() string { return string(*m) }
func (m *authMode) Type() string   { return "mode" }

// authModeList is the modes' names for messages and help.
func authModeList() string { return strings.Join(authModeNames(), ", ") }

// authModeStep checks a change of authentication mode. Modes move one step
// at a time toward API (CONFIG_MAP -> API_AND_CONFIG_MAP -> API) and never
// back, as EKS enforces. It returns false when there is nothing to do
// (from == to), true for the one allowed step, and otherwise a usage error
// whose hint names the allowed step.
func authModeStep(from, to authMode) (bool, error) {
	i, j := slices.Index(authModes, from), slices.Index(authModes, to)
	switch {
	case i < 0:
		return false, fmt.Errorf("the current authentication mode %s is unknown to eksaccess; change it with the AWS CLI (aws eks update-cluster-config)", from)
	case j < 0:
		return false, cmdutil.UsageErrorf("unknown authentication mode %q; use %s", to, authModeList())
	case j == i:
		return false, nil
	case j == i+1:
		return true, nil
	}
	var err error
	if j < i {
		err = fmt.Errorf("cannot switch from %s back to %s: authentication modes move only toward API (%s)", from, to, strings.Join(authModeNames(), " -> "))
	} else {
		err = fmt.Errorf("cannot switch from %s to %s in one step: authentication modes move one step at a time (%s)", from, to, strings.Join(authModeNames(), " -> "))
	}
	if i == len(authModes)-1 {
		return false, cmdutil.UsageError(cmdutil.WithHint(err, "%s is the last step: there is nothing to switch to", from))
	}
	return false, cmdutil.UsageError(cmdutil.WithHint(err, "the next allowed step is --set %s", authModes[i+1]))
}

// authModeNames lists the modes' names, first step first.
func authModeNames() []string {
	names := make([]string, len(authModes))
	for i, m := range authModes {
		names[i] = string(m)
	}
	return names
}

type authModeOptions struct {
	deps    *Deps
	cluster access.ClusterName
	set     authMode // "" shows the mode
	yes     bool
	force   bool
}

// newAuthModeCmd shows a cluster's authentication mode, or moves it one step
// toward API with --set.
func newAuthModeCmd(deps *Deps, runF func(context.Context, *authModeOptions) error) *cobra.Command {
	opts := &authModeOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "auth-mode --cluster NAME [--set MODE [--yes] [--force]]",
		Short: "Show or move the cluster's authentication mode",
		Long: `Show a cluster's authentication mode (DescribeCluster), or change it with
--set (UpdateClusterConfig).

Access entries work only in the modes API_AND_CONFIG_MAP (access entries and
the aws-auth ConfigMap) and API (access entries only). A cluster moves one
step at a time toward API, CONFIG_MAP -> API_AND_CONFIG_MAP -> API, and
never back: EKS cannot undo a switch. --set asks for confirmation on a
terminal (declining exits 2, nothing sent); without a terminal --yes is
required (exit 2 without it, nothing changed). --set to the mode the
cluster already has is a no-op: exit 0, no question, no --yes needed.

Switching to API ends every mapping of the aws-auth ConfigMap: each
identity mapped only there loses access to the cluster. eksaccess first
checks that the cluster has access entries and that yours (the identity
your credentials belong to) grants you access, and refuses (exit 4,
nothing sent) otherwise, saying what to create first. The account root and
STS federated users cannot have an access entry at all: for them it
always refuses. --force skips that check. Switching to API_AND_CONFIG_MAP keeps aws-auth working and needs
no such check.

The switch is asynchronous: the cluster is UPDATING for a few minutes.

-o json (and yaml) print DescribeCluster's document, trimmed to what
eksaccess reads, so that the AWS CLI's queries work unchanged:

  {"cluster": {"name": ..., "arn": ..., "accessConfig": {"authenticationMode": ...}}}

(--query cluster.accessConfig.authenticationMode). After --set the mode is
the one being switched to, and "update" is UpdateClusterConfig's update:
{"id", "status", "type", "params": [{"type", "value"}], "createdAt",
"errors"} (--query update.id). -o text prints the bare mode, and the
update's id after --set.`,
		Example: `  eksaccess auth-mode --cluster prod
  eksaccess auth-mode --cluster prod -o text

  # Turn on access entries, keeping the aws-auth ConfigMap working
  eksaccess auth-mode --cluster prod --set API_AND_CONFIG_MAP

  # Later, once every aws-auth mapping has an access entry: access entries only
  eksaccess auth-mode --cluster prod --set api --yes`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runAuthMode),
	}
	cmdutil.ClusterFlag(cmd, &opts.cluster)
	f := cmd.Flags()
	f.Var(&opts.set, "set", "switch to this authentication `mode`, one step toward API: "+authModeList()+" (any case)")
	cmdutil.YesFlag(cmd, &opts.yes)
	f.BoolVar(&opts.force, "force", false, "switch to API even if you or every identity would lose access")
	_ = cmd.RegisterFlagCompletionFunc("set", cobra.FixedCompletions(authModeNames(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate fills --cluster from EKSACCESS_CLUSTER; nothing here talks to AWS.
func (o *authModeOptions) validate(_ *cobra.Command) error {
	return cmdutil.RequireCluster(o.deps.Env, &o.cluster)
}

func runAuthMode(ctx context.Context, o *authModeOptions) error {
	client, err := o.deps.Client(ctx)
	if err != nil {
		return err
	}
	cl, err := client.DescribeCluster(ctx, o.cluster)
	if err != nil {
		return err
	}
	current := authMode(cl.AuthenticationMode)
	if o.set == "" {
		return o.deps.print(authModeResult(cl, current, nil))
	}
	change, err := authModeStep(current, o.set)
	if err != nil {
		return fmt.Errorf("set authentication mode of cluster %s: %w", o.cluster, err)
	}
	if !change {
		// Already there: nothing to confirm, so no --yes needed either.
		fmt.Fprintf(o.deps.IO.ErrOut, "cluster %s is already %s: unchanged\n", o.cluster, current)
		return o.deps.print(authModeResult(cl, current, nil))
	}
	if !o.yes && !o.deps.IO.CanPrompt() {
		return cmdutil.UsageError(cmdutil.WithHint(errors.New("--yes is required with --set when stdin or stderr is not a terminal"),
			"a change of authentication mode cannot be undone: cluster %s is %s now; nothing was changed", o.cluster, current))

	}
	question := fmt.Sprintf("Switch cluster %s from %s to %s? This cannot be undone", o.cluster, current, o.set)
	if o.set == modeAPI {
		w, err := guardAPIMode(ctx, client, o.cluster, o.force)
		if err != nil {
			return err
		}
		if w != "" {
			cmdutil.Warn(o.deps.IO.ErrOut, w)
		}
		question = fmt.Sprintf("Switch cluster %s from %s to %s? Every identity mapped only through the aws-auth ConfigMap stops working: it loses access to the cluster. This cannot be undone", o.cluster, current, o.set)
	}
	if !o.yes {
		if err := cmdutil.Confirm(ctx, o.deps.Confirm, question, fmt.Sprintf("not switched (cluster %s stays %s)", o.cluster, current)); err != nil {
			return err
		}
	}
	update, err := client.SetAuthenticationMode(ctx, o.cluster, string(o.set))
	if errors.Is(err, eksapi.ErrConflict) {
		return cmdutil.WithHint(err, "the cluster has another update in progress: wait until it is ACTIVE (aws eks describe-cluster --name %s), then retry", o.cluster)
	}
	if err != nil {
		return cmdutil.MayHaveApplied(err, "the switch", fmt.Sprintf("eksaccess auth-mode --cluster %s", o.cluster))
	}
	id := update.ID
	fmt.Fprintf(o.deps.IO.ErrOut, "switching cluster %s from %s to %s (update %s)\n", o.cluster, current, o.set, id)
	cmdutil.Warn(o.deps.IO.ErrOut,
		fmt.Sprintf("the switch is one-way: cluster %s cannot go back to %s", o.cluster, current),
		fmt.Sprintf("the switch is asynchronous: the cluster is UPDATING until it is done (aws eks describe-update --name %s --update-id %s)", o.cluster, id))
	return o.deps.print(authModeResult(cl, o.set, &update))
}

// authModeDoc is auth-mode's document: DescribeCluster's, trimmed to what
// eksaccess reads, plus UpdateClusterConfig's update after --set.
type authModeDoc struct {
	Cluster authModeCluster `json:"cluster"`
	Update  *eksapi.Update  `json:"update,omitempty"`
}

type authModeCluster struct {
	Name         string           `json:"name"`
	ARN          string           `json:"arn,omitempty"`
	AccessConfig authAccessConfig `json:"accessConfig"`
}

type authAccessConfig struct {
	AuthenticationMode string `json:"authenticationMode"`
}

// authModeResult renders the cluster's mode; text is the bare mode (and
// the update's id after a switch), for scripts.
func authModeResult(cl eksapi.Cluster, mode authMode, update *eksapi.Update) output.Result {
	t := output.Table{Header: []string{"MODE"}, Rows: [][]string{{string(mode)}}}
	if update != nil {
		t = output.Table{Header: []string{"MODE", "UPDATE"}, Rows: [][]string{{string(mode), update.ID}}}
	}
	return output.Result{
		Doc: authModeDoc{
			Cluster: authModeCluster{Name: cl.Name, ARN: cl.ARN, AccessConfig: authAccessConfig{AuthenticationMode: string(mode)}},
			Update:  update,
		},
		Table: t,
	}
}
