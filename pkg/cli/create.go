package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/output"
)

type createOptions struct {
	deps        *Deps
	req         access.CreateEntry
	groups      []string
	tags        access.Tags
	policies    access.PolicyAssociations
	ifNotExists bool
	dryRun      bool
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
created. Right after an IAM role or user is created, EKS may not know it
yet; create waits for it (up to 15s), and for the new entry before
associating policies (up to 30s), within --timeout.`,
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
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.complete(); err != nil {
				return err
			}
			if runF == nil {
				runF = runCreate
			}
			return runF(cmd.Context(), opts)
		},
	}
	clusterFlag(cmd, &opts.req.Cluster)
	principalFlag(cmd, &opts.req.Principal)
	f := cmd.Flags()
	f.Var(&opts.req.Type, "type", "entry `type`: "+typeList()+" (any case; default STANDARD)")
	f.StringSliceVar(&opts.groups, "group", nil, "Kubernetes `group` (repeatable, or comma-separated)")
	f.StringVar(&opts.req.Username, "username", "", "Kubernetes `username` (default: EKS picks one from the principal)")
	f.Var(&opts.tags, "tag", "tag as `key=value` (repeatable; key= for an empty value)")
	f.StringVar(&opts.req.ClientRequestToken, "client-request-token", "", "idempotency `token` (default: the SDK generates one)")
	f.Var(&opts.policies, "policy", "access policy to associate after the create, as `NAME[:SCOPE]`; SCOPE is cluster (the default) or namespace=a,b (repeatable)")
	f.BoolVar(&opts.ifNotExists, "if-not-exists", false, "succeed when an identical entry exists; finish its missing policies")
	f.BoolVar(&opts.dryRun, "dry-run", false, "validate and print the requests as JSON; send nothing")
	return cmd
}

// complete gathers the flags into the request and validates it offline.
func (o *createOptions) complete() error {
	if err := requireCluster(o.deps, &o.req.Cluster); err != nil {
		return err
	}
	if err := requirePrincipal(o.req.Principal); err != nil {
		return err
	}
	o.req.Groups = access.NormalizeGroups(o.groups)
	o.req.Tags = o.tags
	o.req.Policies = o.policies
	if err := o.req.Validate(); err != nil {
		return &FlagError{err}
	}
	warn(o.deps, o.req.Principal.Warnings()...)
	return nil
}

func runCreate(ctx context.Context, o *createOptions) error {
	if o.dryRun {
		// The requests are printed as JSON (or YAML): a table of them would
		// hide what is sent.
		opts := *o.deps.Output
		if opts.Format != output.YAML {
			opts.Format = output.JSON
		}
		return output.Print(o.deps.IO.Out, opts, dryRunResult(o.req))
	}
	client, err := o.deps.Client(ctx)
	if err != nil {
		return err
	}
	// A typo in a policy name must fail before the entry exists, not leave
	// an entry without its policies.
	refs := make([]access.PolicyRef, len(o.req.Policies))
	for i, p := range o.req.Policies {
		refs[i] = p.Policy
	}
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
	var entry access.Entry
	create := func() error {
		var err error
		entry, err = client.CreateEntry(ctx, o.req)
		return err
	}
	if len(o.req.Principal.Warnings()) > 0 {
		// The ARN already looks wrong (warned above): EKS's "invalid
		// principal" is then no propagation delay worth waiting out.
		err = create()
	} else {
		err = untilPrincipalVisible(ctx, o.deps, create)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return withHint(err, "stopped while creating: the entry may or may not exist now; re-run the same command with --if-not-exists to finish")
	}
	if eksapi.IsUnknownPrincipal(err) {
		return withHint(err, "check the ARN (IAM role paths must be included); if the role or user was created moments ago, IAM may still be propagating it: retry in a minute")
	}
	if errors.Is(err, eksapi.ErrConflict) && !o.ifNotExists {
		return withHint(err, "add --if-not-exists to accept an identical entry, or change it with `eksaccess update`")
	}
	if err != nil {
		return err
	}
	policies, err := associateAll(ctx, o, client, entry, o.req.Policies, nil)
	if err != nil {
		return err
	}
	return o.deps.print(entryResult(entry, policies))
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
	diffs, missing := o.req.Compare(existing, have)
	if len(diffs) > 0 {
		return &exitCodeError{code: exitConflict, err: withHint(
			fmt.Errorf("access entry %s in cluster %s exists and differs from the request:\n%s", o.req.Principal, o.req.Cluster, strings.Join(diffs, "\n")),
			"change it with `eksaccess update`, or delete it and create it again")}
	}

	if len(missing) == 0 {
		fmt.Fprintf(o.deps.IO.ErrOut, "access entry %s in cluster %s exists and matches: unchanged\n", o.req.Principal, o.req.Cluster)
		return o.deps.print(entryResult(existing, policiesOrNil(o.req, have)))
	}
	policies, err := associateAll(ctx, o, client, existing, missing, have)
	if err != nil {
		return err
	}
	return o.deps.print(entryResult(existing, policies))
}

func policiesOrNil(req access.CreateEntry, have []access.AssociatedPolicy) []access.AssociatedPolicy {
	if len(req.Policies) == 0 {
		return nil
	}
	return have
}

// associateAll associates policies one by one with a fresh entry. When one
// fails it says exactly what exists now and how to finish the job.
func associateAll(ctx context.Context, o *createOptions, client *eksapi.Client, entry access.Entry, todo []access.PolicyAssociation, have []access.AssociatedPolicy) ([]access.AssociatedPolicy, error) {
	if len(todo) == 0 {
		return policiesOrNil(o.req, have), nil
	}
	done := append([]access.AssociatedPolicy{}, have...)
	partition := o.req.Principal.Partition()
	for i, pa := range todo {
		policyARN := pa.Policy.ARN(partition)
		var ap access.AssociatedPolicy
		err := untilEntryVisible(ctx, func() error {
			var err error
			ap, err = client.AssociatePolicy(ctx, o.req.Cluster, o.req.Principal, policyARN, pa.Scope)
			return err
		})
		if err != nil {
			var pending []string
			for _, p := range todo[i:] {
				pending = append(pending, p.Policy.Name())
			}
			return nil, withHint(&partialCreateError{entry: entry, associated: done, pending: pending, cause: err},
				"fix the cause, then re-run the same command with --if-not-exists to finish")
		}
		done = append(done, ap)
	}
	return sortPolicies(done), nil
}

// partialCreateError says exactly what exists after a create that stopped
// half-way: the entry, the policies associated, the ones not, and why.
type partialCreateError struct {
	entry      access.Entry
	associated []access.AssociatedPolicy
	pending    []string
	cause      error
}

func (e *partialCreateError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "access entry %s exists in cluster %s (%s)\n", e.entry.PrincipalARN, e.entry.ClusterName, e.entry.AccessEntryARN)
	if len(e.associated) > 0 {
		fmt.Fprintf(&b, "associated: %s\n", policySummary(e.associated))
	}
	fmt.Fprintf(&b, "not associated: %s\n", strings.Join(e.pending, ","))
	b.WriteString(e.cause.Error())
	return b.String()
}

func (e *partialCreateError) Unwrap() error { return e.cause }

// Eventual consistency (reference §5.1, §9.4). Right after CreateAccessEntry,
// EKS may answer AssociateAccessPolicy with "principalArn could not be
// found" for a few seconds; right after an IAM role or user is created,
// CreateAccessEntry may call it an "invalid principal". Both are retried
// with backoff for a bounded time.
var (
	entryPropagationWait     = 30 * time.Second
	principalPropagationWait = 15 * time.Second
	propagationFirstTry      = 250 * time.Millisecond
)

// untilEntryVisible retries call while EKS does not see a new entry yet.
func untilEntryVisible(ctx context.Context, call func() error) error {
	return retryWhile(ctx, entryPropagationWait, func(err error) bool { return errors.Is(err, eksapi.ErrNotFound) }, nil, call)
}

// untilPrincipalVisible retries call while IAM has not propagated a new
// principal, saying once on stderr why it waits.
func untilPrincipalVisible(ctx context.Context, deps *Deps, call func() error) error {
	waiting := func() {
		fmt.Fprintf(deps.IO.ErrOut, "EKS does not know the principal yet; waiting up to %s for IAM to propagate it\n", principalPropagationWait)
	}
	return retryWhile(ctx, principalPropagationWait, eksapi.IsUnknownPrincipal, waiting, call)
}

// retryWhile calls call until it succeeds, fails with an error retry does
// not accept, or wait has passed; notify runs before the first retry.
func retryWhile(ctx context.Context, wait time.Duration, retry func(error) bool, notify func(), call func() error) error {
	deadline := time.Now().Add(wait)
	delay := propagationFirstTry
	for {
		err := call()
		if err == nil || !retry(err) || time.Now().Add(delay).After(deadline) {
			return err
		}
		if notify != nil {
			notify()
			notify = nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay = min(delay*2, 4*time.Second)
	}
}

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
			PolicyARN:    p.Policy.ARN(r.Principal.Partition()),
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
