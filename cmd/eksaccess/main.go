// Command eksaccess manages Amazon EKS access entries.
package main

import (
	"os"

	"github.com/eksaccess/eksaccess/pkg/cli"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// Set by the linker at release time (-X main.version=...).
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cmdutil.System(), cli.BuildInfo{Version: version, Commit: commit, Date: date}))
}
