// Package cmdutil holds what eksaccess's commands share and no command
// owns, as gh's pkg/cmdutil and pkg/iostreams do: the standard streams and
// what is known of them (IOStreams).
//
// It sits below package cli (the commands) and above the packages the
// commands call (access, eksapi, output): it may import those, never cli;
// only cli and cmd/* import it.
package cmdutil
