// Package cmdutil holds what eksaccess's commands share and no command
// owns, as gh's pkg/cmdutil and pkg/iostreams do: the standard streams and
// what is known of them (IOStreams); the one error type that carries an
// exit code and a hint (ExitError), the one mapping of errors to the exit
// codes of the contract (ExitCode) and the one way errors reach stderr
// (PrintError); what a panic or a stopped write leaves to say; the
// confirmation prompt (Confirm) and the --timeout deadline whose clock
// stops at it (WithDeadline); the flags several commands share, the
// rules every flag value follows (GuardFlags) and how the command line is
// read where cobra alone would not do what a user expects (Preflight,
// FlagErrorFunc, NewHelpCmd); reading the -f input of apply, diff and
// import (ReadInput); the progress line of bulk work (Progress); the
// rendering of one access entry that create, describe and update share
// (EntryResult).
//
// It sits below package cli (the commands) and above the packages the
// commands call (access, eksapi, output): it may import those, never cli;
// only cli and cmd/* import it.
package cmdutil
