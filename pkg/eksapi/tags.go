package eksapi

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// TagEntry adds tags to an access entry, or overwrites their values: keys
// not named keep theirs (TagResource merges). entryARN is the entry's
// accessEntryArn; cluster names it in errors.
func (c *Client) TagEntry(ctx context.Context, cluster, entryARN string, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	_, err := c.eks.TagResource(ctx, &eks.TagResourceInput{ResourceArn: aws.String(entryARN), Tags: tags})
	return c.wrapIn(access.ClusterName(cluster), fmt.Sprintf("tag access entry %s in cluster %s", entryARN, cluster), err)
}

// UntagEntry removes tags (by key) from an access entry.
func (c *Client) UntagEntry(ctx context.Context, cluster, entryARN string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	keys = slices.Sorted(slices.Values(keys))
	_, err := c.eks.UntagResource(ctx, &eks.UntagResourceInput{ResourceArn: aws.String(entryARN), TagKeys: keys})
	return c.wrapIn(access.ClusterName(cluster), fmt.Sprintf("untag access entry %s in cluster %s", entryARN, cluster), err)
}

// EntryTags returns an access entry's tags as ListTagsForResource sees them.
func (c *Client) EntryTags(ctx context.Context, cluster, entryARN string) (map[string]string, error) {
	out, err := c.eks.ListTagsForResource(ctx, &eks.ListTagsForResourceInput{ResourceArn: aws.String(entryARN)})
	if err != nil {
		return nil, c.wrapIn(access.ClusterName(cluster), fmt.Sprintf("list tags of access entry %s in cluster %s", entryARN, cluster), err)
	}
	tags := maps.Clone(out.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return tags, nil
}
