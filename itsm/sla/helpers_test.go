package sla_test

import (
	"encoding/json"
	"testing"
	"time"
	_ "time/tzdata" // the tests need the same zone rules on every machine

	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

var recordID = itsm.MustParseID("01938f3c-7a2b-7c3d-8e4f-5a6b7c8d9e0f")

// journal builds one incident's events the way the incident practice writes them.
type journal struct {
	t      require.TestingT
	events []itsm.Event
}

type fields map[string]any

func (j *journal) write(at time.Time, events ...itsm.Event) *journal {
	version := int64(1)
	if n := len(j.events); n > 0 {
		version = j.events[n-1].Version + 1
	}
	for i, e := range events {
		e.Tenant, e.Kind, e.EntityID, e.Version, e.Index, e.At, e.Actor = "acme", itsm.KindIncident, recordID, version, i, at, "alice"
		j.events = append(j.events, e)
	}
	return j
}

func (j *journal) data(f fields) json.RawMessage {
	if f == nil {
		return nil
	}
	b, err := json.Marshal(f)
	require.NoError(j.t, err)
	return b
}

// opened starts a journal with a created event in state "new".
func opened(t require.TestingT, at time.Time, f fields) *journal {
	j := &journal{t: t}
	return j.write(at, itsm.Event{Type: itsm.EventCreated, To: "new", Data: j.data(f)})
}

// move records a transition; fields changed by the same write travel in a second
// event of the same version, as a practice service writes them.
func (j *journal) move(at time.Time, trigger, from, to string, f fields) *journal {
	events := []itsm.Event{{Type: itsm.EventTransitioned, From: from, To: to, Trigger: trigger}}
	if f != nil {
		events = append(events, itsm.Event{Type: itsm.EventUpdated, Data: j.data(f)})
	}
	return j.write(at, events...)
}

// update records a change of fields.
func (j *journal) update(at time.Time, f fields) *journal {
	return j.write(at, itsm.Event{Type: itsm.EventUpdated, Data: j.data(f)})
}

// office is Berlin, Mon-Fri 08:00-12:00 and 13:00-17:00 (8 working hours a day),
// with Christmas 2025 off.
func office(t testing.TB) *calendar.Calendar {
	w, err := calendar.ParseWeek("Mon-Fri 08:00-12:00,13:00-17:00")
	require.NoError(t, err)
	c, err := calendar.New(calendar.Spec{Location: "Europe/Berlin", Week: w, Holidays: []calendar.Holiday{
		{Name: "Christmas", From: calendar.Date{Year: 2025, Month: 12, Day: 24}, To: calendar.Date{Year: 2025, Month: 12, Day: 26}},
	}})
	require.NoError(t, err)
	return c
}

// berlin returns 2025-12-day hh:mm in Berlin (December: no daylight saving).
func berlin(day, hh, mm int) time.Time {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return time.Date(2025, time.December, day, hh, mm, 0, 0, loc)
}

// resolutionSpec is an incident resolution SLA: it runs from opening to resolution,
// pauses while waiting for the caller only, and is cancelled with the incident.
func resolutionSpec(cal *calendar.Calendar) sla.Spec {
	return sla.Spec{
		ID:       "resolution",
		Name:     "Incident resolution",
		Metric:   sla.MetricResolution,
		Targets:  map[itsm.Priority]time.Duration{itsm.P1: 4 * time.Hour, itsm.P2: 8 * time.Hour, itsm.P3: 16 * time.Hour},
		Calendar: cal,
		Start:    sla.StateIn("new", "in_progress", "on_hold"),
		Stop:     sla.StateIn("resolved", "closed"),
		Pause:    sla.And(sla.StateIn("on_hold"), sla.FieldEquals("on_hold_reason", "awaiting_caller")),
		Cancel:   sla.StateIn("canceled"),
	}
}

func mustNew(t testing.TB, spec sla.Spec) *sla.Definition {
	t.Helper()
	d, err := sla.New(spec)
	require.NoError(t, err)
	return d
}

func evaluate(t testing.TB, d *sla.Definition, j *journal, now time.Time) sla.Clock {
	t.Helper()
	c, err := d.Evaluate(j.events, now)
	require.NoError(t, err)
	return c
}
