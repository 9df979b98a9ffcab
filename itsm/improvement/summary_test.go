package improvement_test

import (
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"

	"github.com/itsmkit/itsmkit/itsm/improvement"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []time.Duration
		want improvement.Summary
	}{
		{"none", nil, improvement.Summary{}},
		{"one", []time.Duration{5}, improvement.Summary{Count: 1, Mean: 5, Median: 5, P90: 5, Min: 5, Max: 5}},
		{"odd count: the middle value", []time.Duration{9, 1, 5}, improvement.Summary{Count: 3, Mean: 5, Median: 5, P90: 8, Min: 1, Max: 9}},
		{"even count: the mean of the middle two", []time.Duration{4, 1, 10, 2}, improvement.Summary{Count: 4, Mean: 4, Median: 3, P90: 8, Min: 1, Max: 10}},
		{"rounded to the nanosecond", []time.Duration{0, 1}, improvement.Summary{Count: 2, Mean: 0, Median: 1, P90: 1, Min: 0, Max: 1}},
		{"negative kept", []time.Duration{-4, 2}, improvement.Summary{Count: 2, Mean: -1, Median: -1, P90: 1, Min: -4, Max: 2}},
		{"mean without overflow", []time.Duration{1<<62 + 1, 1<<62 + 3}, improvement.Summary{Count: 2, Mean: 1<<62 + 2, Median: 1<<62 + 2, P90: 1<<62 + 3, Min: 1<<62 + 1, Max: 1<<62 + 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := slices.Clone(tt.in)
			assert.Equal(t, tt.want, improvement.Summarize(in))
			assert.Equal(t, tt.in, in, "Summarize does not change its input")
		})
	}
}

func TestQuantile(t *testing.T) {
	t.Parallel()
	sorted := []time.Duration{10, 20, 30, 40, 50}
	tests := []struct {
		p    float64
		want time.Duration
	}{{0, 10}, {0.25, 20}, {0.5, 30}, {0.9, 46}, {0.95, 48}, {1, 50}, {-1, 10}, {2, 50}}
	for _, tt := range tests {
		assert.Equal(t, tt.want, improvement.Quantile(sorted, tt.p), "p=%v", tt.p)
	}
	assert.Equal(t, time.Duration(0), improvement.Quantile(nil, 0.5))
	assert.Equal(t, "n=2 mean=1.50h median=1.50h p90=1.90h", improvement.Summarize([]time.Duration{time.Hour, 2 * time.Hour}).String())
}

func TestSummaryLaws(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		ds := rapid.SliceOfN(rapid.Int64Range(-1<<60, 1<<60).AsAny(), 1, 50).Draw(t, "durations")
		in := make([]time.Duration, len(ds))
		for i, d := range ds {
			in[i] = time.Duration(d.(int64))
		}
		s := improvement.Summarize(in)
		if s.Count != len(in) || s.Min > s.Median || s.Median > s.P90 || s.P90 > s.Max || s.Mean < s.Min || s.Mean > s.Max {
			t.Fatalf("out of order: %+v", s)
		}
		// The mean is the exact sum divided by n, truncated toward zero.
		sum := new(big.Int)
		for _, d := range in {
			sum.Add(sum, big.NewInt(int64(d)))
		}
		if want := new(big.Int).Quo(sum, big.NewInt(int64(len(in)))).Int64(); int64(s.Mean) != want {
			t.Fatalf("mean %d, want %d", s.Mean, want)
		}
		// Order does not matter.
		shuffled := rapid.Permutation(in).Draw(t, "shuffled")
		if improvement.Summarize(shuffled) != s {
			t.Fatalf("summary depends on order")
		}
		// Quantiles grow with p.
		sorted := slices.Sorted(slices.Values(in))
		p, q := rapid.Float64Range(0, 1).Draw(t, "p"), rapid.Float64Range(0, 1).Draw(t, "q")
		if p <= q && improvement.Quantile(sorted, p) > improvement.Quantile(sorted, q) {
			t.Fatalf("quantile %v > quantile %v", p, q)
		}
	})
}
