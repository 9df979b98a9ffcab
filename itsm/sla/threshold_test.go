package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

func TestCrossed(t *testing.T) {
	t.Parallel()
	d := mustNew(t, resolutionSpec(office(t)))
	// P3 (16h) from Monday 08:00; raised to P1 (4h) on Tuesday at 12:00.
	raised := opened(t, berlin(1, 8, 0), fields{"priority": "P3"}).
		update(berlin(2, 12, 0), fields{"priority": "P1"})
	at := func(j *journal, now time.Time) sla.Clock { return evaluate(t, d, j, now) }

	tests := []struct {
		name      string
		prev, cur sla.Clock
		want      []sla.Threshold
	}{
		{"nothing reached yet", at(raised, berlin(1, 9, 0)), at(raised, berlin(1, 15, 0)), nil},
		{"half the target", at(raised, berlin(1, 15, 0)), at(raised, berlin(1, 17, 0)), []sla.Threshold{50}},
		{"the same evaluation twice", at(raised, berlin(1, 17, 0)), at(raised, berlin(1, 17, 0)), nil},
		{"raising the priority crosses the rest at once", at(raised, berlin(2, 11, 59)), at(raised, berlin(2, 12, 0)),
			[]sla.Threshold{75, 90, sla.Breach}},
		{"from before the record existed", at(raised, berlin(1, 7, 0)), at(raised, berlin(2, 12, 0)),
			[]sla.Threshold{50, 75, 90, sla.Breach}},
		{"from another record", sla.Clock{Definition: "resolution", Record: itsm.NewID(), Cycle: 1, Target: h, Elapsed: 2 * h},
			at(raised, berlin(1, 17, 0)), []sla.Threshold{50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, d.Crossed(tt.prev, tt.cur))
		})
	}
}

func TestCrossedAfterResetAndCancel(t *testing.T) {
	t.Parallel()
	spec := resolutionSpec(office(t))
	spec.Reset = sla.FieldChanged("assignment_group")
	d := mustNew(t, spec)
	// P1 (4h): the first group has it from Monday 15:00 to Tuesday 09:00 (3h), the
	// second starts afresh; the incident is cancelled at 15:00.
	j := opened(t, berlin(1, 15, 0), fields{"priority": "P1", "assignment_group": "network"}).
		update(berlin(2, 9, 0), fields{"assignment_group": "database"}).
		move(berlin(2, 15, 0), "cancel", "new", "canceled", nil)
	prev := evaluate(t, d, j, berlin(2, 8, 59))
	require.Equal(t, 1, prev.Cycle)
	require.Equal(t, []sla.Threshold{50}, d.Crossed(sla.Clock{}, prev))

	cur := evaluate(t, d, j, berlin(2, 11, 0))
	require.Equal(t, 2, cur.Cycle)
	assert.Equal(t, []sla.Threshold{50}, d.Crossed(prev, cur), "a new cycle starts from nothing")

	cancelled := evaluate(t, d, j, berlin(2, 16, 0))
	require.Equal(t, sla.StageCancelled, cancelled.Stage)
	assert.Nil(t, d.Crossed(cur, cancelled), "a cancelled clock reaches nothing")
}

func TestCustomWarnings(t *testing.T) {
	t.Parallel()
	spec := resolutionSpec(nil)
	spec.Warnings = []sla.Threshold{80}
	d := mustNew(t, spec)
	j := opened(t, berlin(1, 8, 0), fields{"priority": "P1"}) // 4h around the clock
	c := evaluate(t, d, j, berlin(1, 9, 0))
	assert.Equal(t, sla.Threshold(80), c.Next)
	assert.Equal(t, "Mon 12-01 11:12", wall(c.NextAt))
	assert.Equal(t, []sla.Threshold{80, sla.Breach}, d.Crossed(c, evaluate(t, d, j, berlin(1, 12, 0))))
}

// TestSchedulerLoop plays a host's scheduler: it keeps the clocks it evaluated,
// wakes at the earliest NextAt, re-evaluates the clocks Due returns and records what
// Crossed reports.
func TestSchedulerLoop(t *testing.T) {
	t.Parallel()
	d := mustNew(t, resolutionSpec(office(t)))
	j := heldOverWeekend(t) // P3, 16h, paused from Friday 10:00 to Monday 11:00

	type event struct {
		At        string
		Threshold sla.Threshold
	}
	var fired []event
	clocks := []sla.Clock{evaluate(t, d, j, berlin(4, 9, 0))}
	now := berlin(4, 9, 0)
	end := berlin(31, 0, 0)
	for range 20 {
		// Wake when the record is written or at the earliest NextAt.
		wake, written := end, false
		for _, e := range j.events {
			if e.At.After(now) && e.At.Before(wake) {
				wake, written = e.At, true
			}
		}
		for _, c := range clocks {
			if !c.NextAt.IsZero() && c.NextAt.Before(wake) {
				wake, written = c.NextAt, false
			}
		}
		if wake.Equal(end) {
			break
		}
		now = wake
		for i, c := range clocks {
			if !written && len(sla.Due([]sla.Clock{c}, now)) == 0 {
				continue
			}
			next := evaluate(t, d, j, now)
			for _, th := range d.Crossed(c, next) {
				fired = append(fired, event{wall(now), th})
			}
			clocks[i] = next
		}
	}
	assert.Equal(t, []event{
		{"Fri 12-05 09:00", 50},  // 8h: Thursday 7h, Friday 08-09
		{"Mon 12-08 15:00", 75},  // 12h: 9h before the hold, Monday 11-12 and 13-15
		{"Tue 12-09 08:24", 90},  // 14.4h: the rest of Monday to 17:00, then 24 minutes
		{"Tue 12-09 10:00", 100}, // 16h
	}, fired)
}

func TestDue(t *testing.T) {
	t.Parallel()
	a := sla.Clock{Record: itsm.NewID(), NextAt: berlin(1, 10, 0)}
	b := sla.Clock{Record: itsm.NewID(), NextAt: berlin(1, 12, 0)}
	c := sla.Clock{Record: itsm.NewID()} // not running
	assert.Equal(t, []sla.Clock{a}, sla.Due([]sla.Clock{a, b, c}, berlin(1, 11, 0)))
	assert.Equal(t, []sla.Clock{a, b}, sla.Due([]sla.Clock{a, b, c}, berlin(1, 12, 0)))
	assert.Nil(t, sla.Due([]sla.Clock{a, b, c}, berlin(1, 9, 0)))
}
