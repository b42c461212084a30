package emulator_test

import (
	"errors"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// TestSDKDecodes is a sanity check that aws-sdk-go-v2 decodes every
// response with all fields set: a PascalCase key or a string timestamp would
// leave a nil field without any error.
func TestSDKDecodes(t *testing.T) {
	t.Parallel()
	srv := emulator.New(emulator.Options{})
	srv.AddCluster("demo", "")
	srv.AddCluster("legacy", "CONFIG_MAP")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	cfg := sdkConfig(ts.URL, "AKIDEXAMPLE")
	client := eks.NewFromConfig(cfg)
	ctx := t.Context()

	created, err := client.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{
		ClusterName:  aws.String("demo"),
		PrincipalArn: aws.String(adminRole),
	})
	if err != nil {
		t.Fatal(err)
	}
	allSet(t, "CreateAccessEntry", created.AccessEntry)
	if !created.AccessEntry.CreatedAt.Equal(created.AccessEntry.CreatedAt.Truncate(time.Millisecond)) {
		t.Errorf("createdAt %v has more than millisecond precision", created.AccessEntry.CreatedAt)
	}

	described, err := client.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole)})
	if err != nil {
		t.Fatal(err)
	}
	allSet(t, "DescribeAccessEntry", described.AccessEntry)

	updated, err := client.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{
		ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole),
		KubernetesGroups: []string{"ops"}, Username: aws.String("admin:{{SessionName}}"),
	})
	if err != nil {
		t.Fatal(err)
	}
	allSet(t, "UpdateAccessEntry", updated.AccessEntry)

	listed, err := client.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String("demo")})
	if err != nil || len(listed.AccessEntries) != 1 || listed.AccessEntries[0] != adminRole {
		t.Errorf("ListAccessEntries: %v %v", listed, err)
	}

	associated, err := client.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{
		ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole), PolicyArn: aws.String(viewARN),
		AccessScope: &types.AccessScope{Type: types.AccessScopeTypeCluster},
	})
	if err != nil {
		t.Fatal(err)
	}
	allSet(t, "AssociateAccessPolicy", associated)
	allSet(t, "AssociateAccessPolicy", associated.AssociatedAccessPolicy)
	allSet(t, "AssociateAccessPolicy", associated.AssociatedAccessPolicy.AccessScope)

	assoc, err := client.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole)})
	if err != nil || len(assoc.AssociatedAccessPolicies) != 1 {
		t.Fatalf("ListAssociatedAccessPolicies: %v %v", assoc, err)
	}
	allSet(t, "ListAssociatedAccessPolicies", assoc.AssociatedAccessPolicies[0])
	if assoc.ClusterName == nil || assoc.PrincipalArn == nil {
		t.Errorf("ListAssociatedAccessPolicies: %+v", assoc)
	}

	var policies []types.AccessPolicy
	for p := eks.NewListAccessPoliciesPaginator(client, &eks.ListAccessPoliciesInput{MaxResults: aws.Int32(4)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		policies = append(policies, page.AccessPolicies...)
	}
	if len(policies) != 27 {
		t.Errorf("paginator collected %d policies, want 27", len(policies))
	}
	for _, p := range policies {
		allSet(t, "ListAccessPolicies", p)
	}

	cluster, err := client.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("demo")})
	if err != nil {
		t.Fatal(err)
	}
	c := cluster.Cluster
	if c.Name == nil || c.Arn == nil || c.CreatedAt == nil || c.Status != types.ClusterStatusActive || c.AccessConfig == nil ||
		c.AccessConfig.AuthenticationMode != types.AuthenticationModeApiAndConfigMap || c.AccessConfig.BootstrapClusterCreatorAdminPermissions == nil ||
		c.Endpoint == nil || c.Tags == nil || c.ResourcesVpcConfig == nil || c.Identity == nil {
		t.Errorf("DescribeCluster: %+v", c)
	}

	clusters, err := client.ListClusters(ctx, &eks.ListClustersInput{})
	if err != nil || len(clusters.Clusters) != 2 {
		t.Errorf("ListClusters: %v %v", clusters, err)
	}

	upd, err := client.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{
		Name:         aws.String("legacy"),
		AccessConfig: &types.UpdateAccessConfigRequest{AuthenticationMode: types.AuthenticationModeApiAndConfigMap},
	})
	if err != nil {
		t.Fatal(err)
	}
	allSet(t, "UpdateClusterConfig", upd.Update, "Cancellation") // newer than the reference model; only for cancelled updates
	if upd.Update.Type != types.UpdateTypeAccessConfigUpdate || upd.Update.Status != types.UpdateStatusInProgress ||
		len(upd.Update.Params) != 1 || *upd.Update.Params[0].Value != `"API_AND_CONFIG_MAP"` {
		t.Errorf("UpdateClusterConfig: %+v", upd.Update)
	}
	if _, err := client.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: aws.String("legacy"), UpdateId: upd.Update.Id}); err != nil {
		t.Errorf("DescribeUpdate: %v", err)
	}

	arn := created.AccessEntry.AccessEntryArn
	if _, err := client.TagResource(ctx, &eks.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"a": "1", "b": "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.UntagResource(ctx, &eks.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := client.ListTagsForResource(ctx, &eks.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["b"] != "2" {
		t.Errorf("ListTagsForResource: %v %v", tags, err)
	}

	if _, err := client.DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole), PolicyArn: aws.String(viewARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole)}); err != nil {
		t.Fatal(err)
	}

	identity, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	allSet(t, "GetCallerIdentity", identity)
}

func TestSDKErrors(t *testing.T) {
	t.Parallel()
	srv := emulator.New(emulator.Options{})
	srv.AddCluster("demo", "")
	srv.AddCluster("legacy", "CONFIG_MAP")
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	client := eks.NewFromConfig(sdkConfig(ts.URL, "AKIDEXAMPLE"))
	ctx := t.Context()
	describe := func(cluster, principal string) error {
		_, err := client.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal)})
		return err
	}
	create := func(c *eks.Client, principal string) error {
		_, err := c.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(principal)})
		return err
	}

	var notFound *types.ResourceNotFoundException
	if err := describe("demo", adminRole); !errors.As(err, &notFound) || notFound.ErrorMessage() != msgEntryNotFound {
		t.Errorf("missing entry: %v", err)
	}
	var invalidRequest *types.InvalidRequestException
	if err := describe("legacy", adminRole); !errors.As(err, &invalidRequest) {
		t.Errorf("CONFIG_MAP cluster: %v", err)
	}
	if err := create(client, adminRole); err != nil {
		t.Fatal(err)
	}
	var inUse *types.ResourceInUseException
	if err := create(client, adminRole); !errors.As(err, &inUse) {
		t.Errorf("duplicate: %v", err)
	}
	var invalidParam *types.InvalidParameterException
	if err := create(client, "arn:aws:sts::111122223333:assumed-role/A/b"); !errors.As(err, &invalidParam) || invalidParam.ErrorMessage() != msgFormat {
		t.Errorf("assumed role: %v", err)
	}

	for key, code := range map[string]string{"DENIED": "AccessDeniedException", "EXPIRED": "ExpiredTokenException", "UNKNOWN": "UnrecognizedClientException"} {
		var apiErr smithy.APIError
		err := create(eks.NewFromConfig(sdkConfig(ts.URL, key)), aliceUser)
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
			t.Errorf("%s: %v, want %s", key, err, code)
		}
	}

	// The SDK retries TooManyRequestsException and ServerException.
	srv.FailNext("DescribeAccessEntry", 429, "TooManyRequestsException", "Too Many Requests")
	srv.FailNext("DescribeAccessEntry", 500, "ServerException", "boom")
	srv.ResetRequests()
	retrying := eks.NewFromConfig(sdkConfig(ts.URL, "AKIDEXAMPLE"), func(o *eks.Options) {
		o.RetryMaxAttempts = 3
		o.Retryer = retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	})
	if _, err := retrying.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String("demo"), PrincipalArn: aws.String(adminRole)}); err != nil {
		t.Errorf("after two retryable errors: %v", err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func sdkConfig(endpoint, accessKey string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, "secret", ""),
		BaseEndpoint:     aws.String(endpoint),
		RetryMaxAttempts: 1,
	}
}

// allSet fails for every nil pointer, slice or map field (and empty string)
// of the struct v or *v, but the named ones.
func allSet(t *testing.T, op string, v any, except ...string) {
	t.Helper()
	rv := reflect.Indirect(reflect.ValueOf(v))
	if !rv.IsValid() {
		t.Errorf("%s: nil %T", op, v)
		return
	}
	for i := range rv.NumField() {
		f, ft := rv.Field(i), rv.Type().Field(i)
		if !ft.IsExported() || ft.Name == "ResultMetadata" || slices.Contains(except, ft.Name) {
			continue
		}
		switch f.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			if f.IsNil() {
				t.Errorf("%s: %s.%s is nil", op, rv.Type().Name(), ft.Name)
			}
		case reflect.String:
			if f.String() == "" {
				t.Errorf("%s: %s.%s is empty", op, rv.Type().Name(), ft.Name)
			}
		}
	}
}
