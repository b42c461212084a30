package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/eksaccess/eksaccess/pkg/cli"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
)

// TestMain puts eks-emulator and eksaccess on PATH for the tests that run
// them as processes (--background starts itself again; the documented
// start-up snippets run in bash): both are this test binary, which runs
// main or cli.Main when invoked under their names.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"eks-emulator": main,
		"eksaccess": func() {
			os.Exit(cli.Main(os.Args[1:], cmdutil.System(), cli.BuildInfo{Version: "v0.0.0-test"}))
		},
	})
}
