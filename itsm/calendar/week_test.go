package calendar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
)

func TestParseWeek(t *testing.T) {
	t.Parallel()
	h, m := time.Hour, time.Minute
	office := []calendar.Interval{{8 * h, 12 * h}, {13 * h, 17 * h}}
	tests := []struct {
		in     string
		want   calendar.Week
		string string
	}{
		{"", calendar.Week{}, ""},
		{"Mon-Fri 08:00-12:00,13:00-17:00", calendar.Week{
			time.Monday: office, time.Tuesday: office, time.Wednesday: office, time.Thursday: office, time.Friday: office,
		}, "Mon-Fri 08:00-12:00,13:00-17:00"},
		{"sat 9:30-12:00 ; SUNDAY 10:00-11:00:30", calendar.Week{
			time.Saturday: {{9*h + 30*m, 12 * h}}, time.Sunday: {{10 * h, 11*h + 30*time.Second}},
		}, "Sat 09:30-12:00; Sun 10:00-11:00:30"},
		{"Fri-Mon 00:00-24:00", calendar.Week{
			time.Friday: {{0, 24 * h}}, time.Saturday: {{0, 24 * h}}, time.Sunday: {{0, 24 * h}}, time.Monday: {{0, 24 * h}},
		}, "Mon 00:00-24:00; Fri-Sun 00:00-24:00"},
		{"Mon,Wed 08:00-09:00; Mon 10:00-11:00, 12:00-13:00", calendar.Week{
			time.Monday: {{8 * h, 9 * h}, {10 * h, 11 * h}, {12 * h, 13 * h}}, time.Wednesday: {{8 * h, 9 * h}},
		}, "Mon 08:00-09:00,10:00-11:00,12:00-13:00; Wed 08:00-09:00"},
		// Syntax only: New refuses inverted intervals.
		{"Tue 17:00-08:00", calendar.Week{time.Tuesday: {{17 * h, 8 * h}}}, "Tue 17:00-08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := calendar.ParseWeek(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.string, got.String())
		})
	}
}

func TestParseWeekRefusesBadSyntax(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"Mon",
		"Mon08:00-12:00",
		"Mo 08:00-12:00",
		"Mon-Funday 08:00-12:00",
		"Mon 08:00",
		"Mon 8-12",
		"Mon 08:00-24:01",
		"Mon 25:00-26:00",
		"Mon 08:60-09:00",
		"Mon 08:00-09:00:60",
		"Mon 008:00-09:00",
		"Mon 08:00-09:00,",
		"Mon +8:00-09:00",
		"Mon 08:00-12:00; Tue",
	} {
		_, err := calendar.ParseWeek(in)
		require.Error(t, err, "%q", in)
		assert.ErrorIs(t, err, itsm.ErrInvalid, "%q", in)
		assert.Contains(t, err.Error(), "invalid week", "%q", in)
	}
}

// FuzzParseWeek checks that ParseWeek never panics, that what it accepts renders back
// to text it reads as the same week, and that New either builds a calendar from it
// or refuses it as invalid input.
func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"Mon-Fri 08:00-12:00,13:00-17:00", "Sat 09:00-12:00; Sun 10:00-11:00:30", "fri-mon 0:00-24:00", "Mon 17:00-08:00", "Mon 08:00-12:00,11:00-13:00", ";;", "Mon,Mon 08:00-09:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := calendar.ParseWeek(s)
		if err != nil {
			require.ErrorIs(t, err, itsm.ErrInvalid)
			return
		}
		again, err := calendar.ParseWeek(w.String())
		require.NoError(t, err, "String() = %q", w.String())
		require.Equal(t, w, again)
		c, err := calendar.New(calendar.Spec{Week: w})
		if err != nil {
			require.ErrorIs(t, err, itsm.ErrInvalid)
			return
		}
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		require.Equal(t, 50*time.Hour, c.Elapsed(start, c.Add(start, 50*time.Hour)))
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-12-24", "2024-02-29", "2025-02-29", "0000-00-00", "+2025-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := calendar.ParseDate(s)
		if err != nil {
			require.ErrorIs(t, err, itsm.ErrInvalid)
			return
		}
		require.True(t, d.Valid())
		again, err := calendar.ParseDate(d.String())
		require.NoError(t, err)
		require.Equal(t, d, again)
	})
}
