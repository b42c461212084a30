package eksapi_test

import (
	"errors"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

func TestCheckPolicies(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	ref := func(s string) access.PolicyRef {
		p, err := access.ParsePolicyRef(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if err := c.CheckPolicies(t.Context(), nil, ref("AmazonEKSViewPolicy"), ref("AmazonEKSClusterAdminPolicy")); err != nil {
		t.Errorf("known policies: %v", err)
	}
	err := c.CheckPolicies(t.Context(), nil, ref("AmazonEKSVeiwPolicy"))
	var h interface{ Hint() string }
	if !errors.Is(err, eksapi.ErrNotFound) || !errors.As(err, &h) || h.Hint() != "did you mean AmazonEKSViewPolicy? `eksaccess policy list` shows every access policy" {
		t.Errorf("a typo: %v", err)
	}
	// Against the shipped catalog, the error says so.
	err = eksapi.CheckPolicyNames(access.Catalog(""), []access.PolicyRef{ref("AmazonEKSBrandNewPolicy")}, "check online")
	if !errors.Is(err, eksapi.ErrNotFound) || !errors.As(err, &h) {
		t.Errorf("shipped catalog: %v", err)
	}
}
