package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// completionTimeout bounds the API calls behind a <TAB>: a shell must not hang.
const completionTimeout = 3 * time.Second

// registerCompletions gives every --cluster, --principal and --policy flag
// in the tree dynamic completion from EKS, and --type its values in the
// case the user types. Errors make them complete nothing, silently: a shell
// is no place for an error message.
func registerCompletions(root *cobra.Command, deps *Deps) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for name, fn := range map[string]cobra.CompletionFunc{
			"cluster":   completeClusters(deps),
			"principal": completePrincipals(deps),
			"policy":    completePolicies(deps),
			"type":      completeTypes,
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
		return complete(cmd, deps, prefix, func(ctx context.Context, client *eksapi.Client) ([]string, error) {
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
		if cmdutil.RequireCluster(deps.Env, &cluster) != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, deps, prefix, func(ctx context.Context, client *eksapi.Client) ([]string, error) {
			principals, err := client.ListEntries(ctx, cluster, eksapi.ListOptions{})
			arns := make([]string, len(principals))
			for i, p := range principals {
				arns[i] = p.String()
			}
			return arns, err
		})
	}
}

// completePolicies completes access-policy names from the catalog; for
// policy disassociate with --cluster and --principal on the line, from the
// entry's own policies (what can be disassociated), falling back to the
// catalog when they cannot be listed.
func completePolicies(deps *Deps) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return complete(cmd, deps, prefix, func(ctx context.Context, client *eksapi.Client) ([]string, error) {
			if cluster, principal, ok := entryOnLine(cmd, deps); ok && cmd.Name() == "disassociate" {
				// sso:NAME: its role, as the command resolves it (silently:
				// completion prints only candidates)
				r := ssoResolver{client: client}
				if err := r.resolve(ctx, &principal); err == nil {
					if policies, err := client.ListAssociatedPolicies(ctx, cluster, principal); err == nil {
						names := make([]string, 0, len(policies))
						for _, p := range policies {
							names = append(names, access.PolicyName(p.PolicyARN))
						}
						return names, nil
					}
				}
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

// entryOnLine is the entry that --cluster (or EKSACCESS_CLUSTER) and
// --principal already on the command line name.
func entryOnLine(cmd *cobra.Command, deps *Deps) (access.ClusterName, access.PrincipalARN, bool) {
	var cluster access.ClusterName
	if f := cmd.Flags().Lookup("cluster"); f != nil {
		cluster = access.ClusterName(f.Value.String())
	}
	f := cmd.Flags().Lookup("principal")
	if f == nil || f.Value.String() == "" || cmdutil.RequireCluster(deps.Env, &cluster) != nil {
		return "", access.PrincipalARN{}, false
	}
	if p, err := access.ParseEntryPrincipal(f.Value.String()); err == nil {
		return cluster, p, true // an sso:NAME too, for the caller to resolve
	}
	return cluster, access.UncheckedPrincipalARN(f.Value.String()), true
}

// completeTypes completes --type ignoring case and "-" for "_", as the flag
// parses it, and answers in the style typed (ec2 -> ec2_linux, ec2_windows,
// ec2; EC2 -> EC2_LINUX...): shells keep only the candidates that start
// with what was typed, byte for byte.
func completeTypes(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	lower := strings.ToLower(prefix) == prefix && strings.ToUpper(prefix) != prefix
	dash := strings.Contains(prefix, "-")
	norm := func(s string) string { return strings.ReplaceAll(strings.ToUpper(s), "-", "_") }
	var out []string
	for _, name := range typeNames() {
		if !strings.HasPrefix(name, norm(prefix)) {
			continue
		}
		rest := name[len(prefix):]
		if lower {
			rest = strings.ToLower(rest)
		}
		if dash {
			rest = strings.ReplaceAll(rest, "_", "-")
		}
		out = append(out, prefix+rest)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// complete builds the client and runs fetch with it under a short
// deadline, and keeps the values that
// start with prefix.
func complete(cmd *cobra.Command, deps *Deps, prefix string, fetch func(context.Context, *eksapi.Client) ([]string, error)) ([]string, cobra.ShellCompDirective) {
	ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
	defer cancel()
	client, err := deps.Client(ctx)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	values, err := fetch(ctx, client)
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
