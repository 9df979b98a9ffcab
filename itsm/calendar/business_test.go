package calendar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm/calendar"
)

func utc(y int, m time.Month, d, h, minute int) time.Time {
	return time.Date(y, m, d, h, minute, 0, 0, time.UTC)
}

func TestAddAndElapsedHandComputed(t *testing.T) {
	t.Parallel()
	off := office(t)
	// Berlin, every day 00:00-06:00: the early hours hold the daylight-saving changes.
	early := build(t, "Europe/Berlin", "Mon-Sun 00:00-06:00")
	// Berlin, only the hour clocks skip in spring and repeat in autumn (and Monday
	// morning, so the week has working time on ordinary weeks too).
	skipped := build(t, "Europe/Berlin", "Sun 02:00-03:00; Mon 09:00-10:00")
	// New York, weekends around the clock.
	nyWeekend := build(t, "America/New_York", "Mon-Fri 08:00-17:00; Sat-Sun 00:00-24:00")

	tests := []struct {
		name  string
		cal   *calendar.Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within a morning", off, at(t, off, "2025-12-01 09:00"), 2 * time.Hour, at(t, off, "2025-12-01 11:00")},
		{"over lunch", off, at(t, off, "2025-12-01 11:00"), 2 * time.Hour, at(t, off, "2025-12-01 14:00")},
		{"a whole day ends at 17:00, not next morning", off, at(t, off, "2025-12-01 08:00"), 8 * time.Hour, at(t, off, "2025-12-01 17:00")},
		{"over a weekend", off, at(t, off, "2025-12-05 16:00"), 2 * time.Hour, at(t, off, "2025-12-08 09:00")},
		{"from a Saturday", off, at(t, off, "2025-12-06 10:00"), time.Hour, at(t, off, "2025-12-08 09:00")},
		{"two weeks", off, at(t, off, "2025-12-01 08:00"), 80 * time.Hour, at(t, off, "2025-12-12 17:00")},
		{"over the Christmas holiday range", off, at(t, off, "2025-12-23 16:00"), 2 * time.Hour, at(t, off, "2025-12-29 09:00")},
		{"over New Year", off, at(t, off, "2025-12-31 16:00"), 3 * time.Hour, at(t, off, "2026-01-02 10:00")},
		// Reaching exactly the working time at which the 1 January holiday begins: the
		// earliest such instant is New Year's Eve 17:00, before the holiday.
		{"up to the eve of a holiday ends there", off, at(t, off, "2025-12-31 16:00"), time.Hour, at(t, off, "2025-12-31 17:00")},
		{"zero stays put outside working time", off, at(t, off, "2025-12-06 10:00"), 0, at(t, off, "2025-12-06 10:00")},
		{"back over a weekend", off, at(t, off, "2025-12-08 09:00"), -2 * time.Hour, at(t, off, "2025-12-05 16:00")},
		{"back to the start of the day, not last Friday's end", off, at(t, off, "2025-12-08 09:00"), -time.Hour, at(t, off, "2025-12-08 08:00")},
		{"back over New Year and Christmas", off, at(t, off, "2026-01-02 10:00"), -5 * time.Hour, at(t, off, "2025-12-31 14:00")},
		// Going back lands exactly where the 1 January holiday begins in working time:
		// the latest such instant is the end of the holiday, Friday 08:00.
		{"back to the end of a holiday, not into it", off, at(t, off, "2026-01-02 09:00"), -time.Hour, at(t, off, "2026-01-02 08:00")},
		// 2025-03-30: Berlin skips 02:00-03:00. 00:00 CET is 23:00 UTC the day before.
		{"spring forward: the day's 6 wall hours hold 5", early, utc(2025, 3, 29, 23, 0), 5 * time.Hour, utc(2025, 3, 30, 4, 0)},
		{"spring forward: next day after 5 hours", early, utc(2025, 3, 29, 23, 0), 5*time.Hour + time.Minute, utc(2025, 3, 30, 22, 1)},
		// 2025-10-26: Berlin repeats 02:00-03:00. 00:00 CEST is 22:00 UTC the day before.
		{"fall back: the day's 6 wall hours hold 7", early, utc(2025, 10, 25, 22, 0), 7 * time.Hour, utc(2025, 10, 26, 5, 0)},
		{"fall back: into the repeated hour", early, utc(2025, 10, 25, 22, 0), 3*time.Hour + 30*time.Minute, utc(2025, 10, 26, 1, 30)},
		{"an interval inside the skipped hour holds nothing", skipped, utc(2025, 3, 29, 0, 0), 30 * time.Minute, utc(2025, 3, 31, 7, 30)},
		{"an interval inside the repeated hour holds two", skipped, utc(2025, 10, 26, 0, 0), 90 * time.Minute, utc(2025, 10, 26, 1, 30)},
		// 2025-03-09: New York skips 02:00-03:00; Saturday 00:00 EST is 05:00 UTC.
		{"New York spring forward weekend", nyWeekend, utc(2025, 3, 8, 5, 0), 47 * time.Hour, utc(2025, 3, 10, 4, 0)},
		{"New York spring forward weekend, back", nyWeekend, utc(2025, 3, 10, 4, 0), -47 * time.Hour, utc(2025, 3, 8, 5, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.cal.Add(tt.start, tt.d)
			assert.True(t, tt.want.Equal(got), "Add(%v, %v) = %v, want %v", tt.start, tt.d, got, tt.want)
			assert.Equal(t, tt.d, tt.cal.Elapsed(tt.start, tt.want), "Elapsed")
		})
	}
}

func TestElapsedHandComputed(t *testing.T) {
	t.Parallel()
	off := office(t)
	plain := build(t, "Europe/Berlin", "Mon-Fri 08:00-12:00,13:00-17:00")
	ny := build(t, "America/New_York", "Mon-Fri 08:00-12:00,13:00-17:00")
	early := build(t, "Europe/Berlin", "Mon-Sun 00:00-06:00")

	tests := []struct {
		name       string
		cal        *calendar.Calendar
		start, end time.Time
		want       time.Duration
	}{
		// 2025 has 261 weekdays; the office calendar's holidays take 4 of them.
		{"the year 2025, Berlin", plain, at(t, plain, "2025-01-01 00:00"), at(t, plain, "2026-01-01 00:00"), 261 * 8 * time.Hour},
		{"the year 2025, New York", ny, at(t, ny, "2025-01-01 00:00"), at(t, ny, "2026-01-01 00:00"), 261 * 8 * time.Hour},
		{"the year 2025 with holidays", off, at(t, off, "2025-01-01 00:00"), at(t, off, "2026-01-01 00:00"), 257 * 8 * time.Hour},
		{"a weekend", off, at(t, off, "2025-12-05 17:00"), at(t, off, "2025-12-08 08:00"), 0},
		{"lunch", off, at(t, off, "2025-12-01 12:00"), at(t, off, "2025-12-01 13:00"), 0},
		{"over New Year", off, at(t, off, "2025-12-31 16:00"), at(t, off, "2026-01-02 10:00"), 3 * time.Hour},
		{"reversed is negative", off, at(t, off, "2026-01-02 10:00"), at(t, off, "2025-12-31 16:00"), -3 * time.Hour},
		{"spring forward day", early, utc(2025, 3, 29, 23, 0), utc(2025, 3, 30, 22, 0), 5 * time.Hour},
		{"fall back day", early, utc(2025, 10, 25, 22, 0), utc(2025, 10, 26, 23, 0), 7 * time.Hour},
		{"an ordinary day", early, utc(2025, 4, 5, 22, 0), utc(2025, 4, 6, 22, 0), 6 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.cal.Elapsed(tt.start, tt.end))
		})
	}
}

func TestIsWorkingAndNextWorking(t *testing.T) {
	t.Parallel()
	off := office(t)
	tests := []struct {
		name    string
		t       string
		working bool
		next    string
	}{
		{"a working morning", "2025-12-01 09:00", true, "2025-12-01 09:00"},
		{"the start of an interval is working", "2025-12-01 08:00", true, "2025-12-01 08:00"},
		{"its end is not", "2025-12-01 12:00", false, "2025-12-01 13:00"},
		{"a Saturday", "2025-12-06 10:00", false, "2025-12-08 08:00"},
		{"an evening before the holidays", "2025-12-23 17:00", false, "2025-12-29 08:00"},
		{"a holiday morning", "2025-12-25 09:00", false, "2025-12-29 08:00"},
		{"New Year's Eve night", "2025-12-31 23:59", false, "2026-01-02 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := at(t, off, tt.t)
			assert.Equal(t, tt.working, off.IsWorking(v))
			assert.True(t, at(t, off, tt.next).Equal(off.NextWorking(v)), "NextWorking = %v", off.NextWorking(v))
		})
	}
}

func TestAlwaysAndNilAreWallClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 10, 25, 22, 30, 0, 0, time.UTC)
	for name, c := range map[string]*calendar.Calendar{"Always": calendar.Always(), "nil": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, start.Add(90*time.Hour), c.Add(start, 90*time.Hour))
			assert.Equal(t, 90*time.Hour, c.Elapsed(start, start.Add(90*time.Hour)))
			assert.True(t, c.IsWorking(start))
			assert.Equal(t, start, c.NextWorking(start))
			assert.Equal(t, time.UTC, c.Location())
		})
	}
}

func TestAddKeepsStartsLocation(t *testing.T) {
	t.Parallel()
	off := office(t)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	start := at(t, off, "2025-12-01 09:00").In(tokyo)
	got := off.Add(start, time.Hour)
	assert.Equal(t, tokyo, got.Location())
	assert.True(t, at(t, off, "2025-12-01 10:00").Equal(got))
}

func TestAddSaturates(t *testing.T) {
	t.Parallel()
	off := office(t)
	start := at(t, off, "2025-12-01 09:00")
	assert.Equal(t, int64(1<<63-1), off.Add(start, 1<<63-1).UnixNano(), "far future")
	assert.Equal(t, int64(-1<<63), off.Add(start, -1<<63).UnixNano(), "far past")
}

func TestElapsedSaturates(t *testing.T) {
	t.Parallel()
	off := office(t)
	allWeek := build(t, "Europe/Berlin", "Mon-Sun 00:00-24:00", "2025-12-25")
	start := at(t, off, "2025-03-03 09:00")
	far := utc(3000, 1, 1, 0, 0)
	const most = time.Duration(1<<63 - 1)
	tests := []struct {
		name       string
		cal        *calendar.Calendar
		start, end time.Time
		// want is the result, or when like is set the result for like's two instants.
		want time.Duration
		like [2]time.Time
	}{
		{"to the year 3000 counts until 2262", off, start, far, 0, [2]time.Time{start, utc(2262, 12, 31, 0, 0)}},
		{"from the zero time counts from 1677", off, time.Time{}, start, 0, [2]time.Time{utc(1600, 1, 1, 0, 0), start}},
		{"both after the range", off, far, far.AddDate(1000, 0, 0), 0, [2]time.Time{}},
		{"both before the range", off, time.Time{}, utc(1600, 1, 1, 0, 0), 0, [2]time.Time{}},
		{"working around the clock from the zero time", allWeek, time.Time{}, far, most, [2]time.Time{}},
		{"Always from the zero time", calendar.Always(), time.Time{}, far, most, [2]time.Time{}},
		{"nil from the zero time", nil, time.Time{}, far, most, [2]time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := tt.want
			if !tt.like[0].IsZero() {
				want = tt.cal.Elapsed(tt.like[0], tt.like[1])
				require.Positive(t, want)
			}
			got := tt.cal.Elapsed(tt.start, tt.end)
			assert.Equal(t, want, got)
			assert.GreaterOrEqual(t, got, time.Duration(0), "never negative going forward")
			assert.Equal(t, -got, tt.cal.Elapsed(tt.end, tt.start), "antisymmetric")
		})
	}
}

func TestOutsideTheRange(t *testing.T) {
	t.Parallel()
	off := office(t)
	far := utc(3000, 1, 6, 10, 0) // a Monday
	last := time.Unix(0, 1<<63-1)
	first := time.Unix(0, -1<<63)
	tests := []struct {
		name string
		got  func() time.Time
		// want is the instant expected, or zero when check says what to expect.
		want  time.Time
		check func(t *testing.T, got time.Time)
	}{
		{"Add from the zero time starts in 1677", func() time.Time { return off.Add(time.Time{}, 8*time.Hour) }, time.Time{},
			func(t *testing.T, got time.Time) {
				assert.Equal(t, 1677, got.Year())
				assert.Equal(t, 8*time.Hour, off.Elapsed(time.Time{}, got))
			}},
		{"Add from the year 3000 saturates", func() time.Time { return off.Add(far, time.Hour) }, last, nil},
		{"Add back from the year 3000 ends in 2262", func() time.Time { return off.Add(far, -8*time.Hour) }, time.Time{},
			func(t *testing.T, got time.Time) {
				assert.Equal(t, 2262, got.Year())
				assert.Equal(t, 8*time.Hour, off.Elapsed(got, far))
			}},
		{"Add back from the zero time saturates", func() time.Time { return off.Add(time.Time{}, -time.Hour) }, first, nil},
		{"NextWorking from the zero time is in 1677", func() time.Time { return off.NextWorking(time.Time{}) }, time.Time{},
			func(t *testing.T, got time.Time) {
				assert.Equal(t, 1677, got.Year())
				assert.True(t, off.IsWorking(got))
				assert.Equal(t, time.Duration(0), off.Elapsed(time.Time{}, got))
			}},
		{"NextWorking from the year 3000 saturates", func() time.Time { return off.NextWorking(far) }, last, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.got()
			if tt.check != nil {
				tt.check(t, got)
				return
			}
			assert.True(t, tt.want.Equal(got), "got %v, want %v", got, tt.want)
		})
	}
	for _, v := range []time.Time{{}, utc(1600, 1, 3, 10, 0), far} {
		assert.False(t, off.IsWorking(v), "%v is outside the range", v)
	}
}
