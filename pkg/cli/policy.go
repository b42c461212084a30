package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// newPolicyCmd wires the policy verbs (associate, disassociate, list, list-associated).
func newPolicyCmd(deps *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Associate, disassociate and list EKS access policies",
		Long: `Access policies are EKS's own sets of Kubernetes permissions
(AmazonEKSViewPolicy, AmazonEKSEditPolicy, AmazonEKSAdminPolicy,
AmazonEKSClusterAdminPolicy, ...). An access entry holds any number of them,
each with a scope: the whole cluster, or a list of namespaces.

A policy is named by its short name or its full ARN; a short name takes the
partition of the principal (an arn:aws-cn:... principal gets
arn:aws-cn:eks::aws:cluster-access-policy/NAME).`,
		Example: `  eksaccess policy list
  eksaccess policy associate --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --policy AmazonEKSEditPolicy --namespace dev,test
  eksaccess policy list-associated --cluster prod --principal arn:aws:iam::111122223333:role/dev
  eksaccess policy disassociate --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --policy AmazonEKSEditPolicy`,
	}
	cmd.AddCommand(
		newPolicyAssociateCmd(deps, nil),
		newPolicyDisassociateCmd(deps, nil),
		newPolicyListCmd(deps, nil),
		newPolicyListAssociatedCmd(deps, nil),
	)
	return cmd
}

type policyAssociateOptions struct {
	deps *Deps
	entryTarget
	policy       access.PolicyRef
	clusterScope bool
	namespaces   []string // nil unless --namespace was given
	scope        access.Scope
	force        bool
}

// newPolicyAssociateCmd associates a policy with an entry, or re-scopes it.
func newPolicyAssociateCmd(deps *Deps, runF func(context.Context, *policyAssociateOptions) error) *cobra.Command {
	opts := &policyAssociateOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "associate --cluster NAME --principal ARN --policy POLICY (--cluster-scope | --namespace NS...)",
		Short: "Associate an access policy with an access entry, or change its scope",
		Long: `Associate an access policy with an access entry (AssociateAccessPolicy), for
the whole cluster (--cluster-scope) or for some namespaces (--namespace,
repeatable or comma-separated; a trailing "*" is a wildcard: "dev-*").

A policy the entry already holds gets the new scope in place, in one call:
it is never disassociated first, so access does not lapse in between.

A short policy name is checked against the EKS catalog (ListAccessPolicies)
first, so that a typo is refused with a suggestion. The access entry must
exist: create it with ` + "`eksaccess create`" + ` (whose --policy associates policies too).

eksaccess refuses (exit 4, nothing sent) to narrow your own last
AmazonEKSClusterAdminPolicy at cluster scope to namespaces (your own: the
identity your credentials belong to). --force skips that check.`,
		Example: `  # Read-only access to the whole cluster
  eksaccess policy associate --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --policy AmazonEKSViewPolicy --cluster-scope

  # Edit rights in two namespaces and every namespace beginning with "preview-"
  eksaccess policy associate --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --policy AmazonEKSEditPolicy --namespace dev,test --namespace 'preview-*'

  # The same, by ARN, printing only the new scope
  eksaccess policy associate --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --policy arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy --namespace dev \
      -o json --query associatedAccessPolicy.accessScope`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runPolicyAssociate),
	}
	opts.addFlags(cmd)
	cmdutil.PolicyFlag(cmd, &opts.policy)
	f := cmd.Flags()
	f.BoolVar(&opts.clusterScope, "cluster-scope", false, "the policy applies to the whole cluster")
	f.Var(cmdutil.NewListValue(&opts.namespaces), "namespace", "the policy applies to this `namespace` (repeatable, or comma-separated; \"dev-*\" is a prefix)")
	f.BoolVar(&opts.force, "force", false, "associate even if that narrows your own last cluster-admin policy to namespaces")
	return cmd
}

// validate checks the flags and builds the scope; nothing here talks to AWS.
func (o *policyAssociateOptions) validate(_ *cobra.Command) error {
	if err := o.entryTarget.validate(o.deps); err != nil {
		return err
	}
	if err := cmdutil.RequirePolicy(o.policy); err != nil {
		return err
	}
	if err := o.policy.CheckAssociable(); err != nil {
		return cmdutil.UsageError(fmt.Errorf("--policy: %w", err))
	}
	scope, err := scopeFromFlags(o.clusterScope, o.namespaces)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	o.scope = scope
	return nil
}

// scopeFromFlags turns --cluster-scope and --namespace (nil when not given)
// into a validated scope: exactly one of the two is required. Namespaces are
// trimmed and de-duplicated, in the order given.
func scopeFromFlags(clusterScope bool, namespaces []string) (access.Scope, error) {
	const forms = "give --cluster-scope for the whole cluster, or --namespace NS (repeatable, or comma-separated) for some namespaces"
	switch {
	case clusterScope && namespaces != nil:
		return access.Scope{}, cmdutil.WithHint(errors.New("--cluster-scope and --namespace exclude each other"), forms)
	case clusterScope:
		return access.Scope{Type: access.ScopeCluster}, nil
	case namespaces == nil:
		return access.Scope{}, cmdutil.WithHint(errors.New("a scope is required"), forms)
	}
	scope := access.Scope{Type: access.ScopeNamespace, Namespaces: []string{}}
	for _, ns := range namespaces {
		if ns = strings.TrimSpace(ns); !slices.Contains(scope.Namespaces, ns) {
			scope.Namespaces = append(scope.Namespaces, ns)
		}
	}
	if err := scope.Validate(); err != nil {
		return access.Scope{}, fmt.Errorf("--namespace: %w", err)
	}
	return scope, nil
}

func runPolicyAssociate(ctx context.Context, o *policyAssociateOptions) error {
	client, err := entryClient(ctx, o.deps, &o.principal, o.policy)
	if err != nil {
		return err
	}
	if err := checkPolicyExists(ctx, o.deps, client, o.policy); err != nil {
		return err
	}
	// EKS upserts: an associated policy gets the new scope in place.
	policyARN := o.principal.PolicyARN(o.policy)
	rescoped := func(a access.EntryAccess) access.EntryAccess { return a.WithPolicy(policyARN, o.scope) }
	action := fmt.Sprintf("associate %s with %s in cluster %s at scope %s", o.policy.Name(), o.principal, o.cluster, o.scope)
	if err := guardLockout(ctx, client, o.entryTarget, o.force, nil, action, rescoped); err != nil {
		return err
	}
	// The executor associates it (a one-entry change); when EKS does not
	// find the entry while DescribeAccessEntry does, it was created
	// moments ago (eventual consistency): it waits for it, and stops if it
	// is deleted meanwhile.
	pc := access.PolicyChange{Action: access.PolicyAdd, Policy: o.policy, PolicyARN: policyARN, Want: o.scope}
	out := o.deps.executor(client).Do(ctx, o.cluster, plan.Change{Principal: o.principal, Action: plan.ActionPolicies, Diff: access.Diff{Policies: []access.PolicyChange{pc}}})
	err = out.Err
	if errors.Is(err, eksapi.ErrNotFound) && !eksapi.IsClusterNotFound(err) {
		want := access.PolicyAssociation{Policy: o.policy, Scope: o.scope}
		return cmdutil.WithHint(err, "if %s has no access entry in cluster %s yet, create it with the policy in one step: eksaccess create --cluster %s --principal %s --policy %s",
			o.principal, o.cluster, o.cluster, o.principal, want)
	}
	if err != nil {
		return cmdutil.MayHaveApplied(err, "the association", fmt.Sprintf("eksaccess policy list-associated --cluster %s --principal %s", o.cluster, o.principal))
	}
	return o.deps.print(associationResult(o.cluster, o.principal, out.Policies[0]))
}

// associationDoc is AssociateAccessPolicy's response document.
type associationDoc struct {
	ClusterName            string                  `json:"clusterName"`
	PrincipalARN           string                  `json:"principalArn"`
	AssociatedAccessPolicy access.AssociatedPolicy `json:"associatedAccessPolicy"`
}

func associationResult(cluster access.ClusterName, principal access.PrincipalARN, p access.AssociatedPolicy) output.Result {
	return output.Result{
		Doc: associationDoc{ClusterName: string(cluster), PrincipalARN: principal.String(), AssociatedAccessPolicy: p},
		Table: output.Table{
			Header: []string{"POLICY", "SCOPE", "NAMESPACES", "ASSOCIATED", "MODIFIED"},
			Rows:   [][]string{append(associationRow(p), cmdutil.Timestamp(p.ModifiedAt))},
		},
	}
}

// associationRow is one policy's POLICY, SCOPE, NAMESPACES and ASSOCIATED cells.
func associationRow(p access.AssociatedPolicy) []string {
	return []string{
		access.PolicyName(p.PolicyARN),
		string(p.AccessScope.Type),
		strings.Join(p.AccessScope.Namespaces, ","),
		cmdutil.Timestamp(p.AssociatedAt),
	}
}

type policyDisassociateOptions struct {
	deps *Deps
	entryTarget
	policy access.PolicyRef
	force  bool
}

// newPolicyDisassociateCmd removes a policy from an entry, guarding the
// caller's own cluster-admin access.
func newPolicyDisassociateCmd(deps *Deps, runF func(context.Context, *policyDisassociateOptions) error) *cobra.Command {
	opts := &policyDisassociateOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "disassociate --cluster NAME --principal ARN --policy POLICY",
		Short: "Remove an access policy from an access entry",
		Long: `Remove an access policy from an access entry (DisassociateAccessPolicy).
Nothing is printed on stdout; on a terminal, a confirmation goes to stderr.

eksaccess refuses (exit 4, nothing removed) to lock out the identity
running it (as STS GetCallerIdentity reports it; an assumed-role session
counts as its role): to remove its last AmazonEKSClusterAdminPolicy, or its
last access policy of any kind when its entry has no Kubernetes groups.
--force skips that check.`,
		Example: `  eksaccess policy disassociate --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --policy AmazonEKSEditPolicy

  # Remove your own cluster-admin policy on purpose
  eksaccess policy disassociate --cluster prod --principal arn:aws:iam::111122223333:role/admin \
      --policy AmazonEKSClusterAdminPolicy --force`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runPolicyDisassociate),
	}
	opts.addFlags(cmd)
	cmdutil.PolicyFlag(cmd, &opts.policy)
	cmd.Flags().BoolVar(&opts.force, "force", false, "remove it even if that locks you out (your last cluster-admin policy, or your last policy)")
	return cmd
}

// validate checks the flags; nothing here talks to AWS.
func (o *policyDisassociateOptions) validate(_ *cobra.Command) error {
	if err := o.entryTarget.validate(o.deps); err != nil {
		return err
	}
	if err := cmdutil.RequirePolicy(o.policy); err != nil {
		return err
	}
	return nil
}

func runPolicyDisassociate(ctx context.Context, o *policyDisassociateOptions) error {
	client, err := entryClient(ctx, o.deps, &o.principal, o.policy)
	if err != nil {
		return err
	}
	policyARN := o.principal.PolicyARN(o.policy)
	without := func(a access.EntryAccess) access.EntryAccess { return a.WithoutPolicy(policyARN) }
	action := fmt.Sprintf("disassociate %s from %s in cluster %s", o.policy.Name(), o.principal, o.cluster)
	guard, err := readLockout(ctx, client, o.entryTarget, o.force, nil, action, without)
	if err != nil {
		return err
	}
	// The executor disassociates it (a one-entry change) and, from the
	// caller's own entry, checks that another writer did not take the rest
	// of its access at the same time (Outcome.LockedOut): if so it associates
	// the policy again, at the scope the guard read.
	pc := access.PolicyChange{Action: access.PolicyRemove, Policy: o.policy, PolicyARN: policyARN}
	x := o.deps.executor(client)
	if i := slices.IndexFunc(guard.before.Policies, func(p access.AssociatedPolicy) bool { return p.PolicyARN == policyARN }); i >= 0 {
		// Otherwise not the caller's entry, --force, or the guard did not
		// see the policy: nothing to check after.
		x.Caller, pc.Have = guard.ownCaller(), guard.before.Policies[i].AccessScope
	}
	out := x.Do(ctx, o.cluster, plan.Change{Principal: o.principal, Action: plan.ActionPolicies, Diff: access.Diff{Policies: []access.PolicyChange{pc}}})
	err = out.Err
	if out.Writing && errors.Is(err, eksapi.ErrNotFound) && !eksapi.IsClusterNotFound(err) {
		// A typo: the entry's own policies are what it can have meant (the
		// catalog is not: a policy it left may still be associated).
		if have, lerr := client.ListAssociatedPolicies(ctx, o.cluster, o.principal); lerr == nil {
			names := make([]string, len(have))
			for i, p := range have {
				names[i] = access.PolicyName(p.PolicyARN)
			}
			if s := access.SuggestPolicy(o.policy.Name(), names); s != "" && s != o.policy.Name() {
				return cmdutil.WithHint(err, "did you mean %s? the entry has %s", s, strings.Join(names, ", "))
			}
		}
		return cmdutil.WithHint(err, "eksaccess policy list-associated --cluster %s --principal %s shows the entry's policies", o.cluster, o.principal)
	}
	if out.Writing {
		return cmdutil.MayHaveApplied(err, "the disassociation", fmt.Sprintf("eksaccess policy list-associated --cluster %s --principal %s", o.cluster, o.principal))
	}
	if err := o.checked(ctx, out, pc.Have); err != nil {
		return err
	}
	// Like the AWS CLI, nothing on stdout: DisassociateAccessPolicy returns nothing.
	o.deps.done("disassociated %s from %s in cluster %s", o.policy.Name(), o.principal, o.cluster)
	return nil
}

// checked words the check after the disassociation from the caller's own
// entry (Outcome.LockedOut, Unchecked): another writer took the rest of its access at
// the same time, and the policy was associated again at scope (exit 4);
// or the read for it failed: stopped, that is the command's error;
// otherwise a warning, and the disassociation stands.
func (o *policyDisassociateOptions) checked(ctx context.Context, out apply.Outcome, scope access.Scope) error {
	done := fmt.Sprintf("disassociated %s from %s in cluster %s", o.policy.Name(), o.principal, o.cluster)
	check := fmt.Sprintf("eksaccess describe --cluster %s --principal %s --with-policies", o.cluster, o.principal)
	switch {
	case out.LockedOut != nil:
		return lockedOutMeanwhile(done, out.LockedOut.Refusal,
			fmt.Sprintf("%s was associated again at scope %s", o.policy.Name(), scope), restoreError(out.LockedOut),
			fmt.Sprintf("eksaccess policy associate --cluster %s --principal %s --policy %s %s", o.cluster, o.principal, o.policy, scopeFlags(scope)))
	case len(out.Unchecked) > 0 && out.Err != nil:
		return cmdutil.WithHint(fmt.Errorf("%s, but eksaccess stopped before reading your access back, so it did not check whether another writer took the rest of it at the same time: %w", done, cmdutil.StopErr(ctx, out.Err)),
			"the disassociation was made; check by hand: %s", check)
	case len(out.Unchecked) > 0:
		cmdutil.Warn(o.deps.IO.ErrOut, fmt.Sprintf("%s was disassociated, but reading your access back failed, so eksaccess cannot tell whether another writer took the rest of it at the same time: %v; check by hand: %s", o.policy.Name(), out.UncheckedErr, check))
	}
	return out.Err
}

// scopeFlags are policy associate's flags for scope.
func scopeFlags(scope access.Scope) string {
	if scope.Type == access.ScopeNamespace {
		return "--namespace " + cmdutil.ShellQuote(strings.Join(scope.Namespaces, ","))
	}
	return "--cluster-scope"
}

type policyListOptions struct {
	deps *Deps
}

// newPolicyListCmd lists the access-policy catalog.
func newPolicyListCmd(deps *Deps, runF func(context.Context, *policyListOptions) error) *cobra.Command {
	opts := &policyListOptions{deps: deps}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the access policies EKS offers",
		Long:    "List the EKS access-policy catalog (ListAccessPolicies, every page): each policy's name and ARN.",
		Example: `  eksaccess policy list
  eksaccess policy list -o text | cut -f1
  eksaccess policy list -o json --query 'accessPolicies[].name'`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runPolicyList),
	}
}

// validate has nothing to check: policy list takes no flags of its own.
func (o *policyListOptions) validate(*cobra.Command) error { return nil }

// policyCatalogDoc is ListAccessPolicies' document.
type policyCatalogDoc struct {
	AccessPolicies []access.Policy `json:"accessPolicies"`
}

func runPolicyList(ctx context.Context, o *policyListOptions) error {
	client, err := o.deps.Client(ctx)
	if err != nil {
		return err
	}
	policies, err := client.ListPolicies(ctx)
	if err != nil {
		return err
	}
	rows := make([][]string, len(policies))
	for i, p := range policies {
		rows[i] = []string{p.Name, p.ARN}
	}
	return o.deps.print(output.Result{
		Doc:   policyCatalogDoc{AccessPolicies: policies},
		Table: output.Table{Header: []string{"NAME", "ARN"}, Rows: rows},
	})
}

type policyListAssociatedOptions struct {
	deps *Deps
	entryTarget
}

// newPolicyListAssociatedCmd lists an entry's policies and their scopes.
func newPolicyListAssociatedCmd(deps *Deps, runF func(context.Context, *policyListAssociatedOptions) error) *cobra.Command {
	opts := &policyListAssociatedOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "list-associated --cluster NAME --principal ARN",
		Short: "List the access policies of an access entry, with their scopes",
		Long:  "List the access policies associated with an access entry (ListAssociatedAccessPolicies, every page), sorted by policy ARN.",
		Example: `  eksaccess policy list-associated --cluster prod --principal arn:aws:iam::111122223333:role/dev
  eksaccess policy list-associated --cluster prod --principal arn:aws:iam::111122223333:role/dev -o yaml
  eksaccess policy list-associated --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      -o json --query 'associatedAccessPolicies[].policyArn'`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runPolicyListAssociated),
	}
	opts.addFlags(cmd)
	return cmd
}

// validate checks the flags; nothing here talks to AWS.
func (o *policyListAssociatedOptions) validate(_ *cobra.Command) error {
	return o.entryTarget.validate(o.deps)
}

// associatedPoliciesDoc is ListAssociatedAccessPolicies' document.
type associatedPoliciesDoc struct {
	ClusterName              string                    `json:"clusterName"`
	PrincipalARN             string                    `json:"principalArn"`
	AssociatedAccessPolicies []access.AssociatedPolicy `json:"associatedAccessPolicies"`
}

func runPolicyListAssociated(ctx context.Context, o *policyListAssociatedOptions) error {
	client, err := entryClient(ctx, o.deps, &o.principal)
	if err != nil {
		return err
	}
	policies, err := client.ListAssociatedPolicies(ctx, o.cluster, o.principal)
	if err != nil {
		return err
	}
	if len(policies) == 0 {
		fmt.Fprintf(o.deps.IO.ErrOut, "no access policies associated with %s in cluster %s\n", o.principal, o.cluster)
	}
	rows := make([][]string, len(policies))
	for i, p := range policies {
		rows[i] = associationRow(p)
	}
	return o.deps.print(output.Result{
		Doc: associatedPoliciesDoc{
			ClusterName:              string(o.cluster),
			PrincipalARN:             o.principal.String(),
			AssociatedAccessPolicies: policies,
		},
		Table: output.Table{Header: []string{"POLICY", "SCOPE", "NAMESPACES", "ASSOCIATED"}, Rows: rows},
	})
}
