package eksapi_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// A region refuses the caller when it is not enabled (the credentials are
// not valid there) or a policy denies it; credentials that expired, or a
// bad signature, are the caller's problem in every region, and a fleet
// read must report them, not skip the region.
func TestIsRegionRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		want bool
	}{
		{"UnrecognizedClientException", true},
		{"InvalidClientTokenId", true},
		{"AccessDeniedException", true},
		{"AccessDenied", true},
		{"ExpiredTokenException", false},
		{"ExpiredToken", false},
		{"InvalidSignatureException", false},
		{"SignatureDoesNotMatch", false},
		{"TooManyRequestsException", false},
	}
	for _, tt := range tests {
		err := fmt.Errorf("list clusters: %w", &eksapi.APIError{Code: tt.code})
		if got := eksapi.IsRegionRefused(err); got != tt.want {
			t.Errorf("%s: IsRegionRefused = %v, want %v", tt.code, got, tt.want)
		}
	}
	if eksapi.IsRegionRefused(fmt.Errorf("x: %w", eksapi.ErrAccessDenied)) || eksapi.IsRegionRefused(errors.New("AccessDeniedException")) {
		t.Error("an error that is no API error is no refusal")
	}
}
