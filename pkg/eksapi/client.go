// Package eksapi is eksaccess's thin client over aws-sdk-go-v2: it maps the
// request model (package access) to SDK inputs, calls EKS, STS or IAM, maps the
// outputs back and translates errors, once, into a few kinds (ErrNotFound,
// ErrConflict, ...). It is the only package that imports service/eks (and sts, iam).
package eksapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// Client calls EKS (and STS, for the caller's identity, and IAM: iam.go).
type Client struct {
	eks     *eks.Client
	sts     *sts.Client
	iam     *iamClient // shared by every region's Client
	region  string
	debug   io.Writer // --debug lines of the client's own (see debugf); nil = off
	limiter *Limiter  // every EKS attempt passes it (limiter.go)

	cfg         aws.Config // kept for ForRegion
	eksEndpoint string
}

// New loads the AWS configuration (see LoadConfig) and returns a Client.
func New(ctx context.Context, c Config) (*Client, error) {
	cfg, err := LoadConfig(ctx, c)
	if err != nil {
		return nil, err
	}
	return newClient(cfg, c.EndpointURL, c.Debug), nil
}

// NewFromConfig returns a Client for an aws.Config. eksEndpoint, when set
// (--endpoint-url), sends EKS calls there, ahead of AWS_ENDPOINT_URL_EKS;
// STS and IAM keep the SDK's own resolution (AWS_ENDPOINT_URL_STS or
// AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL, cfg.BaseEndpoint).
func NewFromConfig(cfg aws.Config, eksEndpoint string) *Client {
	return newClient(cfg, eksEndpoint, nil)
}

// newClient builds a Client with a Limiter of its own: EKS throttles each
// account in each region apart, so each region's client paces itself.
func newClient(cfg aws.Config, eksEndpoint string, debug io.Writer) *Client {
	cfg = withOwnBody(cfg)
	c := &Client{
		sts:         sts.NewFromConfig(cfg),
		region:      cfg.Region,
		debug:       debug,
		limiter:     NewLimiter(),
		cfg:         cfg,
		eksEndpoint: eksEndpoint,
	}
	if debug != nil {
		c.limiter.notify = func(msg string) { c.debugf("%s", msg) }
	}
	c.iam = newIAMClient(cfg, c.debugf, debug != nil)
	c.eks = eks.NewFromConfig(cfg, func(o *eks.Options) {
		if eksEndpoint != "" {
			o.BaseEndpoint = aws.String(eksEndpoint)
		}
		o.APIOptions = append(o.APIOptions, c.limiter.middleware)
	})
	return c
}

// ForRegion returns a Client like c that calls EKS in region: the same
// credentials, retryer and endpoint settings, one loaded configuration for
// every region an apply file names. "" or c's own region returns c.
func (c *Client) ForRegion(region string) *Client {
	if region == "" || region == c.region {
		return c
	}
	cfg := c.cfg.Copy()
	cfg.Region = region
	rc := newClient(cfg, c.eksEndpoint, c.debug)
	rc.iam = c.iam // IAM is global: one client, one limiter, one account
	return rc
}

// Region is the region calls go to.
func (c *Client) Region() string { return c.region }

// errEmptyResponse: EKS answered 200 without the document the call returns.
var errEmptyResponse = errors.New("EKS returned an empty response")

func entryOp(verb string, cluster access.ClusterName, principal string) string {
	return fmt.Sprintf("%s access entry %s in cluster %s", verb, principal, cluster)
}

// CreateEntry creates an access entry (the policies in r are not associated
// here; see AssociatePolicy).
func (c *Client) CreateEntry(ctx context.Context, r access.CreateEntry) (access.Entry, error) {
	in := &eks.CreateAccessEntryInput{
		ClusterName:      aws.String(string(r.Cluster)),
		PrincipalArn:     aws.String(r.Principal.String()),
		KubernetesGroups: r.Groups,
		Tags:             r.Tags,
	}
	if r.Type != "" {
		in.Type = aws.String(string(r.Type))
	}
	if r.Username != "" {
		in.Username = aws.String(r.Username)
	}
	if r.ClientRequestToken != "" {
		in.ClientRequestToken = aws.String(r.ClientRequestToken)
	}
	if len(in.Tags) == 0 {
		in.Tags = nil // the API takes 1-50 tags or none
	}
	out, err := c.eks.CreateAccessEntry(ctx, in)
	if err != nil {
		return access.Entry{}, c.wrapIn(r.Cluster, entryOp("create", r.Cluster, r.Principal.String()), err)
	}
	if out.AccessEntry == nil {
		return access.Entry{}, fmt.Errorf("%s: %w", entryOp("create", r.Cluster, r.Principal.String()), errEmptyResponse)
	}
	return entryFrom(out.AccessEntry), nil
}

// DescribeEntry returns one access entry.
func (c *Client) DescribeEntry(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN) (access.Entry, error) {
	out, err := c.eks.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{
		ClusterName:  aws.String(string(cluster)),
		PrincipalArn: aws.String(principal.String()),
	})
	if err != nil {
		return access.Entry{}, c.wrapIn(cluster, entryOp("describe", cluster, principal.String()), err)
	}
	if out.AccessEntry == nil {
		return access.Entry{}, fmt.Errorf("%s: %w", entryOp("describe", cluster, principal.String()), errEmptyResponse)
	}
	return entryFrom(out.AccessEntry), nil
}

// ListOptions narrow ListEntries.
type ListOptions struct {
	AssociatedPolicyARN string // only entries with this policy
	MaxItems            int    // stop after this many; 0 = all
}

// ListEntries returns the principal ARNs of a cluster's access entries,
// following every page.
func (c *Client) ListEntries(ctx context.Context, cluster access.ClusterName, o ListOptions) ([]access.PrincipalARN, error) {
	in := &eks.ListAccessEntriesInput{ClusterName: aws.String(string(cluster))}
	if o.AssociatedPolicyARN != "" {
		in.AssociatedPolicyArn = aws.String(o.AssociatedPolicyARN)
	}
	op := "list access entries in cluster " + string(cluster)
	return listAll(ctx, eks.NewListAccessEntriesPaginator(c.eks, in), op, o.MaxItems, func(err error) error { return c.wrapIn(cluster, op, err) },
		func(page *eks.ListAccessEntriesOutput) (*string, []access.PrincipalARN) {
			// EKS listed them, so they are valid there: keep them as EKS
			// has them, even where eksaccess would not create one (an
			// account root).
			return page.NextToken, convert(page.AccessEntries, func(a *string) access.PrincipalARN { return access.UncheckedPrincipalARN(*a) })
		})
}

// UpdateEntry sets an entry's groups and username. Both are always sent:
// EKS resets a field the request omits.
func (c *Client) UpdateEntry(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN, groups []string, username string) (access.Entry, error) {
	if groups == nil {
		groups = []string{}
	}
	in := &eks.UpdateAccessEntryInput{
		ClusterName:      aws.String(string(cluster)),
		PrincipalArn:     aws.String(principal.String()),
		KubernetesGroups: groups,
	}
	if username != "" {
		in.Username = aws.String(username)
	}
	out, err := c.eks.UpdateAccessEntry(ctx, in)
	if err != nil {
		return access.Entry{}, c.wrapIn(cluster, entryOp("update", cluster, principal.String()), err)
	}
	if out.AccessEntry == nil {
		return access.Entry{}, fmt.Errorf("%s: %w", entryOp("update", cluster, principal.String()), errEmptyResponse)
	}
	return entryFrom(out.AccessEntry), nil
}

// DeleteEntry deletes an access entry and, with it, its policy associations.
// A retry that finds nothing to delete after an earlier attempt failed
// retryably is a success: that attempt deleted it (see alreadyApplied).
func (c *Client) DeleteEntry(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN) error {
	var log attemptLog
	_, err := c.eks.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{
		ClusterName:  aws.String(string(cluster)),
		PrincipalArn: aws.String(principal.String()),
	}, log.option)
	return c.alreadyApplied("DeleteAccessEntry", &log, c.wrapIn(cluster, entryOp("delete", cluster, principal.String()), err))
}

// AssociatePolicy associates (or re-scopes, in place) an access policy.
func (c *Client) AssociatePolicy(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN, policyARN string, scope access.Scope) (access.AssociatedPolicy, error) {
	out, err := c.eks.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{
		ClusterName:  aws.String(string(cluster)),
		PrincipalArn: aws.String(principal.String()),
		PolicyArn:    aws.String(policyARN),
		AccessScope: &types.AccessScope{
			Type:       types.AccessScopeType(scope.Type),
			Namespaces: scope.Namespaces,
		},
	})
	if err != nil {
		return access.AssociatedPolicy{}, c.wrapIn(cluster, fmt.Sprintf("associate policy %s with %s in cluster %s", policyARN, principal, cluster), err)
	}
	if out.AssociatedAccessPolicy == nil {
		return access.AssociatedPolicy{}, fmt.Errorf("%s: %w", fmt.Sprintf("associate policy %s with %s in cluster %s", policyARN, principal, cluster), errEmptyResponse)
	}
	return associatedFrom(out.AssociatedAccessPolicy), nil
}

// DisassociatePolicy removes an access policy from an entry. Like
// DeleteEntry, a retry that finds nothing to remove after an earlier
// attempt failed retryably is a success.
func (c *Client) DisassociatePolicy(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN, policyARN string) error {
	var log attemptLog
	_, err := c.eks.DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{
		ClusterName:  aws.String(string(cluster)),
		PrincipalArn: aws.String(principal.String()),
		PolicyArn:    aws.String(policyARN),
	}, log.option)
	return c.alreadyApplied("DisassociateAccessPolicy", &log,
		c.wrapIn(cluster, fmt.Sprintf("disassociate policy %s from %s in cluster %s", policyARN, principal, cluster), err))
}

// ListAssociatedPolicies returns every policy associated with an entry,
// sorted by policy ARN.
func (c *Client) ListAssociatedPolicies(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN) ([]access.AssociatedPolicy, error) {
	in := &eks.ListAssociatedAccessPoliciesInput{
		ClusterName:  aws.String(string(cluster)),
		PrincipalArn: aws.String(principal.String()),
	}
	op := entryOp("list policies of", cluster, principal.String())
	policies, err := listAll(ctx, eks.NewListAssociatedAccessPoliciesPaginator(c.eks, in), op, 0, func(err error) error { return c.wrapIn(cluster, op, err) },
		func(page *eks.ListAssociatedAccessPoliciesOutput) (*string, []access.AssociatedPolicy) {
			return page.NextToken, convert(page.AssociatedAccessPolicies, associatedFrom)
		})
	if err != nil {
		return nil, err
	}
	sort.Slice(policies, func(i, j int) bool { return policies[i].PolicyARN < policies[j].PolicyARN })
	return policies, nil
}

// ListPolicies returns the access-policy catalog, sorted by name.
func (c *Client) ListPolicies(ctx context.Context) ([]access.Policy, error) {
	const op = "list access policies"
	policies, err := listAll(ctx, eks.NewListAccessPoliciesPaginator(c.eks, &eks.ListAccessPoliciesInput{}), op, 0, func(err error) error { return wrap(op, err) },
		func(page *eks.ListAccessPoliciesOutput) (*string, []access.Policy) {
			return page.NextToken, convert(page.AccessPolicies, func(ap *types.AccessPolicy) access.Policy {
				return access.Policy{Name: aws.ToString(ap.Name), ARN: aws.ToString(ap.Arn)}
			})
		})
	if err != nil {
		return nil, err
	}
	sort.Slice(policies, func(i, j int) bool { return policies[i].Name < policies[j].Name })
	return policies, nil
}

// ListClusters returns the names of the region's clusters.
func (c *Client) ListClusters(ctx context.Context) ([]string, error) {
	const op = "list clusters"
	names, err := listAll(ctx, eks.NewListClustersPaginator(c.eks, &eks.ListClustersInput{}), op, 0, func(err error) error { return wrap(op, err) },
		func(page *eks.ListClustersOutput) (*string, []string) { return page.NextToken, page.Clusters })
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// ErrRepeatedPageToken: the endpoint answered a page with a nextToken it had
// already sent for the same listing. Following it would page forever (the
// SDK's paginators do not notice), so the listing stops with this error.
var ErrRepeatedPageToken = errors.New("the endpoint repeated a page token it had already sent, so paging would never end")

// pager is an SDK paginator (eks.NewListAccessEntriesPaginator, ...), of
// pages of type P, for a client whose options are O.
type pager[P, O any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*O)) (P, error)
}

// listAll reads every page of p, in order, and returns the items of all
// of them: page gives a page's next token and its items. A failed read is
// wrapped by fail; a next token the listing had already sent stops it
// with ErrRepeatedPageToken (op names the listing). max > 0 stops it once
// it has max items, and returns max. No items is an empty list, not nil.
func listAll[P, O, T any](ctx context.Context, p pager[P, O], op string, max int, fail func(error) error, page func(P) (next *string, items []T)) ([]T, error) {
	all := []T{}
	seen := pageTokens{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fail(err)
		}
		next, items := page(out)
		all = append(all, items...)
		if max > 0 && len(all) >= max {
			return all[:max], nil
		}
		if err := seen.check(op, next); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// convert is f of each of in's elements.
func convert[T, U any](in []T, f func(*T) U) []U {
	out := make([]U, len(in))
	for i := range in {
		out[i] = f(&in[i])
	}
	return out
}

// pageTokens remembers the nextTokens of one listing.
type pageTokens map[string]bool

// check fails when next was seen before in this listing, and remembers it.
func (seen pageTokens) check(op string, next *string) error {
	if next == nil || *next == "" {
		return nil
	}
	if seen[*next] {
		return fmt.Errorf("%s: %w", op, ErrRepeatedPageToken)
	}
	seen[*next] = true
	return nil
}

// Cluster is the part of a cluster eksaccess cares about.
type Cluster struct {
	Name               string `json:"name"`
	ARN                string `json:"arn"`
	Status             string `json:"status"`
	AuthenticationMode string `json:"authenticationMode"`
}

// DescribeCluster returns a cluster's status and authentication mode.
func (c *Client) DescribeCluster(ctx context.Context, cluster access.ClusterName) (Cluster, error) {
	out, err := c.eks.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(string(cluster))})
	if err != nil {
		return Cluster{}, c.wrapIn(cluster, "describe cluster "+string(cluster), err)
	}
	if out.Cluster == nil {
		return Cluster{}, fmt.Errorf("describe cluster %s: %w", cluster, errEmptyResponse)
	}
	cl := Cluster{
		Name:   aws.ToString(out.Cluster.Name),
		ARN:    aws.ToString(out.Cluster.Arn),
		Status: string(out.Cluster.Status),
	}
	if out.Cluster.AccessConfig != nil {
		cl.AuthenticationMode = string(out.Cluster.AccessConfig.AuthenticationMode)
	}
	if cl.AuthenticationMode == "" {
		cl.AuthenticationMode = "CONFIG_MAP"
	}
	return cl, nil
}

// Update is an asynchronous cluster update as UpdateClusterConfig and
// DescribeUpdate return it, with the API's key names.
type Update struct {
	ID        string        `json:"id"`
	Status    string        `json:"status"`
	Type      string        `json:"type"`
	Params    []UpdateParam `json:"params"`
	CreatedAt time.Time     `json:"createdAt,omitzero"`
	Errors    []UpdateError `json:"errors"`
}

// UpdateParam is one parameter of an Update; Value is as EKS sends it (a
// mode arrives JSON-quoted: "\"API\"").
type UpdateParam struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// UpdateError is one error of a failed Update.
type UpdateError struct {
	ErrorCode    string   `json:"errorCode"`
	ErrorMessage string   `json:"errorMessage"`
	ResourceIDs  []string `json:"resourceIds"`
}

// SetAuthenticationMode starts a change of the cluster's authentication
// mode and returns the update.
func (c *Client) SetAuthenticationMode(ctx context.Context, cluster access.ClusterName, mode string) (Update, error) {
	out, err := c.eks.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{
		Name:         aws.String(string(cluster)),
		AccessConfig: &types.UpdateAccessConfigRequest{AuthenticationMode: types.AuthenticationMode(mode)},
	})
	if err != nil {
		return Update{}, c.wrapIn(cluster, fmt.Sprintf("set authentication mode of cluster %s to %s", cluster, mode), err)
	}
	if out.Update == nil {
		return Update{}, fmt.Errorf("set authentication mode of cluster %s to %s: %w", cluster, mode, errEmptyResponse)
	}
	return updateFrom(out.Update), nil
}

func updateFrom(u *types.Update) Update {
	out := Update{
		ID:        aws.ToString(u.Id),
		Status:    string(u.Status),
		Type:      string(u.Type),
		CreatedAt: utc(u.CreatedAt),
		Params:    []UpdateParam{},
		Errors:    []UpdateError{},
	}
	for _, p := range u.Params {
		out.Params = append(out.Params, UpdateParam{Type: string(p.Type), Value: aws.ToString(p.Value)})
	}
	for _, e := range u.Errors {
		ids := e.ResourceIds
		if ids == nil {
			ids = []string{}
		}
		out.Errors = append(out.Errors, UpdateError{ErrorCode: string(e.ErrorCode), ErrorMessage: aws.ToString(e.ErrorMessage), ResourceIDs: ids})
	}
	return out
}

// CallerIdentity returns the ARN of the identity the credentials belong to.
func (c *Client) CallerIdentity(ctx context.Context) (string, error) {
	// The credentials do not change while a command runs: STS is asked
	// once per command (audit names the caller, then IAM's checks need
	// its account), by every region's Client together.
	c.iam.mu.Lock()
	defer c.iam.mu.Unlock()
	if c.iam.caller != "" {
		return c.iam.caller, nil
	}
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", wrap("get caller identity", err)
	}
	c.iam.caller = aws.ToString(out.Arn)
	return c.iam.caller, nil
}

func entryFrom(e *types.AccessEntry) access.Entry {
	if e == nil {
		return access.Entry{}
	}
	out := access.Entry{
		ClusterName:      aws.ToString(e.ClusterName),
		PrincipalARN:     access.UncheckedPrincipalARN(aws.ToString(e.PrincipalArn)),
		KubernetesGroups: e.KubernetesGroups,
		AccessEntryARN:   aws.ToString(e.AccessEntryArn),
		CreatedAt:        utc(e.CreatedAt),
		ModifiedAt:       utc(e.ModifiedAt),
		Revision:         revision(e.ModifiedAt),
		Tags:             e.Tags,
		Username:         aws.ToString(e.Username),
		Type:             access.EntryType(aws.ToString(e.Type)),
	}
	if out.KubernetesGroups == nil {
		out.KubernetesGroups = []string{}
	}
	if out.Tags == nil {
		out.Tags = map[string]string{}
	}
	return out
}

func associatedFrom(p *types.AssociatedAccessPolicy) access.AssociatedPolicy {
	if p == nil {
		return access.AssociatedPolicy{}
	}
	out := access.AssociatedPolicy{
		PolicyARN:    aws.ToString(p.PolicyArn),
		AssociatedAt: utc(p.AssociatedAt),
		ModifiedAt:   utc(p.ModifiedAt),
	}
	if p.AccessScope != nil {
		out.AccessScope = access.Scope{Type: access.ScopeType(p.AccessScope.Type), Namespaces: p.AccessScope.Namespaces}
	}
	if out.AccessScope.Namespaces == nil {
		out.AccessScope.Namespaces = []string{}
	}
	return out
}

// utc is t in UTC to the whole second, so that every timestamp prints
// with the same precision (RFC 3339 without a fraction) and sorts as a
// string; EKS's own milliseconds would make some times 3 digits longer.
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// revision is an entry's modifiedAt to the nanosecond, as EKS sent it:
// access.Entry.Revision.
func revision(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
