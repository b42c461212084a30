package eksapi

import "testing"

// BenchmarkLimiter is what the limiter adds to each attempt: alone, and
// with every CPU's goroutines sharing it (as a bulk command's workers do).
func BenchmarkLimiter(b *testing.B) {
	b.Run("serial", func(b *testing.B) {
		l := NewLimiter()
		b.ReportAllocs()
		for b.Loop() {
			t, err := l.acquire(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			l.done(t, nil)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		l := NewLimiter()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				t, err := l.acquire(b.Context())
				if err != nil {
					b.Error(err)
					return
				}
				l.done(t, nil)
			}
		})
	})
}
