package calendar_test

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/itsmkit/itsmkit/itsm/calendar"
)

// zones with daylight saving (two hemispheres, a half-hour change on Lord Howe, a
// half-hour offset in St. John's), without (Kolkata), and UTC.
var propertyZones = []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kolkata", "Australia/Sydney"}

// genSpec draws a calendar: per weekday up to three intervals on a minute grid
// (sometimes the whole day), up to 12 holidays of up to 10 days between 2015 and 2035.
func genSpec(t *rapid.T) calendar.Spec {
	spec := calendar.Spec{Location: rapid.SampledFrom(propertyZones).Draw(t, "zone")}
	for {
		for d := range spec.Week {
			spec.Week[d] = genDay(t, time.Weekday(d))
		}
		if slices.ContainsFunc(spec.Week[:], func(ivs []calendar.Interval) bool { return len(ivs) > 0 }) {
			break
		}
	}
	for i := range rapid.IntRange(0, 12).Draw(t, "holidays") {
		from := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 20*366).Draw(t, "holidayFrom"))
		to := from.AddDate(0, 0, rapid.IntRange(0, 9).Draw(t, "holidayDays"))
		spec.Holidays = append(spec.Holidays, calendar.Holiday{Name: string(rune('a' + i)), From: dateOf(from), To: dateOf(to)})
	}
	return spec
}

func genDay(t *rapid.T, d time.Weekday) []calendar.Interval {
	switch rapid.IntRange(0, 5).Draw(t, "dayKind"+d.String()) {
	case 0:
		return nil
	case 1:
		return []calendar.Interval{{Start: 0, End: 24 * time.Hour}}
	}
	// An even number of distinct cut points on the minute grid, paired up.
	n := 2 * rapid.IntRange(1, 3).Draw(t, "intervals"+d.String())
	cuts := rapid.SliceOfNDistinct(rapid.IntRange(0, 24*60), n, n, rapid.ID[int]).Draw(t, "cuts"+d.String())
	slices.Sort(cuts)
	var ivs []calendar.Interval
	for i := 0; i < len(cuts); i += 2 {
		ivs = append(ivs, calendar.Interval{Start: time.Duration(cuts[i]) * time.Minute, End: time.Duration(cuts[i+1]) * time.Minute})
	}
	return ivs
}

func dateOf(t time.Time) calendar.Date {
	return calendar.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// genInstant draws an instant between 2015 and 2035 on a minute boundary, half of the
// time within two days of a daylight-saving change of loc. rapid draws small integers
// more often than large ones, so the instant is composed of several draws.
func genInstant(t *rapid.T, loc *time.Location, label string) time.Time {
	base := time.Date(2015+rapid.IntRange(0, 20).Draw(t, label+"Year"), 1, 1, 0, 0, 0, 0, time.UTC).
		AddDate(0, 0, rapid.IntRange(0, 365).Draw(t, label+"Day")).
		Add(time.Duration(rapid.IntRange(0, 24*60-1).Draw(t, label+"Minute")) * time.Minute)
	if rapid.Bool().Draw(t, label+"NearChange") {
		if _, end := base.In(loc).ZoneBounds(); !end.IsZero() {
			base = end.Add(time.Duration(rapid.IntRange(-48*60, 48*60).Draw(t, label+"Shift")) * time.Minute)
		}
	}
	return base
}

// genDuration draws a duration of either sign up to limit: a count of some unit
// (nanoseconds to weeks) plus odd minutes and nanoseconds.
func genDuration(t *rapid.T, limit time.Duration, label string) time.Duration {
	unit := rapid.SampledFrom([]time.Duration{time.Nanosecond, time.Second, time.Minute, time.Hour, 8 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}).Draw(t, label+"Unit")
	d := unit*time.Duration(rapid.IntRange(0, 500).Draw(t, label+"Count")) +
		time.Duration(rapid.IntRange(0, 59).Draw(t, label+"Minutes"))*time.Minute +
		time.Duration(rapid.IntRange(0, 999).Draw(t, label+"Nanos"))
	d = min(d, limit)
	if rapid.Bool().Draw(t, label+"Negative") {
		d = -d
	}
	return d
}

// oracle says whether t is working time by asking the time package for its wall clock
// in the calendar's zone: independent of the calendar's arithmetic.
func oracle(spec calendar.Spec, loc *time.Location, t time.Time) bool {
	local := t.In(loc)
	day := dateOf(local)
	for _, h := range spec.Holidays {
		last := h.To
		if last.IsZero() {
			last = h.From
		}
		if !day.Before(h.From) && !last.Before(day) {
			return false
		}
	}
	hh, mm, ss := local.Clock()
	tod := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second + time.Duration(local.Nanosecond())
	for _, iv := range spec.Week[local.Weekday()] {
		if iv.Start <= tod && tod < iv.End {
			return true
		}
	}
	return false
}

func newCalendar(t *rapid.T, spec calendar.Spec) *calendar.Calendar {
	c, err := calendar.New(spec)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestPropertyElapsedInvertsAdd(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		c := newCalendar(t, genSpec(t))
		s := genInstant(t, c.Location(), "start").Add(time.Duration(rapid.Int64Range(0, int64(time.Minute)).Draw(t, "ns")))
		d := genDuration(t, 2000*time.Hour, "d")
		end := c.Add(s, d)
		if got := c.Elapsed(s, end); got != d {
			t.Fatalf("Elapsed(%v, Add(%v, %v) = %v) = %v", s, s, d, end, got)
		}
		// Add is the earliest such instant going forward and the latest going back.
		switch {
		case d > 0 && c.Elapsed(s, end.Add(-1)) >= d:
			t.Fatalf("Add(%v, %v) = %v is not the earliest instant", s, d, end)
		case d < 0 && c.Elapsed(s, end.Add(1)) <= d:
			t.Fatalf("Add(%v, %v) = %v is not the latest instant", s, d, end)
		}
	})
}

// TestPropertyAddReachesInstants derives the duration from a second instant t, often
// on an interval's edge or a daylight-saving change, so that Add lands exactly on
// boundaries: going forward it must reach d no later than t (the earliest instant),
// going back no earlier than t (the latest).
func TestPropertyAddReachesInstants(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		c := newCalendar(t, genSpec(t))
		s := genInstant(t, c.Location(), "start")
		target := genInstant(t, c.Location(), "target")
		if rapid.Bool().Draw(t, "close") {
			target = s.Add(genDuration(t, 30*24*time.Hour, "offset"))
		}
		d := c.Elapsed(s, target)
		got := c.Add(s, d)
		if e := c.Elapsed(s, got); e != d {
			t.Fatalf("Elapsed(s, Add(s, %v)) = %v", d, e)
		}
		switch {
		case !target.Before(s) && got.After(target):
			t.Fatalf("Add(%v, %v) = %v is after %v, which has the same working time", s, d, got, target)
		case target.Before(s) && got.Before(target):
			t.Fatalf("Add(%v, %v) = %v is before %v, which has the same working time", s, d, got, target)
		}
	})
}

func TestPropertyAddIsMonotonic(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		c := newCalendar(t, genSpec(t))
		s := genInstant(t, c.Location(), "start")
		d1 := genDuration(t, 500*time.Hour, "d1")
		d2 := d1 + max(genDuration(t, 500*time.Hour, "delta"), 0)
		if a, b := c.Add(s, d1), c.Add(s, d2); a.After(b) {
			t.Fatalf("Add(s, %v) = %v is after Add(s, %v) = %v", d1, a, d2, b)
		}
	})
}

func TestPropertyElapsedIsAdditive(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		c := newCalendar(t, genSpec(t))
		a := genInstant(t, c.Location(), "a")
		b := a.Add(genDuration(t, 90*24*time.Hour, "ab"))
		x := a.Add(genDuration(t, 90*24*time.Hour, "ac"))
		if sum, whole := c.Elapsed(a, b)+c.Elapsed(b, x), c.Elapsed(a, x); sum != whole {
			t.Fatalf("Elapsed(a, b) + Elapsed(b, c) = %v, Elapsed(a, c) = %v", sum, whole)
		}
		if ab, ba := c.Elapsed(a, b), c.Elapsed(b, a); ab != -ba {
			t.Fatalf("Elapsed(a, b) = %v, Elapsed(b, a) = %v", ab, ba)
		}
		lo, hi := a, b
		if hi.Before(lo) {
			lo, hi = hi, lo
		}
		if e := c.Elapsed(lo, hi); e < 0 || e > hi.Sub(lo) {
			t.Fatalf("Elapsed(%v, %v) = %v is outside [0, %v]", lo, hi, e, hi.Sub(lo))
		}
	})
}

// TestPropertyMatchesWallClockOracle checks the arithmetic minute by minute against
// the oracle over a few days: every boundary (intervals, holidays, zone changes in
// these zones since 2015) lies on a minute, so each minute is wholly working or not.
func TestPropertyMatchesWallClockOracle(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		spec := genSpec(t)
		c := newCalendar(t, spec)
		a := genInstant(t, c.Location(), "a")
		n := rapid.SampledFrom([]int{1, 60, 8 * 60, 24 * 60, 3 * 24 * 60}).Draw(t, "span") + rapid.IntRange(0, 24*60).Draw(t, "minutes")
		var worked time.Duration
		for m := range n {
			at := a.Add(time.Duration(m) * time.Minute)
			want := oracle(spec, c.Location(), at)
			if got := c.IsWorking(at); got != want {
				t.Fatalf("IsWorking(%v) = %v, oracle says %v", at.In(c.Location()), got, want)
			}
			if want {
				worked += time.Minute
			}
		}
		b := a.Add(time.Duration(n) * time.Minute)
		if got := c.Elapsed(a, b); got != worked {
			t.Fatalf("Elapsed(%v, %v) = %v, oracle counts %v", a.In(c.Location()), b.In(c.Location()), got, worked)
		}
	})
}

func TestPropertyNextWorkingMatchesOracle(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		spec := genSpec(t)
		c := newCalendar(t, spec)
		a := genInstant(t, c.Location(), "a")
		got := c.NextWorking(a)
		want := a
		for !oracle(spec, c.Location(), want) {
			want = want.Add(time.Minute)
		}
		if !got.Equal(want) {
			t.Fatalf("NextWorking(%v) = %v, oracle says %v", a.In(c.Location()), got.In(c.Location()), want.In(c.Location()))
		}
	})
}

// TestPropertyTwentyFourSevenIsWallClock runs the general arithmetic (a calendar
// built with every day 00:00-24:00, in a zone with daylight saving) and the shortcut
// of Always against plain time arithmetic.
func TestPropertyTwentyFourSevenIsWallClock(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		var week calendar.Week
		for d := range week {
			week[d] = []calendar.Interval{{Start: 0, End: 24 * time.Hour}}
		}
		general := newCalendar(t, calendar.Spec{Location: rapid.SampledFrom(propertyZones).Draw(t, "zone"), Week: week})
		for _, c := range []*calendar.Calendar{general, calendar.Always()} {
			s := genInstant(t, general.Location(), "start").Add(time.Duration(rapid.Int64Range(0, int64(time.Minute)).Draw(t, "ns")))
			d := genDuration(t, 5000*time.Hour, "d")
			if got := c.Add(s, d); !got.Equal(s.Add(d)) {
				t.Fatalf("%v: Add(%v, %v) = %v, want %v", c, s, d, got, s.Add(d))
			}
			if got := c.Elapsed(s, s.Add(d)); got != d {
				t.Fatalf("%v: Elapsed = %v, want %v", c, got, d)
			}
		}
	})
}

// TestPropertyEndsOfTheRange draws instants around both ends of the span a calendar
// counts (1677-10-25 to 2262-03-24) and beyond it: Elapsed stays antisymmetric and
// never negative going forward, Add inverts it unless it saturates (from an instant
// outside the span too, which counts as the span's end), and NextWorking
// finds working time unless it saturates.
func TestPropertyEndsOfTheRange(t *testing.T) {
	t.Parallel()
	ends := []time.Time{
		time.Date(1677, 10, 25, 0, 0, 0, 0, time.UTC), time.Date(2262, 3, 24, 0, 0, 0, 0, time.UTC),
		{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(0, -1<<63), time.Unix(0, 1<<63-1),
	}
	rapid.Check(t, func(t *rapid.T) {
		c := newCalendar(t, genSpec(t))
		draw := func(label string) time.Time {
			return rapid.SampledFrom(ends).Draw(t, label).Add(genDuration(t, 60*24*time.Hour, label+"Shift"))
		}
		a, b := draw("a"), draw("b")
		if b.Before(a) {
			a, b = b, a
		}
		e := c.Elapsed(a, b)
		if e < 0 || c.Elapsed(b, a) != -e {
			t.Fatalf("Elapsed(%v, %v) = %v, Elapsed(%v, %v) = %v", a, b, e, b, a, c.Elapsed(b, a))
		}
		d := genDuration(t, 2000*time.Hour, "d")
		got := c.Add(a, d)
		saturated := got.Equal(time.Unix(0, 1<<63-1)) || got.Equal(time.Unix(0, -1<<63))
		if e := c.Elapsed(a, got); !saturated && e != d {
			t.Fatalf("Elapsed(%v, Add(%v, %v) = %v) = %v", a, a, d, got, e)
		}
		if n := c.NextWorking(a); !n.Equal(time.Unix(0, 1<<63-1)) && !c.IsWorking(n) {
			t.Fatalf("NextWorking(%v) = %v is not working time", a, n)
		}
	})
}
