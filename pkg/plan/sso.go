package plan

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/accessfile"
)

// SSONames gives the entries of f whose principal is an IAM Identity
// Center role the sso: name of its permission set (export --sso-names):
// sso:NAME for a role of the cluster's account (taken from live's access
// entry ARNs), sso:NAME@ACCOUNT for another's. apply resolves the name to
// the role IAM has for the permission set when it runs, so the file
// follows a re-provisioned permission set. Where two entries are of one
// permission set (the entry of the role before a re-provisioning, and the
// current one), the name would name one role only: both keep their ARNs,
// and kept says so, one line per permission set. So does a role in gone
// (one IAM no longer has: sso:NAME would name another role, or none).
func SSONames(f *accessfile.File, live []Live, gone map[string]bool) (kept []string) {
	account := ""
	for _, l := range live {
		if a, err := arn.Parse(l.AccessEntryARN); err == nil && a.AccountID != "" {
			account = a.AccountID
			break
		}
	}
	names := make([]access.SSOName, len(f.Entries))
	count := map[access.SSOName][]string{}
	for i, e := range f.Entries {
		if p := e.Principal.String(); gone[p] {
			kept = append(kept, fmt.Sprintf("IAM has no role %s any more (its permission set re-provisioned?): it keeps its ARN, which sso:%s no longer names; its entry grants nothing (eksaccess audit --fix repairs it)",
				p, access.SSOPermissionSet(p)))
			continue
		}
		if n, ok := access.SSONameFor(e.Principal.String(), account); ok {
			names[i] = n
			count[n] = append(count[n], e.Principal.String())
		}
	}
	reported := map[access.SSOName]bool{}
	for i, n := range names {
		switch {
		case n.IsZero():
		case len(count[n]) == 1:
			f.Entries[i].Principal = n.Principal(f.Entries[i].Principal.Partition())
		case !reported[n]:
			reported[n] = true
			kept = append(kept, fmt.Sprintf("%s names several roles with entries (%s): they keep their ARNs; the roles IAM no longer has grant nothing (eksaccess who --principal %s shows which)",
				n, strings.Join(count[n], ", "), n))
		}
	}
	return kept
}
