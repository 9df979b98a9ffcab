package improvement_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/improvement"
)

// officeHours is a test business calendar: Monday to Friday, 09:00 to 17:00 UTC. It
// walks day by day, which is slow for long spans but exact and obviously right.
type officeHours struct{}

func (officeHours) Elapsed(start, end time.Time) time.Duration {
	if !end.After(start) {
		return 0
	}
	start, end = start.UTC(), end.UTC()
	var total time.Duration
	for day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC); day.Before(end); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		open, shut := day.Add(9*time.Hour), day.Add(17*time.Hour)
		from, to := maxTime(open, start), minTime(shut, end)
		if to.After(from) {
			total += to.Sub(from)
		}
	}
	return total
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// TestBusinessTimeWithItsmCalendar: the business calendars of itsm/calendar measure
// the metrics' business time exactly as the hand-walked office hours above, and a
// holiday takes its working time out.
func TestBusinessTimeWithItsmCalendar(t *testing.T) {
	t.Parallel()
	week, err := calendar.ParseWeek("Mon-Fri 09:00-17:00")
	require.NoError(t, err)
	office, err := calendar.New(calendar.Spec{Week: week})
	require.NoError(t, err)
	for _, opts := range []improvement.Options{{}, {AsOf: h(8.5)}, {From: h(4), To: h(12)}} {
		opts.Calendar = office
		got := compute(t, opts)
		opts.Calendar = officeHours{}
		assert.Equal(t, compute(t, opts), got)
	}

	// t0 is Monday 08:00; with Monday a holiday, record 1 (opened 08:00, resolved
	// 11:00 Monday) took no business time to resolve.
	monday := h(0)
	holiday := calendar.Date{Year: monday.Year(), Month: monday.Month(), Day: monday.Day()}
	off, err := calendar.New(calendar.Spec{Week: week, Holidays: []calendar.Holiday{{Name: "closed", From: holiday, To: holiday}}})
	require.NoError(t, err)
	rep := compute(t, improvement.Options{Calendar: off})
	assert.Equal(t, time.Duration(0), rep.MTTR.Business.Min)
	assert.Equal(t, hrs(3), rep.MTTR.Wall.Min)
}
