package sla_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

// exampleJournal is an incident as the incident practice journals it: opened as P2
// on Friday afternoon, put on hold for the caller on Monday, resumed on Tuesday.
func exampleJournal(loc *time.Location) []itsm.Event {
	id := itsm.MustParseID("01938f3c-7a2b-7c3d-8e4f-5a6b7c8d9e0f")
	at := func(day, hh, mm int) time.Time { return time.Date(2025, time.December, day, hh, mm, 0, 0, loc) }
	write := func(v int64, at time.Time, e itsm.Event, data string) itsm.Event {
		e.Tenant, e.Kind, e.EntityID, e.Version, e.At, e.Actor = "acme", itsm.KindIncident, id, v, at, "alice"
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		return e
	}
	return []itsm.Event{
		write(1, at(5, 15, 0), itsm.Event{Type: itsm.EventCreated, To: "new"}, `{"priority":"P2","impact":"medium","urgency":"medium"}`),
		write(2, at(5, 16, 0), itsm.Event{Type: itsm.EventTransitioned, From: "new", To: "in_progress", Trigger: "start"}, ""),
		write(3, at(8, 10, 0), itsm.Event{Type: itsm.EventTransitioned, From: "in_progress", To: "on_hold", Trigger: "hold"}, ""),
		write(3, at(8, 10, 0), itsm.Event{Type: itsm.EventUpdated, Index: 1}, `{"on_hold_reason":"awaiting_caller"}`),
		write(4, at(9, 9, 0), itsm.Event{Type: itsm.EventTransitioned, From: "on_hold", To: "in_progress", Trigger: "resume"}, `{"on_hold_reason":null}`),
	}
}

func Example() {
	week, err := calendar.ParseWeek("Mon-Fri 08:00-12:00,13:00-17:00")
	if err != nil {
		panic(err)
	}
	office, err := calendar.New(calendar.Spec{Location: "Europe/Berlin", Week: week})
	if err != nil {
		panic(err)
	}
	resolution, err := sla.New(sla.Spec{
		ID:       "incident-resolution",
		Metric:   sla.MetricResolution,
		Targets:  map[itsm.Priority]time.Duration{itsm.P1: 4 * time.Hour, itsm.P2: 8 * time.Hour},
		Calendar: office,
		Start:    sla.StateIn("new", "in_progress", "on_hold"),
		Stop:     sla.StateIn("resolved", "closed"),
		Pause:    sla.And(sla.StateIn("on_hold"), sla.FieldEquals("on_hold_reason", "awaiting_caller")),
		Cancel:   sla.StateIn("canceled"),
	})
	if err != nil {
		panic(err)
	}
	events := exampleJournal(office.Location())

	for _, now := range []time.Time{
		time.Date(2025, time.December, 8, 11, 0, 0, 0, office.Location()), // Monday, on hold
		time.Date(2025, time.December, 9, 10, 0, 0, 0, office.Location()), // Tuesday, resumed
	} {
		c, err := resolution.Evaluate(events, now)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %s, %v used of %v (%.1f%%), due %s\n",
			now.Format("Mon 15:04"), c.Stage, c.Elapsed, c.Target, c.Percent, c.Due.Format("Mon 15:04"))
	}
	// While paused, the due time is when the clock would be due if it resumed now:
	// the hold from Monday 10:00 to Tuesday 09:00 pushes it by that much working time.

	// Output:
	// Mon 11:00: paused, 4h0m0s used of 8h0m0s (50.0%), due Mon 16:00
	// Tue 10:00: running, 5h0m0s used of 8h0m0s (62.5%), due Tue 14:00
}

// A host's scheduler evaluates a clock again when its NextAt comes, and asks which
// thresholds it crossed since the previous evaluation.
func ExampleDefinition_Crossed() {
	resolution, err := sla.New(sla.Spec{
		ID:      "incident-resolution",
		Metric:  sla.MetricResolution,
		Targets: map[itsm.Priority]time.Duration{itsm.P2: 8 * time.Hour}, // around the clock
		Start:   sla.StateIn("new", "in_progress", "on_hold"),
		Stop:    sla.StateIn("resolved", "closed"),
	})
	if err != nil {
		panic(err)
	}
	events := exampleJournal(time.UTC)[:2] // opened Friday 15:00, then worked on

	prev, err := resolution.Evaluate(events, time.Date(2025, time.December, 5, 16, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	fmt.Printf("next: %v%% at %s\n", float64(prev.Next), prev.NextAt.Format("Mon 15:04"))

	for _, c := range sla.Due([]sla.Clock{prev}, prev.NextAt) {
		cur, err := resolution.Evaluate(events, c.NextAt)
		if err != nil {
			panic(err)
		}
		fmt.Println("crossed:", resolution.Crossed(c, cur))
		fmt.Printf("next: %v%% at %s\n", float64(cur.Next), cur.NextAt.Format("Mon 15:04"))
	}
	// Output:
	// next: 50% at Fri 19:00
	// crossed: [50]
	// next: 75% at Fri 21:00
}

func ExampleSnapshots() {
	for s, err := range sla.Snapshots(exampleJournal(time.UTC)) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("v%d %s %q changed %v\n", s.Version, s.State, s.Field("on_hold_reason"), s.Changed)
	}
	// Output:
	// v1 new "" changed [impact priority urgency]
	// v2 in_progress "" changed []
	// v3 on_hold "awaiting_caller" changed [on_hold_reason]
	// v4 in_progress "" changed [on_hold_reason]
}
