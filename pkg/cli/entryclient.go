package cli

import (
	"context"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// entryClient builds the EKS client for a command about principal's access
// entry (or, with a zero principal, about a cluster's entries), and
// refuses (exit 2, nothing sent) a principal or policy ARN of another
// partition than the region's: every entry command gets its client here,
// once the region is known.
func entryClient(ctx context.Context, deps *Deps, principal access.PrincipalARN, policies ...access.PolicyRef) (*eksapi.Client, error) {
	client, err := deps.Client(ctx)
	if err != nil {
		return nil, err
	}
	if err := access.CheckRegion(client.Region(), principal, policies...); err != nil {
		return nil, cmdutil.UsageError(err)
	}
	return client, nil
}
