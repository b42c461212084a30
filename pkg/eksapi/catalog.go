package eksapi

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// CheckPolicies looks the policies' names up in the EKS catalog
// (ListAccessPolicies), so that a typo fails as ErrNotFound with a "did you
// mean" hint before anything is written, rather than as EKS's bare
// InvalidParameterException after an entry exists. When the caller may not
// read the catalog, warn is told why and the names are checked against
// the catalog eksaccess ships (access.Catalog).
func (c *Client) CheckPolicies(ctx context.Context, warn func(string), policies ...access.PolicyRef) error {
	if len(policies) == 0 {
		return nil
	}
	catalog, err := c.ListPolicies(ctx)
	switch {
	// Denied, or throttled after every retry: the check is only there to
	// catch a typo before a write, so it falls back rather than failing a
	// command whose write may well go through.
	case errors.Is(err, ErrAccessDenied), errors.Is(err, ErrThrottled) && ctx.Err() == nil:
		if warn != nil {
			warn(fmt.Sprintf("cannot read the access-policy catalog, checking the policy names against the one eksaccess ships (taken %s): %v", access.CatalogDate, err))
		}
		return CheckPolicyNames(access.Catalog(""), policies, "allow eks:ListAccessPolicies to check them against the live catalog")
	case err != nil:
		return err
	}
	return CheckPolicyNames(catalog, policies, "")
}

// CheckPolicyNames fails, as ErrNotFound (exit 3), for the first policy
// whose name is not in catalog, with a "did you mean" hint. shipped, when
// set, says catalog is the one eksaccess ships and how to check online: a
// policy newer than it is not in it.
func CheckPolicyNames(catalog []access.Policy, policies []access.PolicyRef, shipped string) error {
	names := make([]string, len(catalog))
	for i, p := range catalog {
		names[i] = p.Name
	}
	for _, policy := range policies {
		if slices.Contains(names, policy.Name()) {
			continue
		}
		err := fmt.Errorf("access policy %s: %w", policy.Name(), ErrNotFound)
		if shipped != "" {
			err = &hinted{fmt.Errorf("access policy %s is not in the catalog eksaccess ships (taken %s): %w", policy.Name(), access.CatalogDate, ErrNotFound),
				"if it is newer than that: " + shipped}
		}
		if s := access.SuggestPolicy(policy.Name(), names); s != "" {
			return &hinted{err, "did you mean " + s + "? `eksaccess policy list` shows every access policy"}
		}
		return &hinted{err, "`eksaccess policy list` shows every access policy"}
	}
	return nil
}

// hinted is an error with a hint: one line that says what to do (the CLI
// prints every hint in an error's chain).
type hinted struct {
	err  error
	hint string
}

func (e *hinted) Error() string { return e.err.Error() }
func (e *hinted) Unwrap() error { return e.err }
func (e *hinted) Hint() string  { return e.hint }
