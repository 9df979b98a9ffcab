// Package sla computes service level clocks (SLA, OLA, underpinning contract) from a
// record's journal.
//
// A [Definition] says when a clock starts, pauses, resumes, stops, is cancelled or
// reset, as [Condition] values over a [Snapshot] of the record after each write, and
// which target applies per priority, counted in the working time of a
// [calendar.Calendar]. [Definition.Evaluate] replays the journal ([itsm.Event] values
// in version order) and returns the [Clock]: its stage, elapsed and paused working
// time, due time, time left, percentage used and breach time. It works on generic
// journal events and knows no practice: conditions name states and fields.
//
//	def, err := sla.New(sla.Spec{
//		ID:       "incident-resolution",
//		Metric:   sla.MetricResolution,
//		Targets:  map[itsm.Priority]time.Duration{itsm.P1: 4 * time.Hour, itsm.P2: 8 * time.Hour},
//		Calendar: office, // nil is 24×7
//		Start:    sla.StateIn("new", "in_progress", "on_hold"),
//		Pause:    sla.FieldEquals("on_hold_reason", "awaiting_caller"),
//		Stop:     sla.StateIn("resolved", "closed"),
//		Cancel:   sla.StateIn("canceled"),
//	})
//	clock, err := def.Evaluate(events, clk.Now())
//
// # Evaluation order
//
// Conditions are checked once per write (all events of one version), after the write
// is applied, in the order ServiceNow documents for task SLAs:
//
//  1. No active clock: attach one if Start matches and neither Stop nor Cancel does.
//     A record whose priority has no target fails Start. A clock that was stopped
//     stays stopped: a new one attaches only when Reset matches as well (so reopening
//     a resolved record does not restart its resolution clock unless Reset says so,
//     for example Reset: sla.Triggered("reopen")). After a cancellation Start alone
//     attaches a new clock.
//  2. An active clock, including one the same write attached:
//     a. Stop matches: the clock completes, met or breached.
//     b. Reset and Start match (and the clock was not attached by this write): it
//     completes and a new clock attaches, which goes on to c and d.
//     c. Cancel matches, or with CancelWhenStartFails (the default) Start no longer
//     matches: the clock is cancelled.
//     d. Running and Pause matches: it pauses. Paused and Resume matches (with no
//     Resume condition: Pause no longer matches): it resumes.
//
// The order explains the known traps, which the tests pin down:
//
//   - Stop is checked before anything else, so a Stop that is a subset of Start
//     completes the clock, and since a completed clock only restarts on Reset, it does
//     not restart on the next write although Start still matches.
//   - Start and Pause matching on the same write attach the clock and pause it at
//     once.
//   - With the default CancelWhen, Start must keep matching for the clock's whole
//     life: a Pause on a state that Start does not list (Start "new, in_progress",
//     Pause "on_hold") cancels the clock instead of pausing it, because cancellation
//     is checked first, and leaving the hold attaches a fresh clock that has lost
//     the time counted before. Include the paused states in Start, or use
//     CancelWhenMatched.
//   - A Pause equal to Start attaches a clock that is paused from the start and
//     cancelled as soon as the pause ends.
//
// # Targets, priorities and repair
//
// The target is the one for the record's priority at each write: when the priority
// changes mid-flight the clock is retargeted, as ServiceNow does, by measuring its
// elapsed time since the original start against the new target. Raising the priority
// can therefore breach the clock at once, with a breach time in the past (the instant
// its elapsed time reached the new target); lowering it can lift a breach of a clock
// still running. A stopped clock keeps the target it stopped with.
//
// Evaluate is a pure function of the journal, the definition and the instant: after a
// definition or calendar changes, evaluating the same journal again is the repair.
//
// # Breach and thresholds
//
// A clock breaches when its elapsed working time reaches its target: 100% used, so a
// record resolved in the non-working hours right after its due time has breached.
// Time paused does not count, so a paused clock's elapsed time does not grow: it
// breaches while paused only when a priority change retargets it to a target its
// elapsed time has already reached (see above). Warnings fire at thresholds of the
// target (50%, 75% and 90% by default).
//
// The library runs no timer. A running clock reports the next threshold it will reach
// and when (Clock.Next, Clock.NextAt); a host's scheduler collects the clocks whose
// time has come with [Due], evaluates their records again and asks
// [Definition.Crossed] which thresholds each crossed since the previous evaluation, to
// emit events or escalate.
package sla
