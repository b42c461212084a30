package access_test

import (
	"errors"
	"fmt"
	"strconv"
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

// knownFindings are fuzz inputs that still break a property, keyed by
// fuzzInput(target, args...) (the corpus file's values, in order), with
// what goes wrong and where it is fixed.
// Their corpus files stay as regression tests: remove the entry once the
// fix is merged, and the input must pass.
var knownFindings = map[string]string{}

// skipKnownFinding skips the test when target's input is a known finding.
func skipKnownFinding(t *testing.T, target string, args ...any) {
	t.Helper()
	if what, ok := knownFindings[fuzzInput(target, args...)]; ok {
		t.Skip("known finding: " + what)
	}
}

// fuzzInput spells one input of a target the way knownFindings keys it:
// FuzzTags("a=\x00", "").
func fuzzInput(target string, args ...any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case string:
			parts[i] = strconv.Quote(a)
		case []byte:
			parts[i] = "[]byte(" + strconv.Quote(string(a)) + ")"
		default:
			parts[i] = fmt.Sprint(a)
		}
	}
	return target + "(" + strings.Join(parts, ", ") + ")"
}

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
