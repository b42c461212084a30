// Package access is eksaccess's request model: typed, validated values for
// the EKS access-entry API (principal ARNs, entry types, usernames, groups,
// tags, policy references and scopes) and the result types the commands
// print.
//
// It is the one rulebook of an entry: every rule about a principal, a
// type, a username, a group, a tag, a policy or a scope lives here, and
// the flags, the apply-file loader (package plan) and the aws-auth import
// (package awsauth) call it. The rules of an entry's fields (reserved
// prefixes, session variables, node types, a policy's partition, the
// default username) are in rules.go; they name the field in the caller's
// words (Words: flags or a file's keys) and say which field a problem is
// about (Error.Field), so that each caller adds only where the value came
// from.
//
// It is pure: no SDK service packages, no cobra, no I/O. Single-value rules
// run in the Set methods (so the types double as pflag.Value flag values and
// a bad flag fails at parse time naming the flag); rules that span fields
// run in the Validate methods of the request types.
//
// The rules are those of docs/design/access-entry-api.md §4.
package access
