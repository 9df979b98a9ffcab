package calendar_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
)

func Example() {
	week, err := calendar.ParseWeek("Mon-Fri 08:00-12:00,13:00-17:00")
	if err != nil {
		panic(err)
	}
	cal, err := calendar.New(calendar.Spec{
		Name:     "Berlin office",
		Location: "Europe/Berlin",
		Week:     week,
		Holidays: []calendar.Holiday{{
			Name: "Christmas",
			From: calendar.Date{Year: 2025, Month: time.December, Day: 24},
			To:   calendar.Date{Year: 2025, Month: time.December, Day: 26},
		}},
	})
	if err != nil {
		panic(err)
	}
	berlin := cal.Location()

	// An incident opened on Tuesday afternoon before Christmas with a 4-hour target.
	opened := time.Date(2025, time.December, 23, 15, 30, 0, 0, berlin)
	due := cal.Add(opened, 4*time.Hour)
	fmt.Println("due:", due.Format("Mon 2006-01-02 15:04"))

	resolved := time.Date(2025, time.December, 29, 10, 0, 0, 0, berlin)
	fmt.Println("worked:", cal.Elapsed(opened, resolved))
	fmt.Println("working on Christmas Eve:", cal.IsWorking(time.Date(2025, time.December, 24, 9, 0, 0, 0, berlin)))
	fmt.Println("next working time:", cal.NextWorking(opened.Add(2*time.Hour)).Format("Mon 15:04"))
	// Output:
	// due: Mon 2025-12-29 10:30
	// worked: 3h30m0s
	// working on Christmas Eve: false
	// next working time: Mon 08:00
}

// Working intervals are wall-clock times: on the night clocks go back, the interval
// 00:00-06:00 holds seven hours.
func ExampleCalendar_Elapsed_daylightSaving() {
	week, err := calendar.ParseWeek("Mon-Sun 00:00-06:00")
	if err != nil {
		panic(err)
	}
	cal, err := calendar.New(calendar.Spec{Location: "Europe/Berlin", Week: week})
	if err != nil {
		panic(err)
	}
	day := func(d int) time.Time { return time.Date(2025, time.October, d, 12, 0, 0, 0, cal.Location()) }
	fmt.Println(cal.Elapsed(day(25), day(26)))
	fmt.Println(cal.Elapsed(day(26), day(27)))
	// Output:
	// 7h0m0s
	// 6h0m0s
}

func ExampleCalendar_Add_negative() {
	week, err := calendar.ParseWeek("Mon-Fri 09:00-17:00")
	if err != nil {
		panic(err)
	}
	cal, err := calendar.New(calendar.Spec{Location: "America/New_York", Week: week})
	if err != nil {
		panic(err)
	}
	// Two working days before a Monday 10:00 go-live.
	golive := time.Date(2025, time.December, 8, 10, 0, 0, 0, cal.Location())
	fmt.Println(cal.Add(golive, -16*time.Hour).Format("Mon 15:04"))
	// Output:
	// Thu 10:00
}

func ExampleNew_invalid() {
	_, err := calendar.New(calendar.Spec{
		Location: "Europe/Berlin",
		Week:     calendar.Week{time.Monday: {{Start: 8 * time.Hour, End: 12 * time.Hour}, {Start: 11 * time.Hour, End: 17 * time.Hour}}},
	})
	var ve *itsm.ValidationError
	fmt.Println(errors.Is(err, itsm.ErrInvalid), errors.As(err, &ve) && ve.Field == "week[Monday]")
	fmt.Println(err)
	// Output:
	// true true
	// invalid week[Monday]: 08:00-12:00 overlaps 11:00-17:00
}

func ExampleParseWeek() {
	week, err := calendar.ParseWeek("mon-fri 8:00-12:00, 13:00-17:00; sat 9:00-12:00")
	if err != nil {
		panic(err)
	}
	fmt.Println(week)
	fmt.Println(week[time.Saturday])
	// Output:
	// Mon-Fri 08:00-12:00,13:00-17:00; Sat 09:00-12:00
	// [09:00-12:00]
}
