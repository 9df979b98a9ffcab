package calendar

import (
	"time"
)

// How the arithmetic works. An instant is working time when the wall clock of the
// calendar's zone shows a time inside a working interval of that wall-clock date, and
// the date is not a holiday. Real time is cut into stretches of constant zone offset
// (between two daylight-saving changes, found with time.Time.ZoneBounds); inside one
// stretch, wall-clock time is real time plus the offset, so the working time of any
// part of it is a difference of pattern.work, whose cost does not depend on the
// length of the stretch. Add and Elapsed therefore cost O(log n) per stretch crossed:
// two a year in zones with daylight saving (three past a zone's last listed change,
// where Go also splits at each new year), none in zones without.

// Elapsed returns the working time between start and end. It is exact to the
// nanosecond across weekends, holidays and daylight-saving changes, whose days hold
// one hour less or more of real time. When end is before start the result is
// negative: Elapsed(a, b) == -Elapsed(b, a), so Elapsed(a, c) == Elapsed(a, b) +
// Elapsed(b, c) for any a, b and c, as long as no result saturates.
//
// The result saturates at ±(1<<63 - 1) nanoseconds (about 292 years), as
// time.Time.Sub does. A calendar other than the 24×7 one has no working time before
// 1677-10-25 or after 2262-03-24 (the range of time.Time.UnixNano less a few weeks at
// either end): Elapsed counts instants outside that span as its first or last
// instant, so it is never negative when end is not before start, even for the zero
// time.Time.
func (c *Calendar) Elapsed(start, end time.Time) time.Duration {
	if c == nil || c.always {
		return max(end.Sub(start), -maxDuration)
	}
	a, b := clamp(start), clamp(end)
	if a > b {
		return -time.Duration(c.elapsed(b, a))
	}
	return time.Duration(c.elapsed(a, b))
}

// maxDuration is the largest time.Duration; Elapsed saturates at it and its opposite.
const maxDuration = time.Duration(forever)

// The instants, in Unix nanoseconds, that bound a calendar's working time: Mondays
// 1677-10-25 and 2262-03-24 00:00 UTC, the range of time.Time.UnixNano less a few
// weeks at either end, so that the wall-clock time of any instant between them, in
// any zone, lies in a week the pattern's arithmetic handles (within maxWeeks).
const (
	earliest = mondayEpoch - (maxWeeks-1)*nsPerWeek
	latest   = mondayEpoch + maxWeeks*nsPerWeek
)

// The span's bounds in Unix seconds (both are whole seconds).
const (
	earliestSec = earliest / int64(time.Second)
	latestSec   = latest / int64(time.Second)
)

// clamp returns t in Unix nanoseconds, or earliest or latest when t lies outside them.
// It reads t's seconds once: inside the span they cannot overflow.
func clamp(t time.Time) int64 {
	switch s := t.Unix(); {
	case s < earliestSec:
		return earliest
	case s >= latestSec:
		return latest
	default:
		return s*int64(time.Second) + int64(t.Nanosecond())
	}
}

// inSpan reports whether earliest <= t < latest. Both are whole seconds, so t's Unix
// seconds decide; an instant so far from 1970 that they overflow int64 falls outside.
func inSpan(t time.Time) bool {
	s := t.Unix()
	return earliestSec <= s && s < latestSec
}

// The span's bounds as times, for comparing zone bounds without building them anew.
var (
	earliestTime = time.Unix(0, earliest)
	latestTime   = time.Unix(0, latest)
)

// elapsed returns the working time from a to b, earliest <= a <= b <= latest,
// saturating at forever.
func (c *Calendar) elapsed(a, b int64) int64 {
	var total int64
	for a < b {
		z := c.zoneAt(a)
		end := min(b, z.end)
		// work is non-decreasing, so a negative difference overflowed.
		worked := c.p.work(end+z.offset) - c.p.work(a+z.offset)
		if worked < 0 || total > forever-worked {
			return forever
		}
		total += worked
		a = end
	}
	return total
}

// Add returns the instant at which d of working time has passed since start: the
// earliest instant t with Elapsed(start, t) == d. A deadline therefore falls at the
// end of a working interval rather than the start of the next one: 8 working hours
// from Monday 09:00 on an 09:00–17:00 calendar is Monday 17:00. Add(start, 0) is
// start, even outside working time; use NextWorking to move to working time.
//
// A negative d goes back: Add returns the latest instant t with Elapsed(t, start) ==
// -d. Add is monotonic in d. The result is in start's location. When no instant
// within the span Elapsed counts (see Elapsed) has worked d, Add saturates at the
// ends of the range time.Time.UnixNano represents: time.Unix(0, math.MaxInt64) going
// forward, time.Unix(0, math.MinInt64) going back. A start outside that span counts
// as its first or last instant, as in Elapsed.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if c == nil || c.always {
		return start.Add(d)
	}
	if d == 0 {
		return start
	}
	var ns int64
	if d > 0 {
		if ns = c.forward(clamp(start), int64(d)); ns > latest {
			ns = forever
		}
	} else {
		if ns = c.backward(clamp(start), -max(int64(d), -forever)); ns < earliest {
			ns = beginning
		}
	}
	return time.Unix(0, ns).In(start.Location())
}

// forward returns the earliest instant after which d > 0 of working time has passed
// since ns.
func (c *Calendar) forward(ns, d int64) int64 {
	for {
		z := c.zoneAt(ns)
		have := c.p.work(ns + z.offset)
		if z.end != forever {
			avail := c.p.work(z.end+z.offset) - have
			if d > avail {
				d -= avail
				ns = z.end
				continue
			}
		}
		if have > forever-d {
			return forever
		}
		w := c.p.firstReaching(have + d)
		if w == forever {
			return forever
		}
		return w - z.offset
	}
}

// backward returns the latest instant before which d > 0 of working time passes
// until ns.
func (c *Calendar) backward(ns, d int64) int64 {
	for {
		z := c.zoneAt(ns - 1)
		have := c.p.work(ns + z.offset)
		if z.start != beginning {
			avail := have - c.p.work(z.start+z.offset)
			if d > avail {
				d -= avail
				ns = z.start
				continue
			}
		}
		if have < beginning+d {
			return beginning
		}
		w := c.p.lastAt(have - d)
		if w == beginning {
			return beginning
		}
		return w - z.offset
	}
}

// IsWorking reports whether t is working time: its wall-clock time in the calendar's
// zone falls inside a working interval of its date, and the date is no holiday.
// Outside the span Elapsed counts, from 1677-10-25 until 2262-03-24, nothing is
// working time, except on the 24×7 calendar.
func (c *Calendar) IsWorking(t time.Time) bool {
	if c == nil || c.always {
		return true
	}
	if !inSpan(t) {
		return false
	}
	_, off := t.In(c.loc).Zone()
	return c.p.working(t.UnixNano() + int64(off)*int64(time.Second))
}

// NextWorking returns t when it is working time, else the start of the next working
// interval, in t's location. From an instant before the span Elapsed counts it
// returns the first working instant of the span; when no working instant follows
// within the span it saturates at the end of the range time.Time.UnixNano
// represents, time.Unix(0, math.MaxInt64).
func (c *Calendar) NextWorking(t time.Time) time.Time {
	if c == nil || c.always {
		return t
	}
	from := clamp(t)
	for ns := from; ; {
		z := c.zoneAt(ns)
		// work has slope 1 in working time, so the earliest wall-clock instant at
		// which one more nanosecond has been worked ends the first working one.
		w := c.p.firstReaching(c.p.work(ns+z.offset) + 1)
		if w == forever {
			return time.Unix(0, forever).In(t.Location())
		}
		if next := w - 1 - z.offset; z.end == forever || next < z.end {
			switch {
			case next >= latest:
				return time.Unix(0, forever).In(t.Location())
			case next == from && inSpan(t):
				return t
			}
			return time.Unix(0, next).In(t.Location())
		}
		ns = z.end
	}
}

// zone is a stretch of real time with one zone offset: instants (Unix nanoseconds)
// from start to end, which are beginning or forever when unbounded.
type zone struct {
	start, end, offset int64
}

// zoneAt returns the stretch of constant offset that contains instant ns.
func (c *Calendar) zoneAt(ns int64) zone {
	t := time.Unix(0, ns).In(c.loc)
	_, off := t.Zone()
	z := zone{start: beginning, end: forever, offset: int64(off) * int64(time.Second)}
	// A bound outside the span from earliest to latest (or none at all) leaves the
	// stretch unbounded on that side.
	start, end := t.ZoneBounds()
	if !start.IsZero() && start.After(earliestTime) {
		z.start = start.UnixNano()
	}
	if !end.IsZero() && end.Before(latestTime) {
		z.end = end.UnixNano()
	}
	if z.end <= ns {
		// Past a zone's last listed transition, Go derives offsets from the zone's
		// rule one UTC year at a time and reports that year's end as 365 days after
		// its start: a day early in leap years, so the end can precede t
		// (golang/go#81583). The offset holds until the next UTC year, where Go's own
		// lookup starts over.
		if next := time.Date(t.UTC().Year()+1, 1, 1, 0, 0, 0, 0, time.UTC); next.Before(latestTime) {
			z.end = next.UnixNano()
		} else {
			z.end = forever
		}
	}
	return z
}
