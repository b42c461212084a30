package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// TestRunDeleteLeavesAnEntryThatChangedHandsAtThePrompt: delete goes
// through the executor (a one-entry plan), so it re-reads the entry after
// the question and, like apply, leaves one another file adopted meanwhile
// (its owner tag set while the user read the question): exit 4, nothing
// deleted, and the message says to look again. Without the executor's
// re-read the entry is deleted.
func TestRunDeleteLeavesAnEntryThatChangedHandsAtThePrompt(t *testing.T) {
	t.Parallel()
	td := newTestDeps(t)
	td.IO.SetTTY(true, true, true)
	client, err := td.Client(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p := mustPrincipal(t, devRole)
	e, err := client.CreateEntry(t.Context(), access.CreateEntry{Cluster: "demo", Principal: p, Tags: access.Tags{access.ManagedTagKey: access.ManagedTagValue}})
	if err != nil {
		t.Fatal(err)
	}
	td.Confirm = func(ctx context.Context, _ string) (bool, error) {
		// Another file adopts the entry while the question is on screen.
		return true, client.TagEntry(ctx, "demo", e.AccessEntryARN, map[string]string{access.OwnerTagKey: "team-b"})
	}
	o := &deleteOptions{deps: td.Deps, entryTarget: entryTarget{cluster: "demo", principal: p}}
	err = runDelete(t.Context(), o)
	checkExit(t, err, cmdutil.ExitConflict, "")
	if !errors.Is(err, apply.ErrChangedMeanwhile) || !strings.Contains(err.Error(), "describe it, and run the command again") {
		t.Errorf("err = %v", err)
	}
	if n := opCount(td, "DeleteAccessEntry"); n != 0 {
		t.Errorf("%d deletes of an entry that changed hands", n)
	}
}
