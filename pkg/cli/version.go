package cli

import (
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/eksaccess/eksaccess/pkg/cmdutil"
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
		Example: "  eksaccess version\n  eksaccess version -o text --query version",
		Args:    cmdutil.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			v := versionInfo(build, readBuildInfo())
			return deps.print(output.Result{
				Doc: v,
				Table: output.Table{Header: []string{"FIELD", "VALUE"}, Rows: [][]string{
					{"VERSION", v.Version}, {"COMMIT", v.Commit}, {"DATE", v.Date}, {"GO", v.GoVersion},
				}},
			})
		},
	}
}

// unknown is what version shows for a commit or date no source gave.
const unknown = "unknown"

// versionInfo fills what the linker did not set (make build and release
// builds set all three) from the module's build info, in this order:
//
//   - the VCS stamp of a go build or go install in a git checkout
//     (vcs.revision, "-dirty" when modified, and vcs.time, the commit's
//     time);
//   - the pseudo-version of a go install module@commit
//     (v0.0.0-20240102030405-abcdef123456: its time and commit);
//   - "unknown", so that every build shows the three fields.
//
// info may be nil (no build info).
func readBuildInfo() *debug.BuildInfo {
	info, _ := debug.ReadBuildInfo()
	return info
}

func versionInfo(b BuildInfo, info *debug.BuildInfo) versionDoc {
	v := versionDoc{Version: b.Version, Commit: b.Commit, Date: b.Date, GoVersion: runtime.Version()}
	if info != nil {
		if v.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v.Version = info.Main.Version
		}
		var revision, vcsTime string
		var modified bool
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				vcsTime = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if revision != "" && modified {
			revision += "-dirty"
		}
		pseudoTime, pseudoCommit := pseudoVersion(info.Main.Version)
		if v.Commit == "" {
			v.Commit = firstOf(revision, pseudoCommit)
		}
		if v.Date == "" {
			v.Date = firstOf(vcsTime, pseudoTime)
		}
	}
	v.Version = firstOf(v.Version, "dev")
	v.Commit = firstOf(v.Commit, unknown)
	v.Date = firstOf(v.Date, unknown)
	return v
}

// pseudoVersion returns the time (RFC 3339) and commit prefix of a Go
// pseudo-version (vX.Y.Z-yyyymmddhhmmss-abcdefabcdef, also with a
// pre-release: vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef), or "" and "".
func pseudoVersion(v string) (date, commit string) {
	v = strings.TrimSuffix(v, "+incompatible")
	i := strings.LastIndexByte(v, '-')
	if i < 0 || len(v)-i-1 != 12 {
		return "", ""
	}
	commit, rest := v[i+1:], v[:i]
	if j := strings.LastIndexAny(rest, "-."); j >= 0 {
		rest = rest[j+1:]
	}
	t, err := time.Parse("20060102150405", rest)
	if err != nil || !isHex(commit) {
		return "", ""
	}
	return t.UTC().Format(time.RFC3339), commit
}

func isHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

func firstOf(values ...string) string {
	for _, s := range values {
		if s != "" {
			return s
		}
	}
	return ""
}
