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
// Elapsed(b, c) for any a, b and c.
//
// Instants must lie within the range of time.Time.UnixNano (the years 1678 to 2262).
func (c *Calendar) Elapsed(start, end time.Time) time.Duration {
	if c == nil || c.always {
		return end.Sub(start)
	}
	a, b := start.UnixNano(), end.UnixNano()
	if a > b {
		return -time.Duration(c.elapsed(b, a))
	}
	return time.Duration(c.elapsed(a, b))
}

func (c *Calendar) elapsed(a, b int64) int64 {
	var total int64
	for a < b {
		z := c.zoneAt(a)
		end := min(b, z.end)
		total += c.p.work(end+z.offset) - c.p.work(a+z.offset)
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
// -d. Add is monotonic in d. The result is in start's location; it saturates at the
// ends of the range time.Time.UnixNano represents.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if c == nil || c.always {
		return start.Add(d)
	}
	if d == 0 {
		return start
	}
	var ns int64
	if d > 0 {
		ns = c.forward(start.UnixNano(), int64(d))
	} else {
		ns = c.backward(start.UnixNano(), -max(int64(d), -forever))
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
func (c *Calendar) IsWorking(t time.Time) bool {
	if c == nil || c.always {
		return true
	}
	_, off := t.In(c.loc).Zone()
	return c.p.working(t.UnixNano() + int64(off)*int64(time.Second))
}

// NextWorking returns t when it is working time, else the start of the next working
// interval, in t's location. It saturates at the end of the range
// time.Time.UnixNano represents.
func (c *Calendar) NextWorking(t time.Time) time.Time {
	if c == nil || c.always {
		return t
	}
	from := t.UnixNano()
	for ns := from; ; {
		z := c.zoneAt(ns)
		// work has slope 1 in working time, so the earliest wall-clock instant at
		// which one more nanosecond has been worked ends the first working one.
		w := c.p.firstReaching(c.p.work(ns+z.offset) + 1)
		if w == forever {
			return time.Unix(0, forever).In(t.Location())
		}
		if next := w - 1 - z.offset; z.end == forever || next < z.end {
			if next == from {
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
	// A bound outside the range of UnixNano (or none at all) leaves the stretch
	// unbounded on that side.
	start, end := t.ZoneBounds()
	if s := start.Unix(); !start.IsZero() && s > -maxUnix {
		z.start = start.UnixNano()
	}
	if s := end.Unix(); !end.IsZero() && s < maxUnix {
		z.end = end.UnixNano()
	}
	if z.end <= ns {
		// Past a zone's last listed transition, Go derives offsets from the zone's
		// rule one UTC year at a time and reports that year's end as 365 days after
		// its start: a day early in leap years, so the end can precede t
		// (golang/go#81583). The offset holds until the next UTC year, where Go's own
		// lookup starts over.
		if next := time.Date(t.UTC().Year()+1, 1, 1, 0, 0, 0, 0, time.UTC); next.Unix() < maxUnix {
			z.end = next.UnixNano()
		} else {
			z.end = forever
		}
	}
	return z
}

// maxUnix bounds, in Unix seconds, the instants UnixNano represents, less two days.
const maxUnix = forever/int64(time.Second) - 2*secondsPerDay
