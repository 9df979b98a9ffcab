// Package calendar does business-time arithmetic: how much working time lies between
// two instants, and when a given amount of working time will have passed.
//
// A [Calendar] has a time zone, working intervals per weekday (several a day, such as
// 08:00–12:00 and 13:00–17:00) and holidays. It is built once with [New], which
// validates it, and is immutable and safe for concurrent use. [Always] (or a nil
// *Calendar) is the 24×7 calendar.
//
//	week, err := calendar.ParseWeek("Mon-Fri 08:00-12:00,13:00-17:00")
//	if err != nil { … }
//	cal, err := calendar.New(calendar.Spec{
//		Location: "Europe/Berlin",
//		Week:     week,
//		Holidays: []calendar.Holiday{{Name: "Christmas", From: calendar.Date{Year: 2025, Month: 12, Day: 24}, To: calendar.Date{Year: 2025, Month: 12, Day: 26}}},
//	})
//	if err != nil { … } // errors.Is(err, itsm.ErrInvalid)
//	due := cal.Add(opened, 16*time.Hour)  // two working days later
//	used := cal.Elapsed(opened, resolved) // working time between them
//
// # Semantics
//
// Working intervals are wall-clock times in the calendar's zone: an instant is working
// time when the zone's clock shows a time inside an interval of that day and the day
// is no holiday. Durations are real elapsed time. On the day clocks go forward, an
// interval spanning the change holds an hour less of real time (and one inside the
// skipped hour none); on the day they go back, an hour more.
//
// [Calendar.Add] returns the earliest instant at which the duration has been worked,
// so a deadline that uses up a day falls at 17:00, not at 08:00 the next working day.
// [Calendar.Elapsed] is antisymmetric and additive: Elapsed(a, c) == Elapsed(a, b) +
// Elapsed(b, c) for any three instants, and Elapsed(s, Add(s, d)) == d.
//
// The arithmetic works on Unix nanoseconds, so a calendar has working time only from
// 1677-10-25 to 2262-03-24 UTC (the range of time.Time.UnixNano less a few weeks at
// either end). Instants outside that span, the zero time.Time included, count as its
// first or last instant: Elapsed never turns negative, IsWorking reports false, and
// Add and NextWorking saturate at the ends of the range of time.Time.UnixNano. Elapsed
// saturates at the largest time.Duration, as time.Time.Sub does. The 24×7 calendar
// ([Always], nil) is time.Time.Sub and time.Time.Add, with no span.
//
// # Cost
//
// Neither Add nor Elapsed walks time minute by minute or day by day. Inside a stretch
// of constant zone offset the working time before an instant is computed from whole
// weeks, a binary search over the week's intervals and prefix sums over the holidays;
// only daylight-saving changes split the computation, so a 30-day deadline costs about
// what a 1-day deadline does.
package calendar
