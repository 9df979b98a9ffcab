package sla_test

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

var (
	incidentStates = []string{"new", "in_progress", "on_hold", "resolved", "closed", "canceled"}
	holdReasons    = []any{"awaiting_caller", "awaiting_change", "awaiting_problem", "awaiting_vendor", nil}
	priorities     = []any{"P1", "P2", "P3", "P4", "P5", nil}
)

// genJournal draws an incident's journal: 1 to 30 writes, minutes to days apart
// (sometimes at the same instant) through 2025, each a transition, a change of
// fields or both.
func genJournal(t *rapid.T) *journal {
	// rapid draws small integers more often than large ones: compose several draws
	// so that every day of the year, time of day and gap comes up.
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).
		AddDate(0, 0, rapid.IntRange(0, 364).Draw(t, "day")).
		Add(time.Duration(rapid.IntRange(0, 24*60-1).Draw(t, "minute")) * time.Minute)
	j := opened(t, at, fields{"priority": rapid.SampledFrom(priorities[:5]).Draw(t, "priority")})
	state := "new"
	for range rapid.IntRange(0, 29).Draw(t, "writes") {
		at = at.Add(genGap(t))
		f := fields{}
		if rapid.Bool().Draw(t, "setPriority") {
			f["priority"] = rapid.SampledFrom(priorities).Draw(t, "priority")
		}
		if rapid.Bool().Draw(t, "setReason") {
			f["on_hold_reason"] = rapid.SampledFrom(holdReasons).Draw(t, "reason")
		}
		if rapid.IntRange(0, 4).Draw(t, "setGroup") == 0 {
			f["assignment_group"] = rapid.SampledFrom([]string{"network", "database"}).Draw(t, "group")
		}
		if len(f) == 0 {
			f = nil
		}
		if rapid.Bool().Draw(t, "transition") {
			to := rapid.SampledFrom(incidentStates).Draw(t, "to")
			trigger := rapid.SampledFrom([]string{"start", "hold", "resolve", "reopen", "close", "cancel"}).Draw(t, "trigger")
			if to == "on_hold" && rapid.Bool().Draw(t, "holdForCaller") {
				if f == nil {
					f = fields{}
				}
				f["on_hold_reason"] = "awaiting_caller"
			}
			j.move(at, trigger, state, to, f)
			state = to
		} else {
			j.update(at, f)
		}
	}
	return j
}

// genDefinition draws a resolution definition on one of three calendars, with a
// random reset and cancellation rule.
func genDefinition(t *rapid.T, cals []*calendar.Calendar) *sla.Definition {
	spec := resolutionSpec(cals[rapid.IntRange(0, len(cals)-1).Draw(t, "calendar")])
	spec.Reset = []sla.Condition{{}, sla.Triggered("reopen"), sla.FieldChanged("assignment_group")}[rapid.IntRange(0, 2).Draw(t, "reset")]
	spec.CancelWhen = sla.CancelWhen(rapid.IntRange(0, 2).Draw(t, "cancelWhen"))
	if rapid.Bool().Draw(t, "vendorPausesToo") {
		spec.Pause = sla.And(sla.StateIn("on_hold"), sla.FieldIn("on_hold_reason", "awaiting_caller", "awaiting_vendor"))
	}
	d, err := sla.New(spec)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

func propertyCalendars(t *testing.T) []*calendar.Calendar {
	early, err := calendar.ParseWeek("Mon-Sun 00:00-06:00") // daylight-saving changes inside working time
	if err != nil {
		t.Fatal(err)
	}
	c, err := calendar.New(calendar.Spec{Location: "Europe/Berlin", Week: early})
	if err != nil {
		t.Fatal(err)
	}
	return []*calendar.Calendar{nil, office(t), c}
}

// genGap draws the time between two writes: often minutes, sometimes days.
func genGap(t *rapid.T) time.Duration {
	unit := rapid.SampledFrom([]time.Duration{0, time.Second, time.Minute, time.Hour, 24 * time.Hour}).Draw(t, "gapUnit")
	return unit*time.Duration(rapid.IntRange(0, 60).Draw(t, "gapCount")) + time.Duration(rapid.IntRange(0, 59).Draw(t, "gapMinutes"))*time.Minute
}

// genNow draws an instant near one of the journal's writes (the last one more often
// than the others), now and then before the first.
func genNow(t *rapid.T, j *journal) time.Time {
	i := 0
	if rapid.Bool().Draw(t, "notNearLast") {
		i = rapid.IntRange(0, len(j.events)-1).Draw(t, "nearWrite")
	}
	return j.events[len(j.events)-1-i].At.Add(genGap(t) - time.Duration(rapid.IntRange(0, 1).Draw(t, "before"))*time.Hour)
}

// upTo returns the number of events written at or before now.
func upTo(j *journal, now time.Time) int {
	k := 0
	for k < len(j.events) && !j.events[k].At.After(now) {
		k++
	}
	return k
}

func mustEvaluate(t *rapid.T, d *sla.Definition, events []itsm.Event, now time.Time) sla.Clock {
	c, err := d.Evaluate(events, now)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return c
}

func TestPropertyClockInvariants(t *testing.T) {
	t.Parallel()
	cals := propertyCalendars(t)
	rapid.Check(t, func(t *rapid.T) {
		d := genDefinition(t, cals)
		cal := d.Spec().Calendar
		j := genJournal(t)
		now := genNow(t, j)
		clocks, err := d.Clocks(j.events, now)
		if err != nil {
			t.Fatalf("Clocks: %v", err)
		}
		last := mustEvaluate(t, d, j.events, now)
		if len(clocks) > 0 && clocks[len(clocks)-1] != last {
			t.Fatalf("Evaluate = %+v, the last of Clocks = %+v", last, clocks[len(clocks)-1])
		}
		for i, c := range clocks {
			if c.Cycle != i+1 {
				t.Fatalf("clock %d has cycle %d", i, c.Cycle)
			}
			end := now
			if !c.StoppedAt.IsZero() {
				end = c.StoppedAt
			}
			// Every moment after the start counts as running or as paused.
			if got, want := c.Elapsed+c.PausedFor, cal.Elapsed(c.StartedAt, end); got != want {
				t.Fatalf("Elapsed %v + PausedFor %v = %v, working time since start %v", c.Elapsed, c.PausedFor, got, want)
			}
			if c.Left != c.Target-c.Elapsed || c.Target <= 0 {
				t.Fatalf("Left %v, Target %v, Elapsed %v", c.Left, c.Target, c.Elapsed)
			}
			if breached := c.Stage != sla.StageCancelled && c.Elapsed >= c.Target; breached != c.Breached() {
				t.Fatalf("stage %v with elapsed %v of %v", c.Stage, c.Elapsed, c.Target)
			}
			if c.Breached() && (!c.BreachedAt.Equal(c.Due) || c.BreachedAt.Before(c.StartedAt) || c.BreachedAt.After(end)) {
				t.Fatalf("breached at %v, due %v, started %v, ended %v", c.BreachedAt, c.Due, c.StartedAt, end)
			}
			if c.Paused() && !c.Active() || !c.NextAt.IsZero() && c.Stage != sla.StageRunning {
				t.Fatalf("inconsistent clock %+v", c)
			}
			if i < len(clocks)-1 && c.Active() {
				t.Fatalf("clock %d of %d is still active", i, len(clocks))
			}
		}
		// Writes after now change nothing.
		if k := upTo(j, now); k > 0 {
			if got := mustEvaluate(t, d, j.events[:k], now); got != last {
				t.Fatalf("the journal up to now gives %+v, the whole journal %+v", got, last)
			}
		}
	})
}

// TestPropertyPredictionsComeTrue evaluates a running clock again at its NextAt and
// its Due, with no write after it (after each write of the journal in turn): it must
// reach the threshold exactly then, and not a nanosecond earlier.
func TestPropertyPredictionsComeTrue(t *testing.T) {
	t.Parallel()
	cals := propertyCalendars(t)
	checked := 0 // rapid runs the checks one after another
	defer func() { t.Logf("%d running clocks checked", checked) }()
	rapid.Check(t, func(t *rapid.T) {
		d := genDefinition(t, cals)
		j := genJournal(t)
		for k := range j.events {
			events := j.events[:k+1]
			c := mustEvaluate(t, d, events, events[k].At.Add(genGap(t)))
			if c.Stage != sla.StageRunning {
				continue
			}
			checked++
			at := mustEvaluate(t, d, events, c.NextAt)
			before := mustEvaluate(t, d, events, c.NextAt.Add(-1))
			if !slices.Contains(d.Crossed(c, at), c.Next) || slices.Contains(d.Crossed(c, before), c.Next) {
				t.Fatalf("next threshold %v at %v: crossed %v then, %v a nanosecond before", c.Next, c.NextAt, d.Crossed(c, at), d.Crossed(c, before))
			}
			due := mustEvaluate(t, d, events, c.Due)
			if !due.Breached() || due.Elapsed != c.Target || !due.BreachedAt.Equal(c.Due) {
				t.Fatalf("at its due time %v the clock is %v with %v of %v", c.Due, due.Stage, due.Elapsed, c.Target)
			}
			if mustEvaluate(t, d, events, c.Due.Add(-1)).Breached() {
				t.Fatalf("breached before its due time %v", c.Due)
			}
		}
	})
}

func TestPropertyElapsedGrowsWithTime(t *testing.T) {
	t.Parallel()
	cals := propertyCalendars(t)
	rapid.Check(t, func(t *rapid.T) {
		d := genDefinition(t, cals)
		j := genJournal(t)
		a := genNow(t, j)
		b := a.Add(time.Duration(rapid.Int64Range(0, int64(72*time.Hour)).Draw(t, "later")))
		ca, cb := mustEvaluate(t, d, j.events, a), mustEvaluate(t, d, j.events, b)
		if cb.Cycle < ca.Cycle {
			t.Fatalf("cycle went back from %d to %d", ca.Cycle, cb.Cycle)
		}
		if cb.Cycle == ca.Cycle && (cb.Elapsed < ca.Elapsed || cb.PausedFor < ca.PausedFor) {
			t.Fatalf("elapsed went back: %v+%v then %v+%v", ca.Elapsed, ca.PausedFor, cb.Elapsed, cb.PausedFor)
		}
	})
}
