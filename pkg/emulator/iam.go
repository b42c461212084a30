package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// IAM over the awsQuery protocol (iam-2010-05-08), on the same endpoint as
// EKS and STS: POST / with the form body Action=GetRole&Version=2010-05-08&
// RoleName=..., signed for the service "iam", answered in XML. The roles
// and users belong to Options.Account; ARNs take the partition of the
// request's region. Served: GetRole, GetUser, ListRoles, and CreateRole,
// DeleteRole, CreateUser, DeleteUser so that a test (or the AWS CLI) can
// delete a principal and create it again.

const iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// A Role is an IAM role to seed (Options.Roles, CreateRole, a scenario
// file). Name is required; the other fields have defaults.
type Role struct {
	Name string `json:"name"`
	// Path is "/" (the default) or "/a/b/": it starts and ends with "/".
	Path string `json:"path,omitempty"`
	// ID is the role's unique id, AROA and 17 upper-case letters or
	// digits. Default: a random one (Options.Seed makes it repeatable).
	ID string `json:"id,omitempty"`
	// Created is the role's CreateDate, to the second. Default: now, or,
	// for a name that was deleted before, the next whole second (see
	// CreateRole).
	Created time.Time `json:"createDate,omitzero"`
	// AssumeRolePolicyDocument is the trust policy, JSON. Default: trust
	// the account's root.
	AssumeRolePolicyDocument string `json:"assumeRolePolicyDocument,omitempty"`
	Description              string `json:"description,omitempty"`
	// MaxSessionDuration in seconds, 3600-43200. Default 3600.
	MaxSessionDuration int `json:"maxSessionDuration,omitempty"`
}

// A User is an IAM user to seed, like Role (its ID starts with AIDA).
type User struct {
	Name    string    `json:"name"`
	Path    string    `json:"path,omitempty"`
	ID      string    `json:"id,omitempty"`
	Created time.Time `json:"createDate,omitzero"`
}

// IAMSeed is the IAM part of a scenario.
type IAMSeed struct {
	Roles []Role `json:"roles,omitempty"`
	Users []User `json:"users,omitempty"`
	// SSORoles lists IAM Identity Center permission sets, each of which
	// gets a role as CreateSSORole makes it (no region segment).
	SSORoles []string `json:"ssoRoles,omitempty"`
}

// Scenario is the state an emulator starts with, as a JSON file gives it
// (eks-emulator --scenario FILE):
//
//	{"iam": {"roles": [{"name": "admin", "path": "/dev/"}],
//	         "users": [{"name": "alice"}],
//	         "ssoRoles": ["Admin"]}}
type Scenario struct {
	IAM IAMSeed `json:"iam"`
}

// ReadScenario decodes a scenario document; an unknown key is an error,
// so that a typo does not pass silently.
func ReadScenario(r io.Reader) (Scenario, error) {
	var sc Scenario
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return Scenario{}, fmt.Errorf("scenario: %w", err)
	}
	if dec.More() {
		return Scenario{}, fmt.Errorf("scenario: more than one JSON document")
	}
	return sc, nil
}

// Seed creates the scenario's roles and users, stopping at the first that
// cannot be created.
func (s *Server) Seed(sc Scenario) error {
	for _, r := range sc.IAM.Roles {
		if _, err := s.CreateRole(r); err != nil {
			return err
		}
	}
	for _, u := range sc.IAM.Users {
		if _, err := s.CreateUser(u); err != nil {
			return err
		}
	}
	for _, ps := range sc.IAM.SSORoles {
		if _, err := s.CreateSSORole(ps, ""); err != nil {
			return err
		}
	}
	return nil
}

// iamPrincipal is a role or a user.
type iamPrincipal struct {
	kind        string // "role" or "user"
	name        string
	path        string // "/" or "/a/b/"
	id          string
	created     time.Time
	trust       string // roles: the trust policy, JSON
	description string
	maxSession  int
}

// iamState is the account's roles and users, by lower-case name: IAM names
// are unique regardless of case.
type iamState struct {
	roles  map[string]*iamPrincipal
	users  map[string]*iamPrincipal
	ever   map[string]bool // kind + "/" + lower-case name of every principal ever created
	ids    map[string]bool // every unique id ever handed out
	denied bool            // SetIAMDenied
}

func newIAMState() iamState {
	return iamState{
		roles: map[string]*iamPrincipal{},
		users: map[string]*iamPrincipal{},
		ever:  map[string]bool{},
		ids:   map[string]bool{},
	}
}

func (st *iamState) table(kind string) map[string]*iamPrincipal {
	if kind == "role" {
		return st.roles
	}
	return st.users
}

// arn is the principal's ARN in partition, in the emulator's account.
func (s *Server) iamARN(partition string, p *iamPrincipal) string {
	return "arn:" + partition + ":iam::" + s.opts.Account + ":" + p.kind + p.path + p.name
}

var (
	iamEntityNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	iamPathSpecRE   = regexp.MustCompile(`^(/|/[\x21-\x7E]*/)$`)
	roleIDRE        = regexp.MustCompile(`^AROA[A-Z0-9]{17}$`)
	userIDRE        = regexp.MustCompile(`^AIDA[A-Z0-9]{17}$`)
)

// idPrefix is the unique-id prefix of each kind.
var idPrefix = map[string]string{"role": "AROA", "user": "AIDA"}

// newID returns an unused unique id: the kind's prefix and 17 upper-case
// letters and digits.
func (s *Server) newID(kind string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for {
		b := []byte(idPrefix[kind])
		for range 17 {
			b = append(b, alphabet[s.idRNG.IntN(len(alphabet))])
		}
		if id := string(b); !s.iam.ids[id] {
			return id
		}
	}
}

// createPrincipal adds p (name, path, id, created and the role fields as
// given) under s.mu, filling in the defaults. It returns the IAM error the
// API would answer.
func (s *Server) createPrincipal(p *iamPrincipal) error {
	p.path = cmp.Or(p.path, "/")
	member := p.kind + "Name"
	if !iamEntityNameRE.MatchString(p.name) {
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", p.name, member)
	}
	if len(p.path) > 512 || !iamPathSpecRE.MatchString(p.path) {
		return validationError("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	key := strings.ToLower(p.name)
	if _, dup := s.iam.table(p.kind)[key]; dup {
		return newError(http.StatusConflict, "EntityAlreadyExists", "%s with name %s already exists.", titleKind(p.kind), p.name)
	}
	switch {
	case p.id == "":
		p.id = s.newID(p.kind)
	case p.kind == "role" && !roleIDRE.MatchString(p.id), p.kind == "user" && !userIDRE.MatchString(p.id):
		return validationError("The unique id %s of %s %s is not %s followed by 17 upper-case letters or digits.", p.id, p.kind, p.name, idPrefix[p.kind])
	case s.iam.ids[p.id]:
		return newError(http.StatusConflict, "EntityAlreadyExists", "The unique id %s is already taken.", p.id)
	}
	if p.created.IsZero() {
		p.created = s.opts.Now().UTC().Truncate(time.Second)
		if s.iam.ever[p.kind+"/"+key] {
			// Created again: strictly after every earlier instant, so that
			// whatever was made for the old principal is older than it.
			p.created = p.created.Add(time.Second)
		}
	}
	p.created = p.created.UTC().Truncate(time.Second)
	if p.kind == "role" {
		switch {
		case p.maxSession == 0:
			p.maxSession = 3600
		case p.maxSession < 3600 || p.maxSession > 43200:
			return validationError("The requested MaxSessionDuration %d exceeds the limit: it must be 3600 to 43200 seconds.", p.maxSession)
		}
		if p.trust == "" {
			p.trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` +
				s.opts.Account + `:root"},"Action":"sts:AssumeRole"}]}`
		} else if !json.Valid([]byte(p.trust)) {
			return newError(http.StatusBadRequest, "MalformedPolicyDocument", "This policy contains invalid Json")
		}
	}
	s.iam.table(p.kind)[key] = p
	s.iam.ever[p.kind+"/"+key] = true
	s.iam.ids[p.id] = true
	// IAM knows the principal (again): EKS accepts it (see DeleteRole).
	for _, partition := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"} {
		delete(s.missing, s.iamARN(partition, p))
	}
	return nil
}

// deletePrincipal removes a role or user under s.mu; EKS then refuses new
// access entries for its ARN, as for SetPrincipalMissing.
func (s *Server) deletePrincipal(kind, name string) error {
	key := strings.ToLower(name)
	p, ok := s.iam.table(kind)[key]
	if !ok {
		return noSuchEntity(kind, name)
	}
	delete(s.iam.table(kind), key)
	for _, partition := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"} {
		s.missing[s.iamARN(partition, p)] = &unknownPrincipal{}
	}
	return nil
}

func titleKind(kind string) string {
	if kind == "role" {
		return "Role"
	}
	return "User"
}

func noSuchEntity(kind, name string) *apiError {
	return newError(http.StatusNotFound, "NoSuchEntity", "The %s with name %s cannot be found.", kind, name)
}

func validationError(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "ValidationError", format, args...)
}

// CreateRole adds an IAM role (see Role for the defaults) and returns it
// as created. A role deleted before and created again gets a new unique id
// and, unless Created is given, a CreateDate one whole second after the
// current one: later than anything made for the old role, such as an
// access entry, which then "grants nothing", as in AWS. The error is the
// one IAM would answer (EntityAlreadyExists, ValidationError).
func (s *Server) CreateRole(r Role) (Role, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &iamPrincipal{kind: "role", name: r.Name, path: r.Path, id: r.ID, created: r.Created,
		trust: r.AssumeRolePolicyDocument, description: r.Description, maxSession: r.MaxSessionDuration}
	if err := s.createPrincipal(p); err != nil {
		return Role{}, err
	}
	return p.role(), nil
}

// DeleteRole deletes an IAM role. Access entries made for it stay, holding
// its old unique id (see EntryPrincipalID); CreateAccessEntry for its ARN
// is refused as an invalid principal until a role of that ARN exists again.
func (s *Server) DeleteRole(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deletePrincipal("role", name)
}

// CreateUser adds an IAM user, like CreateRole.
func (s *Server) CreateUser(u User) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &iamPrincipal{kind: "user", name: u.Name, path: u.Path, id: u.ID, created: u.Created}
	if err := s.createPrincipal(p); err != nil {
		return User{}, err
	}
	return User{Name: p.name, Path: p.path, ID: p.id, Created: p.created}, nil
}

// DeleteUser deletes an IAM user, like DeleteRole.
func (s *Server) DeleteUser(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deletePrincipal("user", name)
}

// ssoPath is where IAM Identity Center provisions its roles.
const ssoPath = "/aws-reserved/sso.amazonaws.com/"

// CreateSSORole adds the role IAM Identity Center provisions for a
// permission set: AWSReservedSSO_<permissionSet>_<16 random hex digits>
// under /aws-reserved/sso.amazonaws.com/, or under
// /aws-reserved/sso.amazonaws.com/<region>/ when region is set (as for
// instances outside us-east-1), trusted through the SAML provider
// AWSSSO_..._DO_NOT_DELETE. Deleting it and calling CreateSSORole again is
// a re-provisioning: a new suffix, a new ARN.
func (s *Server) CreateSSORole(permissionSet, region string) (Role, error) {
	s.mu.Lock()
	suffix := fmt.Sprintf("%016x", s.idRNG.Uint64())
	provider := fmt.Sprintf("%016x", s.idRNG.Uint64())
	s.mu.Unlock()
	path := ssoPath
	if region != "" {
		path += region + "/"
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + s.opts.Account +
		`:saml-provider/AWSSSO_` + provider + `_DO_NOT_DELETE"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],` +
		`"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`
	return s.CreateRole(Role{
		Name:                     "AWSReservedSSO_" + permissionSet + "_" + suffix,
		Path:                     path,
		AssumeRolePolicyDocument: trust,
		Description:              "", // Identity Center sets none
		MaxSessionDuration:       43200,
	})
}

// SetIAMDenied makes every IAM request answer 403 AccessDenied (or answer
// again), as for a caller whose policies allow EKS but not IAM; EKS and STS
// are unaffected. Options.DenyIAM sets it from the start.
func (s *Server) SetIAMDenied(denied bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iam.denied = denied
}

// EntryPrincipalID returns the unique id of the IAM role or user that the
// access entry of principalARN in cluster was created for: IAM's id when
// IAM knew the principal then, "" when it did not. ok is false when there
// is no such entry. EKS keeps this id and never returns it: once the
// principal is deleted and created again, the entry holds the old id and
// grants nothing.
func (s *Server) EntryPrincipalID(cluster, principalARN string) (id string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, ok := s.clusters[cluster]
	if !ok {
		return "", false
	}
	e, ok := cl.entries[principalARN]
	if !ok {
		return "", false
	}
	return e.principalID, true
}

// principalID is the unique id IAM has for the principal an access entry
// names, or "" when IAM does not know it (another account, root, a path
// that is not the principal's). It runs under s.mu.
func (s *Server) principalID(p principal) string {
	if p.account != s.opts.Account || (p.kind != "role" && p.kind != "user") {
		return ""
	}
	known, ok := s.iam.table(p.kind)[strings.ToLower(p.name)]
	if !ok || known.name != p.name || known.path != "/"+p.path {
		return ""
	}
	return known.id
}

// callerID is the unique id GetCallerIdentity reports for arn when IAM
// knows its user or role (an assumed-role session adds ":<session>"), or
// "" to fall back on the derived one. It runs under s.mu.
func (s *Server) callerID(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[4] != s.opts.Account {
		return ""
	}
	kind, rest, _ := strings.Cut(f[5], "/")
	switch kind {
	case "assumed-role":
		role, session, _ := strings.Cut(rest, "/")
		if p, ok := s.iam.roles[strings.ToLower(role)]; ok {
			return p.id + ":" + session
		}
	case "role", "user":
		if p, ok := s.iam.table(kind)[strings.ToLower(rest[strings.LastIndex(rest, "/")+1:])]; ok {
			return p.id
		}
	}
	return ""
}

func (p *iamPrincipal) role() Role {
	return Role{Name: p.name, Path: p.path, ID: p.id, Created: p.created,
		AssumeRolePolicyDocument: p.trust, Description: p.description, MaxSessionDuration: p.maxSession}
}

// The wire shapes. Member order follows IAM's own answers; timestamps are
// ISO 8601 in UTC to the second; the trust policy is percent-encoded JSON.

type roleXML struct {
	Path                     string    `xml:"Path"`
	RoleName                 string    `xml:"RoleName"`
	RoleID                   string    `xml:"RoleId"`
	Arn                      string    `xml:"Arn"`
	CreateDate               string    `xml:"CreateDate"`
	AssumeRolePolicyDocument string    `xml:"AssumeRolePolicyDocument"`
	Description              string    `xml:"Description,omitempty"`
	MaxSessionDuration       int       `xml:"MaxSessionDuration"`
	RoleLastUsed             *struct{} `xml:"RoleLastUsed"` // GetRole only: never used
}

type userXML struct {
	Path       string `xml:"Path"`
	UserName   string `xml:"UserName"`
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// iamResponse is the document of an IAM answer:
// <OpResponse xmlns=...><OpResult>result</OpResult><ResponseMetadata>...,
// without the OpResult element when result is nil.
func iamResponse(c *call, result any) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	root := xml.StartElement{Name: xml.Name{Space: iamNamespace, Local: c.op + "Response"}}
	err := enc.EncodeToken(root)
	if result != nil && err == nil {
		err = enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: c.op + "Result"}})
	}
	if err == nil {
		err = enc.EncodeElement(responseMetadata{c.requestID}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	}
	if err == nil {
		err = enc.EncodeToken(root.End())
	}
	if err == nil {
		err = enc.Flush()
	}
	if err != nil {
		panic(fmt.Sprintf("emulator: encoding %s: %v", root.Name.Local, err))
	}
	return b.Bytes()
}

// roleResult and userResult are the results of the operations that answer
// one principal.
type roleResult struct {
	Role roleXML `xml:"Role"`
}

type userResult struct {
	User userXML `xml:"User"`
}

func iamTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// policyEscape percent-encodes a policy document as IAM does (RFC 3986:
// a space is %20, never +).
func policyEscape(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func (s *Server) roleXML(c *call, p *iamPrincipal) roleXML {
	return roleXML{
		Path:                     p.path,
		RoleName:                 p.name,
		RoleID:                   p.id,
		Arn:                      s.iamARN(c.partition, p),
		CreateDate:               iamTime(p.created),
		AssumeRolePolicyDocument: policyEscape(p.trust),
		Description:              p.description,
		MaxSessionDuration:       p.maxSession,
	}
}

func (s *Server) userXML(c *call, p *iamPrincipal) userXML {
	return userXML{Path: p.path, UserName: p.name, UserID: p.id, Arn: s.iamARN(c.partition, p), CreateDate: iamTime(p.created)}
}

// nameParam reads a required entity name (RoleName, UserName).
func nameParam(c *call, member string) (string, error) {
	name := c.form.Get(member)
	lower := strings.ToLower(member[:1]) + member[1:]
	switch {
	case name == "":
		return "", validationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lower)
	case len(name) > 64:
		return "", validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 64", name, lower)
	case !iamEntityNameRE.MatchString(name):
		return "", validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name, lower)
	}
	return name, nil
}

// namedPrincipal returns the role (kind "role", member RoleName) or user
// (kind "user", member UserName) the call names.
func (s *Server) namedPrincipal(c *call, kind, member string) (*iamPrincipal, error) {
	name, err := nameParam(c, member)
	if err != nil {
		return nil, err
	}
	table := s.iam.users
	if kind == "role" {
		table = s.iam.roles
	}
	p, ok := table[strings.ToLower(name)]
	if !ok {
		return nil, noSuchEntity(kind, name)
	}
	return p, nil
}

func (s *Server) getRole(c *call) (any, error) {
	p, err := s.namedPrincipal(c, "role", "RoleName")
	if err != nil {
		return nil, err
	}
	r := s.roleXML(c, p)
	r.RoleLastUsed = &struct{}{}
	return iamResponse(c, roleResult{r}), nil
}

// getUser answers the named user or, without a name, the caller's own
// user (IAM: the user of the signing credentials).
func (s *Server) getUser(c *call) (any, error) {
	name := c.form.Get("UserName")
	if name == "" {
		f := strings.SplitN(s.caller, ":", 6)
		kind, rest, _ := strings.Cut(f[len(f)-1], "/")
		if len(f) != 6 || kind != "user" {
			return nil, validationError("Must specify userName when calling with non-User credentials")
		}
		name = rest[strings.LastIndex(rest, "/")+1:]
	}
	c.form.Set("UserName", name)
	p, err := s.namedPrincipal(c, "user", "UserName")
	if err != nil {
		return nil, err
	}
	return iamResponse(c, userResult{s.userXML(c, p)}), nil
}

// listRoles answers the roles whose path starts with PathPrefix (default
// "/"), sorted by name, MaxItems (1-1000, default 100) at a time; Marker
// is opaque and bound to the prefix.
func (s *Server) listRoles(c *call) (any, error) {
	prefix := cmp.Or(c.form.Get("PathPrefix"), "/")
	if len(prefix) > 512 || !strings.HasPrefix(prefix, "/") || strings.ContainsFunc(prefix, func(r rune) bool { return r < 0x21 || r > 0x7f }) {
		return nil, validationError("1 validation error detected: Value '%s' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*", prefix)
	}
	limit := 100
	if v := c.form.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			return nil, validationError("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must be an integer", v)
		case n < 1:
			return nil, validationError("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
		case n > 1000:
			return nil, validationError("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", n)
		}
		limit = n
	}
	var keys []string
	for key, p := range s.iam.roles {
		if strings.HasPrefix(p.path, prefix) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	scope := "ListRoles\x00" + prefix
	lo := 0
	marker := c.form.Get("Marker")
	if marker != "" {
		after, ok := decodeToken(scope, marker)
		if !ok {
			return nil, validationError("Invalid Marker.")
		}
		lo, _ = slices.BinarySearch(keys, after+"\x00")
	}
	hi := min(lo+limit, len(keys))
	next := ""
	switch {
	case c.repeatToken && marker != "":
		next = marker // Options.RepeatPageToken
	case hi < len(keys):
		next = encodeToken(scope, keys[hi-1])
	case c.repeatToken:
		next = encodeToken(scope, endOfList)
	}
	roles := []roleXML{}
	for _, key := range keys[lo:hi] {
		roles = append(roles, s.roleXML(c, s.iam.roles[key]))
	}
	return iamResponse(c, struct {
		IsTruncated bool      `xml:"IsTruncated"`
		Marker      string    `xml:"Marker,omitempty"`
		Roles       []roleXML `xml:"Roles>member"`
	}{IsTruncated: next != "", Marker: next, Roles: roles}), nil
}

func (s *Server) createRole(c *call) (any, error) {
	name, err := nameParam(c, "RoleName")
	if err != nil {
		return nil, err
	}
	trust := c.form.Get("AssumeRolePolicyDocument")
	if trust == "" {
		return nil, validationError("1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null")
	}
	maxSession := 0
	if v := c.form.Get("MaxSessionDuration"); v != "" {
		if maxSession, err = strconv.Atoi(v); err != nil {
			return nil, validationError("1 validation error detected: Value '%s' at 'maxSessionDuration' failed to satisfy constraint: Member must be an integer", v)
		}
	}
	p := &iamPrincipal{kind: "role", name: name, path: c.form.Get("Path"), trust: trust,
		description: c.form.Get("Description"), maxSession: maxSession}
	if err := s.createPrincipal(p); err != nil {
		return nil, err
	}
	return iamResponse(c, roleResult{s.roleXML(c, p)}), nil
}

func (s *Server) createUser(c *call) (any, error) {
	name, err := nameParam(c, "UserName")
	if err != nil {
		return nil, err
	}
	p := &iamPrincipal{kind: "user", name: name, path: c.form.Get("Path")}
	if err := s.createPrincipal(p); err != nil {
		return nil, err
	}
	return iamResponse(c, userResult{s.userXML(c, p)}), nil
}

func (s *Server) deleteRole(c *call) (any, error) {
	return s.deleteOp(c, "role", "RoleName")
}
func (s *Server) deleteUser(c *call) (any, error) {
	return s.deleteOp(c, "user", "UserName")
}

func (s *Server) deleteOp(c *call, kind, member string) (any, error) {
	name, err := nameParam(c, member)
	if err != nil {
		return nil, err
	}
	if err := s.deletePrincipal(kind, name); err != nil {
		return nil, err
	}
	return iamResponse(c, nil), nil
}

// iamDenied is the AccessDenied IAM answers a caller whose policies do not
// allow the action (the resource as IAM names it: "role NAME", "user NAME",
// or the ARN of the path listed).
func (s *Server) iamDenied(c *call) *apiError {
	resource := "arn:" + c.partition + ":iam::" + s.opts.Account + ":role/"
	switch {
	case c.form.Get("RoleName") != "":
		resource = "role " + c.form.Get("RoleName")
	case c.form.Get("UserName") != "":
		resource = "user " + c.form.Get("UserName")
	case strings.HasSuffix(c.op, "User"):
		resource = "arn:" + c.partition + ":iam::" + s.opts.Account + ":user/"
	}
	return newError(http.StatusForbidden, "AccessDeniedException",
		"User: %s is not authorized to perform: iam:%s on resource: %s because no identity-based policy allows the iam:%s action",
		s.caller, c.op, resource, c.op)
}

// seedIAM applies Options.Roles and Options.Users; like AddCluster it
// panics on a seed IAM would refuse.
func (s *Server) seedIAM(roles []Role, users []User) {
	for _, r := range roles {
		if _, err := s.CreateRole(r); err != nil {
			panic(fmt.Sprintf("emulator: Options.Roles: %s: %v", r.Name, err))
		}
	}
	for _, u := range users {
		if _, err := s.CreateUser(u); err != nil {
			panic(fmt.Sprintf("emulator: Options.Users: %s: %v", u.Name, err))
		}
	}
}

// Roles returns the IAM roles, sorted by name.
func (s *Server) Roles() []Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Role
	for _, key := range slices.Sorted(maps.Keys(s.iam.roles)) {
		out = append(out, s.iam.roles[key].role())
	}
	return out
}
