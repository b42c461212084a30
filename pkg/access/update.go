package access

import (
	"errors"
	"slices"
)

// UpdateEntry is an UpdateAccessEntry request as the user asked for it:
// only the named fields change. Because the API resets every field a
// request leaves out, Apply turns it into the full groups and username to
// send, from the entry as it is.
type UpdateEntry struct {
	Cluster   ClusterName
	Principal PrincipalARN

	// Groups replace the entry's groups when SetGroups is true (--group);
	// NoGroups (--no-groups) removes them all.
	Groups    []string
	SetGroups bool
	NoGroups  bool

	// Username replaces the entry's username when SetUsername is true.
	Username    string
	SetUsername bool
}

// Validate checks that u changes something, that --group and --no-groups
// are not both given, and the username and group rules of CreateEntry.
// It returns every problem joined, each naming its flag. Groups should
// have been through NormalizeGroups.
func (u UpdateEntry) Validate() error {
	// The checks return nil when all is well; errors.Join drops nils.
	errs := checkTarget(u.Cluster, u.Principal)
	if !u.SetGroups && !u.NoGroups && !u.SetUsername {
		errs = append(errs, errorf("nothing to update; give --group, --no-groups or --username"))
	}
	if u.SetGroups && u.NoGroups {
		errs = append(errs, errorf("--group and --no-groups cannot be used together"))
	}
	if u.SetGroups {
		if len(u.Groups) == 0 {
			errs = append(errs, newError("--group has no group name", "use --no-groups to remove every group"))
		}
		for i, g := range u.Groups {
			errs = append(errs, FlagWords.CheckGroup(i, g))
		}
	}
	if u.SetUsername {
		if u.Username == "" {
			errs = append(errs, errorf("--username is empty"))
		} else {
			errs = append(errs, FlagWords.CheckUsername(u.Username))
		}
	}
	return errors.Join(errs...)
}

// Warnings are non-fatal remarks on a valid request: a new username whose
// {{SessionName}} is spelled in another case.
func (u UpdateEntry) Warnings() []string {
	if !u.SetUsername {
		return nil
	}
	return usernameWarnings(u.Username)
}

// Apply returns the groups and username to send to make e what u asks
// for: a field u does not name keeps e's value. groups is never nil, so
// that "no groups" is sent as an empty list. Only STANDARD entries can be
// updated; for any other type Apply returns an error.
func (u UpdateEntry) Apply(e Entry) (groups []string, username string, err error) {
	if t := e.Type.OrDefault(); t != TypeStandard {
		return nil, "", errorf("update applies to STANDARD entries only; %s entries are managed by EKS", t)
	}
	switch {
	case u.NoGroups:
		groups = []string{}
	case u.SetGroups:
		groups = NormalizeGroups(u.Groups)
	default:
		groups = slices.Clone(e.KubernetesGroups)
	}
	if groups == nil {
		groups = []string{}
	}
	username = e.Username
	if u.SetUsername {
		username = u.Username
	}
	return groups, username, nil
}
