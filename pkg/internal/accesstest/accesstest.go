// Package accesstest is test support: package access's values parsed from
// the strings a test writes, failing the test when one does not parse.
package accesstest

import (
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// Principal is access.ParsePrincipalARN(s).
func Principal(t testing.TB, s string) access.PrincipalARN {
	t.Helper()
	return must(t, access.ParsePrincipalARN, s)
}

// Assoc is access.ParsePolicyAssociation(s) ("AmazonEKSViewPolicy:namespace=dev").
func Assoc(t testing.TB, s string) access.PolicyAssociation {
	t.Helper()
	return must(t, access.ParsePolicyAssociation, s)
}

// Policy is access.ParsePolicyRef(s).
func Policy(t testing.TB, s string) access.PolicyRef {
	t.Helper()
	return must(t, access.ParsePolicyRef, s)
}

func must[T any](t testing.TB, parse func(string) (T, error), s string) T {
	t.Helper()
	v, err := parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
