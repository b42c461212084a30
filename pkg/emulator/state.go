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
	// principalID is the unique id IAM had for the principal when the
	// entry was created ("" when IAM did not know it). EKS keeps it and
	// never returns it.
	principalID string
	typ         string
	username    string
	groups      []string
	arn         string
	created     time.Time
	modified    time.Time
	// The propagation delay: pending until the first request that should
	// not see the entry starts it (visible = that request's time + pending),
	// so that a slow client meets it too.
	pending  time.Duration
	visible  time.Time
	tags     map[string]string
	policies map[string]*association // by policy ARN
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
	expires  time.Time
}

// idempotencyTable remembers clientRequestTokens for a bounded time, and at
// most a bounded number of them, forgetting the oldest first. EKS documents
// no retention; a day is far longer than any retry of the same request.
type idempotencyTable struct {
	entries map[string]idempotentResponse
	order   []tokenAge // insertion order, oldest first
}

type tokenAge struct {
	key     string
	expires time.Time
}

// get returns the unexpired response remembered for key.
func (t *idempotencyTable) get(key string, now time.Time) (idempotentResponse, bool) {
	r, ok := t.entries[key]
	if !ok || !now.Before(r.expires) {
		return idempotentResponse{}, false
	}
	return r, true
}

// put remembers r for key until now+ttl, first forgetting expired tokens
// and, past limit, the oldest.
func (t *idempotencyTable) put(key string, r idempotentResponse, now time.Time, ttl time.Duration, limit int) {
	for len(t.order) > 0 && (len(t.entries) >= limit || !now.Before(t.order[0].expires)) {
		old := t.order[0]
		t.order = t.order[1:]
		if e, ok := t.entries[old.key]; ok && e.expires.Equal(old.expires) { // not re-used since
			delete(t.entries, old.key)
		}
	}
	r.expires = now.Add(ttl)
	t.entries[key] = r
	t.order = append(t.order, tokenAge{key: key, expires: r.expires})
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
