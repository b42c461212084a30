package eksapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// IAM reads (GetRole, GetUser, ListRoles) let commands see what EKS keeps
// and never shows: the unique id of an entry's principal. A role deleted
// and created again under the same ARN has a new id and a later
// CreateDate, and the entry made for the old one grants nothing.
//
// IAM is global: one endpoint per partition (iam.amazonaws.com, signed for
// us-east-1 in the aws partition), which the SDK picks from the region.
// Like STS, IAM calls follow the SDK's own endpoint settings
// (AWS_ENDPOINT_URL_IAM, then AWS_ENDPOINT_URL, then the profile's
// endpoint_url), never --endpoint-url: that flag names an EKS endpoint (a
// VPC endpoint, a proxy), which does not answer IAM. IAM calls share the
// client's retry policy, attempt deadline, --debug log and error kinds,
// and pace themselves with a Limiter of their own, since IAM throttles
// apart from EKS.

// IAMPrincipal is an IAM role or user as IAM describes it.
type IAMPrincipal struct {
	Kind    string    `json:"kind"` // "role" or "user"
	Name    string    `json:"name"`
	Path    string    `json:"path"` // "/" or "/a/b/"
	ARN     string    `json:"arn"`
	ID      string    `json:"id"` // RoleId (AROA...) or UserId (AIDA...)
	Created time.Time `json:"createDate"`
}

// iamClient is the IAM side of a Client, shared by every region's Client
// (IAM is global).
type iamClient struct {
	api     *iam.Client
	limiter *Limiter

	mu      sync.Mutex
	caller  string // the caller's ARN (STS), once known
	account string // the caller's account, once known
}

func newIAMClient(cfg aws.Config, debugf func(string, ...any), debug bool) *iamClient {
	ic := &iamClient{limiter: NewLimiter()}
	if debug {
		ic.limiter.notify = func(msg string) { debugf("IAM %s", msg) }
	}
	ic.api = iam.NewFromConfig(cfg, func(o *iam.Options) {
		o.APIOptions = append(o.APIOptions, ic.limiter.middleware)
	})
	return ic
}

// UncheckedError is an IAM check that could not be made: IAM refused the
// read (AccessDenied; then errors.Is(err, ErrAccessDenied) holds too), or
// the principal lives in another account, whose IAM these credentials do
// not read. A read-only command prints Warning and goes on: it is never a
// reason to fail, nor to change the exit code.
type UncheckedError struct {
	// What could not be checked: "IAM role arn:aws:iam::...:role/dev/admin".
	What string
	// Why: "iam:GetRole was denied", "it is in account 444455556666, ...".
	Why string
	err error // the API error, for a denial
}

func (e *UncheckedError) Error() string {
	if e.err != nil {
		return "cannot check " + e.What + ": " + e.err.Error()
	}
	return "cannot check " + e.What + ": " + e.Why
}

func (e *UncheckedError) Unwrap() error { return e.err }

// Warning is the one line a command prints for it.
func (e *UncheckedError) Warning() string {
	return "could not check " + e.What + ": " + e.Why
}

// iamOp wraps an IAM call's error: the kinds of wrap, and an
// *UncheckedError when IAM denied the read.
func (c *Client) iamOp(op, what, action string, err error) error {
	err = wrapIn("", op, err) // IAM is global: no region to name
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(apiErr, ErrAccessDenied) &&
		(apiErr.Code == "AccessDenied" || apiErr.Code == "AccessDeniedException") {
		return &UncheckedError{What: what, Why: action + " was denied", err: err}
	}
	return err
}

// GetRole returns the IAM role of that name (without its path) in the
// caller's account. No such role: ErrNotFound. Denied: *UncheckedError.
func (c *Client) GetRole(ctx context.Context, name string) (IAMPrincipal, error) {
	out, err := c.iam.api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	r, err := iamGot(c, "role", name, "iam:GetRole", func() *types.Role { return out.Role }, err)
	if err != nil {
		return IAMPrincipal{}, err
	}
	return roleFrom(r), nil
}

// GetUser returns the IAM user of that name, like GetRole.
func (c *Client) GetUser(ctx context.Context, name string) (IAMPrincipal, error) {
	out, err := c.iam.api.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	u, err := iamGot(c, "user", name, "iam:GetUser", func() *types.User { return out.User }, err)
	if err != nil {
		return IAMPrincipal{}, err
	}
	return IAMPrincipal{Kind: "user", Name: aws.ToString(u.UserName), Path: aws.ToString(u.Path), ARN: aws.ToString(u.Arn),
		ID: aws.ToString(u.UserId), Created: utc(u.CreateDate)}, nil
}

// ListRoles returns every role whose path starts with pathPrefix ("" for
// all, "/aws-reserved/sso.amazonaws.com/" for IAM Identity Center's),
// following every page, in IAM's order.
func (c *Client) ListRoles(ctx context.Context, pathPrefix string) ([]IAMPrincipal, error) {
	in := &iam.ListRolesInput{}
	what := "IAM roles"
	if pathPrefix != "" {
		in.PathPrefix = aws.String(pathPrefix)
		what = "IAM roles under " + pathPrefix
	}
	op := "list " + what
	return listAll(ctx, iam.NewListRolesPaginator(c.iam.api, in), op, 0, func(err error) error { return c.iamOp(op, what, "iam:ListRoles", err) },
		func(page *iam.ListRolesOutput) (*string, []IAMPrincipal) {
			return page.Marker, convert(page.Roles, roleFrom)
		})
}

// iamGot is the document an IAM Get call (action) for the kind ("role",
// "user") of that name answered (doc, read only when err is nil): its
// error worded as iamOp words it, and an answer without the document an
// errEmptyIAMResponse.
func iamGot[T any](c *Client, kind, name, action string, doc func() *T, err error) (*T, error) {
	if err != nil {
		return nil, c.iamOp("get IAM "+kind+" "+name, "IAM "+kind+" "+name, action, err)
	}
	v := doc()
	if v == nil {
		return nil, fmt.Errorf("get IAM %s %s: %w", kind, name, errEmptyIAMResponse)
	}
	return v, nil
}

// errEmptyIAMResponse: IAM answered 200 without the document the call returns.
var errEmptyIAMResponse = errors.New("IAM returned an empty response")

func roleFrom(r *types.Role) IAMPrincipal {
	return IAMPrincipal{Kind: "role", Name: aws.ToString(r.RoleName), Path: aws.ToString(r.Path), ARN: aws.ToString(r.Arn),
		ID: aws.ToString(r.RoleId), Created: utc(r.CreateDate)}
}

// OtherPathError: IAM has the principal's name, under another path than
// the ARN's, so the ARN names no principal (EKS matches the whole ARN). It
// is ErrNotFound for errors.Is; Actual is the principal IAM has.
type OtherPathError struct {
	ARN    string
	Actual IAMPrincipal
}

func (e *OtherPathError) Error() string {
	return fmt.Sprintf("IAM has no %s %s: its %s %s is %s", e.Actual.Kind, e.ARN, e.Actual.Kind, e.Actual.Name, e.Actual.ARN)
}

func (e *OtherPathError) Is(target error) bool { return target == ErrNotFound }

// LookupPrincipal returns the IAM role or user an access entry's principal
// ARN names, path included: GetRole or GetUser by name, then the path and
// account compared. It fails with ErrNotFound when there is none
// (*OtherPathError when the name exists under another path), with an
// *UncheckedError when IAM denied the read or the principal belongs to
// another account than the credentials' (learnt once from STS), and with
// ErrInvalidParameter for an account root, which IAM keeps no record of.
func (c *Client) LookupPrincipal(ctx context.Context, principal access.PrincipalARN) (IAMPrincipal, error) {
	a, err := arn.Parse(principal.String())
	kind, rest, _ := strings.Cut(a.Resource, "/")
	if err != nil || (kind != "role" && kind != "user") || rest == "" {
		return IAMPrincipal{}, fmt.Errorf("look up %s in IAM: %w: only IAM roles and users have an IAM record", principal, ErrInvalidParameter)
	}
	what := "IAM " + kind + " " + principal.String()
	account, err := c.callerAccount(ctx)
	if err != nil {
		return IAMPrincipal{}, err
	}
	if a.AccountID != account {
		return IAMPrincipal{}, &UncheckedError{What: what,
			Why: fmt.Sprintf("it is in account %s, and the credentials are of account %s", a.AccountID, account)}
	}
	name := rest[strings.LastIndex(rest, "/")+1:]
	var got IAMPrincipal
	if kind == "role" {
		got, err = c.GetRole(ctx, name)
	} else {
		got, err = c.GetUser(ctx, name)
	}
	var unchecked *UncheckedError
	if errors.As(err, &unchecked) {
		unchecked.What = what
		return IAMPrincipal{}, unchecked
	}
	if err != nil {
		return IAMPrincipal{}, err
	}
	if got.ARN != principal.String() {
		return IAMPrincipal{}, &OtherPathError{ARN: principal.String(), Actual: got}
	}
	return got, nil
}

// CallerAccount is the account of the credentials, from STS, asked once
// per client: the account whose IAM the client reads.
func (c *Client) CallerAccount(ctx context.Context) (string, error) { return c.callerAccount(ctx) }

// callerAccount is the account of the credentials, from STS, asked once.
func (c *Client) callerAccount(ctx context.Context) (string, error) {
	caller, err := c.CallerIdentity(ctx)
	if err != nil {
		return "", err
	}
	c.iam.mu.Lock()
	defer c.iam.mu.Unlock()
	if c.iam.account != "" {
		return c.iam.account, nil
	}
	a, err := arn.Parse(caller)
	if err != nil || a.AccountID == "" {
		return "", fmt.Errorf("get caller identity: STS answered %q, which names no account", caller)
	}
	c.iam.account = a.AccountID
	return c.iam.account, nil
}
