package apply

import (
	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/internal/accesstest"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// The principals and helpers of package plan's tests, for the executor's.
const (
	dev   = "arn:aws:iam::111122223333:role/dev"
	ops   = "arn:aws:iam::111122223333:role/ops"
	nodes = "arn:aws:iam::111122223333:role/nodes"
)

var (
	mustPrincipal = accesstest.Principal
	assoc         = accesstest.Assoc
)

func live(p, typ string, groups []string, tags map[string]string, policies ...access.AssociatedPolicy) plan.Live {
	if groups == nil {
		groups = []string{}
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return plan.Live{
		Entry: access.Entry{
			ClusterName: "prod", PrincipalARN: access.UncheckedPrincipalARN(p), Type: access.EntryType(typ), KubernetesGroups: groups, Tags: tags, Username: "generated",
			AccessEntryARN: "arn:aws:eks:us-west-2:111122223333:access-entry/prod/x",
		},
		AssociatedAccessPolicies: policies,
	}
}
