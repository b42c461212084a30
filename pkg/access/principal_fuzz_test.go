package access_test

import (
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// FuzzPrincipalARN feeds --principal values to ParsePrincipalARN,
// ParseEntryPrincipal and PrincipalARN.Set. An accepted ARN parses back to
// the same value, is exactly one of role or user (or, for an existing
// entry, the account root) and is printable ASCII; a rejected one is an
// *access.Error and leaves no partial value behind.
func FuzzPrincipalARN(f *testing.F) {
	const previous = "arn:aws:iam::111122223333:role/previous"
	f.Fuzz(func(t *testing.T, s string) {

		p, err := access.ParsePrincipalARN(s)
		if err != nil {
			wantValidationError(t, err)
			if p != (access.PrincipalARN{}) {
				t.Fatalf("ParsePrincipalARN(%q) failed but returned %q", s, p)
			}
		} else if p.Unresolved() {
			checkSSOName(t, s, p)
		} else {
			checkPrincipal(t, s, p, access.ParsePrincipalARN)
			if p.IsRole() == p.IsUser() {
				t.Errorf("%q: IsRole %v, IsUser %v; want exactly one", s, p.IsRole(), p.IsUser())
			}
		}

		e, eerr := access.ParseEntryPrincipal(s)
		switch {
		case err == nil && (eerr != nil || e != p):
			t.Fatalf("ParseEntryPrincipal(%q) = %q, %v; want what ParsePrincipalARN accepts: %q", s, e, eerr, p)
		case eerr != nil:
			wantValidationError(t, eerr)
			if e != (access.PrincipalARN{}) {
				t.Fatalf("ParseEntryPrincipal(%q) failed but returned %q", s, e)
			}
		case err != nil: // accepted for an existing entry only: the account root
			checkPrincipal(t, s, e, access.ParseEntryPrincipal)
			if e.IsRole() || e.IsUser() || !strings.HasSuffix(s, ":root") {
				t.Errorf("ParseEntryPrincipal(%q) accepts what ParsePrincipalARN refuses (%v), but it is not the account root", s, err)
			}
		}

		// A flag value that fails to Set keeps what it had.
		q, qerr := access.ParsePrincipalARN(previous)
		if qerr != nil {
			t.Fatal(qerr)
		}
		if serr := q.Set(s); (serr == nil) != (err == nil) {
			t.Fatalf("Set(%q) = %v, but ParsePrincipalARN says %v", s, serr, err)
		} else if serr != nil && q.String() != previous {
			t.Fatalf("a failed Set(%q) changed the value to %q", s, q)
		}
	})
}

// checkSSOName checks an accepted sso:NAME[@ACCOUNT]: a role, unresolved,
// written in its one spelling (the scheme in lower case), which parses
// back to itself; its account, when it names one, is 12 digits.
func checkSSOName(t *testing.T, s string, p access.PrincipalARN) {
	t.Helper()
	n, ok := p.SSOName()
	if !ok || !access.IsSSOName(s) || !p.IsRole() || p.IsUser() || p.String() != n.String() || p.String() != access.SSOScheme+s[len(access.SSOScheme):] {
		t.Fatalf("accepted %q as sso name %q (%+v, ok %v)", s, p, n, ok)
	}
	if again, err := access.ParsePrincipalARN(p.String()); err != nil || again != p {
		t.Fatalf("%q does not parse back to itself: %q, %v", s, again, err)
	}
	if acct := p.Account(); acct != "" && (len(acct) != 12 || strings.Trim(acct, "0123456789") != "") {
		t.Errorf("%q: account %q is not 12 digits", s, acct)
	}
}

// checkPrincipal checks an accepted principal: it is s, parses back to
// itself, and its parts are what an IAM ARN has.
func checkPrincipal(t *testing.T, s string, p access.PrincipalARN, parse func(string) (access.PrincipalARN, error)) {
	t.Helper()
	if p.String() != s || p.IsZero() {
		t.Fatalf("accepted %q as %q (IsZero %v)", s, p, p.IsZero())
	}
	if again, err := parse(p.String()); err != nil || again != p {
		t.Fatalf("%q does not parse back to itself: %q, %v", s, again, err)
	}
	if acct := p.Account(); len(acct) != 12 || strings.Trim(acct, "0123456789") != "" {
		t.Errorf("%q: account %q is not 12 digits", s, acct)
	}
	if part := p.Partition(); part != "aws" && !strings.HasPrefix(part, "aws-") {
		t.Errorf("%q: partition %q", s, part)
	}
	for _, r := range s {
		if r <= ' ' || r > '~' {
			t.Errorf("accepted %q, which contains %q; IAM ARNs are printable ASCII", s, r)
			break
		}
	}
	_ = p.Warnings()
}
