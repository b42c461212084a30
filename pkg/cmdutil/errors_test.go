package cmdutil

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
)

// TestPrintErrorNamesEksaccessCommands: EKS's messages point at AWS CLI
// commands (list-access-entries); the error line leaves that out and the
// hint names the eksaccess command.
func TestPrintErrorNamesEksaccessCommands(t *testing.T) {
	t.Parallel()
	const entryMsg = "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'."
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"an entry not found", fmt.Errorf("describe access entry arn:aws:iam::111122223333:role/a in cluster demo: %w",
			&eksapi.APIError{Code: "ResourceNotFoundException", Message: entryMsg, Cluster: "demo"}),
			"eksaccess: describe access entry arn:aws:iam::111122223333:role/a in cluster demo: ResourceNotFoundException: The specified principalArn could not be found.\n" +
				"hint: `eksaccess list --cluster demo` lists the cluster's access entries\n"},
		{"an entry not found, no cluster known", &eksapi.APIError{Code: "ResourceNotFoundException", Message: entryMsg},
			"eksaccess: ResourceNotFoundException: The specified principalArn could not be found.\n" +
				"hint: `eksaccess list --cluster NAME` lists the cluster's access entries\n"},
		{"a policy EKS does not know", &eksapi.APIError{Code: "InvalidParameterException", Cluster: "demo",
			Message: "The policyArn arn:aws:eks::aws:cluster-access-policy/AmazonEKSGodPolicy is not a valid access policy. You can view the available access policies with 'list-access-policies'."},
			"eksaccess: InvalidParameterException: The policyArn arn:aws:eks::aws:cluster-access-policy/AmazonEKSGodPolicy is not a valid access policy.\n" +
				"hint: `eksaccess policy list` lists the access policies\n"},
		{"other messages are left whole", &eksapi.APIError{Code: "ResourceNotFoundException", Message: "The specified association could not be found."},
			"eksaccess: ResourceNotFoundException: The specified association could not be found.\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			PrintError(&b, tt.err)
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// Several problems print each with its own hints under it, then the hints
// for all of them; an error with words of its own around several causes
// prints whole.
func TestPrintErrorKeepsHintsWithTheirProblems(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	joined := UsageError(errors.Join(
		WithHint(errors.New("access.yaml:3: first problem"), "fix the first"),
		WithHint(errors.New("access.yaml:9: second problem"), "fix the second"),
	))

	PrintError(&b, WithHint(joined, "for all of them"))
	want := "eksaccess: access.yaml:3: first problem\nhint: fix the first\n" +
		"eksaccess: access.yaml:9: second problem\nhint: fix the second\n" +
		"hint: for all of them\n"
	if b.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
	}

	b.Reset()
	PrintError(&b, WithHint(fmt.Errorf("op: %w (and %w)", errors.New("a"), errors.New("b")), "h"))
	if want := "eksaccess: op: a (and b)\nhint: h\n"; b.String() != want {
		t.Errorf("printed %q, want %q", b.String(), want)
	}
}
