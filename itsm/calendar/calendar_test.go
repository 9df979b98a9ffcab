package calendar_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
)

func TestNewRefusesInvalidSpecs(t *testing.T) {
	t.Parallel()
	h := time.Hour
	weekdays := calendar.Week{time.Monday: {{8 * h, 17 * h}}}
	day := func(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }
	tests := []struct {
		name  string
		spec  calendar.Spec
		field string
	}{
		{"unknown zone", calendar.Spec{Location: "Mars/Olympus_Mons", Week: weekdays}, "location"},
		{"the machine's zone", calendar.Spec{Location: "Local", Week: weekdays}, "location"},
		{"no working time", calendar.Spec{Location: "UTC"}, "week"},
		{"empty interval", calendar.Spec{Week: calendar.Week{time.Tuesday: {{9 * h, 9 * h}}}}, "week[Tuesday][0]"},
		{"inverted interval", calendar.Spec{Week: calendar.Week{time.Monday: {{8 * h, 12 * h}, {17 * h, 13 * h}}}}, "week[Monday][1]"},
		{"negative start", calendar.Spec{Week: calendar.Week{time.Monday: {{-h, 12 * h}}}}, "week[Monday][0]"},
		{"past midnight", calendar.Spec{Week: calendar.Week{time.Friday: {{20 * h, 25 * h}}}}, "week[Friday][0]"},
		{"overlapping intervals", calendar.Spec{Week: calendar.Week{time.Monday: {{13 * h, 17 * h}, {8 * h, 14 * h}}}}, "week[Monday]"},
		{"holiday that does not exist", calendar.Spec{Week: weekdays, Holidays: []calendar.Holiday{{From: day(2025, 2, 30)}}}, "holidays[0].from"},
		{"holiday without a day", calendar.Spec{Week: weekdays, Holidays: []calendar.Holiday{{Name: "?"}}}, "holidays[0].from"},
		{"holiday ending on a bad day", calendar.Spec{Week: weekdays, Holidays: []calendar.Holiday{{From: day(2025, 4, 1), To: day(2025, 4, 31)}}}, "holidays[0].to"},
		{"holiday out of range", calendar.Spec{Week: weekdays, Holidays: []calendar.Holiday{{From: day(3000, 1, 1)}}}, "holidays[0].from"},
		{"inverted holiday range", calendar.Spec{Week: weekdays, Holidays: []calendar.Holiday{{From: day(2025, 1, 1)}, {From: day(2025, 12, 31), To: day(2025, 1, 1)}}}, "holidays[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := calendar.New(tt.spec)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, itsm.ErrInvalid)
			var ve *itsm.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, tt.field, ve.Field, "message: %v", err)
		})
	}
}

func TestNewAcceptsTouchingIntervalsAndOverlappingHolidays(t *testing.T) {
	t.Parallel()
	c := build(t, "Europe/Berlin", "Mon 08:00-12:00,12:00-17:00; Sun 22:00-24:00; Mon 00:00-02:00",
		"2025-12-24..2025-12-26", "2025-12-25..2025-12-31", "2025-12-26")
	sun := at(t, c, "2025-12-07 23:00")
	assert.Equal(t, 5*time.Hour, c.Elapsed(sun, at(t, c, "2025-12-08 10:00")), "Sunday night runs into Monday morning")
	assert.Equal(t, time.Duration(0), c.Elapsed(at(t, c, "2025-12-24 00:00"), at(t, c, "2026-01-01 00:00")), "merged holidays")
	assert.Equal(t, 11*time.Hour, c.Elapsed(at(t, c, "2025-12-01 00:00"), at(t, c, "2025-12-02 00:00")), "Monday: 00:00-02:00 and 08:00-17:00")
}

func TestSpecIsACopy(t *testing.T) {
	t.Parallel()
	c := office(t)
	s := c.Spec()
	s.Week[time.Monday][0].End = 24 * time.Hour
	s.Holidays[0].From.Year = 1999
	assert.Equal(t, 4*time.Hour, c.Elapsed(at(t, c, "2025-12-01 00:00"), at(t, c, "2025-12-01 12:00")))
	assert.Equal(t, 2025, c.Spec().Holidays[0].From.Year)
	assert.Equal(t, "Europe/Berlin", c.Spec().Location)
	assert.Equal(t, "Mon-Fri 08:00-12:00,13:00-17:00", c.Spec().Week.String())
}

func TestString(t *testing.T) {
	t.Parallel()
	w, err := calendar.ParseWeek("Mon-Fri 08:00-17:00")
	require.NoError(t, err)
	c, err := calendar.New(calendar.Spec{Name: "Berlin office", Location: "Europe/Berlin", Week: w,
		Holidays: []calendar.Holiday{{From: calendar.Date{Year: 2025, Month: 12, Day: 25}}}})
	require.NoError(t, err)
	assert.Equal(t, "Berlin office (Europe/Berlin): Mon-Fri 08:00-17:00; 1 holidays", c.String())
	assert.Equal(t, "24x7", (*calendar.Calendar)(nil).String())
	assert.Equal(t, "24x7 (UTC): Mon-Sun 00:00-24:00", calendar.Always().String())
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	d, err := calendar.ParseDate("2024-02-29")
	require.NoError(t, err)
	assert.Equal(t, calendar.Date{Year: 2024, Month: time.February, Day: 29}, d)
	assert.Equal(t, "2024-02-29", d.String())
	for _, bad := range []string{"", "2025-02-29", "2025-13-01", "25-01-01", "2025-1-1", "3000-01-01", "1600-01-01"} {
		_, err := calendar.ParseDate(bad)
		assert.ErrorIs(t, err, itsm.ErrInvalid, "%q", bad)
	}
}
