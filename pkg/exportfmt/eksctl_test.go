package exportfmt

import (
	"bytes"
	"slices"
	"testing"

	"github.com/eksaccess/eksaccess/pkg/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/eksaccess/eksaccess/pkg/accessfile"
	"github.com/eksaccess/eksaccess/pkg/plan"
)

// sampleFile is sample as export states it in an apply file: the
// entries a file can state (not the account root, nor a tab in a
// username), with owner platform.
func sampleFile(t *testing.T) *accessfile.File {
	t.Helper()
	f, skipped := plan.FromLive("demo", "us-west-2", sample())
	if len(skipped) != 2 {
		t.Fatalf("skipped %q, want the account root and user/hostile", skipped)
	}
	return f
}

func TestEksctl(t *testing.T) {
	t.Parallel()
	data, _, err := Eksctl(sampleFile(t))
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, data)
}

// apply -f reads the ClusterConfig back as the same cluster, owner and
// entries, but the tags, which eksctl's format has not; the entries whose
// tags are left out are named.
func TestEksctlReadsBack(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		file func(t *testing.T) *accessfile.File
	}{
		{"sample", sampleFile},
		{"no owner", func(t *testing.T) *accessfile.File { f := sampleFile(t); f.Owner = ""; return f }},
		{"no entries", func(*testing.T) *accessfile.File {
			return &accessfile.File{Clusters: []accessfile.Cluster{{Name: "demo"}}, Entries: nil}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := tt.file(t)
			data, untagged, err := Eksctl(f)
			if err != nil {
				t.Fatal(err)
			}
			back, err := accessfile.Load("cluster.yaml", bytes.NewReader(data))
			if err != nil {
				t.Fatalf("apply -f refuses it: %v\n%s", err, data)
			}
			if back.Format != accessfile.EksctlAPIVersion {
				t.Errorf("read as %s, want eksctl's ClusterConfig", back.Format)
			}
			var wantUntagged []string
			for i, e := range f.Entries {
				if len(e.Tags) > 0 {
					wantUntagged = append(wantUntagged, e.Principal.String())
					f.Entries[i].Tags = nil
				}
			}
			if !slices.Equal(untagged, wantUntagged) {
				t.Errorf("untagged %q, want %q", untagged, wantUntagged)
			}
			// Compared as the own format writes them: the same text is the
			// same clusters, owner and entries.
			want, err := f.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, err := back.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("read back (-exported +read):\n%s", diff)
			}
		})
	}
}

func TestEksctlOneCluster(t *testing.T) {
	t.Parallel()
	f := &accessfile.File{Clusters: []accessfile.Cluster{{Name: "a"}, {Name: "b"}}}
	if _, _, err := Eksctl(f); err == nil {
		t.Error("a ClusterConfig of two clusters was written")
	}
}
