// Package plan is the planner: it compares the entries an apply file
// states (package accessfile) with a cluster's live entries and says what
// to create, update, delete, keep or refuse (Build, PruneDecision), with
// the lockout rule (access.CheckLockout) applied to each write; FromLive
// is the reverse, the file that states a cluster as it is (export). It
// also renders a plan as text (Render) and as data (Plan.Doc).
//
// The package is pure: no network, no files. Reading the live entries and
// carrying out a plan are package apply's.
package plan
