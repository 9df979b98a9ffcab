package calendar

import (
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Date is a day of the Gregorian calendar, without a time or a zone: a calendar reads
// it in its own zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// The years a Date may fall in: the range time.Time.UnixNano represents, less a
// margin, so that arithmetic on a calendar's days cannot overflow.
const (
	minYear = 1680
	maxYear = 2260
)

// ParseDate reads a date written as YYYY-MM-DD. An invalid date returns a
// [*itsm.ValidationError] for the field "date".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, &itsm.ValidationError{Field: "date", Problem: fmt.Sprintf("%q is not a date (want YYYY-MM-DD)", truncate(s, 32))}
	}
	d := Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	if !d.Valid() {
		return Date{}, &itsm.ValidationError{Field: "date", Problem: fmt.Sprintf("%s is outside the years %d to %d", d, minYear, maxYear)}
	}
	return d, nil
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day (no 30 February) between the years 1680
// and 2260.
func (d Date) Valid() bool {
	if d.Year < minYear || d.Year > maxYear || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.days() < e.days() }

// days returns the number of days from 1970-01-01 to d.
func (d Date) days() int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
}

// Holiday is a day, or a run of days, without working time. Holidays are whole days
// in the calendar's zone.
type Holiday struct {
	// Name says what the holiday is, for people; the calendar ignores it.
	Name string
	// From is the first day of the holiday.
	From Date
	// To is the last day of the holiday, inclusive; the zero Date means From.
	To Date
}

// last returns the holiday's last day.
func (h Holiday) last() Date {
	if h.To.IsZero() {
		return h.From
	}
	return h.To
}
