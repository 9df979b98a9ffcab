package calendar_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests need the same zone rules on every machine

	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm/calendar"
)

// build returns the calendar of a week written for ParseWeek, in zone loc, with
// holidays written as "2025-12-24" or "2025-12-24..2025-12-26".
func build(t testing.TB, loc, week string, holidays ...string) *calendar.Calendar {
	t.Helper()
	w, err := calendar.ParseWeek(week)
	require.NoError(t, err)
	spec := calendar.Spec{Location: loc, Week: w}
	for _, h := range holidays {
		from, to, _ := strings.Cut(h, "..")
		f, err := calendar.ParseDate(from)
		require.NoError(t, err)
		var l calendar.Date
		if to != "" {
			l, err = calendar.ParseDate(to)
			require.NoError(t, err)
		}
		spec.Holidays = append(spec.Holidays, calendar.Holiday{Name: h, From: f, To: l})
	}
	c, err := calendar.New(spec)
	require.NoError(t, err)
	return c
}

// at parses "2006-01-02 15:04" (or with seconds) as wall-clock time in c's zone. Tests
// write instants near a daylight-saving change in UTC instead, where the wall clock
// is ambiguous.
func at(t testing.TB, c *calendar.Calendar, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout = time.DateTime
	}
	v, err := time.ParseInLocation(layout, s, c.Location())
	require.NoError(t, err)
	return v
}

// office is the calendar most table tests use: Berlin, two intervals a weekday (8
// working hours), New Year's days and Christmas 2025 as holidays.
func office(t testing.TB) *calendar.Calendar {
	return build(t, "Europe/Berlin", "Mon-Fri 08:00-12:00,13:00-17:00",
		"2025-01-01", "2025-12-24..2025-12-26", "2026-01-01")
}
