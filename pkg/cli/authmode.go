package cli

import (
	"context"

	"github.com/spf13/cobra"
)

type authModeOptions struct{ deps *Deps }

func newAuthModeCmd(deps *Deps, runF func(context.Context, *authModeOptions) error) *cobra.Command {
	return &cobra.Command{Use: "auth-mode", Short: "Show or move the cluster's authentication mode (TODO)"}
}
