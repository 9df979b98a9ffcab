package sla

import (
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Stage is where a clock stands.
type Stage uint8

// The stages. A clock breaches when its elapsed working time reaches its target; it
// then shows StageBreached whether it is still running, paused or stopped.
const (
	// StageNotStarted: no clock is attached; the start condition never matched.
	StageNotStarted Stage = iota
	// StageRunning: the clock counts working time.
	StageRunning
	// StagePaused: the clock is suspended; time does not count.
	StagePaused
	// StageMet: the clock stopped within its target.
	StageMet
	// StageBreached: the clock used up its target, running or stopped.
	StageBreached
	// StageCancelled: the clock was discarded; it counts neither as met nor as
	// breached.
	StageCancelled
)

var stageNames = [...]string{"not_started", "running", "paused", "met", "breached", "cancelled"}

// String returns "not_started", "running", "paused", "met", "breached" or
// "cancelled".
func (s Stage) String() string {
	if int(s) < len(stageNames) {
		return stageNames[s]
	}
	return fmt.Sprintf("stage(%d)", uint8(s))
}

// MarshalText encodes the stage by name.
func (s Stage) MarshalText() ([]byte, error) {
	if int(s) >= len(stageNames) {
		return nil, &itsm.ValidationError{Field: "stage", Problem: fmt.Sprintf("unknown value %d", uint8(s))}
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a name produced by MarshalText.
func (s *Stage) UnmarshalText(b []byte) error {
	for i, name := range stageNames {
		if string(b) == name {
			*s = Stage(i)
			return nil
		}
	}
	return &itsm.ValidationError{Field: "stage", Problem: fmt.Sprintf("unknown value %q", string(b))}
}

// Clock is one SLA clock of one record as of one instant: what [Definition.Evaluate]
// computes from the journal. Durations are working time of the definition's
// calendar (in JSON, nanoseconds). A Clock is a value: evaluating again gives a new
// one.
type Clock struct {
	// Definition is the ID of the definition the clock runs for.
	Definition string `json:"definition"`
	// Tenant, Kind and Record name the record.
	Tenant itsm.Tenant `json:"tenant,omitempty"`
	Kind   itsm.Kind   `json:"kind,omitempty"`
	Record itsm.ID     `json:"record,omitzero"`
	// Cycle counts the clocks attached to the record for this definition: 1 for the
	// first, 2 after a reset or a re-attachment after cancellation; 0 when none.
	Cycle int `json:"cycle"`
	// Stage is where the clock stands.
	Stage Stage `json:"stage"`
	// Priority is the record's priority as the clock last saw it, and Target the
	// target for it.
	Priority itsm.Priority `json:"priority,omitempty"`
	Target   time.Duration `json:"target,omitempty"`
	// StartedAt is when the clock was attached.
	StartedAt time.Time `json:"started_at,omitzero"`
	// PausedAt is when the current pause began; zero unless the clock is paused.
	PausedAt time.Time `json:"paused_at,omitzero"`
	// StoppedAt is when the clock was stopped, reset or cancelled; zero while it is
	// active.
	StoppedAt time.Time `json:"stopped_at,omitzero"`
	// Elapsed is the working time counted, pauses excluded; PausedFor the working
	// time spent paused.
	Elapsed   time.Duration `json:"elapsed"`
	PausedFor time.Duration `json:"paused_for"`
	// Left is Target - Elapsed: negative past the target.
	Left time.Duration `json:"left"`
	// Percent is Elapsed as a percentage of Target.
	Percent float64 `json:"percent"`
	// Due is when Elapsed reaches Target: when the clock breaches, or breached, if it
	// runs on. Pauses push it back; a paused clock reports when it would be due if it
	// resumed now, a stopped one when it would have been due had it run on. Zero for
	// a cancelled or unstarted clock.
	Due time.Time `json:"due,omitzero"`
	// BreachedAt is when the clock breached (the Due it had then); zero unless
	// breached.
	BreachedAt time.Time `json:"breached_at,omitzero"`
	// Next is the next threshold a running clock will reach, and NextAt when,
	// unless anything else happens to the record; zero when the clock is not
	// running or has breached. A host schedules its next evaluation for NextAt.
	Next   Threshold `json:"next,omitempty"`
	NextAt time.Time `json:"next_at,omitzero"`
	// AsOf is the instant the clock was evaluated at.
	AsOf time.Time `json:"as_of"`
}

// Active reports whether the clock is attached and neither stopped nor cancelled:
// running or paused, breached or not.
func (c Clock) Active() bool { return c.Cycle > 0 && c.StoppedAt.IsZero() }

// Paused reports whether the clock is suspended.
func (c Clock) Paused() bool { return !c.PausedAt.IsZero() }

// Breached reports whether the clock used up its target.
func (c Clock) Breached() bool { return c.Stage == StageBreached }

// reached reports whether the clock had used threshold t of its target.
func (c Clock) reached(t Threshold) bool {
	return c.Cycle > 0 && c.Stage != StageCancelled && c.Target > 0 && c.Elapsed >= t.of(c.Target)
}
