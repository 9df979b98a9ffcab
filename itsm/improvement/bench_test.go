package improvement_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/improvement"
)

// BenchmarkComputeUCI computes every metric, wall and business time, over the 24,918
// imported UCI incidents (141,707 events, every one counted), with an itsm/calendar
// business calendar of weekday office hours. The baseline, run interleaved in the
// same loop, folds the same journals with ReadRecord only; x-fold is Compute's time
// over the fold's, the price of the metrics on top of reading the journals.
func BenchmarkComputeUCI(b *testing.B) {
	journals, _ := importUCI(b)
	week, err := calendar.ParseWeek("Mon-Fri 09:00-17:00")
	require.NoError(b, err)
	office, err := calendar.New(calendar.Spec{Week: week})
	require.NoError(b, err)
	opts := improvement.Options{Stamps: uciStamps, Calendar: office}
	var fold, compute time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		for _, j := range journals {
			_, err := improvement.ReadRecord(j, opts.AsOf, opts.Stamps)
			require.NoError(b, err)
		}
		fold += time.Since(start)

		start = time.Now()
		rep, err := improvement.Compute(slices.Values(journals), opts)
		compute += time.Since(start)
		require.NoError(b, err)
		require.NotZero(b, rep.Records)
	}
	b.ReportMetric(float64(compute)/float64(fold), "x-fold")
	b.ReportMetric(float64(compute.Milliseconds())/float64(b.N), "ms-compute")
}
