package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/apply"
	"github.com/eksaccess/eksaccess/pkg/cmdutil"
	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/fleet"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// exported is one cluster's file: where it was written, and how many
// entries it has.
type exported struct {
	path    string
	entries int
}

// exportPath is where a cluster's file goes under dir: an apply file (or
// ClusterConfig) per cluster, ACCOUNT/REGION/CLUSTER.yaml, which apply -f
// reads back; Terraform's in a directory of its own per cluster (its
// resource names are the principals', unique within a cluster only).
func (o *exportOptions) exportPath(t fleet.Target) string {
	account := t.Account
	if account == "" {
		account = "unknown-account"
	}
	if o.format == exportTerraform {
		return filepath.Join(o.dir, account, t.Region, t.Cluster, "access.tf")
	}
	return filepath.Join(o.dir, account, t.Region, t.Cluster+".yaml")
}

// runExportFleet writes a file per cluster of the fleet under --dir and
// prints a row per cluster: the file, or the cluster's error.
func runExportFleet(ctx context.Context, o *exportOptions) error {
	// --dir that cannot be made (a file, no permission) fails here, once,
	// before any cluster is read, not in the row of every cluster read.
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return cmdutil.WithHint(fmt.Errorf("--dir: %w", err), "give a directory eksaccess may create and write")
	}
	var mu sync.Mutex
	var warnings []string
	read := readFleet(ctx, o.deps, &o.fleet, fleetClusterConcurrency, func(ctx context.Context, c *eksapi.Client, t fleet.Target) (exported, error) {
		cluster := access.ClusterName(t.Cluster)
		live, err := apply.ReadLive(ctx, c, cluster, apply.ReadOptions{Concurrency: o.concurrency})
		if err != nil {
			return exported{}, err
		}
		data, ferr := o.file(ctx, c, cluster, live, func(s string) {
			mu.Lock()
			defer mu.Unlock()
			warnings = append(warnings, fmt.Sprintf("%s: %s", where(t, true), s))
		})
		if data == nil {
			return exported{}, ferr
		}
		path := o.exportPath(t)
		if err := writeFileAtomic(path, data); err != nil {
			return exported{}, err
		}
		return exported{path: path, entries: len(live)}, ferr
	})
	slices.Sort(warnings)
	cmdutil.Warn(o.deps.IO.ErrOut, warnings...)
	t := output.Table{Header: append(slices.Clone(fleetColumns), "ENTRIES", "FILE")}
	for _, r := range read.results {
		row := append(fleetCells(r.Target), strconv.Itoa(r.Value.entries), r.Value.path)
		if r.Value.path == "" {
			row[len(fleetColumns)] = ""
			row[len(fleetColumns)+1] = "error: " + r.Err.Error()
		}
		t.Rows = append(t.Rows, row)
	}
	// The summary is for people (the files are the output): a table
	// whatever -o, which export refuses anyway.
	if err := output.Print(o.deps.IO.Out, output.Options{Format: output.TableFormat}, output.Result{Table: t}); err != nil {
		return err
	}
	return finishFleet(ctx, o.deps, read)
}

// writeFileAtomic writes data to path (making its directories), through
// a temporary file renamed into place, so that a file is never half
// written.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := createTemp(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // after the rename, nothing is there
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// createTemp creates a new file in dir for writeFileAtomic. Unlike
// os.CreateTemp (0600) it asks for 0666, so the file ends up as the
// umask makes a file the shell writes (export > file): readable by the
// team that shares a backup directory when the umask says so.
func createTemp(dir string) (*os.File, error) {
	for {
		name := filepath.Join(dir, ".export-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}
