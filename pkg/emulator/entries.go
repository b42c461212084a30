package emulator

import (
	"maps"
	"slices"
)

// Access-entry operations (reference §2.1-2.5, §5.1-5.3).

const (
	msgConfigMapMode    = "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation."
	msgEntryNotFound    = "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'."
	msgEntryInUse       = "The specified access entry resource is already in use on this cluster."
	msgInvalidPrincipal = "The specified principalArn is invalid: invalid principal."
	msgPrincipalFormat  = "The principalArn parameter format is not valid"
)

// accessCluster returns the call's cluster if it accepts access-entry calls:
// name rules, then existence (404), then authentication mode (400).
func (s *Server) accessCluster(c *call) (*cluster, error) {
	cl, err := s.cluster(c, subjectClusterName)
	if err != nil {
		return nil, err
	}
	if cl.authMode == modeConfigMap {
		return nil, invalidRequest(msgConfigMapMode)
	}
	return cl, nil
}

// entry returns the access entry named by the call's principalArn. With
// propagated set, an entry still inside its propagation delay is not found.
func (s *Server) entry(c *call, cl *cluster, propagated bool) (*accessEntry, error) {
	e, ok := cl.entries[c.req.PathValue("principalArn")]
	if !ok || (propagated && !s.propagated(e)) {
		return nil, resourceNotFound(msgEntryNotFound)
	}
	return e, nil
}

// propagated reports whether e's propagation delay has passed. The delay
// starts at the first request that asks (not at the creation), so that it
// is met however long the client took to send that request.
func (s *Server) propagated(e *accessEntry) bool {
	now := s.now()
	if e.pending > 0 {
		e.visible, e.pending = now.Add(e.pending), 0
	}
	return !now.Before(e.visible)
}

func (s *Server) createAccessEntry(c *call, in *createAccessEntryInput) (any, error) {
	cl := c.cluster
	p, err := s.checkPrincipal(c, *in.PrincipalARN)
	if err != nil {
		return nil, err
	}
	typ := typeStandard
	if in.Type != nil {
		typ = *in.Type
	}
	if err := validateType(typ); err != nil {
		return nil, err
	}
	if err := s.checkNodeType(typ, p, in.Username, in.KubernetesGroups); err != nil {
		return nil, err
	}
	username := defaultUsername(typ, p)
	if in.Username != nil && *in.Username != "" {
		if err := validateUsername(*in.Username); err != nil {
			return nil, err
		}
		username = *in.Username
	}
	groups := defaultGroups(typ)
	if typ == typeStandard && len(in.KubernetesGroups) > 0 {
		if err := validateGroups(in.KubernetesGroups); err != nil {
			return nil, err
		}
		groups = slices.Clone(in.KubernetesGroups)
	}
	tags := map[string]string{}
	if in.Tags != nil {
		if err := validateTags(in.Tags, invalidParameter); err != nil {
			return nil, err
		}
		tags = maps.Clone(in.Tags)
	}
	if _, dup := cl.entries[p.arn]; dup {
		return nil, resourceInUse(msgEntryInUse)
	}

	now := s.now()
	e := &accessEntry{
		principal:   p,
		principalID: s.principalID(p),
		typ:         typ,
		username:    username,
		groups:      groups,
		arn:         s.accessEntryARN(c, cl.name, p),
		created:     now,
		modified:    now,
		pending:     s.opts.PropagationDelay,
		tags:        tags,
		policies:    map[string]*association{},
	}
	cl.entries[p.arn] = e
	return accessEntryOutput{AccessEntry: e.wire(cl.name)}, nil
}

func (s *Server) describeAccessEntry(c *call) (any, error) {
	return accessEntryOutput{AccessEntry: c.entry.wire(c.cluster.name)}, nil
}

func (s *Server) listAccessEntries(c *call) (any, error) {
	cl := c.cluster
	filter := c.req.URL.Query().Get("associatedPolicyArn")
	var principals []string
	for _, e := range cl.sortedEntries() {
		if _, ok := e.policies[filter]; filter == "" || ok {
			principals = append(principals, e.principal.arn)
		}
	}
	page, next, err := paginate(c, "ListAccessEntries\x00"+cl.name+"\x00"+filter, principals, func(p string) string { return p })
	if err != nil {
		return nil, err
	}
	return listAccessEntriesOutput{AccessEntries: nonNil(page), NextToken: next}, nil
}

// updateAccessEntry replaces username and groups (§5.2): an omitted field
// goes back to the EKS default rather than keeping its value.
func (s *Server) updateAccessEntry(c *call, in *updateAccessEntryInput) (any, error) {
	cl := c.cluster
	e, err := s.entry(c, cl, true)
	if err != nil {
		return nil, err
	}

	username := defaultUsername(e.typ, e.principal)
	groups := defaultGroups(e.typ)
	if e.typ != typeStandard {
		if err := checkNodeFields(e.typ, in.Username, in.KubernetesGroups); err != nil {
			return nil, err
		}
	} else {
		if in.Username != nil && *in.Username != "" {
			if err := validateUsername(*in.Username); err != nil {
				return nil, err
			}
			username = *in.Username
		}
		if err := validateGroups(in.KubernetesGroups); err != nil {
			return nil, err
		}
		if len(in.KubernetesGroups) > 0 {
			groups = slices.Clone(in.KubernetesGroups)
		}
	}
	e.username, e.groups, e.modified = username, groups, s.now()
	return accessEntryOutput{AccessEntry: e.wire(cl.name)}, nil
}

// deleteAccessEntry removes the entry with its policy associations and tags.
func (s *Server) deleteAccessEntry(c *call) (any, error) {
	delete(c.cluster.entries, c.entry.principal.arn)
	return emptyOutput{}, nil
}
