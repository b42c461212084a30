package cli

import "github.com/spf13/cobra"

// newPolicyCmd wires the policy verbs (associate, disassociate, list, list-associated).
func newPolicyCmd(deps *Deps) *cobra.Command {
	return &cobra.Command{Use: "policy", Short: "Manage access policies (TODO)"}
}
