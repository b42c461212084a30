// Package access is eksaccess's request model: typed, validated values for
// the EKS access-entry API (principal ARNs, entry types, usernames, groups,
// tags, policy references and scopes) and the result types the commands
// print.
//
// It is pure: no SDK service packages, no cobra, no I/O. Single-value rules
// run in the Set methods (so the types double as pflag.Value flag values and
// a bad flag fails at parse time naming the flag); rules that span fields
// run in the Validate methods of the request types.
//
// The rules are those of docs/design/access-entry-api.md §4.
package access
