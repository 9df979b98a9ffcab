// Package benchcmp measures a subject against a baseline in one benchmark run, as
// the project's performance goals are stated: both sides in the same process,
// interleaved step by step so that machine noise hits them alike.
package benchcmp

import (
	"testing"
	"time"
)

// Report runs subject and baseline alternately, once each per iteration of b, and
// reports their times per iteration ("subject-ns/op", "baseline-ns/op") and
// subject/baseline under the metric named ratio (for example "x-stateless-map").
// Allocations are reported for both sides together.
func Report(b *testing.B, ratio string, subject, baseline func()) {
	b.Helper()
	b.ReportAllocs()
	var s, base time.Duration
	for b.Loop() {
		t0 := time.Now()
		subject()
		t1 := time.Now()
		baseline()
		s += t1.Sub(t0)
		base += time.Since(t1)
	}
	b.ReportMetric(float64(s.Nanoseconds())/float64(b.N), "subject-ns/op")
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "baseline-ns/op")
	if base > 0 {
		b.ReportMetric(float64(s)/float64(base), ratio)
	}
}
