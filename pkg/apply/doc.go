// Package apply is eksaccess's write path and the read it starts from:
// ReadLive and DescribeAll read a cluster's live entries (the planner's
// input), and the Executor carries out a plan (package plan) against the
// cluster: create-then-associate, the re-read that leaves an entry another
// writer changed meanwhile, the eventual-consistency waits
// (eksapi.Waiter), the caller's-access re-check after an update, progress,
// and the outcome of each entry. It sits below the commands and beside the
// planner, and is, with eksapi below it, the only package that reaches
// the network.
package apply
