package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// completionTimeout bounds the API calls behind a <TAB>: a shell must not hang.
const completionTimeout = 3 * time.Second

// registerCompletions gives every --cluster, --principal and --policy flag
// in the tree dynamic completion from EKS. Errors make them complete
// nothing, silently: a shell is no place for an error message.
func registerCompletions(root *cobra.Command, deps *Deps) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for name, fn := range map[string]cobra.CompletionFunc{
			"cluster":   completeClusters(deps),
			"principal": completePrincipals(deps),
			"policy":    completePolicies(deps),
		} {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func completeClusters(deps *Deps) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return complete(cmd, prefix, func(ctx context.Context) ([]string, error) {
			client, err := deps.Client(ctx)
			if err != nil {
				return nil, err
			}
			return client.ListClusters(ctx)
		})
	}
}

func completePrincipals(deps *Deps) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		var cluster access.ClusterName
		if f := cmd.Flags().Lookup("cluster"); f != nil {
			cluster = access.ClusterName(f.Value.String())
		}
		if requireCluster(deps, &cluster) != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, prefix, func(ctx context.Context) ([]string, error) {
			client, err := deps.Client(ctx)
			if err != nil {
				return nil, err
			}
			return client.ListEntries(ctx, cluster, eksapi.ListOptions{})
		})
	}
}

func completePolicies(deps *Deps) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return complete(cmd, prefix, func(ctx context.Context) ([]string, error) {
			client, err := deps.Client(ctx)
			if err != nil {
				return nil, err
			}
			policies, err := client.ListPolicies(ctx)
			names := make([]string, 0, len(policies))
			for _, p := range policies {
				names = append(names, p.Name)
			}
			return names, err
		})
	}
}

// complete runs fetch under a short deadline and keeps the values that
// start with prefix.
func complete(cmd *cobra.Command, prefix string, fetch func(context.Context) ([]string, error)) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
	defer cancel()
	values, err := fetch(ctx)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, v := range values {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
