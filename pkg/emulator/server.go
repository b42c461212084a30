package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is a working emulator.
type Options struct {
	// Account is the AWS account that owns the clusters. Default "111122223333".
	Account string
	// Region is used in every ARN the emulator makes. Default: the region of
	// each request's SigV4 credential scope, else "us-east-1".
	Region string
	// Caller is the ARN that STS GetCallerIdentity returns and that
	// AccessDeniedException messages name. Default
	// "arn:aws:iam::<Account>:user/emulator-admin".
	Caller string

	// Latency is added to every request.
	Latency time.Duration
	// ThrottleRate is the fraction (0..1) of requests answered with
	// 429 TooManyRequestsException "Too Many Requests".
	ThrottleRate float64
	// ErrorRate is the fraction (0..1) of requests answered with
	// 500 ServerException.
	ErrorRate float64
	// Seed seeds the random number generators (faults and identifiers), so
	// that a sequential run is reproducible.
	Seed int64

	// Hang lists operations ("all": every one) whose requests are never
	// answered: each is held until the client gives up (its request context
	// ends) or HangMax passes, then its connection is dropped.
	Hang []string
	// HangMax bounds how long a hung request is held. Default 5m.
	HangMax time.Duration
	// Failures schedules faults for numbered requests of an operation (the
	// 3rd DescribeAccessEntry answers 500...).
	Failures []CallFault
	// RepeatPageToken lists the list operations ("all": every one) that
	// always answer the same nextToken, as a buggy server would: the first
	// page carries one (even when it holds the whole list), and every page
	// asked for with a token carries that token again. A client that does
	// not notice pages forever.
	RepeatPageToken []string
	// RateLimit, when positive, admits that many requests per second
	// through a token bucket of RateBurst tokens; a request finding the
	// bucket empty is answered 429 TooManyRequestsException.
	RateLimit float64
	// RateBurst is the token bucket's size. Default: RateLimit rounded up.
	RateBurst int

	// PropagationDelay keeps a freshly created access entry invisible to
	// AssociateAccessPolicy and UpdateAccessEntry for this long: they answer
	// 404 as EKS does while the entry propagates. The delay counts from the
	// first of those requests for the entry, not from its creation, so a
	// client meets it however slowly it sends that request.
	PropagationDelay time.Duration
	// AllowDirectAPIMode allows UpdateClusterConfig from CONFIG_MAP straight
	// to API. By default that jump is rejected, as EKS was observed to do.
	AllowDirectAPIMode bool

	// Roles and Users seed IAM (iam.go); New panics on one IAM would
	// refuse. More can be added, and deleted, with CreateRole, DeleteRole,
	// CreateUser and DeleteUser.
	Roles []Role
	Users []User
	// DenyIAM answers every IAM request 403 AccessDenied (see
	// SetIAMDenied).
	DenyIAM bool

	// Regions gives regions a latency and a rate limit of their own (see
	// Region). Clusters are given a region with AddClusterIn.
	Regions []Region
	// DisabledRegions are opt-in regions the account has not enabled (see
	// SetRegionDisabled); DeniedRegions deny the caller every EKS action
	// (see SetRegionDenied).
	DisabledRegions []string
	DeniedRegions   []string
	// Accounts are served besides Account, chosen by access key id (see
	// Account and AddAccount).
	Accounts []Account

	// RecordLimit is how many recent requests Requests keeps; older ones
	// are dropped. Default 10000; negative keeps none.
	RecordLimit int
	// RecordBodyLimit caps the bytes of each recorded body. Default 16 KiB.
	RecordBodyLimit int
	// RecordBytes caps the bytes (bodies, paths, queries) of all recorded
	// requests together; the oldest are dropped first. Default 16 MiB.
	RecordBytes int

	// IdempotencyTTL is how long a clientRequestToken is remembered.
	// Default 24h.
	IdempotencyTTL time.Duration
	// MaxIdempotencyTokens caps the clientRequestTokens remembered; the
	// oldest are forgotten first. Default 10000.
	MaxIdempotencyTokens int

	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Logf, when set, receives one line per request.
	Logf func(format string, args ...any)
}

// Request is a request as the emulator received it.
type Request struct {
	Op     string // operation name (EKS, STS GetCallerIdentity, IAM GetRole...), "" for an unknown route
	Method string
	Path   string // unescaped
	Query  url.Values
	// Body is the request body, cut to Options.RecordBodyLimit; nil for a
	// request that failed authentication.
	Body []byte
	// BodySize is the length of the body received (at most 1 MiB is read).
	BodySize int
}

// Server is an in-memory EKS endpoint. It implements http.Handler and is
// safe for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu           sync.Mutex
	caller       string
	latency      time.Duration
	throttleRate float64
	errorRate    float64
	faultRNG     *rand.Rand // decides random faults
	idRNG        *rand.Rand // makes UUIDs and request ids
	clusters     map[string]*cluster
	missing      map[string]*unknownPrincipal // principal ARNs IAM does not know (yet)
	failures     map[string][]*apiError       // FailNext queue per operation
	tokens       idempotencyTable             // clientRequestToken replay table
	requests     requestLog
	faults       faultState              // the fault knobs of faults.go
	after        afterFaults             // FailAfter, ResetAfter (afterfault.go)
	hooks        callHooks               // OnCall (hook.go)
	iam          iamState                // roles and users (iam.go)
	regions      map[string]*regionState // by name (regions.go)
	accounts     map[string]*Server      // the other accounts, by id
	accessKeys   map[string]*Server      // the other accounts, by access key id
}

// New returns an emulator with no clusters; add them with AddCluster.
func New(opts Options) *Server {
	opts.Account = cmp.Or(opts.Account, "111122223333")
	opts.Caller = cmp.Or(opts.Caller, "arn:aws:iam::"+opts.Account+":user/emulator-admin")
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.HangMax = cmp.Or(opts.HangMax, 5*time.Minute)
	opts.IdempotencyTTL = cmp.Or(opts.IdempotencyTTL, 24*time.Hour)
	opts.MaxIdempotencyTokens = cmp.Or(opts.MaxIdempotencyTokens, 10000)
	seed := uint64(opts.Seed)
	s := &Server{
		opts:         opts,
		mux:          http.NewServeMux(),
		caller:       opts.Caller,
		latency:      opts.Latency,
		throttleRate: opts.ThrottleRate,
		errorRate:    opts.ErrorRate,
		faultRNG:     rand.New(rand.NewPCG(seed, 0xfa017)),
		idRNG:        rand.New(rand.NewPCG(seed, 0x1d5)),
		clusters:     map[string]*cluster{},
		missing:      map[string]*unknownPrincipal{},
		failures:     map[string][]*apiError{},
		tokens:       idempotencyTable{entries: map[string]idempotentResponse{}},
		requests:     newRequestLog(opts.RecordLimit, opts.RecordBodyLimit, opts.RecordBytes),
		iam:          newIAMState(),
		regions:      map[string]*regionState{},
		accounts:     map[string]*Server{},
		accessKeys:   map[string]*Server{},
	}
	s.iam.denied = opts.DenyIAM
	s.routes()
	s.faults = newFaultState(opts)
	s.seedIAM(opts.Roles, opts.Users)
	s.applyRegions(opts)
	s.addAccounts(opts)
	return s
}

// An operation is one API action: its name, its wire protocol, the
// resource it acts on and the method that answers it. Every handler has
// one shape: it runs with s.mu held, finds its target already resolved on
// the call (c.cluster, c.entry, c.tags; see resolve), and returns either a
// value to encode as the 200 response or an error (normally *apiError).
// Handlers of a JSON input are written as func(*call, *input) and adapted
// by withInput, which decodes and checks the input first.
type operation struct {
	name    string
	service string // the SigV4 signing name: "" (eks), "sts" or "iam"
	query   bool   // awsQuery protocol (STS, IAM) instead of rest-json
	target  target // what resolve finds before the handler runs
	handle  func(*call) (any, error)
}

type route struct {
	pattern string
	op      operation
}

// routeTable is every route the emulator serves.
func (s *Server) routeTable() []route {
	return []route{
		{"POST /clusters/{name}/access-entries", operation{name: "CreateAccessEntry", target: accessCluster, handle: withInput(s.createAccessEntry)}},
		{"GET /clusters/{name}/access-entries", operation{name: "ListAccessEntries", target: accessCluster, handle: s.listAccessEntries}},
		{"GET /clusters/{name}/access-entries/{principalArn}", operation{name: "DescribeAccessEntry", target: anEntry, handle: s.describeAccessEntry}},
		{"POST /clusters/{name}/access-entries/{principalArn}", operation{name: "UpdateAccessEntry", target: accessCluster, handle: withInput(s.updateAccessEntry)}},
		{"DELETE /clusters/{name}/access-entries/{principalArn}", operation{name: "DeleteAccessEntry", target: anEntry, handle: s.deleteAccessEntry}},
		{"POST /clusters/{name}/access-entries/{principalArn}/access-policies", operation{name: "AssociateAccessPolicy", target: aPropagatedEntry, handle: withInput(s.associateAccessPolicy)}},
		{"GET /clusters/{name}/access-entries/{principalArn}/access-policies", operation{name: "ListAssociatedAccessPolicies", target: anEntry, handle: s.listAssociatedAccessPolicies}},
		{"DELETE /clusters/{name}/access-entries/{principalArn}/access-policies/{policyArn}", operation{name: "DisassociateAccessPolicy", target: anEntry, handle: s.disassociateAccessPolicy}},
		{"GET /access-policies", operation{name: "ListAccessPolicies", handle: s.listAccessPolicies}},
		{"GET /clusters", operation{name: "ListClusters", handle: s.listClusters}},
		{"GET /clusters/{name}", operation{name: "DescribeCluster", target: aCluster, handle: s.describeCluster}},
		{"POST /clusters/{name}/update-config", operation{name: "UpdateClusterConfig", target: aCluster, handle: s.updateClusterConfig}},
		{"GET /clusters/{name}/updates/{updateId}", operation{name: "DescribeUpdate", target: aCluster, handle: s.describeUpdate}},
		{"POST /tags/{resourceArn}", operation{name: "TagResource", target: aTaggable, handle: withInput(s.tagResource)}},
		{"DELETE /tags/{resourceArn}", operation{name: "UntagResource", target: aTaggable, handle: s.untagResource}},
		{"GET /tags/{resourceArn}", operation{name: "ListTagsForResource", target: aTaggable, handle: s.listTagsForResource}},
		// STS and IAM speak awsQuery: POST / with a form body whose Action
		// names the operation (queryTable); presigned URLs use GET.
		{"POST /{$}", queryOperation},
		{"GET /{$}", queryOperation},
		{"/", unknownOperation},
	}
}

// queryOperation stands for the awsQuery operations until the request's
// Action picks one of queryTable.
var queryOperation = operation{query: true}

// queryTable is every awsQuery operation, by Action.
func (s *Server) queryTable() []operation {
	return []operation{
		{name: "GetCallerIdentity", service: "sts", query: true, handle: s.getCallerIdentity},
		{name: "GetRole", service: "iam", query: true, handle: s.getRole},
		{name: "GetUser", service: "iam", query: true, handle: s.getUser},
		{name: "ListRoles", service: "iam", query: true, handle: s.listRoles},
		{name: "CreateRole", service: "iam", query: true, handle: s.createRole},
		{name: "DeleteRole", service: "iam", query: true, handle: s.deleteRole},
		{name: "CreateUser", service: "iam", query: true, handle: s.createUser},
		{name: "DeleteUser", service: "iam", query: true, handle: s.deleteUser},
	}
}

// queryOp is the awsQuery operation of an Action, or unknownQueryAction.
func (s *Server) queryOp(action string) operation {
	for _, op := range s.queryTable() {
		if op.name == action {
			return op
		}
	}
	return unknownQueryAction
}

func (s *Server) routes() {
	for _, r := range s.routeTable() {
		s.mux.HandleFunc(r.pattern, func(w http.ResponseWriter, req *http.Request) { s.serve(w, req, r.op) })
	}
}

// Operations returns the names of the operations the emulator serves,
// sorted: the names Options.Hang, FailNext, FailCall and the like take.
func Operations() []string {
	var names []string
	ops := (&Server{}).queryTable()
	for _, r := range (&Server{}).routeTable() {
		ops = append(ops, r.op)
	}
	for _, op := range ops {
		if op.name != "" && !slices.Contains(names, op.name) {
			names = append(names, op.name)
		}
	}
	slices.Sort(names)
	return names
}

var unknownOperation = operation{handle: func(c *call) (any, error) {
	return nil, newError(http.StatusNotFound, "UnknownOperationException",
		"eks-emulator does not implement %s %s", c.req.Method, c.req.URL.EscapedPath())
}}

// ServeHTTP answers one EKS or STS request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if account := s.accountFor(r); account != nil {
		account.ServeHTTP(w, r)
		return
	}
	// ServeMux redirects paths that are not clean; EKS does not, and no SDK
	// sends them, so treat them as unknown routes instead.
	if p := r.URL.EscapedPath(); p != cleanPath(p) {
		s.serve(w, r, unknownOperation)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func cleanPath(p string) string {
	c := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// maxBody bounds request bodies; the largest legitimate EKS access-entry
// request is a few kilobytes.
const maxBody = 1 << 20

// call is one request on its way through the emulator.
type call struct {
	server    *Server
	op        string
	req       *http.Request
	body      []byte
	bodyErr   error
	form      url.Values // awsQuery parameters
	service   string     // the operation's signing name ("" for eks)
	requestID string
	authErr   error  // why authentication failed, or nil
	region    string // region for ARNs
	partition string
	// regionState is the state of the region the request is signed for,
	// nil for a region with nothing of its own.
	regionState *regionState
	// repeatToken makes a list answer the nextToken it was given
	// (Options.RepeatPageToken).
	repeatToken bool
	// seq and seqAll are the call's numbers among the requests of its
	// operation and among all requests (0: not authenticated), for OnCall.
	seq, seqAll int

	// The operation's target, found by resolve before the handler runs.
	cluster *cluster
	entry   *accessEntry
	tags    map[string]string // of a taggable resource
}

// decode reads the JSON request body into v. An empty body is an empty
// document, as for any rest-json service.
func (c *call) decode(v any) error {
	if c.bodyErr != nil {
		return serialization("Unable to read the request body: %v", c.bodyErr)
	}
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return serialization("Unable to parse the request body as JSON: %v", err)
	}
	return nil
}

// serve runs the pipeline shared by every route: authenticate, record,
// delay, inject faults, answer.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, op operation) {
	start := time.Now()
	body, bodyErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var form url.Values
	if op.query {
		form = queryForm(r, body)
		op = s.queryOp(form.Get("Action"))
	}
	c := &call{server: s, op: op.name, service: op.service, req: r, body: body, bodyErr: bodyErr, form: form}

	s.mu.Lock()
	c.requestID = s.uuid()
	c.authErr = s.authenticate(c)
	s.requests.add(c)
	latency := s.latency
	if c.regionState != nil && c.regionState.latency > 0 {
		latency = c.regionState.latency
	}
	s.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			dropConnection(w, r) // never an empty 200 to a client that is still there
			s.logf(r, c, "dropped: request canceled during the latency", start)
			return
		}
	}

	v, err := s.dispatch(c, op)
	if cf := (*connFault)(nil); errors.As(err, &cf) {
		s.logf(r, c, s.breakConnection(w, r, cf), start)
		return
	}
	for _, fn := range s.hooks.take(c.op, c.seq, c.seqAll) {
		fn() // another writer, between this request and the client's next (hook.go)
	}
	if s.after.strike(w, c.op, &err) {
		return // applied, then the connection was reset (afterfault.go)
	}

	rw := &statusWriter{ResponseWriter: w}
	rw.Header().Set("x-amzn-RequestId", c.requestID)
	switch {
	case err != nil:
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = serverError()
		}
		writeError(rw, c, op, ae)
	case op.query:
		rw.Header().Set("Content-Type", "text/xml")
		rw.WriteHeader(http.StatusOK)
		_, _ = rw.Write(v.([]byte))
	default:
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusOK)
		_, _ = rw.Write(marshal(v))
	}
	result := strconv.Itoa(rw.status)
	if rw.code != "" {
		result += " " + rw.code
	}
	s.logf(r, c, result, start)
}

// logf writes the request's line to Options.Logf, if set.
func (s *Server) logf(r *http.Request, c *call, result string, start time.Time) {
	if s.opts.Logf != nil {
		s.opts.Logf("%s %s %s -> %s (%s)", r.Method, r.URL.EscapedPath(), cmp.Or(c.op, "unknown operation"),
			result, time.Since(start).Round(time.Microsecond))
	}
}

func writeError(w *statusWriter, c *call, op operation, e *apiError) {
	w.code = e.code
	if op.query {
		status, body := e.queryBody(c.requestID, op.service)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	w.Header().Set("X-Amzn-Errortype", e.code)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_, _ = w.Write(e.restJSONBody())
}

// dispatch applies injected faults to an authenticated call and runs the
// handler, all under the state lock.
func (s *Server) dispatch(c *call, op operation) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.authErr != nil {
		return nil, c.authErr
	}
	err := s.injectedFault(c)
	c.seq, c.seqAll = s.faults.seen[c.op], s.faults.seen[AllOperations]
	if err != nil {
		return nil, err
	}
	if err := s.resolve(c, op.target); err != nil {
		return nil, err
	}
	return op.handle(c)
}

// statusWriter remembers what was sent, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	code   string
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (s *Server) now() time.Time { return s.opts.Now().Truncate(time.Millisecond) }

// uuid returns a random 8-4-4-4-12 lowercase hex identifier. Like EKS's
// access-entry ids it has no RFC 4122 version bits.
func (s *Server) uuid() string {
	hi, lo := s.idRNG.Uint64(), s.idRNG.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// AddCluster adds an ACTIVE cluster to every region, replacing any cluster
// of that name. authMode is API, API_AND_CONFIG_MAP or CONFIG_MAP; ""
// means API_AND_CONFIG_MAP. It panics on an invalid name or mode, as
// regexp.MustCompile does on a bad pattern: a seed with a typo must not pass
// silently. AddClusterIn adds a cluster to one region.
func (s *Server) AddCluster(name, authMode string) {
	s.addCluster("", name, authMode)
}

func (s *Server) addCluster(region, name, authMode string) {
	authMode = cmp.Or(authMode, modeAPIAndConfigMap)
	if err := validateClusterName("cluster name", name); err != nil {
		panic(fmt.Sprintf("emulator: AddCluster(%q): %v", name, err))
	}
	if !validAuthMode(authMode) {
		panic(fmt.Sprintf("emulator: AddCluster(%q): unknown authentication mode %q", name, authMode))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clusters := s.clusters
	if region != "" {
		clusters = s.region(region).clusters
	}
	clusters[name] = &cluster{
		name:     name,
		authMode: authMode,
		created:  s.now(),
		tags:     map[string]string{},
		entries:  map[string]*accessEntry{},
		updates:  map[string]updateJSON{},
	}
}

// SetCaller changes the identity STS GetCallerIdentity reports.
func (s *Server) SetCaller(arn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.caller = arn
}

// SetPrincipalMissing makes IAM not know principalARN (or know it again):
// CreateAccessEntry for it answers 400 InvalidParameterException
// "The specified principalArn is invalid: invalid principal.".
func (s *Server) SetPrincipalMissing(principalARN string, missing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if missing {
		s.missing[principalARN] = &unknownPrincipal{}
	} else {
		delete(s.missing, principalARN)
	}
}

// SetPrincipalAppearsAfter makes IAM not know principalARN for d, as a
// role created moments ago is unknown to EKS until IAM propagates it:
// CreateAccessEntry for it answers as with SetPrincipalMissing until d
// has passed (on Options.Now) since the first such request. Counting from
// that request rather than from this call, a client meets the delay
// however slowly it comes.
func (s *Server) SetPrincipalAppearsAfter(principalARN string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.missing[principalARN] = &unknownPrincipal{after: d}
}

// unknownPrincipal is a principal IAM does not know: for good (after 0),
// or until after has passed since the first request that asked (until).
type unknownPrincipal struct {
	after time.Duration
	until time.Time
}

// principalUnknown reports whether IAM does not know arn now; the first
// call for a principal that appears after a delay starts that delay.
func (s *Server) principalUnknown(arn string) bool {
	u, ok := s.missing[arn]
	switch {
	case !ok:
		return false
	case u.after <= 0:
		return true
	}
	now := s.now()
	if u.until.IsZero() {
		u.until = now.Add(u.after)
	}
	if now.Before(u.until) {
		return true
	}
	delete(s.missing, arn)
	return false
}

// FailNext queues one error for the next request of operation op (an EKS
// operation name, or "GetCallerIdentity"). Queued errors are answered in
// FIFO order, after authentication and before any other processing.
func (s *Server) FailNext(op string, status int, code, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[op] = append(s.failures[op], &apiError{status: status, code: code, message: message})
}

// SetFaults changes the latency and the random fault rates at run time.
func (s *Server) SetFaults(latency time.Duration, throttleRate, errorRate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency, s.throttleRate, s.errorRate = latency, throttleRate, errorRate
}

// Requests returns a copy of the requests received so far, oldest first:
// the most recent Options.RecordLimit of them, within Options.RecordBytes.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests.list()
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests.reset()
}
