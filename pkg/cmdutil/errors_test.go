package cmdutil

import (
	"bytes"
	"context"
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
		{"a policy not associated", &eksapi.APIError{Code: "ResourceNotFoundException", Cluster: "demo",
			Message: "The specified policyArn arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy is not associated with principalArn arn:aws:iam::111122223333:role/dev. You can view the associated access policies with 'list-associated-access-policies'."},
			"eksaccess: ResourceNotFoundException: The specified policyArn arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy is not associated with principalArn arn:aws:iam::111122223333:role/dev.\n"},
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

// Several problems print each with its own hint line under it, the hints
// for all of them joined to the last one's (one hint line an error, never
// two in a row); an error with words of its own around several causes
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
		"eksaccess: access.yaml:9: second problem\nhint: fix the second; for all of them\n"
	if b.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
	}

	b.Reset()
	PrintError(&b, WithHint(fmt.Errorf("op: %w (and %w)", errors.New("a"), errors.New("b")), "h"))
	if want := "eksaccess: op: a (and b)\nhint: h\n"; b.String() != want {
		t.Errorf("printed %q, want %q", b.String(), want)
	}
}

// TestPrintErrorOneHintLine: an error is one "eksaccess:" line and at most
// one "hint:" line, its hints (the command's, then its kind's: a timeout,
// missing credentials) joined on it; a repeated hint is said once.
func TestPrintErrorOneHintLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"a hint and a timeout", WithHint(fmt.Errorf("create access entry x: %w", context.DeadlineExceeded), "re-run with --if-not-exists"),
			"eksaccess: create access entry x: context deadline exceeded\n" +
				"hint: re-run with --if-not-exists; the command ran past --timeout; raise it, or check the network and --endpoint-url\n"},
		{"two hints in the chain and missing credentials", WithHint(WithHint(fmt.Errorf("get caller identity: %w", eksapi.ErrNoCredentials), "inner"), "outer"),
			"eksaccess: get caller identity: " + eksapi.ErrNoCredentials.Error() + "\n" +
				"hint: outer; inner; configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); `aws sts get-caller-identity` checks them\n"},
		{"the same hint twice", WithHint(WithHint(errors.New("x"), "same"), "same"), "eksaccess: x\nhint: same\n"},
		{"no hint", errors.New("x"), "eksaccess: x\n"},
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
