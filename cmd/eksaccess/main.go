// Command eksaccess manages Amazon EKS access entries.
package main

import (
	"os"

	"github.com/eksaccess/eksaccess/pkg/cli"
)

// Set by the linker at release time (-X main.version=...).
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.System(), cli.BuildInfo{Version: version, Commit: commit, Date: date}))
}
