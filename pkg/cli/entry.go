package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// This file is what the commands about one access entry share: the
// --cluster and --principal pair that names it, the client they build,
// and the check that the policies they name exist.

// entryClient builds the EKS client for a command about principal's access
// entry (or, with a zero principal, about a cluster's entries), resolves
// the principal when it is given as sso:NAME (its ARN replaces it), and
// refuses (exit 2, nothing sent) a principal or policy ARN of another
// partition than the region's: every entry command gets its client here,
// once the region is known.
func entryClient(ctx context.Context, deps *Deps, principal *access.PrincipalARN, policies ...access.PolicyRef) (*eksapi.Client, error) {
	client, err := deps.Client(ctx)
	if err != nil {
		return nil, err
	}
	if err := resolvePrincipal(ctx, deps, client, principal); err != nil {
		return nil, err
	}
	if err := access.CheckRegion(client.Region(), *principal, policies...); err != nil {
		return nil, cmdutil.UsageError(err)
	}
	return client, nil
}

// entryTarget is the --cluster and --principal pair that names one access
// entry.
type entryTarget struct {
	cluster   access.ClusterName
	principal access.PrincipalARN
}

func (t *entryTarget) addFlags(cmd *cobra.Command) {
	cmdutil.ClusterFlag(cmd, &t.cluster)
	cmdutil.EntryPrincipalFlag(cmd, &t.principal)
}

// validate fills --cluster from EKSACCESS_CLUSTER, requires both flags
// and warns about principals EKS will not recognise.
func (t *entryTarget) validate(deps *Deps) error {
	if err := t.require(deps); err != nil {
		return err
	}
	cmdutil.Warn(deps.IO.ErrOut, t.principal.Warnings()...)
	return nil
}

// require fills --cluster from EKSACCESS_CLUSTER and requires both flags.
func (t *entryTarget) require(deps *Deps) error {
	if err := cmdutil.RequireCluster(deps.Env, &t.cluster); err != nil {
		return err
	}
	return cmdutil.RequirePrincipal(t.principal)
}

// checkPolicyExists is eksapi's catalog check, warning on stderr when the
// catalog cannot be read.
func checkPolicyExists(ctx context.Context, deps *Deps, client *eksapi.Client, policies ...access.PolicyRef) error {
	return client.CheckPolicies(ctx, func(msg string) { cmdutil.Warn(deps.IO.ErrOut, msg) }, policies...)
}
