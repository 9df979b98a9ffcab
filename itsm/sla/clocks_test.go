package sla_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

func views(t *testing.T, d *sla.Definition, j *journal, now time.Time) []view {
	t.Helper()
	clocks, err := d.Clocks(j.events, now)
	require.NoError(t, err)
	last, err := d.Evaluate(j.events, now)
	require.NoError(t, err)
	var out []view
	for _, c := range clocks {
		out = append(out, viewOf(c))
	}
	if len(clocks) > 0 {
		assert.Equal(t, clocks[len(clocks)-1], last, "Evaluate returns the last of Clocks")
	} else {
		assert.Equal(t, sla.StageNotStarted, last.Stage)
	}
	return out
}

func TestClocksAcrossResetsAndReattachments(t *testing.T) {
	t.Parallel()
	cal := office(t)

	reopenReset := resolutionSpec(cal)
	reopenReset.Reset = sla.Triggered("reopen")

	ola := sla.Spec{
		ID: "resolution", Kind: sla.KindOLA, Metric: sla.MetricResolution, Calendar: cal,
		Targets: map[itsm.Priority]time.Duration{0: 4 * h},
		Start:   sla.And(sla.FieldSet("assignment_group"), sla.StateIn("new", "in_progress", "on_hold")),
		Stop:    sla.StateIn("resolved", "closed"),
		Reset:   sla.FieldChanged("assignment_group"),
	}

	p1Only := sla.Spec{
		ID: "resolution", Metric: sla.MetricResolution, Calendar: cal,
		Targets: map[itsm.Priority]time.Duration{itsm.P1: 4 * h},
		Start:   sla.StateIn("new", "in_progress"),
		Stop:    sla.StateIn("resolved"),
	}
	p1OnlyNeverCancel := p1Only
	p1OnlyNeverCancel.CancelWhen = sla.CancelNever
	p1OnlyWithFallback := p1Only
	p1OnlyWithFallback.Targets = map[itsm.Priority]time.Duration{itsm.P1: 4 * h, 0: 16 * h}

	// P1 at 08:00, P4 (no target) at 09:00, P1 again at 10:00.
	p1p4p1 := opened(t, berlin(1, 8, 0), fields{"priority": "P1"}).
		update(berlin(1, 9, 0), fields{"priority": "P4"}).
		update(berlin(1, 10, 0), fields{"priority": "P1"})

	tests := []struct {
		name string
		spec sla.Spec
		j    *journal
		now  time.Time
		want []view
	}{
		{"reset on reopen completes the first clock", reopenReset,
			opened(t, berlin(1, 9, 0), fields{"priority": "P2"}).
				move(berlin(1, 15, 0), "resolve", "new", "resolved", nil).
				move(berlin(2, 9, 0), "reopen", "resolved", "in_progress", fields{"reopen_count": 1}).
				move(berlin(2, 12, 0), "resolve", "in_progress", "resolved", nil),
			berlin(3, 9, 0),
			[]view{
				{Stage: sla.StageMet, Cycle: 1, Priority: itsm.P2, Target: 8 * h, Elapsed: 5 * h,
					Started: "Mon 12-01 09:00", Stopped: "Mon 12-01 15:00", Due: "Tue 12-02 09:00"},
				{Stage: sla.StageMet, Cycle: 2, Priority: itsm.P2, Target: 8 * h, Elapsed: 3 * h,
					Started: "Tue 12-02 09:00", Stopped: "Tue 12-02 12:00", Due: "Wed 12-03 09:00"},
			}},
		{"an OLA resets when the group changes", ola,
			opened(t, berlin(1, 8, 0), fields{"assignment_group": "network"}).
				update(berlin(1, 9, 0), fields{"assigned_to": "bob"}).
				update(berlin(1, 10, 0), fields{"assignment_group": "database"}),
			berlin(1, 11, 0),
			[]view{
				{Stage: sla.StageMet, Cycle: 1, Target: 4 * h, Elapsed: 2 * h,
					Started: "Mon 12-01 08:00", Stopped: "Mon 12-01 10:00", Due: "Mon 12-01 12:00"},
				{Stage: sla.StageRunning, Cycle: 2, Target: 4 * h, Elapsed: h,
					Started: "Mon 12-01 10:00", Due: "Mon 12-01 15:00", Next: 50, NextAt: "Mon 12-01 12:00"},
			}},
		{"a priority without target cancels; its return attaches a fresh clock", p1Only, p1p4p1, berlin(1, 11, 0),
			[]view{
				{Stage: sla.StageCancelled, Cycle: 1, Priority: itsm.P1, Target: 4 * h, Elapsed: h,
					Started: "Mon 12-01 08:00", Stopped: "Mon 12-01 09:00"},
				{Stage: sla.StageRunning, Cycle: 2, Priority: itsm.P1, Target: 4 * h, Elapsed: h,
					Started: "Mon 12-01 10:00", Due: "Mon 12-01 15:00", Next: 50, NextAt: "Mon 12-01 12:00"},
			}},
		{"with CancelNever a priority without target keeps the last target", p1OnlyNeverCancel, p1p4p1, berlin(1, 11, 0),
			[]view{
				{Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P1, Target: 4 * h, Elapsed: 3 * h,
					Started: "Mon 12-01 08:00", Due: "Mon 12-01 12:00", Next: 90, NextAt: "Mon 12-01 11:36"},
			}},
		{"the zero priority's target is the fallback", p1OnlyWithFallback, p1p4p1, berlin(1, 9, 30),
			[]view{
				{Stage: sla.StageRunning, Cycle: 1, Priority: itsm.P4, Target: 16 * h, Elapsed: 90 * m,
					Started: "Mon 12-01 08:00", Due: "Tue 12-02 17:00", Next: 50, NextAt: "Mon 12-01 17:00"},
			}},
		{"no target, no clock", p1Only,
			opened(t, berlin(1, 8, 0), fields{"priority": "P3"}),
			berlin(1, 11, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, views(t, mustNew(t, tt.spec), tt.j, tt.now))
		})
	}
}

func TestCancelWhen(t *testing.T) {
	t.Parallel()
	cal := office(t)
	spec := func(when sla.CancelWhen, cancel sla.Condition) sla.Spec {
		return sla.Spec{ID: "response", Metric: sla.MetricResponse, Calendar: cal,
			Targets: map[itsm.Priority]time.Duration{0: 2 * h},
			Start:   sla.StateIn("new"), Stop: sla.FieldSet("assigned_to"),
			CancelWhen: when, Cancel: cancel}
	}
	// Work starts at 09:00 before anyone is assigned; the incident is cancelled at 10:00.
	j := opened(t, berlin(1, 8, 0), nil).
		move(berlin(1, 9, 0), "start", "new", "in_progress", nil).
		move(berlin(1, 10, 0), "cancel", "in_progress", "canceled", nil)

	tests := []struct {
		name string
		spec sla.Spec
		want view
	}{
		{"start fails", spec(sla.CancelWhenStartFails, sla.Condition{}), view{Stage: sla.StageCancelled, Cycle: 1,
			Target: 2 * h, Elapsed: h, Started: "Mon 12-01 08:00", Stopped: "Mon 12-01 09:00"}},
		{"cancel matched", spec(sla.CancelWhenMatched, sla.StateIn("canceled")), view{Stage: sla.StageCancelled, Cycle: 1,
			Target: 2 * h, Elapsed: 2 * h, Started: "Mon 12-01 08:00", Stopped: "Mon 12-01 10:00"}},
		{"never", spec(sla.CancelNever, sla.StateIn("canceled")), view{Stage: sla.StageBreached, Cycle: 1,
			Target: 2 * h, Elapsed: 4 * h, Started: "Mon 12-01 08:00", Due: "Mon 12-01 10:00", Breached: "Mon 12-01 10:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, viewOf(evaluate(t, mustNew(t, tt.spec), j, berlin(1, 13, 0))))
		})
	}
}

func TestEvaluateRefusesAMalformedJournal(t *testing.T) {
	t.Parallel()
	d := mustNew(t, resolutionSpec(nil))
	j := opened(t, berlin(1, 8, 0), fields{"priority": "P1"}).update(berlin(1, 9, 0), fields{"priority": "P2"})
	j.events[1].EntityID = itsm.MustParseID("01938f3c-7a2b-7c3d-8e4f-000000000000")
	_, err := d.Evaluate(j.events, berlin(2, 0, 0))
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	_, err = d.Clocks(j.events, berlin(2, 0, 0))
	assert.ErrorIs(t, err, itsm.ErrInvalid)
}

func TestEvaluateWithoutEvents(t *testing.T) {
	t.Parallel()
	c := evaluate(t, mustNew(t, resolutionSpec(nil)), &journal{t: t}, berlin(1, 8, 0))
	assert.Equal(t, sla.Clock{Definition: "resolution", AsOf: berlin(1, 8, 0)}, c)
	assert.False(t, c.Active())
}

func TestWritesOutOfTimeOrderCountAsSimultaneous(t *testing.T) {
	t.Parallel()
	d := mustNew(t, resolutionSpec(office(t)))
	// The hold is stamped before the write it follows, by a clock running behind.
	j := opened(t, berlin(1, 8, 0), fields{"priority": "P2"}).
		update(berlin(1, 10, 0), fields{"assigned_to": "bob"}).
		move(berlin(1, 9, 0), "hold", "new", "on_hold", fields{"on_hold_reason": "awaiting_caller"})
	c := evaluate(t, d, j, berlin(1, 12, 0))
	assert.Equal(t, 2*h, c.Elapsed)
	assert.Equal(t, 2*h, c.PausedFor)
	assert.Equal(t, "Mon 12-01 10:00", wall(c.PausedAt))
}
