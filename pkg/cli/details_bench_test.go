package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// BenchmarkListDetailsThrottled measures `list --details` (300 entries,
// concurrency 8, the default 2m deadline) against an endpoint that
// throttles a fraction of requests at random, in the SDK's standard and
// adaptive retry modes (AWS_RETRY_MODE), with eksaccess's retry policy
// otherwise. It is what chose standard as the default: adaptive's
// client-side rate limiter backs off the whole client on every throttle and,
// under random throttling, never recovers its rate. Slow (minutes); run it
// alone:
//
//	go test ./pkg/cli -run '^$' -bench ListDetailsThrottled -benchtime 1x
//
// It reports the entries described and missing besides the time.
func BenchmarkListDetailsThrottled(b *testing.B) {
	const entries = 300
	for _, rate := range []float64{0.1, 0.3} {
		for _, mode := range []string{"standard", "adaptive"} {
			b.Run(fmt.Sprintf("throttle=%.0f%%/mode=%s", rate*100, mode), func(b *testing.B) {
				srv := newDemoEmulator(emulator.Options{Seed: 11})
				seedEntries(b, srv, entries)
				srv.SetFaults(0, rate, 0)
				td := realClientDeps(b, srv, map[string]string{"AWS_RETRY_MODE": mode})
				*td.Output = output.Options{Format: output.Text}
				o := &listOptions{deps: td.Deps, cluster: "demo", details: true, concurrency: 8}
				var described, missing int
				b.ResetTimer()
				for b.Loop() {
					td.out.Reset()
					ctx, cancel := context.WithTimeout(b.Context(), 2*time.Minute)
					err := runList(ctx, o)
					cancel()
					described = strings.Count(td.out.String(), "\n")
					missing = entries - described
					if err != nil {
						b.Logf("%s", err.Error()[strings.LastIndex(err.Error(), "\n")+1:])
					}
				}
				b.ReportMetric(float64(described), "described")
				b.ReportMetric(float64(missing), "missing")
			})
		}
	}
}
