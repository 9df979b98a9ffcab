package improvement

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"
)

// Summary describes a set of durations.
//
// Quantiles use linear interpolation between closest ranks (Hyndman and Fan's type 7,
// the default of R, NumPy and spreadsheets' PERCENTILE.INC): for n sorted values
// x[0] ≤ … ≤ x[n-1] and a fraction p, h = (n−1)·p and the quantile is
// x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]), rounded to the nanosecond. The median is the
// 0.5 quantile: the middle value for an odd n, the mean of the two middle values for
// an even n. The mean is the exact sum divided by n, truncated to the nanosecond.
// Negative durations (a source whose clocks disagree) are kept as they are. A Summary
// of no durations is all zero.
type Summary struct {
	Count       int
	Mean        time.Duration
	Median, P90 time.Duration
	Min, Max    time.Duration
}

// Summarize returns the Summary of ds. It does not change ds.
func Summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return summarizeSorted(sorted)
}

func summarizeSorted(sorted []time.Duration) Summary {
	if len(sorted) == 0 {
		return Summary{}
	}
	return Summary{
		Count:  len(sorted),
		Mean:   mean(sorted),
		Median: Quantile(sorted, 0.5),
		P90:    Quantile(sorted, 0.9),
		Min:    sorted[0],
		Max:    sorted[len(sorted)-1],
	}
}

// Quantile returns the p quantile of sorted, which must be in ascending order, by the
// method [Summary] describes. p is clamped to [0, 1]; an empty slice gives 0.
func Quantile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if math.IsNaN(p) {
		p = 0
	}
	p = min(max(p, 0), 1)
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	frac := h - float64(lo)
	a, b := sorted[lo], sorted[lo+1]
	gap := float64(b) - float64(a)
	if a >= 0 || b <= math.MaxInt64+a { // b−a does not overflow: take it exactly
		gap = float64(b - a)
	}
	return a + time.Duration(math.Round(frac*gap))
}

// mean returns the mean of ds, truncated toward zero, without overflow: whole seconds
// and nanoseconds are summed apart (300,000 year-long durations overflow an int64 of
// nanoseconds) and joined exactly at the end.
func mean(ds []time.Duration) time.Duration {
	var sec, nsec int64
	for _, d := range ds {
		sec += int64(d / time.Second)
		nsec += int64(d % time.Second)
	}
	total := new(big.Int).Mul(big.NewInt(sec), big.NewInt(int64(time.Second)))
	total.Add(total, big.NewInt(nsec))
	return time.Duration(total.Quo(total, big.NewInt(int64(len(ds)))).Int64())
}

// String renders the summary in hours, as service desks report: "n=3 mean=1.50h
// median=1.00h p90=2.60h".
func (s Summary) String() string {
	return fmt.Sprintf("n=%d mean=%.2fh median=%.2fh p90=%.2fh", s.Count, s.Mean.Hours(), s.Median.Hours(), s.P90.Hours())
}
