package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// This file resolves sso:NAME principals (access.SSOName) to the role IAM
// Identity Center provisioned for the permission set: the account's
// Identity Center roles are listed once per command (iam:ListRoles under
// /aws-reserved/sso.amazonaws.com/), and access.PickSSORole chooses. It
// runs before a request is built: without the role's ARN nothing can be
// sent, so where IAM cannot tell, the command fails and sends nothing.

// ssoResolver resolves the sso: names of one command run.
type ssoResolver struct {
	client *eksapi.Client
	// account is the credentials' account, whose roles IAM lists: the
	// cluster's (EKS answers only for the credentials' account).
	account string
	roles   []string // nil until listed
}

// resolve gives p, when it is an unresolved sso:NAME, the ARN of its role.
// No role: exit 3 with a hint; several: exit 2, naming them; IAM denied,
// or a name of another account than the credentials': exit 5. Nothing is
// sent in any of these cases.
func (r *ssoResolver) resolve(ctx context.Context, p *access.PrincipalARN) error {
	if !p.Unresolved() {
		return nil
	}
	n, _ := p.SSOName()
	if r.account == "" {
		account, err := r.client.CallerAccount(ctx)
		if err != nil {
			return stsHint(ctx, err)
		}
		r.account = account
	}
	if n.Account != "" && n.Account != r.account {
		return cmdutil.WithCode(cmdutil.WithHint(
			fmt.Errorf("cannot resolve %s: IAM lists only the roles of the credentials' account, %s, and %s names account %s: nothing was sent", n, r.account, n, n.Account),
			"give the role's full ARN (aws iam list-roles --path-prefix %s, with credentials of account %s, shows it), or run eksaccess with credentials of account %s (--profile)",
			access.SSORolePath, n.Account, n.Account), cmdutil.ExitAuth)
	}
	if r.roles == nil {
		list, err := r.client.ListRoles(ctx, access.SSORolePath)
		var unchecked *eksapi.UncheckedError
		switch {
		case errors.As(err, &unchecked):
			// Not wrapped: the hint is about IAM, not about EKS.
			return cmdutil.WithCode(cmdutil.WithHint(
				fmt.Errorf("cannot resolve %s: %s, and the role of the permission set cannot be known without it: nothing was sent", n, unchecked.Why),
				"allow iam:ListRoles (see docs/guides/identity-center.md), or give the role's full ARN instead of %s", n), cmdutil.ExitAuth)
		case err != nil:
			return fmt.Errorf("resolve %s: %w", n, err)
		}
		r.roles = make([]string, 0, len(list))
		for _, role := range list {
			r.roles = append(r.roles, role.ARN)
		}
	}
	roleARN, err := access.PickSSORole(n, r.account, r.roles)
	var lookup *access.SSOLookupError
	switch {
	case errors.As(err, &lookup) && lookup.NotFound():
		return cmdutil.WithCode(err, cmdutil.ExitNotFound)
	case err != nil:
		return cmdutil.UsageError(err)
	}
	resolved, err := p.Resolved(roleARN)
	if err != nil {
		return err
	}
	*p = resolved
	return nil
}

// resolvePrincipal resolves p, when it is an sso:NAME, with client, and
// says on a terminal which role it names.
func resolvePrincipal(ctx context.Context, deps *Deps, client *eksapi.Client, p *access.PrincipalARN) error {
	if !p.Unresolved() {
		return nil
	}
	r := ssoResolver{client: client}
	if err := r.resolve(ctx, p); err != nil {
		return err
	}
	n, _ := p.SSOName()
	deps.done("%s is %s", n, p)
	return nil
}
