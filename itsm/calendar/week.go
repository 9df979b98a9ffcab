package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/itsm"
)

// Interval is a working period of one day in the calendar's wall-clock time, from
// Start (inclusive) to End (exclusive), both measured from midnight: 08:00–12:00 is
// {8 * time.Hour, 12 * time.Hour}. End may be 24 hours, the end of the day.
//
// Wall-clock means what a clock on the wall in the calendar's zone shows: on the day
// clocks go forward an interval spanning the change holds one real hour less, on the
// day they go back one hour more, and an interval entirely inside the skipped hour
// holds no time at all.
type Interval struct {
	Start time.Duration
	End   time.Duration
}

// String returns "08:00-12:00", with seconds when either end has them.
func (i Interval) String() string { return formatClock(i.Start) + "-" + formatClock(i.End) }

// Week holds the working intervals of each weekday, indexed by [time.Weekday]
// (Sunday is 0). A day without intervals has no working time.
type Week [7][]Interval

// weekOrder lists the weekdays in the order people write them, Monday first.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// String renders w in the form [ParseWeek] reads, grouping consecutive days that share
// their intervals: "Mon-Fri 08:00-12:00,13:00-17:00; Sat 09:00-12:00". An empty week
// renders as "". Intervals finer than a second are rounded down to the second.
func (w Week) String() string {
	var b strings.Builder
	for i := 0; i < len(weekOrder); {
		day := w[weekOrder[i]]
		j := i + 1
		for j < len(weekOrder) && slices.Equal(w[weekOrder[j]], day) {
			j++
		}
		if len(day) > 0 {
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			b.WriteString(dayAbbr(weekOrder[i]))
			if j-i > 1 {
				b.WriteString("-" + dayAbbr(weekOrder[j-1]))
			}
			b.WriteByte(' ')
			for k, iv := range day {
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteString(iv.String())
			}
		}
		i = j
	}
	return b.String()
}

// ParseWeek reads working hours written as clauses separated by semicolons, each a
// set of days and a comma-separated list of intervals:
//
//	Mon-Fri 08:00-12:00,13:00-17:00; Sat 09:00-12:00
//
// Days are English names or their three-letter abbreviations in any case, alone, as
// ranges (Fri-Mon wraps over the weekend) or as comma-separated lists (Mon,Wed).
// Times are H:MM or HH:MM with optional :SS, from 00:00 to 24:00. A day named in
// several clauses collects the intervals of each. ParseWeek checks the syntax only;
// [New] checks that intervals are well-formed and do not overlap. Errors are
// [*itsm.ValidationError] values for the field "week".
func ParseWeek(s string) (Week, error) {
	var w Week
	for n, clause := range strings.Split(s, ";") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		if err := parseClause(&w, clause); err != nil {
			return Week{}, &itsm.ValidationError{Field: "week", Problem: fmt.Sprintf("clause %d %q: %s", n+1, truncate(clause, 64), err)}
		}
	}
	return w, nil
}

func parseClause(w *Week, clause string) error {
	daysPart, rangesPart, ok := strings.Cut(clause, " ")
	if !ok {
		return fmt.Errorf("want days and intervals separated by a space, such as \"Mon-Fri 08:00-17:00\"")
	}
	days, err := parseDays(daysPart)
	if err != nil {
		return err
	}
	var ivs []Interval
	for r := range strings.SplitSeq(rangesPart, ",") {
		iv, err := parseInterval(strings.TrimSpace(r))
		if err != nil {
			return err
		}
		ivs = append(ivs, iv)
	}
	for _, d := range days {
		w[d] = append(w[d], ivs...)
	}
	return nil
}

// parseDays reads "Mon", "Mon-Fri" or "Mon,Wed,Fri-Sun" into weekdays in order.
func parseDays(s string) ([]time.Weekday, error) {
	var days []time.Weekday
	for part := range strings.SplitSeq(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		first, err := parseDay(from)
		if err != nil {
			return nil, err
		}
		last := first
		if isRange {
			if last, err = parseDay(to); err != nil {
				return nil, err
			}
		}
		for d := first; ; d = (d + 1) % 7 {
			days = append(days, d)
			if d == last {
				break
			}
		}
	}
	return days, nil
}

func parseDay(s string) (time.Weekday, error) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(s, dayAbbr(d)) || strings.EqualFold(s, d.String()) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%q is not a day (want Mon … Sun)", truncate(s, 16))
}

func dayAbbr(d time.Weekday) string { return d.String()[:3] }

func parseInterval(s string) (Interval, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return Interval{}, fmt.Errorf("%q is not an interval (want HH:MM-HH:MM)", truncate(s, 24))
	}
	start, err := parseClock(from)
	if err != nil {
		return Interval{}, err
	}
	end, err := parseClock(to)
	if err != nil {
		return Interval{}, err
	}
	return Interval{Start: start, End: end}, nil
}

// parseClock reads H:MM, HH:MM, H:MM:SS or HH:MM:SS, from 00:00 to 24:00.
func parseClock(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a time of day (want HH:MM from 00:00 to 24:00)", truncate(s, 16))
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || len(parts[0]) < 1 || len(parts[0]) > 2 {
		return 0, bad
	}
	var v [3]int
	for i, p := range parts {
		if i > 0 && len(p) != 2 {
			return 0, bad
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, bad
			}
		}
		v[i], _ = strconv.Atoi(p) // at most two ASCII digits: cannot fail
	}
	h, m, sec := v[0], v[1], v[2]
	if h > 24 || m > 59 || sec > 59 || (h == 24 && (m > 0 || sec > 0)) {
		return 0, bad
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, nil
}

// formatClock renders a time of day as HH:MM, or HH:MM:SS when it has seconds.
// Values outside 00:00–24:00 (which only an unvalidated Week holds) render as a
// duration.
func formatClock(d time.Duration) string {
	if d < 0 || d > 24*time.Hour {
		return d.String()
	}
	h, m, s := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	if s != 0 {
		return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}

// truncate shortens s to at most n bytes for an error message, never splitting a
// UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
