package access_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// This file holds what the fuzz targets of this package share. Each target
// lives next to the tests of what it fuzzes (principal_fuzz_test.go, ...);
// `make fuzz` runs them all, and plain `go test` runs their seed corpora
// (testdata/fuzz/FuzzXxx/).

// wantValidationError fails unless err is the package's kind of error:
// every error in its errors.Join tree an *access.Error with a message.
func wantValidationError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok { //nolint:errorlint // walks the Join tree itself
		for _, e := range j.Unwrap() {
			wantValidationError(t, e)
		}
		return
	}
	var ae *access.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %q is a %T, want *access.Error", err, err)
	}
	if err.Error() == "" {
		t.Fatal("validation error has no message")
	}
	_ = access.Hints(err)
}

// cleanText reports whether s is valid UTF-8 without control characters:
// what a group, username or tag must be to print safely and to reach EKS
// as the user wrote it.
func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}
