//go:build !unix

package cmdutil

// openNonblock: systems without Unix FIFOs need no flag.
const openNonblock = 0
