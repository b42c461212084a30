package cli

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/eksapi"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/emulator/emutest"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// testDeps are Deps over in-memory streams, an environment map and an
// emulator (started lazily, only if a command asks for a client).
type testDeps struct {
	*Deps
	out, errOut *bytes.Buffer
	env         map[string]string
	srv         *emulator.Server
	clients     int
}

func newTestDeps(t testing.TB) *testDeps {
	t.Helper()
	return newTestDepsWith(t, emulator.Options{})
}

// newTestDepsWith is newTestDeps with emulator options (fault knobs).
func newTestDepsWith(t testing.TB, opts emulator.Options) *testDeps {
	t.Helper()
	ios, _, out, errOut := TestStreams()
	td := &testDeps{out: out, errOut: errOut, env: map[string]string{}}
	srv, hs := emutest.Start(t, opts)
	td.srv = srv
	td.Deps = &Deps{
		IO:     ios,
		Output: &output.Options{Format: output.TableFormat},
		Now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		Env:    func(k string) string { return td.env[k] },
		Client: func(context.Context) (*eksapi.Client, error) {
			td.clients++
			return eksapi.NewFromConfig(emutest.Config(hs.URL), ""), nil
		},
		Confirm: func(string) (bool, error) { t.Fatal("unexpected prompt"); return false, nil },
	}
	return td
}
