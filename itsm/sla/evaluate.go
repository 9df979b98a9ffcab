package sla

import (
	"math"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
)

// Evaluate computes the record's clock for d from its journal, events, as it stood at
// now: writes stamped after now are ignored. It is a pure function of its inputs, so
// evaluating the same journal again after the definition or its calendar changed
// repairs the clock. It returns the latest clock when resets attached several (see
// [Definition.Clocks]) and a clock in StageNotStarted when none was attached.
//
// The journal must be one record's events in version order, each with its time;
// otherwise Evaluate returns the [*itsm.ValidationError] of [Snapshots]. Writes
// stamped earlier than the write before them count as simultaneous with it. A clock's
// Elapsed and PausedFor are never negative: they saturate at the largest
// time.Duration, and the calendar counts no working time outside its range (see
// [calendar.Calendar.Elapsed]).
func (d *Definition) Evaluate(events []itsm.Event, now time.Time) (Clock, error) {
	e := newEngine(d, events, now, nil)
	if err := e.run(); err != nil {
		return Clock{}, err
	}
	return e.clock(), nil
}

// Clocks returns every clock d attached to the record, oldest first, as of now: the
// ones a reset or a re-attachment after cancellation replaced, then the current one,
// which is what Evaluate returns. It returns no clocks when none was attached.
func (d *Definition) Clocks(events []itsm.Event, now time.Time) ([]Clock, error) {
	var clocks []Clock
	e := newEngine(d, events, now, func(c Clock) { clocks = append(clocks, c) })
	if err := e.run(); err != nil {
		return nil, err
	}
	if e.cycle > 0 {
		clocks = append(clocks, e.clock())
	}
	return clocks, nil
}

// engine replays a journal write by write, applying a definition's conditions.
type engine struct {
	def      *Definition
	cal      *calendar.Calendar
	f        *folder
	now      time.Time
	tenant   itsm.Tenant
	kind     itsm.Kind
	record   itsm.ID
	replaced func(Clock) // receives each clock a new one replaces; may be nil
	cycle    int
	st       state
}

// state is the current clock, as of st.last.
type state struct {
	active, paused, cancelled bool
	start, last               time.Time
	pausedAt, stoppedAt       time.Time
	elapsed, pausedFor        time.Duration
	priority                  itsm.Priority
	target                    time.Duration
	// runs are the stretches the clock ran, each with the working time it counted,
	// to find when the target was reached.
	runs []run
}

type run struct {
	from   time.Time
	worked time.Duration
}

func newEngine(d *Definition, events []itsm.Event, now time.Time, replaced func(Clock)) *engine {
	e := &engine{def: d, cal: d.spec.Calendar, f: newFolder(events), now: now, replaced: replaced}
	if len(events) > 0 {
		e.tenant, e.kind, e.record = events[0].Tenant, events[0].Kind, events[0].EntityID
	}
	return e
}

func (e *engine) run() error {
	var prev time.Time
	for {
		ok, err := e.f.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		s := e.f.snap
		if s.At.Before(prev) {
			s.At = prev
		}
		if s.At.After(e.now) {
			break
		}
		prev = s.At
		e.step(s)
	}
	e.accrue(e.now)
	return nil
}

// step applies one write, in the order the package documentation gives.
func (e *engine) step(s Snapshot) {
	e.accrue(s.At)
	spec := &e.def.spec
	p, _ := s.Priority()
	target, hasTarget := e.def.Target(p)
	start := hasTarget && spec.Start.Match(s)
	stop := spec.Stop.Match(s)
	reset := spec.Reset.Match(s)
	cancel := spec.CancelWhen != CancelNever && spec.Cancel.Match(s)

	// No active clock: attach one when the start condition matches and neither the
	// stop nor the cancel condition does. A completed clock stays completed unless
	// the reset condition matches too.
	attached := false
	if !e.st.active && (e.cycle == 0 || e.st.cancelled || reset) && start && !stop && !cancel {
		e.attach(s.At, p, target)
		attached = true
	}
	if !e.st.active {
		return
	}
	// An active clock, including one attached by this write.
	if hasTarget {
		e.st.priority, e.st.target = p, target
	}
	if stop {
		e.end(s.At, false)
		return
	}
	if reset && start && !attached {
		e.end(s.At, false)
		e.attach(s.At, p, target)
	}
	if cancel || (spec.CancelWhen == CancelWhenStartFails && !start) {
		e.end(s.At, true)
		return
	}
	switch {
	case !e.st.paused && spec.Pause.Match(s):
		e.st.paused, e.st.pausedAt = true, s.At
	case e.st.paused && e.resumes(s):
		e.st.paused, e.st.pausedAt = false, time.Time{}
		e.st.runs = append(e.st.runs, run{from: s.At})
	}
}

func (e *engine) resumes(s Snapshot) bool {
	if !e.def.spec.Resume.IsZero() {
		return e.def.spec.Resume.Match(s)
	}
	return !e.def.spec.Pause.Match(s)
}

// accrue counts the working time from the last write to at, as running or paused.
func (e *engine) accrue(at time.Time) {
	st := &e.st
	if !st.active || !at.After(st.last) {
		return
	}
	worked := e.cal.Elapsed(st.last, at)
	if st.paused {
		st.pausedFor = addSaturating(st.pausedFor, worked)
	} else {
		st.elapsed = addSaturating(st.elapsed, worked)
		r := &st.runs[len(st.runs)-1]
		r.worked = addSaturating(r.worked, worked)
	}
	st.last = at
}

// addSaturating returns a + b for durations a, b >= 0, or the largest duration when
// the sum would overflow.
func addSaturating(a, b time.Duration) time.Duration {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func (e *engine) attach(at time.Time, p itsm.Priority, target time.Duration) {
	if e.cycle > 0 && e.replaced != nil {
		e.replaced(e.clock())
	}
	e.cycle++
	e.st = state{active: true, start: at, last: at, priority: p, target: target, runs: append(e.st.runs[:0], run{from: at})}
}

func (e *engine) end(at time.Time, cancelled bool) {
	e.st.active, e.st.cancelled, e.st.stoppedAt = false, cancelled, at
	e.st.paused, e.st.pausedAt = false, time.Time{}
}

// clock renders the current clock.
func (e *engine) clock() Clock {
	c := Clock{Definition: e.def.spec.ID, Tenant: e.tenant, Kind: e.kind, Record: e.record, Cycle: e.cycle, AsOf: e.now}
	if e.cycle == 0 {
		return c
	}
	st := &e.st
	c.Priority, c.Target, c.StartedAt = st.priority, st.target, st.start
	c.PausedAt, c.StoppedAt = st.pausedAt, st.stoppedAt
	c.Elapsed, c.PausedFor = st.elapsed, st.pausedFor
	c.Left = st.target - st.elapsed
	c.Percent = 100 * float64(st.elapsed) / float64(st.target)
	switch {
	case st.cancelled:
		c.Stage = StageCancelled
	case st.elapsed >= st.target:
		c.Stage = StageBreached
		c.Due = e.reachedAt(st.target)
		c.BreachedAt = c.Due
	case !st.active:
		c.Stage = StageMet
		c.Due = e.cal.Add(st.stoppedAt, c.Left)
	case st.paused:
		c.Stage = StagePaused
		c.Due = e.cal.Add(st.last, c.Left)
	default:
		c.Stage = StageRunning
		c.Due = e.cal.Add(st.last, c.Left)
		for _, t := range e.def.thresholds {
			if at := t.of(st.target); st.elapsed < at {
				c.Next, c.NextAt = t, e.cal.Add(st.last, at-st.elapsed)
				break
			}
		}
	}
	return c
}

// reachedAt returns the instant the clock's elapsed time reached d, which it has.
func (e *engine) reachedAt(d time.Duration) time.Time {
	var sum time.Duration
	for _, r := range e.st.runs {
		if addSaturating(sum, r.worked) >= d {
			return e.cal.Add(r.from, d-sum)
		}
		sum += r.worked
	}
	return e.st.last // unreachable while elapsed is the sum of the runs
}
