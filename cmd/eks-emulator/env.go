package main

import (
	"flag"
	"fmt"
	"runtime"
	"strings"
)

// Set by the linker at release time (-X main.version=...).
var (
	version = ""
	commit  = ""
	date    = ""
)

// versionLine is what --version prints.
func versionLine() string {
	v := version
	if v == "" {
		v = "dev"
	}
	return fmt.Sprintf("eks-emulator %s (commit %s, built %s, %s)", v, orNone(commit), orNone(date), runtime.Version())
}

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// envPrefix names the environment variables that stand in for flags:
// EKS_EMULATOR_ADDR for --addr, EKS_EMULATOR_THROTTLE_RATE for
// --throttle-rate. They exist for container runs where the command line
// cannot be set (a GitHub Actions service container), so a flag on the
// command line wins over its variable.
const envPrefix = "EKS_EMULATOR_"

// envName is the variable for the flag name.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// setFromEnv sets every flag of fs that the command line left unset and
// whose variable getenv returns non-empty. A repeatable flag (--cluster)
// takes a comma-separated list (the others split it themselves).
func setFromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v := getenv(envName(f.Name))
		if err != nil || v == "" || onCommandLine[f.Name] {
			return
		}
		values := []string{v}
		if _, repeatable := f.Value.(clustersFlag); repeatable {
			values = strings.Split(v, ",")
		}
		for _, one := range values {
			if e := fs.Set(f.Name, strings.TrimSpace(one)); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
				return
			}
		}
	})
	return err
}
