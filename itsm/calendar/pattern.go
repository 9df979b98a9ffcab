package calendar

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"
)

// Units of wall-clock time, in nanoseconds.
const (
	secondsPerDay = 24 * 60 * 60
	nsPerDay      = int64(24 * time.Hour)
	nsPerWeek     = 7 * nsPerDay
	// mondayEpoch is 1970-01-05 00:00, the first Monday after the Unix epoch: weeks
	// are counted from it.
	mondayEpoch = 4 * nsPerDay
	// forever and beginning stand for instants past either end of the range
	// time.Time.UnixNano represents; arithmetic saturates at them.
	forever   = int64(math.MaxInt64)
	beginning = int64(math.MinInt64)
	// maxWeeks bounds week numbers so that week arithmetic cannot overflow.
	maxWeeks = (forever-mondayEpoch)/nsPerWeek - 2
)

// pattern is a calendar seen in its own wall-clock time, in which every day has 24
// hours: a weekly set of working spans with holidays cut out. Wall-clock instants
// are nanoseconds since 1970-01-01 00:00 on the wall (an instant's Unix time plus its
// zone offset). pattern answers how much working time lies before a wall-clock
// instant and the inverse, each in O(log n) of the spans and holidays; the real-time
// arithmetic in business.go applies it to each stretch of constant zone offset.
type pattern struct {
	// spans are the working spans of one week, from Monday 00:00, sorted and
	// disjoint; adjacent intervals are merged.
	spans []span
	// before[i] is the working time of the week before spans[i].
	before []int64
	// weekly is the working time of a week without holidays; never 0.
	weekly int64
	// holidays are wall-clock ranges without working time, sorted, disjoint and
	// not adjacent.
	holidays []holiday
	// lost is the regular working time all holidays remove.
	lost int64
}

type span struct{ start, end int64 }

type holiday struct {
	start, end int64
	// lostBefore is the regular working time inside earlier holidays, lostThrough
	// the same including this one.
	lostBefore, lostThrough int64
	// workAtStart is work(start): the working time before the holiday begins.
	workAtStart int64
}

// newPattern builds the pattern of a validated week and holidays.
func newPattern(w Week, hs []Holiday) pattern {
	var p pattern
	for i, day := range weekOrder {
		base := int64(i) * nsPerDay
		for _, iv := range w[day] {
			p.spans = append(p.spans, span{base + int64(iv.Start), base + int64(iv.End)})
		}
	}
	slices.SortFunc(p.spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	p.spans = mergeSpans(p.spans)
	p.before = make([]int64, len(p.spans))
	for i, s := range p.spans {
		p.before[i] = p.weekly
		p.weekly += s.end - s.start
	}

	ranges := make([]span, 0, len(hs))
	for _, h := range hs {
		ranges = append(ranges, span{h.From.days() * nsPerDay, (h.last().days() + 1) * nsPerDay})
	}
	slices.SortFunc(ranges, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for _, r := range mergeSpans(ranges) {
		lost := p.regular(r.end) - p.regular(r.start)
		p.holidays = append(p.holidays, holiday{
			start: r.start, end: r.end,
			lostBefore: p.lost, lostThrough: p.lost + lost,
			workAtStart: p.regular(r.start) - p.lost,
		})
		p.lost += lost
	}
	return p
}

// mergeSpans joins overlapping and adjacent spans of a slice sorted by start, in place.
func mergeSpans(s []span) []span {
	out := s[:0]
	for _, x := range s {
		if n := len(out); n > 0 && x.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, x.end)
			continue
		}
		out = append(out, x)
	}
	return out
}

// weekOf splits a wall-clock instant into a week number and the time since that
// week's Monday 00:00.
func weekOf(w int64) (week, within int64) {
	x := w - mondayEpoch
	week = x / nsPerWeek
	within = x % nsPerWeek
	if within < 0 {
		week--
		within += nsPerWeek
	}
	return week, within
}

// spanAt returns the number of spans that start at or before within.
func (p *pattern) spanAt(within int64) int {
	lo, hi := 0, len(p.spans)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p.spans[m].start <= within {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// regular returns the working time from the start of week 0 to wall-clock instant w,
// ignoring holidays (negative before week 0).
func (p *pattern) regular(w int64) int64 {
	week, within := weekOf(w)
	total := week * p.weekly
	if i := p.spanAt(within); i > 0 {
		s := p.spans[i-1]
		total += p.before[i-1] + min(within, s.end) - s.start
	}
	return total
}

// holidayAt returns the number of holidays that start before w.
func (p *pattern) holidayAt(w int64) int {
	lo, hi := 0, len(p.holidays)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p.holidays[m].start < w {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// work returns the working time from the start of week 0 to wall-clock instant w,
// holidays excluded. It is continuous and non-decreasing, with slope 1 in working
// time and 0 elsewhere.
func (p *pattern) work(w int64) int64 {
	if k := p.holidayAt(w); k > 0 {
		h := &p.holidays[k-1]
		if w < h.end {
			return h.workAtStart
		}
		return p.regular(w) - h.lostThrough
	}
	return p.regular(w)
}

// working reports whether wall-clock instant w is working time.
func (p *pattern) working(w int64) bool {
	if k := p.holidayAt(w + 1); k > 0 && w < p.holidays[k-1].end {
		return false
	}
	_, within := weekOf(w)
	i := p.spanAt(within)
	return i > 0 && within < p.spans[i-1].end
}

// firstReaching returns the earliest wall-clock instant w with work(w) >= c, or
// forever when it lies past the representable range.
func (p *pattern) firstReaching(c int64) int64 {
	// The first holiday starting at or after the answer fixes how much holiday time
	// lies before it.
	return p.regularFirst(c + p.lostBefore(func(work int64) bool { return work >= c }))
}

// lastAt returns the latest wall-clock instant w with work(w) <= c, or beginning when
// it lies before the representable range.
func (p *pattern) lastAt(c int64) int64 {
	return p.regularLast(c + p.lostBefore(func(work int64) bool { return work > c }))
}

// lostBefore returns the holiday time lost before the first holiday whose working
// time at its start satisfies reached (a predicate that turns true along the sorted
// holidays), or all holiday time when none does.
func (p *pattern) lostBefore(reached func(workAtStart int64) bool) int64 {
	i := sort.Search(len(p.holidays), func(m int) bool { return reached(p.holidays[m].workAtStart) })
	if i < len(p.holidays) {
		return p.holidays[i].lostBefore
	}
	return p.lost
}

// regularFirst returns the earliest w with regular(w) >= c: the end of the previous
// working span when c falls on a week boundary of working time.
func (p *pattern) regularFirst(c int64) int64 {
	week, r := c/p.weekly, c%p.weekly
	if r < 0 {
		week--
		r += p.weekly
	}
	if r == 0 {
		week--
		r = p.weekly
	}
	if week > maxWeeks {
		return forever
	}
	if week < -maxWeeks {
		return beginning
	}
	j := p.spanBefore(r)
	return mondayEpoch + week*nsPerWeek + p.spans[j].start + (r - p.before[j])
}

// regularLast returns the latest w with regular(w) <= c: the start of the next
// working span when c is reached at the end of one.
func (p *pattern) regularLast(c int64) int64 {
	week, r := c/p.weekly, c%p.weekly
	if r < 0 {
		week--
		r += p.weekly
	}
	if week > maxWeeks {
		return forever
	}
	if week < -maxWeeks {
		return beginning
	}
	// The last span whose start has been reached: landing on a span's end moves
	// to the next span's start.
	j := p.spanAtWork(r)
	return mondayEpoch + week*nsPerWeek + p.spans[j].start + (r - p.before[j])
}

// spanAtWork returns the last span with before <= r, for 0 <= r < weekly.
func (p *pattern) spanAtWork(r int64) int {
	lo, hi := 0, len(p.before)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p.before[m] <= r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// spanBefore returns the span in which the week's working time reaches r, for
// 0 < r <= weekly: the last span with before < r.
func (p *pattern) spanBefore(r int64) int {
	lo, hi := 0, len(p.before)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p.before[m] < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}
