package emulator

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Regions and accounts on one endpoint (see "Regions and accounts" in the
// package documentation).

// Region configures one region of the endpoint: what it has of its own
// besides its clusters. Every account has its own copy of each region (its
// own token bucket), as AWS's quotas are per account and region.
type Region struct {
	Name string
	// Latency, when positive, is added to the region's requests instead
	// of Options.Latency.
	Latency time.Duration
	// RateLimit, when positive, admits that many of the region's requests
	// a second through a token bucket of RateBurst tokens (default: the
	// rate rounded up); the others are answered 429 TooManyRequestsException.
	// It applies after, and besides, Options.RateLimit. IAM requests are
	// global: no region's limit applies to them.
	RateLimit float64
	RateBurst int
}

// Account is an account served besides Options.Account, chosen by the
// access key id a request is signed with. It has its own clusters, IAM,
// caller, requests log and faults: Server.Account returns the Server that
// serves it.
type Account struct {
	// ID is the 12-digit account id.
	ID string
	// AccessKeys are the access key ids whose requests are this account's.
	AccessKeys []string
	// Caller is the ARN STS GetCallerIdentity answers. Default
	// "arn:aws:iam::<ID>:user/emulator-admin".
	Caller string
	// Roles and Users seed the account's IAM.
	Roles []Role
	Users []User
	// DisabledRegions and DeniedRegions: see Options.
	DisabledRegions []string
	DeniedRegions   []string
}

// regionState is what one region of an account has of its own.
type regionState struct {
	name     string
	clusters map[string]*cluster // by name, besides the clusters of every region
	latency  time.Duration
	bucket   *tokenBucket
	disabled bool // an opt-in region the account has not enabled
	denied   bool // a region a policy denies the caller
}

// region returns the state of the named region, made on first use. It runs
// under s.mu.
func (s *Server) region(name string) *regionState {
	rs, ok := s.regions[name]
	if !ok {
		rs = &regionState{name: name, clusters: map[string]*cluster{}}
		s.regions[name] = rs
	}
	return rs
}

// applyRegions applies Options.Regions, DisabledRegions and DeniedRegions.
func (s *Server) applyRegions(opts Options) {
	for _, r := range opts.Regions {
		if r.Name == "" {
			panic("emulator: Options.Regions: a region without a name")
		}
		rs := s.region(r.Name)
		rs.latency = r.Latency
		rs.bucket = newTokenBucket(r.RateLimit, r.RateBurst, opts.Now())
	}
	for _, name := range opts.DisabledRegions {
		s.region(name).disabled = true
	}
	for _, name := range opts.DeniedRegions {
		s.region(name).denied = true
	}
}

// addAccounts makes a Server for each of Options.Accounts, sharing the
// endpoint's settings (latency, rates, regions, clock) but not its scheduled
// faults (Failures, Hang, RepeatPageToken), which stay the default
// account's.
func (s *Server) addAccounts(opts Options) {
	for _, a := range opts.Accounts {
		if _, err := s.AddAccount(a); err != nil {
			panic(fmt.Sprintf("emulator: Options.Accounts: %v", err))
		}
	}
}

// AddAccount serves another account on the endpoint: requests signed with
// one of a.AccessKeys are its own. It returns the account's Server, on
// which clusters, IAM principals and faults are added as on this one.
func (s *Server) AddAccount(a Account) (*Server, error) {
	if a.ID == "" || a.ID == s.opts.Account {
		return nil, fmt.Errorf("account %q: an account needs an id other than the default account's", a.ID)
	}
	opts := s.opts
	opts.Account, opts.Caller = a.ID, a.Caller
	opts.Roles, opts.Users, opts.DenyIAM = a.Roles, a.Users, false
	opts.DisabledRegions, opts.DeniedRegions = a.DisabledRegions, a.DeniedRegions
	opts.Accounts, opts.Failures, opts.Hang, opts.RepeatPageToken = nil, nil, nil, nil
	sub := New(opts)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.accounts[a.ID]; dup {
		return nil, fmt.Errorf("account %s is already served", a.ID)
	}
	for _, key := range a.AccessKeys {
		if _, dup := s.accessKeys[key]; dup || key == "" {
			return nil, fmt.Errorf("account %s: access key id %q is empty or already another account's", a.ID, key)
		}
	}
	s.accounts[a.ID] = sub
	for _, key := range a.AccessKeys {
		s.accessKeys[key] = sub
	}
	return sub, nil
}

// Account returns the Server of account id: this one for Options.Account,
// nil for an account not served.
func (s *Server) Account(id string) *Server {
	if id == s.opts.Account {
		return s
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts[id]
}

// accountFor returns the Server of another account whose access key signed
// r, or nil for this one's (any key not mapped).
func (s *Server) accountFor(r *http.Request) *Server {
	cred, err := parseCredential(r)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accessKeys[cred.accessKey]
}

// AddClusterIn adds an ACTIVE cluster to region only, as AddCluster does
// to every region. In region, it hides a cluster of that name AddCluster
// added.
func (s *Server) AddClusterIn(region, name, authMode string) {
	if region == "" {
		panic(fmt.Sprintf("emulator: AddClusterIn(%q): no region", name))
	}
	s.addCluster(region, name, authMode)
}

// SetRegionRateLimit admits rps of region's requests a second, bursts of
// up to burst (0: rps rounded up), and answers the others 429
// TooManyRequestsException, besides SetRateLimit's limit. rps 0 removes
// the region's limit. The bucket starts full.
func (s *Server) SetRegionRateLimit(region string, rps float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.region(region).bucket = newTokenBucket(rps, burst, s.opts.Now())
}

// SetRegionLatency adds d to region's requests instead of the server's
// latency (SetFaults); 0 goes back to the server's.
func (s *Server) SetRegionLatency(region string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.region(region).latency = d
}

// SetRegionDisabled makes region an opt-in region the account has not
// enabled (or enables it again): EKS and STS requests signed for it answer
// 403 UnrecognizedClientException "The security token included in the
// request is invalid." (STS: InvalidClientTokenId), as AWS does.
func (s *Server) SetRegionDisabled(region string, disabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.region(region).disabled = disabled
}

// SetRegionDenied makes a policy deny the caller every EKS action in
// region (or stop denying): EKS requests signed for it answer 403
// AccessDeniedException "... with an explicit deny in a service control
// policy"; STS GetCallerIdentity still answers, as it needs no permission.
func (s *Server) SetRegionDenied(region string, denied bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.region(region).denied = denied
}

// regionAuth applies the region's enablement and denial to an
// authenticated call. IAM is global: it is not subject to either.
func (s *Server) regionAuth(c *call) error {
	rs := c.regionState
	switch {
	case rs == nil || c.service == "iam":
		return nil
	case rs.disabled:
		return newError(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	case rs.denied && c.op != "" && c.op != "GetCallerIdentity":
		return newError(http.StatusForbidden, "AccessDeniedException",
			"User: %s is not authorized to perform: eks:%s on resource: %s with an explicit deny in a service control policy",
			s.caller, c.op, s.resourceOf(c))
	}
	return nil
}

// clusterNamed returns the cluster of that name in the call's region: the
// region's own, else one of every region.
func (s *Server) clusterNamed(c *call, name string) (*cluster, bool) {
	if rs := c.regionState; rs != nil {
		if cl, ok := rs.clusters[name]; ok {
			return cl, true
		}
	}
	cl, ok := s.clusters[name]
	return cl, ok
}

// clusterNames lists the clusters of the call's region, sorted.
func (s *Server) clusterNames(c *call) []string {
	var names []string
	for name := range s.clusters {
		names = append(names, name)
	}
	if rs := c.regionState; rs != nil {
		for name := range rs.clusters {
			if _, ok := s.clusters[name]; !ok {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// AddAccessEntry creates an access entry for principalARN on the cluster
// of region ("": a cluster AddCluster added) and associates each policy
// with cluster scope, with the rules and defaults of CreateAccessEntry and
// AssociateAccessPolicy, but not through the wire: it is not a request
// (not recorded, counted, delayed, throttled or faulted). It seeds large
// fleets quickly.
func (s *Server) AddAccessEntry(region, clusterName, principalARN string, policyARNs ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.seedCall(region, "CreateAccessEntry", clusterName, principalARN)
	c.body = marshal(map[string]string{"principalArn": principalARN})
	if err := s.resolve(c, accessCluster); err != nil {
		return err
	}
	if _, err := withInput(s.createAccessEntry)(c); err != nil {
		return err
	}
	for _, arn := range policyARNs {
		c := s.seedCall(region, "AssociateAccessPolicy", clusterName, principalARN)
		c.body = marshal(map[string]any{"policyArn": arn, "accessScope": map[string]string{"type": "cluster"}})
		if err := s.resolve(c, anEntry); err != nil {
			return err
		}
		if _, err := withInput(s.associateAccessPolicy)(c); err != nil {
			return err
		}
	}
	return nil
}

// seedCall is a call made by the Go API rather than received.
func (s *Server) seedCall(region, op, clusterName, principalARN string) *call {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, "/", http.NoBody)
	req.SetPathValue("name", clusterName)
	req.SetPathValue("principalArn", principalARN)
	c := &call{server: s, op: op, req: req}
	c.region = cmp.Or(s.opts.Region, region, "us-east-1")
	c.partition = partitionOf(c.region)
	if region != "" {
		c.regionState = s.region(region)
	}
	return c
}

// AccountID is the id of the account s serves.
func (s *Server) AccountID() string { return s.opts.Account }
