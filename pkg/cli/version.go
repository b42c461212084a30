package cli

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/output"
)

type versionDoc struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"goVersion"`
}

func newVersionCmd(deps *Deps, build BuildInfo) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit, build date and Go version",
		Example: "  eksaccess version\n  eksaccess version -o json --query version",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			v := versionInfo(build)
			return deps.print(output.Result{
				Doc: v,
				Table: output.Table{Header: []string{"FIELD", "VALUE"}, Rows: [][]string{
					{"VERSION", v.Version}, {"COMMIT", v.Commit}, {"DATE", v.Date}, {"GO", v.GoVersion},
				}},
			})
		},
	}
}

// versionInfo fills what the linker did not set from the module's build info.
func versionInfo(b BuildInfo) versionDoc {
	v := versionDoc{Version: b.Version, Commit: b.Commit, Date: b.Date, GoVersion: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && v.Commit == "":
				v.Commit = s.Value
			case s.Key == "vcs.time" && v.Date == "":
				v.Date = s.Value
			}
		}
	}
	if v.Version == "" {
		v.Version = "dev"
	}
	return v
}
