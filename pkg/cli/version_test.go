package cli

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVersionInfo: every build shows a version, a commit and a date: the
// linker's (make build, releases), else the VCS stamp (go build in a
// checkout), else the pseudo-version (go install module@commit), else
// "unknown".
func TestVersionInfo(t *testing.T) {
	t.Parallel()
	vcs := func(rev, when, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: when}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name  string
		build BuildInfo
		info  *debug.BuildInfo
		want  versionDoc
	}{
		{
			name:  "ldflags win",
			build: BuildInfo{Version: "v1.2.3", Commit: "abc123", Date: "2026-01-02T03:04:05Z"},
			info:  &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("fff", "2020-01-01T00:00:00Z", "false")},
			want:  versionDoc{Version: "v1.2.3", Commit: "abc123", Date: "2026-01-02T03:04:05Z"},
		},
		{
			name:  "make build without a tag: version only from git describe",
			build: BuildInfo{Version: "a0b0924"},
			info:  &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("a0b0924aaaa", "2026-02-03T04:05:06Z", "false")},
			want:  versionDoc{Version: "a0b0924", Commit: "a0b0924aaaa", Date: "2026-02-03T04:05:06Z"},
		},
		{
			name: "go build in a checkout, modified",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123456789abcdef", "2026-02-03T04:05:06Z", "true")},
			want: versionDoc{Version: "dev", Commit: "0123456789abcdef-dirty", Date: "2026-02-03T04:05:06Z"},
		},
		{
			name: "go install module@commit",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260102030405-abcdef123456"}},
			want: versionDoc{Version: "v0.0.0-20260102030405-abcdef123456", Commit: "abcdef123456", Date: "2026-01-02T03:04:05Z"},
		},
		{
			name: "go install module@commit after a pre-release",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0-rc.1.0.20260102030405-abcdef123456"}},
			want: versionDoc{Version: "v1.3.0-rc.1.0.20260102030405-abcdef123456", Commit: "abcdef123456", Date: "2026-01-02T03:04:05Z"},
		},
		{
			name: "go install module@tag",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}},
			want: versionDoc{Version: "v1.2.3", Commit: unknown, Date: unknown},
		},
		{
			name: "go build without VCS (-buildvcs=false, a tarball)",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want: versionDoc{Version: "dev", Commit: unknown, Date: unknown},
		},
		{name: "no build info", want: versionDoc{Version: "dev", Commit: unknown, Date: unknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.want.GoVersion = runtime.Version()
			if diff := cmp.Diff(tt.want, versionInfo(tt.build, tt.info)); diff != "" {
				t.Errorf("versionInfo (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPseudoVersion(t *testing.T) {
	t.Parallel()
	for v, want := range map[string][2]string{
		"v0.0.0-20260102030405-abcdef123456":              {"2026-01-02T03:04:05Z", "abcdef123456"},
		"v1.2.4-0.20260102030405-abcdef123456":            {"2026-01-02T03:04:05Z", "abcdef123456"},
		"v2.0.0-20260102030405-abcdef123456+incompatible": {"2026-01-02T03:04:05Z", "abcdef123456"},
		"v1.2.3":                             {"", ""},
		"v1.2.3-rc.1":                        {"", ""},
		"v0.0.0-20261302030405-abcdef123456": {"", ""}, // month 13
		"v0.0.0-20260102030405-ABCDEFGHIJKL": {"", ""},
		"(devel)":                            {"", ""},
	} {
		if d, c := pseudoVersion(v); d != want[0] || c != want[1] {
			t.Errorf("pseudoVersion(%q) = %q, %q, want %q, %q", v, d, c, want[0], want[1])
		}
	}
}
