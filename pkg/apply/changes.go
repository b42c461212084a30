package apply

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// changedFields is the one concurrent-writer rule: how an entry read twice
// differs (was, then is) in what a write of its groups and username sends
// over, and in its revision (modifiedAt, which catches a change and its
// undoing). None means no other writer came between the two reads. The
// groups compare as sorted lists, so that even a duplicate another writer
// added counts (the stricter of the two rules update and apply once had).
func changedFields(was, is access.Entry) []string {
	var changes []string
	if a, b := sorted(was.KubernetesGroups), sorted(is.KubernetesGroups); !slices.Equal(a, b) {
		changes = append(changes, fmt.Sprintf("kubernetesGroups [%s] -> [%s]", strings.Join(a, " "), strings.Join(b, " ")))
	}
	if was.Username != is.Username {
		changes = append(changes, fmt.Sprintf("username %q -> %q", was.Username, is.Username))
	}
	if was.Revision != is.Revision {
		changes = append(changes, fmt.Sprintf("modifiedAt %s -> %s", was.Revision, is.Revision))
	}
	return changes
}

// overwritten is what another writer wrote at the same time as a write of
// groups and username, as the entry read back after it (back) shows: the
// fields that are not the ones the write sent (wrote). The revision is the
// write's own, so only the fields count, and the groups as a set (the
// groups sent are normalized; EKS answers them in its own order).
func overwritten(wrote, back access.Entry) []string {
	wrote.KubernetesGroups = slices.Compact(sorted(wrote.KubernetesGroups))
	back.KubernetesGroups = slices.Compact(sorted(back.KubernetesGroups))
	wrote.Revision = back.Revision
	return changedFields(wrote, back)
}

// readFromBefore reports whether an entry read back after a write is the
// entry exactly as it was before it (before): EKS answered from before the
// write (eventual consistency), which says nothing about another writer.
func readFromBefore(before, back access.Entry) bool {
	return back.Revision == before.Revision && len(changedFields(before, back)) == 0
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
