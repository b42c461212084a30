package cmdutil

import "github.com/eksaccess/eksaccess/pkg/access"

// ShellQuote quotes s for a POSIX shell when it needs it (access.ShellWord,
// the one quoting rule hints use).
func ShellQuote(s string) string { return access.ShellWord(s) }
