package calendar_test

import (
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/itsm/calendar"
)

// benchCalendar is a realistic office calendar: Berlin, two intervals a weekday (8
// working hours), the 12 holidays of 2025 (with New Year 2026).
func benchCalendar(b *testing.B) *calendar.Calendar {
	return build(b, "Europe/Berlin", "Mon-Fri 08:00-12:00,13:00-17:00",
		"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-09",
		"2025-10-03", "2025-12-24", "2025-12-25", "2025-12-26", "2025-12-31", "2026-01-01")
}

// BenchmarkAddElapsed measures Add and Elapsed for a 1-day target (8 working hours)
// and a 30-day target (240 working hours) from the same 256 starts spread over 2025
// (working and non-working times, across weekends, holidays and both daylight-saving
// changes), interleaved in blocks of the same b.N. x-1day is the cost of the 30-day
// target over the 1-day one; the goal is at most 3.
func BenchmarkAddElapsed(b *testing.B) {
	c := benchCalendar(b)
	const day, month = 8 * time.Hour, 240 * time.Hour
	starts := make([]time.Time, 256)
	due1, due30 := make([]time.Time, len(starts)), make([]time.Time, len(starts))
	for i := range starts {
		// 34h17m apart: every time of day and every weekday comes up.
		starts[i] = time.Date(2025, 1, 1, 0, 0, 0, 0, c.Location()).Add(time.Duration(i) * (34*time.Hour + 17*time.Minute))
		due1[i], due30[i] = c.Add(starts[i], day), c.Add(starts[i], month)
	}

	var add1, add30, el1, el30 time.Duration
	var sink int64
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(len(starts), b.N-done)
		t0 := time.Now()
		for i := range n {
			sink += c.Add(starts[i], day).UnixNano()
		}
		t1 := time.Now()
		for i := range n {
			sink += c.Add(starts[i], month).UnixNano()
		}
		t2 := time.Now()
		for i := range n {
			sink += int64(c.Elapsed(starts[i], due1[i]))
		}
		t3 := time.Now()
		for i := range n {
			sink += int64(c.Elapsed(starts[i], due30[i]))
		}
		t4 := time.Now()
		add1, add30, el1, el30 = add1+t1.Sub(t0), add30+t2.Sub(t1), el1+t3.Sub(t2), el30+t4.Sub(t3)
		done += n
	}
	if sink == 0 {
		b.Fatal("no work done")
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	b.ReportMetric(per(add1), "ns/add-1day")
	b.ReportMetric(per(add30), "ns/add-30day")
	b.ReportMetric(per(el1), "ns/elapsed-1day")
	b.ReportMetric(per(el30), "ns/elapsed-30day")
	b.ReportMetric(float64(add30+el30)/float64(add1+el1), "x-1day")
}
