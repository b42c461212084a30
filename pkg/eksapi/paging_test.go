package eksapi_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// TestRepeatedPageTokenStops: an endpoint that answers the same nextToken
// again would keep the SDK's paginators going forever; every listing stops
// at the first repeat with ErrRepeatedPageToken, after a few calls.
func TestRepeatedPageTokenStops(t *testing.T) {
	t.Parallel()
	const admin = "arn:aws:iam::111122223333:role/admin"
	tests := []struct {
		op      string
		entries int // access entries to create first
		list    func(context.Context, *eksapi.Client, *testing.T) error
		wantOp  string
	}{
		{"ListAccessEntries", 0, func(ctx context.Context, c *eksapi.Client, t *testing.T) error {
			_, err := c.ListEntries(ctx, "demo", eksapi.ListOptions{})
			return err
		}, "list access entries in cluster demo: "},
		{"ListAccessEntries", 130, func(ctx context.Context, c *eksapi.Client, t *testing.T) error { // a real second page first
			_, err := c.ListEntries(ctx, "demo", eksapi.ListOptions{})
			return err
		}, "list access entries in cluster demo: "},
		{"ListAssociatedAccessPolicies", 0, func(ctx context.Context, c *eksapi.Client, t *testing.T) error {
			_, err := c.ListAssociatedPolicies(ctx, "demo", principal(t, admin))
			return err
		}, "list policies of access entry " + admin + " in cluster demo: "},
		{"ListAccessPolicies", 0, func(ctx context.Context, c *eksapi.Client, t *testing.T) error {
			_, err := c.ListPolicies(ctx)
			return err
		}, "list access policies: "},
		{"ListClusters", 0, func(ctx context.Context, c *eksapi.Client, t *testing.T) error {
			_, err := c.ListClusters(ctx)
			return err
		}, "list clusters: "},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.op, tt.entries), func(t *testing.T) {
			t.Parallel()
			c, srv := newClient(t)
			if _, err := c.CreateEntry(t.Context(), newEntry(t, admin)); err != nil {
				t.Fatal(err)
			}
			for i := range tt.entries {
				if _, err := c.CreateEntry(t.Context(), newEntry(t, fmt.Sprintf("arn:aws:iam::111122223333:role/r%03d", i))); err != nil {
					t.Fatal(err)
				}
			}
			srv.SetRepeatPageToken(tt.op, true)
			srv.ResetRequests()

			// Without the check, the listing would end only at this deadline.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err := tt.list(ctx, c, t)
			if !errors.Is(err, eksapi.ErrRepeatedPageToken) {
				t.Fatalf("error %v, want ErrRepeatedPageToken", err)
			}
			if want := tt.wantOp + eksapi.ErrRepeatedPageToken.Error(); err.Error() != want {
				t.Errorf("error\n %q\nwant %q", err, want)
			}
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("%d calls, want 2: the first page and its token's, which repeats it", n)
			}
		})
	}

}

func newEntry(t *testing.T, arn string) access.CreateEntry {
	t.Helper()
	return access.CreateEntry{Cluster: "demo", Principal: principal(t, arn)}
}
