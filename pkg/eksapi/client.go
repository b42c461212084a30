// Package eksapi is eksaccess's thin client over aws-sdk-go-v2: it maps the
// request model (package access) to SDK inputs, calls EKS or STS, maps the
// outputs back and translates errors, once, into a few kinds (ErrNotFound,
// ErrConflict, ...). It is the only package that imports service/eks.
package eksapi

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// Client calls EKS (and STS, for the caller's identity).
type Client struct {
	eks    *eks.Client
	sts    *sts.Client
	region string
}

// New loads the AWS configuration (see LoadConfig) and returns a Client.
func New(ctx context.Context, c Config) (*Client, error) {
	cfg, err := LoadConfig(ctx, c)
	if err != nil {
		return nil, err
	}
	return NewFromConfig(cfg, c.EndpointURL), nil
}

// NewFromConfig returns a Client for an aws.Config. eksEndpoint, when set
// (--endpoint-url), sends EKS calls there, ahead of AWS_ENDPOINT_URL_EKS;
// STS keeps the SDK's own resolution (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
// cfg.BaseEndpoint).
func NewFromConfig(cfg aws.Config, eksEndpoint string) *Client {
	return &Client{
		eks: eks.NewFromConfig(cfg, func(o *eks.Options) {
			if eksEndpoint != "" {
				o.BaseEndpoint = aws.String(eksEndpoint)
			}
		}),
		sts:    sts.NewFromConfig(cfg),
		region: cfg.Region,
	}
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
		return access.Entry{}, wrapIn(r.Cluster, entryOp("create", r.Cluster, r.Principal.String()), err)
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
		return access.Entry{}, wrapIn(cluster, entryOp("describe", cluster, principal.String()), err)
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
func (c *Client) ListEntries(ctx context.Context, cluster access.ClusterName, o ListOptions) ([]string, error) {
	in := &eks.ListAccessEntriesInput{ClusterName: aws.String(string(cluster))}
	if o.AssociatedPolicyARN != "" {
		in.AssociatedPolicyArn = aws.String(o.AssociatedPolicyARN)
	}
	var arns []string
	p := eks.NewListAccessEntriesPaginator(c.eks, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrapIn(cluster, "list access entries in cluster "+string(cluster), err)
		}
		arns = append(arns, page.AccessEntries...)
		if o.MaxItems > 0 && len(arns) >= o.MaxItems {
			return arns[:o.MaxItems], nil
		}
	}
	if arns == nil {
		arns = []string{}
	}
	return arns, nil
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
		return access.Entry{}, wrapIn(cluster, entryOp("update", cluster, principal.String()), err)
	}
	return entryFrom(out.AccessEntry), nil
}

// DeleteEntry deletes an access entry and, with it, its policy associations.
func (c *Client) DeleteEntry(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN) error {
	_, err := c.eks.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{
		ClusterName:  aws.String(string(cluster)),
		PrincipalArn: aws.String(principal.String()),
	})
	return wrapIn(cluster, entryOp("delete", cluster, principal.String()), err)
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
		return access.AssociatedPolicy{}, wrapIn(cluster, fmt.Sprintf("associate policy %s with %s in cluster %s", policyARN, principal, cluster), err)
	}
	return associatedFrom(out.AssociatedAccessPolicy), nil
}

// DisassociatePolicy removes an access policy from an entry.
func (c *Client) DisassociatePolicy(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN, policyARN string) error {
	_, err := c.eks.DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{
		ClusterName:  aws.String(string(cluster)),
		PrincipalArn: aws.String(principal.String()),
		PolicyArn:    aws.String(policyARN),
	})
	return wrapIn(cluster, fmt.Sprintf("disassociate policy %s from %s in cluster %s", policyARN, principal, cluster), err)
}

// ListAssociatedPolicies returns every policy associated with an entry,
// sorted by policy ARN.
func (c *Client) ListAssociatedPolicies(ctx context.Context, cluster access.ClusterName, principal access.PrincipalARN) ([]access.AssociatedPolicy, error) {
	in := &eks.ListAssociatedAccessPoliciesInput{
		ClusterName:  aws.String(string(cluster)),
		PrincipalArn: aws.String(principal.String()),
	}
	policies := []access.AssociatedPolicy{}
	p := eks.NewListAssociatedAccessPoliciesPaginator(c.eks, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrapIn(cluster, entryOp("list policies of", cluster, principal.String()), err)
		}
		for i := range page.AssociatedAccessPolicies {
			policies = append(policies, associatedFrom(&page.AssociatedAccessPolicies[i]))
		}
	}
	sort.Slice(policies, func(i, j int) bool { return policies[i].PolicyARN < policies[j].PolicyARN })
	return policies, nil
}

// ListPolicies returns the access-policy catalog, sorted by name.
func (c *Client) ListPolicies(ctx context.Context) ([]access.Policy, error) {
	policies := []access.Policy{}
	p := eks.NewListAccessPoliciesPaginator(c.eks, &eks.ListAccessPoliciesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list access policies", err)
		}
		for _, ap := range page.AccessPolicies {
			policies = append(policies, access.Policy{Name: aws.ToString(ap.Name), ARN: aws.ToString(ap.Arn)})
		}
	}
	sort.Slice(policies, func(i, j int) bool { return policies[i].Name < policies[j].Name })
	return policies, nil
}

// ListClusters returns the names of the region's clusters.
func (c *Client) ListClusters(ctx context.Context) ([]string, error) {
	names := []string{}
	p := eks.NewListClustersPaginator(c.eks, &eks.ListClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list clusters", err)
		}
		names = append(names, page.Clusters...)
	}
	sort.Strings(names)
	return names, nil
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
		return Cluster{}, wrapIn(cluster, "describe cluster "+string(cluster), err)
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

// SetAuthenticationMode starts a change of the cluster's authentication
// mode and returns the update's id.
func (c *Client) SetAuthenticationMode(ctx context.Context, cluster access.ClusterName, mode string) (string, error) {
	out, err := c.eks.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{
		Name:         aws.String(string(cluster)),
		AccessConfig: &types.UpdateAccessConfigRequest{AuthenticationMode: types.AuthenticationMode(mode)},
	})
	if err != nil {
		return "", wrapIn(cluster, fmt.Sprintf("set authentication mode of cluster %s to %s", cluster, mode), err)
	}
	if out.Update == nil {
		return "", fmt.Errorf("set authentication mode of cluster %s to %s: %w", cluster, mode, errEmptyResponse)
	}
	return aws.ToString(out.Update.Id), nil
}

// CallerIdentity returns the ARN of the identity the credentials belong to.
func (c *Client) CallerIdentity(ctx context.Context) (string, error) {
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", wrap("get caller identity", err)
	}
	return aws.ToString(out.Arn), nil
}

func entryFrom(e *types.AccessEntry) access.Entry {
	if e == nil {
		return access.Entry{}
	}
	out := access.Entry{
		ClusterName:      aws.ToString(e.ClusterName),
		PrincipalARN:     aws.ToString(e.PrincipalArn),
		KubernetesGroups: e.KubernetesGroups,
		AccessEntryARN:   aws.ToString(e.AccessEntryArn),
		CreatedAt:        utc(e.CreatedAt),
		ModifiedAt:       utc(e.ModifiedAt),
		Tags:             e.Tags,
		Username:         aws.ToString(e.Username),
		Type:             aws.ToString(e.Type),
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
