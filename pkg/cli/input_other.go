//go:build !unix

package cli

// openNonblock: systems without Unix FIFOs need no flag.
const openNonblock = 0
