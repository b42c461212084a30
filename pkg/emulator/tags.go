package emulator

import (
	"maps"
	"strings"
)

// Tag operations (reference §2.14) on cluster and access-entry ARNs. They
// use their own exception names: BadRequestException and NotFoundException.

// taggable returns the tag map of the resource the call's resourceArn names.
func (s *Server) taggable(c *call) (map[string]string, error) {
	arn := c.req.PathValue("resourceArn")
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[2] != "eks" || !strings.Contains(f[5], "/") {
		return nil, badRequest("The resourceArn %s is not a valid EKS resource ARN.", arn)
	}
	notFound := tagNotFound("The resource %s could not be found.", arn)
	if f[1] != c.partition || f[3] != c.region || f[4] != s.opts.Account {
		return nil, notFound
	}
	kind, rest, _ := strings.Cut(f[5], "/")
	clusterName, _, _ := strings.Cut(rest, "/")
	cl, ok := s.clusterNamed(c, clusterName)
	if !ok {
		return nil, notFound
	}
	switch kind {
	case "cluster":
		if rest == clusterName {
			return cl.tags, nil
		}
	case "access-entry":
		for _, e := range cl.entries {
			if e.arn == arn {
				return e.tags, nil
			}
		}
	}
	return nil, notFound
}

// tagResource merges the given tags into the resource's: existing keys not
// named are kept, named keys are overwritten.
func (s *Server) tagResource(c *call, in *tagsJSON) (any, error) {
	tags := c.tags
	if err := validateTags(in.Tags, badRequest); err != nil {
		return nil, err
	}
	merged := maps.Clone(tags)
	maps.Copy(merged, in.Tags)
	if len(merged) > maxTags {
		return nil, badRequest("A resource can have at most %d tags.", maxTags)
	}
	maps.Copy(tags, in.Tags)
	return emptyOutput{}, nil
}

// untagResource removes the named keys; keys the resource lacks are ignored.
func (s *Server) untagResource(c *call) (any, error) {
	tags := c.tags
	keys := c.req.URL.Query()["tagKeys"]
	switch {
	case len(keys) == 0:
		return nil, badRequest("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	case len(keys) > maxTags:
		return nil, badRequest("The tagKeys parameter can name at most %d keys.", maxTags)
	}
	for _, k := range keys {
		if err := validateTagKey(k, badRequest); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		delete(tags, k)
	}
	return emptyOutput{}, nil
}

func (s *Server) listTagsForResource(c *call) (any, error) {
	return tagsJSON{Tags: maps.Clone(c.tags)}, nil
}
