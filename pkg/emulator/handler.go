package emulator

import "encoding/json"

// The one shape of a handler: the route names the resource an operation
// acts on (its target), resolve finds it before the handler runs, in the
// order EKS checks (name rules, existence, authentication mode, entry),
// and withInput decodes and checks a JSON input. A handler then only does
// what is particular to its operation.

// target is the resource an operation acts on.
type target int

const (
	noTarget         target = iota
	aCluster                // the cluster of {name} (DescribeCluster-style)
	accessCluster           // a cluster that takes access-entry calls (not CONFIG_MAP)
	anEntry                 // the access entry of {principalArn} on an access cluster
	aPropagatedEntry        // anEntry, past its propagation delay
	aTaggable               // the tags of the cluster or entry {resourceArn} names
)

// resolve finds the call's target and sets c.cluster, c.entry or c.tags.
func (s *Server) resolve(c *call, t target) error {
	var err error
	switch t {
	case aCluster:
		c.cluster, err = s.cluster(c, subjectName)
	case accessCluster:
		c.cluster, err = s.accessCluster(c)
	case anEntry, aPropagatedEntry:
		if c.cluster, err = s.accessCluster(c); err == nil {
			c.entry, err = s.entry(c, c.cluster, t == aPropagatedEntry)
		}
	case aTaggable:
		c.tags, err = s.taggable(c)
	}
	return err
}

// input is a request document: check refuses it when it lacks a required
// member, with the error EKS answers.
type input interface {
	check() error
}

// tokened is an input that carries a clientRequestToken.
type tokened interface {
	// takeToken returns the token and clears it, so that what remains is
	// the request's parameters.
	takeToken() string
}

// clientToken is the clientRequestToken member of an input.
type clientToken struct {
	ClientRequestToken string `json:"clientRequestToken"`
}

func (t *clientToken) takeToken() string {
	token := t.ClientRequestToken
	t.ClientRequestToken = ""
	return token
}

// withInput adapts a handler of a decoded input: the body is decoded into
// a new T and checked before h runs; an input with a clientRequestToken is
// made idempotent (see idempotent).
func withInput[T any, P interface {
	*T
	input
}](h func(*call, P) (any, error)) func(*call) (any, error) {
	return func(c *call) (any, error) {
		in := P(new(T))
		if err := c.decode(in); err != nil {
			return nil, err
		}
		if err := in.check(); err != nil {
			return nil, err
		}
		if t, ok := any(in).(tokened); ok {
			return c.server.idempotent(c, t, func() (any, error) { return h(c, in) })
		}
		return h(c, in)
	}
}

// idempotent implements clientRequestToken idempotency around h: the same
// token with the same parameters (the call's cluster and principal, and
// the input without its token) answers the first successful response
// again; with other parameters it is an error. A token not seen before,
// or forgotten (Options.IdempotencyTTL, Options.MaxIdempotencyTokens),
// runs h and remembers its response.
func (s *Server) idempotent(c *call, in tokened, h func() (any, error)) (any, error) {
	token := in.takeToken()
	if token == "" {
		return h()
	}
	params := c.cluster.name + "\n" + c.req.PathValue("principalArn") + "\n" + string(marshal(in))
	key := c.op + "\x00" + c.cluster.name + "\x00" + token
	if prev, ok := s.tokens.get(key, s.opts.Now()); ok {
		if prev.params != params {
			return nil, invalidParameter("The clientRequestToken %s was already used with different parameters.", token)
		}
		return json.RawMessage(prev.response), nil
	}
	v, err := h()
	if err != nil {
		return nil, err
	}
	resp := json.RawMessage(marshal(v))
	s.tokens.put(key, idempotentResponse{params: params, response: resp},
		s.opts.Now(), s.opts.IdempotencyTTL, s.opts.MaxIdempotencyTokens)
	return resp, nil
}

func (in *createAccessEntryInput) check() error {
	if in.PrincipalARN == nil {
		return required("principalArn")
	}
	return nil
}

func (in *updateAccessEntryInput) check() error { return nil }

func (in *associateAccessPolicyInput) check() error {
	switch {
	case in.PolicyARN == nil:
		return required("policyArn")
	case in.AccessScope == nil:
		return required("accessScope")
	}
	return nil
}

func (in *tagsJSON) check() error {
	if in.Tags == nil {
		return badRequest("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	return nil
}
