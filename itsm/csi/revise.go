package csi

import (
	"context"
	"time"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
)

// ReviseInput is what Revise changes: each non-nil field replaces the item's value,
// a nil field keeps it. The zero ReviseInput changes nothing.
type ReviseInput struct {
	Title       *string
	Description *string
	Service     *string
	Metric      *Metric
	Unit        *string
	Direction   *Direction
	Baseline    *float64
	Target      *float64
	// Owner may be set to "" to clear it: approval requires one again.
	Owner *string
	// Priority must name a priority: zero is refused, not read as P3.
	Priority *itsm.Priority
	// Due is kept in UTC, to the microsecond; the zero time clears it.
	Due *time.Time
	// Reason, optional, says why the plan changed. It is the journal entry's Reason.
	Reason string
}

// apply sets the fields of plan that in changes.
func (in ReviseInput) apply(plan *RegisterInput) {
	set(&plan.Title, in.Title)
	set(&plan.Description, in.Description)
	set(&plan.Service, in.Service)
	set(&plan.Metric, in.Metric)
	set(&plan.Unit, in.Unit)
	set(&plan.Direction, in.Direction)
	set(&plan.Baseline, in.Baseline)
	set(&plan.Target, in.Target)
	set(&plan.Owner, in.Owner)
	set(&plan.Priority, in.Priority)
	set(&plan.Due, in.Due)
}

func set[T any](field *T, v *T) {
	if v != nil {
		*field = *v
	}
}

// Revise changes the plan of an item that is new, accepted or being assessed: its
// title, description, service, metric, unit, direction, baseline, target, owner,
// priority or due date, as in says. The assessment is where a baseline gets measured
// properly and a target agreed. Once approved, the plan is what a manager approved and
// no longer changes; to pursue another, cancel the item and register a new one.
//
// The revised plan must pass every rule Register applies, the target improving on the
// baseline in the item's direction among them; since those rules span fields, Revise
// reads the item before it validates. Bad input returns an *itsm.PolicyError matching
// [itsm.ErrInvalid] that lists every field at fault. A revision of the metric or of
// its unit discards the measurement, which measured something else.
//
// The change is journaled as an [itsm.EventUpdated] entry whose Data holds the changed
// fields and whose Reason is in.Reason. A revision that changes nothing stores nothing
// (no new version, no journal entry, no AfterCommit hook) and returns the item as
// stored. Revise returns [itsm.ErrTransitionNotAllowed] for an item in any other state
// and [itsm.ErrForbidden] when the authorizer refuses [OpRevise].
func (s *Service) Revise(ctx context.Context, actor itsm.Actor, ref Ref, in ReviseInput) (*Item, error) {
	if err := textcheck.Text("reason", in.Reason, MaxTextLength); err != nil {
		return nil, err
	}
	return s.write(ctx, actor, ref, func(it *Item, _ time.Time) (itsm.Event, error) {
		if !revisable(it.State) {
			return itsm.Event{}, &itsm.TransitionError{Kind: itsm.KindImprovement, ID: it.ID, Number: it.Number, From: string(it.State), Trigger: string(OpRevise)}
		}
		if err := s.authorize(ctx, actor, OpRevise, it); err != nil {
			return itsm.Event{}, err
		}
		plan := planOf(it)
		in.apply(&plan)
		if err := plan.check(OpRevise); err != nil {
			if pe, ok := err.(*itsm.PolicyError); ok { // name the item, as Register cannot
				pe.ID, pe.Number = it.ID, it.Number
			}
			return itsm.Event{}, err
		}
		metric, unit := it.Metric, it.Unit
		it.setPlan(plan)
		if it.Metric != metric || it.Unit != unit {
			it.Measured, it.MeasuredAt = 0, time.Time{}
		}
		return itsm.Event{Type: itsm.EventUpdated, Reason: in.Reason}, nil
	})
}

// revisable reports whether an item in state s may be revised: until it is approved.
func revisable(s State) bool { return s == New || s == Accepted || s == Assess }
