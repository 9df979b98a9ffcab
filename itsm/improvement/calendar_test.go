package improvement_test

import "time"

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
