package sla_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

// view is the part of a Clock the scenarios check, with instants written as Berlin
// wall-clock time ("Mon 12-08 16:00", "" for none) so a table reads like a timeline.
type view struct {
	Stage                      sla.Stage
	Cycle                      int
	Priority                   itsm.Priority
	Target, Elapsed, PausedFor time.Duration
	Started, Paused, Stopped   string
	Due, Breached              string
	Next                       sla.Threshold
	NextAt                     string
}

func viewOf(c sla.Clock) view {
	return view{
		Stage: c.Stage, Cycle: c.Cycle, Priority: c.Priority,
		Target: c.Target, Elapsed: c.Elapsed, PausedFor: c.PausedFor,
		Started: wall(c.StartedAt), Paused: wall(c.PausedAt), Stopped: wall(c.StoppedAt),
		Due: wall(c.Due), Breached: wall(c.BreachedAt), Next: c.Next, NextAt: wall(c.NextAt),
	}
}

func wall(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(berlin(1, 0, 0).Location()).Format("Mon 01-02 15:04")
}

const h, m = time.Hour, time.Minute

// December 2025: Monday 1, Thursday 4, Friday 5, Saturday 6, Monday 8.

// heldOverWeekend: a P3 incident (two working days, 16h) waits for the caller from
// Friday 10:00 to Monday 11:00.
func heldOverWeekend(t *testing.T) *journal {
	return opened(t, berlin(4, 9, 0), fields{"priority": "P3", "impact": "medium"}).
		move(berlin(4, 9, 30), "start", "new", "in_progress", fields{"assigned_to": "bob"}).
		move(berlin(5, 10, 0), "hold", "in_progress", "on_hold", fields{"on_hold_reason": "awaiting_caller"}).
		move(berlin(8, 11, 0), "resume", "on_hold", "in_progress", fields{"on_hold_reason": nil})
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	cal := office(t)
	resolution := mustNew(t, resolutionSpec(cal))
	resolution24x7 := func() *sla.Definition { s := resolutionSpec(nil); return mustNew(t, s) }()
	withReset := func() *sla.Definition {
		s := resolutionSpec(cal)
		s.Reset = sla.Triggered("reopen")
		return mustNew(t, s)
	}()

	reopened := opened(t, berlin(1, 9, 0), fields{"priority": "P2"}).
		move(berlin(1, 9, 10), "start", "new", "in_progress", nil).
		move(berlin(1, 15, 0), "resolve", "in_progress", "resolved", fields{"resolution_code": "fixed"}).
		move(berlin(2, 9, 0), "reopen", "resolved", "in_progress", fields{"reopen_count": 1, "resolution_code": nil}).
		move(berlin(2, 12, 0), "resolve", "in_progress", "resolved", fields{"resolution_code": "fixed"})

	raised := opened(t, berlin(1, 8, 0), fields{"priority": "P3"}).
		update(berlin(2, 12, 0), fields{"priority": "P1", "impact": "high"})
	raisedEarly := opened(t, berlin(1, 8, 0), fields{"priority": "P3"}).
		update(berlin(1, 11, 0), fields{"priority": "P2"})

	held := func(reason string) *journal {
		return opened(t, berlin(1, 8, 0), fields{"priority": "P2"}).
			move(berlin(1, 10, 0), "hold", "new", "on_hold", fields{"on_hold_reason": reason})
	}
	longHold := opened(t, berlin(1, 8, 0), fields{"priority": "P1"}).
		move(berlin(1, 10, 0), "hold", "new", "on_hold", fields{"on_hold_reason": "awaiting_caller"}).
		move(berlin(3, 9, 0), "resume", "on_hold", "in_progress", fields{"on_hold_reason": nil})
	friday := opened(t, berlin(5, 16, 0), fields{"priority": "P2"})

	tests := []struct {
		name string
		def  *sla.Definition
		j    *journal
		now  time.Time
		want view
	}{
		// Paused across a weekend with a two-working-day target.
		{"held over the weekend: paused", resolution, heldOverWeekend(t), berlin(6, 12, 0), view{
			Stage: sla.StagePaused, Cycle: 1, Priority: itsm.P3, Target: 16 * h,
			Elapsed: 9 * h, PausedFor: 6 * h, // Thursday 09-12, 13-17, Friday 08-10; Friday 10-12, 13-17
			Started: "Thu 12-04 09:00", Paused: "Fri 12-05 10:00",
			Due: "Mon 12-08 16:00", // 7h left if resumed now
		}},
		{"held over the weekend: resumed", resolution, heldOverWeekend(t), berlin(9, 9, 0), view{
			Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P3, Target: 16 * h,
			Elapsed: 15 * h, PausedFor: 9 * h, Started: "Thu 12-04 09:00",
			Due: "Tue 12-09 10:00", Next: sla.Breach, NextAt: "Tue 12-09 10:00",
		}},
		{"held over the weekend: breached", resolution, heldOverWeekend(t), berlin(9, 11, 0), view{
			Stage: sla.StageBreached, Cycle: 1, Priority: itsm.P3, Target: 16 * h,
			Elapsed: 17 * h, PausedFor: 9 * h, Started: "Thu 12-04 09:00",
			Due: "Tue 12-09 10:00", Breached: "Tue 12-09 10:00",
		}},

		// Reopen after resolution: the completed clock stays completed unless Reset says.
		{"reopened without reset", resolution, reopened, berlin(2, 10, 0), view{
			Stage: sla.StageMet, Cycle: 1, Priority: itsm.P2, Target: 8 * h, Elapsed: 5 * h,
			Started: "Mon 12-01 09:00", Stopped: "Mon 12-01 15:00", Due: "Tue 12-02 09:00",
		}},
		{"reopened with reset on reopen", withReset, reopened, berlin(2, 10, 0), view{
			Stage: sla.StageRunning, Cycle: 2, Priority: itsm.P2, Target: 8 * h, Elapsed: h,
			Started: "Tue 12-02 09:00", Due: "Wed 12-03 09:00", Next: 50, NextAt: "Tue 12-02 14:00",
		}},

		// Priority changes retarget from the original start.
		{"before the priority is raised", resolution, raised, berlin(2, 11, 59), view{
			Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P3, Target: 16 * h, Elapsed: 11*h + 59*m,
			Started: "Mon 12-01 08:00", Due: "Tue 12-02 17:00", Next: 75, NextAt: "Tue 12-02 12:00",
		}},
		{"priority raised past the new target breaches in the past", resolution, raised, berlin(2, 12, 0), view{
			Stage: sla.StageBreached, Cycle: 1, Priority: itsm.P1, Target: 4 * h, Elapsed: 12 * h,
			Started: "Mon 12-01 08:00", Due: "Mon 12-01 12:00", Breached: "Mon 12-01 12:00",
		}},
		{"priority raised within the new target", resolution, raisedEarly, berlin(1, 11, 30), view{
			Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P2, Target: 8 * h, Elapsed: 3*h + 30*m,
			Started: "Mon 12-01 08:00", Due: "Mon 12-01 17:00", Next: 50, NextAt: "Mon 12-01 12:00",
		}},

		// Waiting for the caller pauses resolution; waiting for a vendor does not.
		{"awaiting caller pauses", resolution, held("awaiting_caller"), berlin(1, 16, 0), view{
			Stage: sla.StagePaused, Cycle: 1, Priority: itsm.P2, Target: 8 * h, Elapsed: 2 * h, PausedFor: 5 * h,
			Started: "Mon 12-01 08:00", Paused: "Mon 12-01 10:00", Due: "Tue 12-02 14:00",
		}},
		{"awaiting vendor runs on", resolution, held("awaiting_vendor"), berlin(1, 16, 0), view{
			Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P2, Target: 8 * h, Elapsed: 7 * h,
			Started: "Mon 12-01 08:00", Due: "Mon 12-01 17:00", Next: 90, NextAt: "Mon 12-01 16:12",
		}},

		// A P1 (4h) paused after 2h, long past its wall-clock due time.
		{"no breach while paused", resolution, longHold, berlin(2, 12, 0), view{
			Stage: sla.StagePaused, Cycle: 1, Priority: itsm.P1, Target: 4 * h, Elapsed: 2 * h, PausedFor: 10 * h,
			Started: "Mon 12-01 08:00", Paused: "Mon 12-01 10:00", Due: "Tue 12-02 15:00",
		}},
		{"resumed after the long hold", resolution, longHold, berlin(3, 10, 0), view{
			Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P1, Target: 4 * h, Elapsed: 3 * h, PausedFor: 15 * h,
			Started: "Mon 12-01 08:00", Due: "Wed 12-03 11:00", Next: 90, NextAt: "Wed 12-03 10:36",
		}},
		{"breached after the long hold", resolution, longHold, berlin(3, 11, 30), view{
			Stage: sla.StageBreached, Cycle: 1, Priority: itsm.P1, Target: 4 * h, Elapsed: 4*h + 30*m, PausedFor: 15 * h,
			Started: "Mon 12-01 08:00", Due: "Wed 12-03 11:00", Breached: "Wed 12-03 11:00",
		}},

		// The same journal on office hours and around the clock.
		{"business calendar", resolution, friday, berlin(8, 10, 0), view{
			Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P2, Target: 8 * h, Elapsed: 3 * h,
			Started: "Fri 12-05 16:00", Due: "Mon 12-08 16:00", Next: 50, NextAt: "Mon 12-08 11:00",
		}},
		{"24x7", resolution24x7, friday, berlin(8, 10, 0), view{
			Stage: sla.StageBreached, Cycle: 1, Priority: itsm.P2, Target: 8 * h, Elapsed: 66 * h,
			Started: "Fri 12-05 16:00", Due: "Sat 12-06 00:00", Breached: "Sat 12-06 00:00",
		}},

		{"before the record exists", resolution, friday, berlin(5, 15, 0), view{}},
		{"writes after now are ignored", resolution, heldOverWeekend(t), berlin(5, 9, 0), view{
			Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P3, Target: 16 * h, Elapsed: 8 * h,
			Started: "Thu 12-04 09:00", Due: "Mon 12-08 09:00", Next: 75, NextAt: "Fri 12-05 14:00",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := evaluate(t, tt.def, tt.j, tt.now)
			assert.Equal(t, tt.want, viewOf(c))
			assert.Equal(t, "resolution", c.Definition)
			assert.Equal(t, tt.now, c.AsOf)
			if c.Cycle > 0 {
				assert.Equal(t, recordID, c.Record)
				assert.Equal(t, itsm.Tenant("acme"), c.Tenant)
				assert.Equal(t, itsm.KindIncident, c.Kind)
				assert.Equal(t, c.Target-c.Elapsed, c.Left)
				assert.InDelta(t, 100*float64(c.Elapsed)/float64(c.Target), c.Percent, 1e-9)
			}
		})
	}
}

// TestRepairAfterDefinitionChange evaluates a journal paused over a weekend with the
// definition it had, then with changed ones, as an administrator repairing clocks
// after editing the definition or its calendar would.
func TestRepairAfterDefinitionChange(t *testing.T) {
	t.Parallel()
	cal := office(t)
	j := heldOverWeekend(t)
	now := berlin(6, 12, 0)
	before := evaluate(t, mustNew(t, resolutionSpec(cal)), j, now)
	require.Equal(t, sla.StagePaused, before.Stage)
	require.Equal(t, 9*h, before.Elapsed)

	noCallerPause := resolutionSpec(cal)
	noCallerPause.Pause = sla.And(sla.StateIn("on_hold"), sla.FieldEquals("on_hold_reason", "awaiting_change"))
	longerTarget := resolutionSpec(cal)
	longerTarget.Targets = map[itsm.Priority]time.Duration{itsm.P3: 24 * h}
	aroundTheClock := resolutionSpec(calendar.Always())

	tests := []struct {
		name string
		spec sla.Spec
		want view
	}{
		{"pause condition no longer covers the caller", noCallerPause, view{
			Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P3, Target: 16 * h, Elapsed: 15 * h,
			Started: "Thu 12-04 09:00", Due: "Mon 12-08 09:00", Next: sla.Breach, NextAt: "Mon 12-08 09:00",
		}},
		{"P3 target raised to three days", longerTarget, view{
			Stage: sla.StagePaused, Cycle: 1, Priority: itsm.P3, Target: 24 * h, Elapsed: 9 * h, PausedFor: 6 * h,
			Started: "Thu 12-04 09:00", Paused: "Fri 12-05 10:00", Due: "Tue 12-09 16:00",
		}},
		{"calendar changed to 24x7: breached before the pause", aroundTheClock, view{
			Stage: sla.StageBreached, Cycle: 1, Priority: itsm.P3, Target: 16 * h, Elapsed: 25 * h, PausedFor: 26 * h,
			Started: "Thu 12-04 09:00", Paused: "Fri 12-05 10:00", Due: "Fri 12-05 01:00", Breached: "Fri 12-05 01:00",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, viewOf(evaluate(t, mustNew(t, tt.spec), j, now)))
		})
	}
}

// TestConditionTraps pins down the evaluation order on the combinations of
// conditions ServiceNow warns about.
func TestConditionTraps(t *testing.T) {
	t.Parallel()
	base := func(start, stop, pause sla.Condition) sla.Spec {
		return sla.Spec{ID: "trap", Metric: sla.MetricResolution, Targets: map[itsm.Priority]time.Duration{0: 8 * h},
			Calendar: office(t), Start: start, Stop: stop, Pause: pause}
	}
	// A hold from 09:00 to 11:00.
	hold := opened(t, berlin(1, 8, 0), fields{"priority": "P3"}).
		move(berlin(1, 9, 0), "hold", "new", "on_hold", nil).
		move(berlin(1, 11, 0), "resume", "on_hold", "in_progress", nil)

	stopSubset := base(sla.StateIn("new", "in_progress", "on_hold", "resolved"),
		sla.And(sla.StateIn("resolved"), sla.FieldSet("resolution_code")), sla.Condition{})
	pauseWithin := base(sla.StateIn("new", "in_progress", "on_hold"), sla.Condition{}, sla.StateIn("on_hold"))
	pauseOutside := base(sla.StateIn("new", "in_progress"), sla.Condition{}, sla.StateIn("on_hold"))
	pauseOutsideCancelMatched := pauseOutside
	pauseOutsideCancelMatched.CancelWhen, pauseOutsideCancelMatched.Cancel = sla.CancelWhenMatched, sla.StateIn("canceled")
	startIsPause := base(sla.StateIn("on_hold"), sla.Condition{}, sla.StateIn("on_hold"))
	startWithPause := base(sla.FieldEquals("priority", "P1"), sla.Condition{}, sla.FieldEquals("on_hold_reason", "awaiting_caller"))

	tests := []struct {
		name string
		spec sla.Spec
		j    *journal
		now  time.Time
		want view
	}{
		{
			"a stop within start completes the clock, which does not restart when stop lapses",
			stopSubset,
			opened(t, berlin(1, 8, 0), nil).
				move(berlin(1, 10, 0), "resolve", "new", "resolved", fields{"resolution_code": "fixed"}).
				update(berlin(1, 11, 0), fields{"resolution_code": nil}),
			berlin(1, 16, 0),
			view{Stage: sla.StageMet, Cycle: 1, Target: 8 * h, Elapsed: 2 * h,
				Started: "Mon 12-01 08:00", Stopped: "Mon 12-01 10:00", Due: "Mon 12-01 17:00"},
		},
		{
			"a pause within start pauses and resumes", pauseWithin, hold, berlin(1, 12, 0),
			view{Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P3, Target: 8 * h, Elapsed: 2 * h, PausedFor: 2 * h,
				Started: "Mon 12-01 08:00", Due: "Tue 12-02 10:00", Next: 50, NextAt: "Mon 12-01 15:00"},
		},
		{
			"a pause outside start cancels first", pauseOutside, hold, berlin(1, 10, 0),
			view{Stage: sla.StageCancelled, Cycle: 1, Priority: itsm.P3, Target: 8 * h, Elapsed: h,
				Started: "Mon 12-01 08:00", Stopped: "Mon 12-01 09:00"},
		},
		{
			// The resume matches start again: a fresh clock, the hour before the hold lost.
			"a pause outside start: the resume attaches a fresh clock", pauseOutside, hold, berlin(1, 12, 0),
			view{Stage: sla.StageRunning, Cycle: 2, Priority: itsm.P3, Target: 8 * h, Elapsed: h,
				Started: "Mon 12-01 11:00", Due: "Tue 12-02 11:00", Next: 50, NextAt: "Mon 12-01 16:00"},
		},
		{
			"a pause outside start pauses with CancelWhenMatched", pauseOutsideCancelMatched, hold, berlin(1, 12, 0),
			view{Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P3, Target: 8 * h, Elapsed: 2 * h, PausedFor: 2 * h,
				Started: "Mon 12-01 08:00", Due: "Tue 12-02 10:00", Next: 50, NextAt: "Mon 12-01 15:00"},
		},
		{
			"start equal to pause: paused from the start, cancelled when it lapses", startIsPause, hold, berlin(1, 12, 0),
			view{Stage: sla.StageCancelled, Cycle: 1, Priority: itsm.P3, Target: 8 * h, PausedFor: 2 * h,
				Started: "Mon 12-01 09:00", Stopped: "Mon 12-01 11:00"},
		},
		{
			"start and pause on the same write: attached and paused at once", startWithPause,
			opened(t, berlin(1, 8, 0), fields{"priority": "P3"}).
				update(berlin(1, 9, 0), fields{"priority": "P1", "on_hold_reason": "awaiting_caller"}),
			berlin(1, 12, 0),
			view{Stage: sla.StagePaused, Cycle: 1, Priority: itsm.P1, Target: 8 * h, PausedFor: 3 * h,
				Started: "Mon 12-01 09:00", Paused: "Mon 12-01 09:00", Due: "Tue 12-02 12:00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, viewOf(evaluate(t, mustNew(t, tt.spec), tt.j, tt.now)))
		})
	}
}

// TestClockIsNeverNegative evaluates journals that reach far into the future, where a
// calendar counts no working time and a 24×7 clock's elapsed time saturates.
func TestClockIsNeverNegative(t *testing.T) {
	t.Parallel()
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	later := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	const most = time.Duration(1<<63 - 1)
	tests := []struct {
		name                  string
		cal                   *calendar.Calendar
		journal               func(t *testing.T) *journal
		now                   time.Time
		elapsed, paused       time.Duration
		elapsedMin, pausedMin bool // elapsed or paused is a lower bound
	}{
		{"office hours until the year 3000", office(t), func(t *testing.T) *journal {
			return opened(t, berlin(1, 9, 0), fields{"priority": "P3"})
		}, far, 100_000 * h, 0, true, false},
		{"24×7 until the year 3000", nil, func(t *testing.T) *journal {
			return opened(t, berlin(1, 9, 0), fields{"priority": "P3"})
		}, far, most, 0, false, false},
		{"24×7 in two stretches that overflow together", nil, func(t *testing.T) *journal {
			return opened(t, berlin(1, 9, 0), fields{"priority": "P3"}).update(later, fields{"impact": "low"})
		}, far, most, 0, false, false},
		{"paused until the year 3000", nil, func(t *testing.T) *journal {
			return opened(t, berlin(1, 9, 0), fields{"priority": "P3"}).
				move(berlin(1, 10, 0), "hold", "new", "on_hold", fields{"on_hold_reason": "awaiting_caller"}).
				update(later, fields{"impact": "low"})
		}, far, h, most, false, false},
		{"office hours paused until the year 3000", office(t), func(t *testing.T) *journal {
			return opened(t, berlin(1, 9, 0), fields{"priority": "P3"}).
				move(berlin(1, 10, 0), "hold", "new", "on_hold", fields{"on_hold_reason": "awaiting_caller"}).
				update(later, fields{"impact": "low"})
		}, far, h, 100_000 * h, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := evaluate(t, mustNew(t, resolutionSpec(tt.cal)), tt.journal(t), tt.now)
			assert.GreaterOrEqual(t, c.Elapsed, time.Duration(0))
			assert.GreaterOrEqual(t, c.PausedFor, time.Duration(0))
			if tt.elapsedMin {
				assert.GreaterOrEqual(t, c.Elapsed, tt.elapsed)
			} else {
				assert.Equal(t, tt.elapsed, c.Elapsed)
			}
			if tt.pausedMin {
				assert.GreaterOrEqual(t, c.PausedFor, tt.paused)
			} else {
				assert.Equal(t, tt.paused, c.PausedFor)
			}
			assert.Positive(t, c.Percent, "%+v", c)
		})
	}
}

func TestEvaluateRefusesAnEventWithoutATime(t *testing.T) {
	t.Parallel()
	d := mustNew(t, resolutionSpec(office(t)))
	tests := []struct {
		name  string
		index int
	}{
		{"the created event", 0},
		{"a later write", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := opened(t, berlin(1, 9, 0), fields{"priority": "P3"}).update(berlin(1, 10, 0), fields{"impact": "low"})
			j.events[tt.index].At = time.Time{}
			_, err := d.Evaluate(j.events, berlin(2, 9, 0))
			require.ErrorIs(t, err, itsm.ErrInvalid)
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, fmt.Sprintf("events[%d].at", tt.index), ve.Field)
			_, err = d.Clocks(j.events, berlin(2, 9, 0))
			assert.ErrorIs(t, err, itsm.ErrInvalid)
		})
	}
}
