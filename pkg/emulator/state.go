package emulator

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Authentication modes (AuthenticationMode enum).
const (
	modeAPI             = "API"
	modeAPIAndConfigMap = "API_AND_CONFIG_MAP"
	modeConfigMap       = "CONFIG_MAP"
)

func validAuthMode(m string) bool {
	return m == modeAPI || m == modeAPIAndConfigMap || m == modeConfigMap
}

// modeRank orders the modes along the only direction EKS lets them move.
var modeRank = map[string]int{modeConfigMap: 0, modeAPIAndConfigMap: 1, modeAPI: 2}

type cluster struct {
	name     string
	authMode string
	created  time.Time
	tags     map[string]string
	entries  map[string]*accessEntry // by principal ARN
	updates  map[string]updateJSON   // by update id
}

type accessEntry struct {
	principal principal
	typ       string
	username  string
	groups    []string
	arn       string
	created   time.Time
	modified  time.Time
	visible   time.Time // end of the propagation delay
	tags      map[string]string
	policies  map[string]*association // by policy ARN
}

type association struct {
	policyARN  string
	scope      accessScopeJSON
	associated time.Time
	modified   time.Time
}

// idempotentResponse is what a clientRequestToken was first used for.
type idempotentResponse struct {
	params   string // canonical form of the request without the token
	response []byte
}

func (c *cluster) sortedEntries() []*accessEntry {
	return slices.SortedFunc(maps.Values(c.entries), func(a, b *accessEntry) int {
		return strings.Compare(a.principal.arn, b.principal.arn)
	})
}

func (e *accessEntry) wire(clusterName string) accessEntryJSON {
	return accessEntryJSON{
		ClusterName:      clusterName,
		PrincipalARN:     e.principal.arn,
		KubernetesGroups: nonNil(e.groups),
		AccessEntryARN:   e.arn,
		CreatedAt:        epochSeconds(e.created),
		ModifiedAt:       epochSeconds(e.modified),
		Tags:             maps.Clone(e.tags),
		Username:         e.username,
		Type:             e.typ,
	}
}

func (a *association) wire() associatedAccessPolicyJSON {
	return associatedAccessPolicyJSON{
		PolicyARN: a.policyARN,
		AccessScope: accessScopeJSON{
			Type:       a.scope.Type,
			Namespaces: nonNil(a.scope.Namespaces),
		},
		AssociatedAt: epochSeconds(a.associated),
		ModifiedAt:   epochSeconds(a.modified),
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

func (s *Server) clusterARN(c *call, name string) string {
	return "arn:" + c.partition + ":eks:" + c.region + ":" + s.opts.Account + ":cluster/" + name
}

// accessEntryARN follows the Service Authorization Reference:
// arn:<p>:eks:<region>:<acct>:access-entry/<cluster>/<role|user>/<principal acct>/<name>/<uuid>.
// The principal's path is not part of it (unverified).
func (s *Server) accessEntryARN(c *call, clusterName string, p principal) string {
	kind := "user"
	if p.kind == "role" {
		kind = "role"
	}
	return "arn:" + c.partition + ":eks:" + c.region + ":" + s.opts.Account + ":access-entry/" +
		clusterName + "/" + kind + "/" + p.account + "/" + p.name + "/" + s.uuid()
}
