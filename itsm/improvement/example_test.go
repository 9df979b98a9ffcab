package improvement_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/improvement"
)

// Two incidents: one assigned after 30 minutes and resolved after 4 hours, one
// reassigned, reopened, and still open at the reporting moment.
func Example() {
	a := newJournal(1).
		open(0, "new", nil).
		move(0.5, "in_progress", map[string]any{"assignment_group": "Desk"}).
		move(4, "resolved", nil).
		move(76, "closed", nil)
	b := newJournal(2).
		open(1, "new", nil).
		move(3, "in_progress", map[string]any{"assignment_group": "Desk"}).
		update(5, map[string]any{"assignment_group": "Network"}).
		move(9, "resolved", nil).
		move(10, "in_progress", nil)

	rep, err := improvement.Compute(slices.Values([][]itsm.Event{a.events, b.events}), improvement.Options{
		AsOf:     h(24),
		Calendar: officeHours{}, // Monday to Friday, 09:00–17:00; the journals start Monday 08:00
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("MTTA", rep.MTTA.Wall)
	fmt.Println("MTTR", rep.MTTR.Wall, "business", rep.MTTR.Business)
	fmt.Printf("reopened %d of %d, reassigned %d, first-contact %d of %d\n",
		rep.Reopened.Count, rep.Reopened.Of, rep.Reassigned.Count, rep.FirstContact.Count, rep.FirstContact.Of)
	fmt.Println("backlog", rep.Backlog.Count, rep.Backlog.ByState, "age", rep.Backlog.Age.Wall.Max)
	// Output:
	// MTTA n=2 mean=1.25h median=1.25h p90=1.85h
	// MTTR n=1 mean=4.00h median=4.00h p90=4.00h business n=1 mean=3.00h median=3.00h p90=3.00h
	// reopened 1 of 2, reassigned 1, first-contact 1 of 1
	// backlog 1 map[in_progress:1] age 23h0m0s
}

// Quantile and Summarize describe any durations by the documented method.
func ExampleSummarize() {
	s := improvement.Summarize([]time.Duration{4 * time.Hour, time.Hour, 10 * time.Hour, 2 * time.Hour})
	fmt.Println(s.Count, s.Median, s.P90, s.Mean)
	// Output: 4 3h0m0s 8h12m0s 4h15m0s
}
