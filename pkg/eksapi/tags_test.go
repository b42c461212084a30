package eksapi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

func TestEntryTagsRoundTrip(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	e, err := c.CreateEntry(t.Context(), access.CreateEntry{
		Cluster:   "demo",
		Principal: principal(t, "arn:aws:iam::111122223333:role/dev"),
		Tags:      access.Tags{"team": "a", "keep": "k"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.TagEntry(t.Context(), "demo", e.AccessEntryARN, map[string]string{"team": "b", "new": ""}); err != nil {
		t.Fatal(err)
	}
	if err := c.UntagEntry(t.Context(), "demo", e.AccessEntryARN, []string{"keep"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.EntryTags(t.Context(), "demo", e.AccessEntryARN)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"team": "b", "new": ""}, got); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	// No-ops send nothing and cannot fail.
	if err := c.TagEntry(t.Context(), "demo", "arn:bogus", nil); err != nil {
		t.Errorf("empty TagEntry: %v", err)
	}
	if err := c.UntagEntry(t.Context(), "demo", "arn:bogus", nil); err != nil {
		t.Errorf("empty UntagEntry: %v", err)
	}
}

func TestEntryTagsNotFound(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	_, err := c.EntryTags(t.Context(), "demo", "arn:aws:eks:us-west-2:111122223333:access-entry/demo/role/111122223333/none/00000000-0000-0000-0000-000000000000")
	if !errors.Is(err, eksapi.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestForRegion(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	if c.ForRegion("") != c || c.ForRegion(c.Region()) != c {
		t.Error("ForRegion of the client's own region made a new client")
	}
	eu := c.ForRegion("eu-west-1")
	if eu.Region() != "eu-west-1" {
		t.Fatalf("region = %q", eu.Region())
	}
	// The same endpoint and credentials; the signing region is the new one,
	// so the emulator makes the entry's ARN in it.
	e, err := eu.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: principal(t, "arn:aws:iam::111122223333:role/eu")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.AccessEntryARN, "arn:aws:eks:eu-west-1:") {
		t.Errorf("entry ARN %q is not in eu-west-1", e.AccessEntryARN)
	}
}
