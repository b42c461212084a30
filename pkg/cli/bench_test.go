package cli

import (
	"fmt"
	"testing"
	"time"

	"github.com/eksaccess/eksaccess/pkg/access"
	"github.com/eksaccess/eksaccess/pkg/emulator"
	"github.com/eksaccess/eksaccess/pkg/output"
)

// BenchmarkListDetails: `list --details` over 200 entries with 2ms of
// latency a request (two requests an entry), at concurrency 1 and 8. It
// reports entries described per second; the ratio shows what the bounded
// concurrency buys.
func BenchmarkListDetails(b *testing.B) {
	const entries = 200
	for _, concurrency := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", concurrency), func(b *testing.B) {
			td := newTestDepsWith(b, emulator.Options{})
			client, err := td.Client(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			for i := range entries {
				p, err := access.ParsePrincipalARN(fmt.Sprintf("arn:aws:iam::111122223333:role/r%03d", i))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := client.CreateEntry(b.Context(), access.CreateEntry{Cluster: "demo", Principal: p}); err != nil {
					b.Fatal(err)
				}
			}
			td.srv.SetFaults(2*time.Millisecond, 0, 0)
			*td.Output = output.Options{Format: output.Text}
			o := &listOptions{deps: td.Deps, cluster: "demo", details: true, concurrency: concurrency}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				td.out.Reset()
				if err := runList(b.Context(), o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(entries*b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
