package cli

import (
	"cmp"
	"context"
	"crypto/rand"
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

type createOptions struct {
	deps        *Deps
	req         access.CreateEntry
	groups      []string
	tags        access.Tags
	policies    access.PolicyAssociations
	ifNotExists bool
	dryRun      bool
	// outputSet: -o was given on the command line (--dry-run refuses table and text).
	outputSet bool
	// noVerifyPrincipal sends a principal eksaccess believes EKS will refuse.
	noVerifyPrincipal bool
	// force creates the caller's own entry without cluster admin.
	force bool
}

func newCreateCmd(deps *Deps, runF func(context.Context, *createOptions) error) *cobra.Command {
	opts := &createOptions{deps: deps, tags: access.Tags{}}
	cmd := &cobra.Command{
		Use:   "create --cluster NAME --principal ARN [flags]",
		Short: "Create an access entry, and associate access policies with it",
		Long: `Create an access entry (CreateAccessEntry) for an IAM user or role, then
associate each --policy with it (AssociateAccessPolicy).

Re-running is safe with --if-not-exists: an identical entry is left alone
(exit 0), a different one is reported (exit 4), and policies a half-done
earlier run did not associate are associated now. "Identical" compares the
type, the groups, the tags and the policies with their scopes, and the
username when --username is given (EKS picks one otherwise).

Policy names are checked against the EKS catalog before anything is
created (with --dry-run, or when ListAccessPolicies is denied, against the
list eksaccess ships); the policies EKS reserves for AWS service-linked
roles (AmazonEKSHybridPolicy, AmazonEKSClusterInsightsPolicy, the Auto Mode
block-storage and compute policies) are refused. Right after an IAM role or user is created, EKS may
not know it yet; create waits for it (up to 15s), and for the new entry
before associating policies (up to 30s), within --timeout, and says so on
stderr.

An IAM Identity Center role named without its aws-reserved/sso.amazonaws.com/
path is refused (exit 2) with the ARN to use: EKS knows such roles only by
their full ARN. --no-verify-principal sends it as written.

--tag takes one tag, KEY=VALUE, split at the first "=". A value that reads
as the AWS CLI's shorthand for several tags (--tag team=a,env=prod) is
refused: give each its own --tag; the CLI's Key=team,Value=platform form is
--tag team=platform. A value that truly holds ",KEY=" (a URL's query
string) is given with --tag-literal 'url=https://x/?a=b,c=d', which takes
it whole; like --tag, --tag-literal is repeatable, one tag each.

Each create sends an idempotency token (--client-request-token, or one
eksaccess makes). When the outcome is unknown (a 5xx after all retries, a
network error, a timeout), the error names the token: re-running with it, or
with --if-not-exists, is safe.

In API_AND_CONFIG_MAP an access entry takes precedence over the aws-auth
ConfigMap for its principal: creating your own entry (the identity your
credentials belong to) without AmazonEKSClusterAdminPolicy at cluster scope
would end whatever aws-auth gives you (system:masters, say). eksaccess
refuses that (exit 4, nothing sent) unless --force.`,
		Example: `  # A developer role with a Kubernetes group and read-only access to two namespaces
  eksaccess create --cluster prod --principal arn:aws:iam::111122223333:role/dev \
      --group dev-team --policy AmazonEKSViewPolicy:namespace=dev,test

  # Cluster admin for the on-call role, idempotent in CI
  eksaccess create --cluster prod --principal arn:aws:iam::111122223333:role/platform/oncall \
      --policy AmazonEKSClusterAdminPolicy --if-not-exists

  # A self-managed node role
  eksaccess create --cluster prod --principal arn:aws:iam::111122223333:role/nodes --type ec2_linux

  # Show the requests without sending them
  eksaccess create --cluster prod --principal arn:aws:iam::111122223333:user/alice \
      --username alice --tag team=platform --dry-run`,
		Args: cmdutil.NoArgs,
		RunE: runE(opts, runF, runCreate),
	}
	cmdutil.ClusterFlag(cmd, &opts.req.Cluster)
	cmdutil.PrincipalFlag(cmd, &opts.req.Principal)
	f := cmd.Flags()
	f.Var(&opts.req.Type, "type", "entry `type`: "+typeList()+" (any case; default STANDARD)")
	f.Var(cmdutil.NewListValue(&opts.groups), "group", "Kubernetes `group` (repeatable, or comma-separated)")
	f.StringVar(&opts.req.Username, "username", "", "Kubernetes `username` (default: EKS picks one from the principal)")
	f.Var(&opts.tags, "tag", "tag as `key=value` (repeatable; key= for an empty value)")
	f.Var(access.LiteralTag{Tags: &opts.tags}, "tag-literal", "one tag as `key=value`, the value taken whole even where --tag would read \",KEY=\" as another tag (repeatable)")
	f.StringVar(&opts.req.ClientRequestToken, "client-request-token", "", "idempotency `token`, 33 to 126 characters (default: eksaccess generates one)")
	f.Var(&opts.policies, "policy", "access policy to associate after the create, as `NAME[:SCOPE]`; SCOPE is cluster (the default) or namespace=a,b (repeatable)")
	f.BoolVar(&opts.ifNotExists, "if-not-exists", false, "succeed when an identical entry exists; finish its missing policies")
	f.BoolVar(&opts.dryRun, "dry-run", false, "validate offline and print the requests as json (or -o yaml); send nothing")
	f.BoolVar(&opts.noVerifyPrincipal, "no-verify-principal", false, "send a principal eksaccess expects EKS to refuse (an IAM Identity Center role without its path), with a warning")
	f.BoolVar(&opts.force, "force", false, "create your own entry even without "+access.ClusterAdminPolicy+" where aws-auth may be what gives you admin")
	return cmd
}

// validate gathers the flags into the request and checks it offline.
func (o *createOptions) validate(cmd *cobra.Command) error {
	o.outputSet = cmd.Flags().Changed("output")
	if err := cmdutil.RequireCluster(o.deps.Env, &o.req.Cluster); err != nil {
		return err
	}
	if err := cmdutil.RequirePrincipal(o.req.Principal); err != nil {
		return err
	}
	o.req.Groups = access.NormalizeGroups(o.groups)
	o.req.Tags = o.tags
	o.req.Policies = o.policies
	if err := o.req.Validate(); err != nil {
		return cmdutil.UsageError(err)
	}
	if o.dryRun && o.outputSet && o.deps.Output.Format != output.JSON && o.deps.Output.Format != output.YAML {
		return cmdutil.UsageErrorf("--dry-run prints the requests as json or yaml, not -o %s", o.deps.Output.Format)
	}
	if err := o.req.Principal.Verify(); err != nil {
		if !o.noVerifyPrincipal {
			// The ARN to use first, then the way out.
			return cmdutil.UsageError(cmdutil.WithHint(cmdutil.WithHint(err, "if it is not an IAM Identity Center role and exists as written, pass --no-verify-principal"), "%s", access.Hints(err)[0]))
		}
	}
	// The principal's own warning (with --no-verify-principal), and a
	// miscased {{SessionName}}.
	cmdutil.Warn(o.deps.IO.ErrOut, o.req.Warnings()...)
	return nil
}

// policyRefs are the policies of associations.
func policyRefs(list []access.PolicyAssociation) []access.PolicyRef {
	refs := make([]access.PolicyRef, len(list))
	for i, p := range list {
		refs[i] = p.Policy
	}
	return refs
}

func runCreate(ctx context.Context, o *createOptions) error {
	refs := policyRefs(o.req.Policies)
	if o.dryRun {
		// Offline, but for an sso:NAME: the requests need its role's
		// ARN, which only IAM knows (iam:ListRoles; nothing is sent to EKS).
		if o.req.Principal.Unresolved() {
			if _, err := entryClient(ctx, o.deps, &o.req.Principal, refs...); err != nil {
				return err
			}
			fmt.Fprintf(o.deps.IO.ErrOut, "principal %s\n", o.req.Principal.Display())
		}
		return runCreateDryRun(o)
	}
	client, err := entryClient(ctx, o.deps, &o.req.Principal, refs...)
	if err != nil {
		return err
	}
	// A typo in a policy name must fail before the entry exists, not leave
	// an entry without its policies.
	if err := checkPolicyExists(ctx, o.deps, client, refs...); err != nil {
		return err
	}
	if o.ifNotExists {
		existing, err := client.DescribeEntry(ctx, o.req.Cluster, o.req.Principal)
		switch {
		case err == nil:
			return finishExisting(ctx, o, client, existing)
		case !errors.Is(err, eksapi.ErrNotFound):
			return err
		}
	}
	// Your own new entry takes precedence over aws-auth: refuse one that
	// would end the admin access aws-auth gives you.
	if err := guardCreate(ctx, client, o.req, o.force); err != nil {
		return err
	}
	// The token goes with every attempt (the SDK's retries, the waits
	// below), so that EKS makes one entry whatever answers get lost, and
	// an unknown outcome can name it.
	req := o.req
	if req.ClientRequestToken == "" {
		req.ClientRequestToken = newClientRequestToken()
	}
	// The executor creates the entry and associates its policies, waiting
	// out EKS's eventual consistency: a one-entry plan.
	out := o.deps.executor(client).Do(ctx, req.Cluster, plan.Change{Principal: req.Principal, Action: plan.ActionCreate, Want: &req})
	err = out.Err
	switch {
	case err == nil:
		return o.deps.print(cmdutil.EntryResult(out.Entry, policiesOrNil(o.req, cmdutil.SortPolicies(out.Policies))))
	case len(out.Done) > 0:
		// The entry exists; a policy did not associate.
		return partialCreate(out.Entry, nil, req.Policies, out.Policies, err)
	case errors.Is(err, eksapi.ErrConflict) && o.ifNotExists:
		// Another create won the race between our describe and our create
		// (two CI jobs started together): compare with what it made.
		existing, derr := client.DescribeEntry(ctx, o.req.Cluster, o.req.Principal)
		if derr != nil {
			return err
		}
		return finishExisting(ctx, o, client, existing)
	case errors.Is(err, eksapi.ErrConflict):
		return cmdutil.WithHint(err, "add --if-not-exists to accept an identical entry, or change it with `eksaccess update`")
	case eksapi.IsUnknownPrincipal(err):
		return cmdutil.WithHint(err, "check the ARN (IAM role paths must be included); if the role or user was created moments ago, IAM may still be propagating it: retry in a minute")
	case outcomeUnknown(err):
		return cmdutil.WithHint(err, "%s", rerunHint(o, req.ClientRequestToken))
	default:
		return err
	}
}

// runCreateDryRun validates what needs no AWS configuration (the policy
// names against the catalog eksaccess ships) and prints the requests.
func runCreateDryRun(o *createOptions) error {
	if len(o.req.Policies) > 0 {
		catalog := access.Catalog(o.req.Principal.Partition())
		if err := eksapi.CheckPolicyNames(catalog, policyRefs(o.req.Policies), "run without --dry-run to check it against the live catalog"); err != nil {
			return err
		}
		fmt.Fprintf(o.deps.IO.ErrOut, "policy names checked against the catalog eksaccess ships (taken %s), not verified online\n", access.CatalogDate)
	}
	// The requests are printed as JSON or YAML: a table of them would hide
	// what is sent (complete refused -o table and -o text).
	opts := *o.deps.Output
	if opts.Format != output.YAML {
		opts.Format = output.JSON
	}
	return output.Print(o.deps.IO.Out, opts, dryRunResult(o.req))
}

// newClientRequestToken makes an idempotency token: a random UUID (36
// characters, as the SDK makes them; EKS takes 33 to 126).
func newClientRequestToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// outcomeUnknown reports whether a create that failed may still have
// made the entry: EKS failed (5xx, or throttling, after all retries), the
// connection failed, or the command stopped (timeout, Ctrl-C) before EKS
// answered. An answer EKS gave (a 4xx) and missing credentials are known
// outcomes: nothing was made.
func outcomeUnknown(err error) bool {
	var apiErr *eksapi.APIError
	switch {
	case errors.Is(err, eksapi.ErrThrottled):
		return true
	case errors.As(err, &apiErr), errors.Is(err, eksapi.ErrNoCredentials):
		return false
	}
	return true
}

// rerunHint says how to finish a create whose outcome is unknown.
func rerunHint(o *createOptions, token string) string {
	if o.req.ClientRequestToken != "" {
		return "the entry may or may not exist now: re-running the same command is safe (EKS answers a repeat of its --client-request-token with the entry it made), and so is adding --if-not-exists"
	}
	return fmt.Sprintf("the entry may or may not exist now: re-run the same command with --client-request-token %s (EKS answers a repeat of the token with the entry it made), or with --if-not-exists", token)
}

// finishExisting handles --if-not-exists when the entry exists: identical
// (policies included) is success; a difference is a conflict; policies the
// request names but the entry lacks are associated, which finishes a create
// that stopped half-way.
func finishExisting(ctx context.Context, o *createOptions, client *eksapi.Client, existing access.Entry) error {
	have, err := client.ListAssociatedPolicies(ctx, o.req.Cluster, o.req.Principal)
	if err != nil {
		return err
	}
	diff := o.req.Compare(existing, have)
	if conflicts := diff.Conflicts(); !conflicts.Empty() {
		// One line, the differences joined: errors are one line (the contract).
		err := fmt.Errorf("access entry %s in cluster %s exists and differs from the request: %s", o.req.Principal, o.req.Cluster, strings.Join(conflicts.Lines(), "; "))
		hints := conflictHints(o.req, existing, conflicts)
		for i := len(hints) - 1; i >= 0; i-- {
			err = cmdutil.WithHint(err, "%s", hints[i])
		}
		return cmdutil.WithCode(err, cmdutil.ExitConflict)
	}

	missing := diff.Missing()
	if len(missing) == 0 {
		fmt.Fprintf(o.deps.IO.ErrOut, "access entry %s in cluster %s exists and matches: unchanged\n", o.req.Principal, o.req.Cluster)
		return o.deps.print(cmdutil.EntryResult(existing, policiesOrNil(o.req, have)))
	}
	out := apply.Outcome{Entry: existing}
	if err := o.deps.executor(client).Associate(ctx, o.req.Cluster, o.req.Principal, missing, &out); err != nil {
		return partialCreate(existing, have, missing, out.Policies, err)
	}
	return o.deps.print(cmdutil.EntryResult(existing, cmdutil.SortPolicies(append(slices.Clone(have), out.Policies...))))
}

// conflictHints say how to make an existing entry what the request asks,
// one hint per kind of change: the type is immutable (delete and create
// again, which settles everything else too), groups and username are
// `update`, tags the EKS tagging API, a scope `policy associate`, an extra
// policy `policy disassociate`.
func conflictHints(r access.CreateEntry, e access.Entry, d access.Diff) []string {
	target := fmt.Sprintf("--cluster %s --principal %s", r.Cluster, r.Principal)
	if d.Has(access.FieldType) {
		return []string{fmt.Sprintf("the type of an access entry cannot change: delete it (eksaccess delete %s --yes) and run this command again without --if-not-exists", target)}
	}
	var hints []string
	if d.Has(access.FieldGroups) || d.Has(access.FieldUsername) {
		cmd := "eksaccess update " + target
		if d.Has(access.FieldGroups) {
			if groups := access.NormalizeGroups(r.Groups); len(groups) > 0 {
				cmd += " --group " + cmdutil.ShellQuote(strings.Join(groups, ","))
			} else {
				cmd += " --no-groups"
			}
		}
		if d.Has(access.FieldUsername) {
			cmd += " --username " + cmdutil.ShellQuote(r.Username)
		}
		hints = append(hints, "change the groups and username with: "+cmd)
	}
	var set, unset []string
	for _, c := range d.Changes {
		switch {
		case c.Field != access.FieldTag:
		case c.Want == nil:
			unset = append(unset, c.Key)
		default:
			set = append(set, fmt.Sprintf("%s=%s", c.Key, c.Want))
		}
	}
	arn := cmp.Or(e.AccessEntryARN, "ENTRY-ARN")
	if len(set) > 0 {
		hints = append(hints, fmt.Sprintf("tags change only through the EKS tagging API (eksaccess has no tag command yet): aws eks tag-resource --resource-arn %s --tags %s", arn, cmdutil.ShellQuote(strings.Join(set, ","))))
	}
	if len(unset) > 0 {
		hints = append(hints, fmt.Sprintf("remove the tags not requested with: aws eks untag-resource --resource-arn %s --tag-keys %s", arn, cmdutil.ShellQuote(strings.Join(unset, ","))))
	}
	for _, p := range d.Policies {
		switch p.Action {
		case access.PolicyRescope:
			scope := "--cluster-scope"
			if p.Want.Type == access.ScopeNamespace {
				scope = "--namespace " + cmdutil.ShellQuote(strings.Join(p.Want.Namespaces, ","))
			}
			hints = append(hints, fmt.Sprintf("change the scope of %s in place with: eksaccess policy associate %s --policy %s %s", p.Policy.Name(), target, p.Policy, scope))
		case access.PolicyRemove:
			// The short name, when it means this ARN for the principal.
			policy := p.PolicyARN
			if short, err := access.ParsePolicyRef(p.Policy.Name()); err == nil && r.Principal.PolicyARN(short) == p.PolicyARN {
				policy = short.Name()
			}
			hints = append(hints, fmt.Sprintf("%s is associated but not requested: remove it with eksaccess policy disassociate %s --policy %s, or add --policy %s:%s to keep it", p.Policy.Name(), target, policy, policy, p.Have))
		}
	}
	return hints
}

func policiesOrNil(req access.CreateEntry, have []access.AssociatedPolicy) []access.AssociatedPolicy {
	if len(req.Policies) == 0 {
		return nil
	}
	return have
}

// partialCreate is the error of a create that stopped half-way: the entry
// exists with the policies it had (have) and those associated of todo,
// the rest of todo is not associated. It says exactly what exists now and
// how to finish the job.
func partialCreate(entry access.Entry, have []access.AssociatedPolicy, todo []access.PolicyAssociation, associated []access.AssociatedPolicy, cause error) error {
	var pending []string
	for _, p := range todo[len(associated):] {
		pending = append(pending, p.Policy.Name())
	}
	return cmdutil.WithHint(&partialCreateError{entry: entry, associated: append(slices.Clone(have), associated...), pending: pending, cause: cause},
		"fix the cause, then re-run the same command with --if-not-exists to finish")
}

// partialCreateError says exactly what exists after a create that stopped
// half-way: the entry, the policies associated, the ones not, and why.
type partialCreateError struct {
	entry      access.Entry
	associated []access.AssociatedPolicy
	pending    []string
	cause      error
}

// Error is one line (errors are, by the contract): "access entry ARN
// exists in cluster C (ENTRY-ARN); associated: P(scope),...; not
// associated: P,...; CAUSE".
func (e *partialCreateError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "access entry %s exists in cluster %s (%s); ", e.entry.PrincipalARN, e.entry.ClusterName, e.entry.AccessEntryARN)
	if len(e.associated) > 0 {
		fmt.Fprintf(&b, "associated: %s; ", cmdutil.PolicySummary(e.associated))
	}
	fmt.Fprintf(&b, "not associated: %s; ", strings.Join(e.pending, ","))
	b.WriteString(e.cause.Error())
	return b.String()
}

func (e *partialCreateError) Unwrap() error { return e.cause }

// dryRunRequest is one request create would send, in the AWS CLI's
// --cli-input-json shape.
type dryRunRequest struct {
	Operation string `json:"operation"`
	Input     any    `json:"input"`
}

type createInput struct {
	ClusterName        string            `json:"clusterName"`
	PrincipalARN       string            `json:"principalArn"`
	Type               string            `json:"type,omitempty"`
	KubernetesGroups   []string          `json:"kubernetesGroups,omitempty"`
	Username           string            `json:"username,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
	ClientRequestToken string            `json:"clientRequestToken,omitempty"`
}

type associateInput struct {
	ClusterName  string       `json:"clusterName"`
	PrincipalARN string       `json:"principalArn"`
	PolicyARN    string       `json:"policyArn"`
	AccessScope  access.Scope `json:"accessScope"`
}

// dryRunResult lists the requests as a JSON (or YAML) document.
func dryRunResult(r access.CreateEntry) output.Result {
	reqs := []dryRunRequest{{Operation: "CreateAccessEntry", Input: createInput{
		ClusterName:        string(r.Cluster),
		PrincipalARN:       r.Principal.String(),
		Type:               string(r.Type),
		KubernetesGroups:   r.Groups,
		Username:           r.Username,
		Tags:               r.Tags,
		ClientRequestToken: r.ClientRequestToken,
	}}}
	for _, p := range r.Policies {
		scope := p.Scope
		if scope.Namespaces == nil {
			scope.Namespaces = []string{}
		}
		reqs = append(reqs, dryRunRequest{Operation: "AssociateAccessPolicy", Input: associateInput{
			ClusterName:  string(r.Cluster),
			PrincipalARN: r.Principal.String(),
			PolicyARN:    r.Principal.PolicyARN(p.Policy),
			AccessScope:  scope,
		}})
	}
	return output.Result{Doc: struct {
		DryRun   bool            `json:"dryRun"`
		Requests []dryRunRequest `json:"requests"`
	}{true, reqs}}
}

func typeNames() []string {
	var names []string
	for _, t := range access.EntryTypes() {
		names = append(names, string(t))
	}
	return names
}

func typeList() string { return strings.Join(typeNames(), ", ") }
