// Command krewcheck checks the krew plugin manifest that a goreleaser
// snapshot or release writes (DIST/krew/eksaccess.yaml) against the
// archives beside it; scripts/release-check.sh runs it:
//
//	go run ./scripts/krewcheck DIST VERSION
//
// The manifest must be a krew Plugin named eksaccess at vVERSION, with one
// platform for each of linux, darwin and windows on amd64 and arm64; each
// platform's archive must be this release's kubectl-eksaccess archive for
// that OS and arch, with the sha256 of checksums.txt, and hold the binary
// the manifest names (krew links it as kubectl-eksaccess) and LICENSE.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// manifest is the part of a krew Plugin manifest that is checked.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Version          string     `yaml:"version"`
		Homepage         string     `yaml:"homepage"`
		ShortDescription string     `yaml:"shortDescription"`
		Description      string     `yaml:"description"`
		Platforms        []platform `yaml:"platforms"`
	} `yaml:"spec"`
}

type platform struct {
	Bin      string `yaml:"bin"`
	URI      string `yaml:"uri"`
	Sha256   string `yaml:"sha256"`
	Selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
}

const releases = "https://github.com/eksaccess/eksaccess/releases/download/"

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: krewcheck DIST VERSION")
		os.Exit(2)
	}
	n, err := check(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintf(os.Stderr, "krewcheck: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("krewcheck: %s/krew/eksaccess.yaml: v%s, %d platforms, checksums and archives match\n", os.Args[1], os.Args[2], n)
}

// snapshotTag is the tag in a snapshot's download URLs: goreleaser's
// snapshot keeps the repository's current tag there (v0.0.0 in a clone
// without tags), while the version is the snapshot's own.
var snapshotTag = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`)

// downloadURI reports whether uri is the release download of archive name
// for version: at tag v<version>, or, for a snapshot, at any release tag.
func downloadURI(uri, version, name string) bool {
	if uri == releases+"v"+version+"/"+name {
		return true
	}
	tag, file, ok := strings.Cut(strings.TrimPrefix(uri, releases), "/")
	return strings.Contains(version, "-snapshot-") && strings.HasPrefix(uri, releases) && ok &&
		file == name && snapshotTag.MatchString(tag)
}

// check checks dist's krew manifest for version and returns how many
// platforms it has.
func check(dist, version string) (int, error) {
	file := filepath.Join(dist, "krew", "eksaccess.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var m manifest
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&m); err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	sums, err := checksums(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		return 0, err
	}
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if m.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || m.Kind != "Plugin" {
		fail("not a krew Plugin manifest: apiVersion %q, kind %q", m.APIVersion, m.Kind)
	}
	if m.Metadata.Name != "eksaccess" {
		fail("metadata.name is %q, want eksaccess", m.Metadata.Name)
	}
	if m.Spec.Version != "v"+version {
		fail("spec.version is %q, want v%s", m.Spec.Version, version)
	}
	if m.Spec.Homepage == "" || m.Spec.ShortDescription == "" || m.Spec.Description == "" {
		fail("spec lacks homepage, shortDescription or description")
	}
	want := map[string]bool{}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			want[goos+"/"+arch] = true
		}
	}
	for _, p := range m.Spec.Platforms {
		goos, arch := p.Selector.MatchLabels["os"], p.Selector.MatchLabels["arch"]
		key := goos + "/" + arch
		if !want[key] {
			fail("platform %s: unexpected, or listed twice", key)
			continue
		}
		delete(want, key)
		ext := "tar.gz"
		if goos == "windows" {
			ext = "zip"
		}
		name := fmt.Sprintf("kubectl-eksaccess_%s_%s_%s.%s", version, goos, arch, ext)
		if !downloadURI(p.URI, version, name) {
			fail("platform %s: uri %s, want %s", key, p.URI, releases+"v"+version+"/"+name)
		}
		if sum, ok := sums[name]; !ok {
			fail("platform %s: checksums.txt does not list %s", key, name)
		} else if p.Sha256 != sum {
			fail("platform %s: sha256 %s, but checksums.txt has %s for %s", key, p.Sha256, sum, name)
		}
		files, err := archiveFiles(filepath.Join(dist, name))
		if err != nil {
			fail("platform %s: %v", key, err)
			continue
		}
		for _, f := range []string{p.Bin, "LICENSE"} {
			if f == "" || !slices.Contains(files, f) {
				fail("platform %s: %s does not hold %q (it holds %s)", key, name, f, strings.Join(files, ", "))
			}
		}
		if wantBin := binName(goos); p.Bin != wantBin {
			fail("platform %s: bin %q, want %q", key, p.Bin, wantBin)
		}
	}
	for key := range want {
		fail("no platform %s", key)
	}
	if err := errors.Join(errs...); err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	return len(m.Spec.Platforms), nil
}

func binName(goos string) string {
	if goos == "windows" {
		return "eksaccess.exe"
	}
	return "eksaccess"
}

// checksums reads a checksums.txt: "SUM  NAME" lines.
func checksums(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			return nil, fmt.Errorf("%s: not a checksum line: %q", file, line)
		}
		sums[name] = sum
	}
	return sums, nil
}

// archiveFiles lists the regular files in a .tar.gz or .zip archive.
func archiveFiles(file string) ([]string, error) {
	if strings.HasSuffix(file, ".zip") {
		r, err := zip.OpenReader(file)
		if err != nil {
			return nil, err
		}
		defer func() { _ = r.Close() }()
		var names []string
		for _, f := range r.File {
			if !f.FileInfo().IsDir() {
				names = append(names, path.Clean(f.Name))
			}
		}
		return names, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if h.Typeflag == tar.TypeReg {
			names = append(names, path.Clean(h.Name))
		}
	}
}
