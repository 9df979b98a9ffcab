package calendar

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Spec describes a business calendar. [New] validates it and builds a [Calendar].
type Spec struct {
	// Name labels the calendar for people ("Berlin office hours"); it is optional.
	Name string
	// Location is the IANA name of the calendar's time zone, such as "Europe/Berlin",
	// loaded with [time.LoadLocation]; "" and "UTC" mean UTC. "Local" is refused: a
	// calendar must mean the same on every machine. Hosts whose systems may lack a
	// zone database import time/tzdata.
	Location string
	// Week holds the working intervals of each weekday in the zone's wall-clock time.
	Week Week
	// Holidays are whole days without working time, in the zone. They may overlap.
	Holidays []Holiday
}

// Calendar is a validated business calendar: working hours per weekday, holidays and
// a time zone. It is immutable and safe for concurrent use.
//
// A nil *Calendar is the 24×7 calendar: every instant is working time, exactly as
// [Always] returns.
type Calendar struct {
	spec   Spec
	loc    *time.Location
	always bool
	p      pattern
}

// New validates spec and builds its calendar. Each problem is reported as a
// [*itsm.ValidationError] (matching [itsm.ErrInvalid]) naming the field at fault: an
// unknown zone ("location"), an interval that is empty, inverted or outside
// 00:00–24:00 ("week[Monday][1]"), overlapping intervals ("week[Monday]"), a week
// without any working time ("week": Add would never end), a holiday with an invalid
// day or that ends before it starts ("holidays[2]").
func New(spec Spec) (*Calendar, error) {
	loc, err := loadLocation(spec.Location)
	if err != nil {
		return nil, err
	}
	c := &Calendar{loc: loc, spec: Spec{Name: spec.Name, Location: spec.Location}}
	if c.spec.Week, err = validWeek(spec.Week); err != nil {
		return nil, err
	}
	if c.spec.Holidays, err = validHolidays(spec.Holidays); err != nil {
		return nil, err
	}
	c.p = newPattern(c.spec.Week, c.spec.Holidays)
	return c, nil
}

// Always returns the 24×7 calendar, in UTC, in which every instant is working time:
// Add and Elapsed are plain wall-clock arithmetic. A nil *Calendar behaves the same.
func Always() *Calendar {
	var w Week
	for d := range w {
		w[d] = []Interval{{0, 24 * time.Hour}}
	}
	spec := Spec{Name: "24x7", Location: "UTC", Week: w}
	return &Calendar{spec: spec, loc: time.UTC, always: true, p: newPattern(w, nil)}
}

// Spec returns a copy of the calendar's description, with each day's intervals
// sorted.
func (c *Calendar) Spec() Spec {
	if c == nil {
		return Always().Spec()
	}
	s := c.spec
	for d := range s.Week {
		s.Week[d] = slices.Clone(s.Week[d])
	}
	s.Holidays = slices.Clone(s.Holidays)
	return s
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location {
	if c == nil {
		return time.UTC
	}
	return c.loc
}

// String summarises the calendar: "Berlin office hours (Europe/Berlin): Mon-Fri
// 08:00-17:00; 12 holidays".
func (c *Calendar) String() string {
	if c == nil {
		return "24x7"
	}
	var b strings.Builder
	if c.spec.Name != "" {
		b.WriteString(c.spec.Name + " (")
	}
	b.WriteString(c.loc.String())
	if c.spec.Name != "" {
		b.WriteString(")")
	}
	fmt.Fprintf(&b, ": %s", c.spec.Week)
	if n := len(c.spec.Holidays); n > 0 {
		fmt.Fprintf(&b, "; %d holidays", n)
	}
	return b.String()
}

func loadLocation(name string) (*time.Location, error) {
	if name == "Local" {
		return nil, &itsm.ValidationError{Field: "location", Problem: `is "Local": name the zone, such as "Europe/Berlin", so the calendar means the same on every machine`}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, &itsm.ValidationError{Field: "location", Problem: fmt.Sprintf("%q is not a known IANA time zone", truncate(name, 64))}
	}
	return loc, nil
}

// validWeek checks every interval and returns a copy of w with each day sorted.
func validWeek(w Week) (Week, error) {
	var out Week
	total := time.Duration(0)
	for d := time.Sunday; d <= time.Saturday; d++ {
		for i, iv := range w[d] {
			field := fmt.Sprintf("week[%s][%d]", d, i)
			switch {
			case iv.Start < 0 || iv.Start > 24*time.Hour || iv.End < 0 || iv.End > 24*time.Hour:
				return Week{}, &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("%s is outside 00:00-24:00", iv)}
			case iv.Start == iv.End:
				return Week{}, &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("%s is empty", iv)}
			case iv.Start > iv.End:
				return Week{}, &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("%s ends before it starts", iv)}
			}
			total += iv.End - iv.Start
		}
		day := slices.Clone(w[d])
		slices.SortFunc(day, func(a, b Interval) int { return cmp.Compare(a.Start, b.Start) })
		for i := 1; i < len(day); i++ {
			if day[i].Start < day[i-1].End {
				return Week{}, &itsm.ValidationError{Field: fmt.Sprintf("week[%s]", d), Problem: fmt.Sprintf("%s overlaps %s", day[i-1], day[i])}
			}
		}
		out[d] = day
	}
	if total == 0 {
		return Week{}, &itsm.ValidationError{Field: "week", Problem: "has no working time, so no deadline could ever be reached"}
	}
	return out, nil
}

// validHolidays checks every holiday and returns a copy of hs.
func validHolidays(hs []Holiday) ([]Holiday, error) {
	for i, h := range hs {
		field := fmt.Sprintf("holidays[%d]", i)
		switch {
		case !h.From.Valid():
			return nil, &itsm.ValidationError{Field: field + ".from", Problem: fmt.Sprintf("%s is not a day between the years %d and %d", h.From, minYear, maxYear)}
		case !h.last().Valid():
			return nil, &itsm.ValidationError{Field: field + ".to", Problem: fmt.Sprintf("%s is not a day between the years %d and %d", h.To, minYear, maxYear)}
		case h.last().Before(h.From):
			return nil, &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("ends (%s) before it starts (%s)", h.To, h.From)}
		}
	}
	return slices.Clone(hs), nil
}
