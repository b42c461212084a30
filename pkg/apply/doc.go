// Package apply is eksaccess's write path and the read it starts from:
// ReadLive and DescribeAll read a cluster's live entries (the planner's
// input), and the Executor carries out changes planned by package plan:
// Apply for a plan of many entries (apply), Do for a single command's one
// change (create, update, delete, policy associate, policy disassociate).
// Create-then-associate, the re-read that leaves an entry another writer
// changed meanwhile, the read-back after an update, the eventual-
// consistency waits (eksapi.Waiter), the caller's-access re-check after a
// write that took something away, progress, and the outcome of each entry
// (what was written, what may have been, what was not started) live here
// once, with the rules they apply: changedFields and overwritten (the one
// concurrent-writer rule), putBack (the lockout re-check with put-back)
// and ReadAccess (what an entry grants, which the commands' lockout
// guards read too).
//
// It sits below the commands and beside the planner, and is, with eksapi
// below it, the only package that reaches the network.
package apply
