package csi

import (
	"slices"
)

// State is where an improvement item is in its lifecycle.
type State string

// The states of the default lifecycle. Closed, Rejected and Canceled are final.
const (
	New        State = "new"         // registered, not yet looked at
	Accepted   State = "accepted"    // worth considering: it belongs in the register
	Assess     State = "assess"      // the business case, baseline and target are being assessed (and revised)
	Approved   State = "approved"    // approved, with an owner, waiting to start
	InProgress State = "in_progress" // being worked
	OnHold     State = "on_hold"     // paused, with a reason
	Review     State = "review"      // done; the measured value is under review
	Closed     State = "closed"      // reviewed and closed with an outcome
	Rejected   State = "rejected"    // not worth doing, with a reason
	Canceled   State = "canceled"    // stopped before its end, with a reason
)

var states = []State{New, Accepted, Assess, Approved, InProgress, OnHold, Review, Closed, Rejected, Canceled}

// States returns every state of the default lifecycle, in lifecycle order.
func States() []State { return slices.Clone(states) }

// Valid reports whether s is one of the declared states.
func (s State) Valid() bool { return slices.Contains(states, s) }

// Trigger moves an improvement item from one state to another.
type Trigger string

// The triggers of the default lifecycle.
const (
	TriggerAccept  Trigger = "accept"  // new → accepted
	TriggerAssess  Trigger = "assess"  // accepted → assess
	TriggerApprove Trigger = "approve" // assess → approved, with an owner
	TriggerStart   Trigger = "start"   // approved → in progress, discarding any measurement
	TriggerHold    Trigger = "hold"    // in progress → on hold, with a reason
	TriggerResume  Trigger = "resume"  // on hold → in progress
	TriggerSubmit  Trigger = "submit"  // in progress → review, once measured since start and rework
	TriggerRework  Trigger = "rework"  // review → in progress, with a reason, discarding the measurement
	TriggerClose   Trigger = "close"   // review → closed, with review notes
	TriggerReject  Trigger = "reject"  // new, accepted, assess → rejected, with a reason
	TriggerCancel  Trigger = "cancel"  // any other non-final state → canceled, with a reason
)

// Direction says which way a metric improves.
type Direction string

// Directions.
const (
	// LowerIsBetter metrics improve as they fall: MTTR, reopen rate, backlog age.
	LowerIsBetter Direction = "lower_is_better"
	// HigherIsBetter metrics improve as they rise: SLA attainment, change success rate.
	HigherIsBetter Direction = "higher_is_better"
)

// Valid reports whether d is a declared direction.
func (d Direction) Valid() bool { return d == LowerIsBetter || d == HigherIsBetter }

// Improves reports whether value is strictly better than reference in direction d.
// It is false for an invalid direction.
func (d Direction) Improves(value, reference float64) bool {
	switch d {
	case LowerIsBetter:
		return value < reference
	case HigherIsBetter:
		return value > reference
	}
	return false
}

// Outcome is the verdict on an improvement: how its measured value compares with its
// baseline and target.
type Outcome string

// Outcomes, from best to worst.
const (
	// Achieved: the measured value meets or beats the target.
	Achieved Outcome = "achieved"
	// Improved: the measured value beats the baseline but falls short of the target.
	Improved Outcome = "improved"
	// NotImproved: the measured value is no better than the baseline.
	NotImproved Outcome = "not_improved"
)
