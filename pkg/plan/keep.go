package plan

import "github.com/eksaccess/eksaccess/pkg/access"

// planUnnamed plans a live entry the file does not name. With --prune it
// is planDelete's decision. Without, the entry is kept, and its reason
// says what --prune would do to this entry, as planDelete would decide
// it: delete it (apply created it), leave it (a node entry, one apply did
// not create, one a file cannot state), or refuse (your own access). So
// diff --verbose answers "what would --prune do?" entry by entry.
func planUnnamed(cluster access.ClusterName, l *Live, o Options) Change {
	if o.Prune {
		return planDelete(cluster, l, o)
	}
	o.Prune = true
	c := planDelete(cluster, l, o)
	switch c.Action {
	case ActionDelete:
		why := "apply created it: tag " + ManagedTagKey + "=" + ManagedTagValue
		if o.Owner != "" {
			why = "apply created it for owner " + o.Owner + ": tags " + ManagedTagKey + "=" + ManagedTagValue + ", " + OwnerTagKey + "=" + o.Owner
		}
		c.Reason = "not in the file; --prune would delete it (" + why + ")"
	case ActionRefuse:
		c.Reason = "not in the file; --prune would refuse to delete it: " + c.Reason
	}
	c.Action = ActionKeep
	c.WithPrune = c.Prune
	c.Prune = PruneNotAsked // the reason says what --prune would do
	return c
}
