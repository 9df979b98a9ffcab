package csi

import (
	"context"
	"time"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
)

// EventMeasured is the journal entry of RecordMeasurement; its Data holds measured and
// measured_at.
const EventMeasured itsm.EventType = "measured"

// Accept takes a new item into the register: it is worth considering.
func (s *Service) Accept(ctx context.Context, actor itsm.Actor, ref Ref) (*Item, error) {
	return s.transition(ctx, actor, ref, TriggerAccept, Args{})
}

// Assess starts the assessment of an accepted item: its business case, baseline and
// target.
func (s *Service) Assess(ctx context.Context, actor itsm.Actor, ref Ref) (*Item, error) {
	return s.transition(ctx, actor, ref, TriggerAssess, Args{})
}

// Approve approves an assessed item and makes owner accountable for it. An empty owner
// keeps the item's owner; an item without one cannot be approved.
func (s *Service) Approve(ctx context.Context, actor itsm.Actor, ref Ref, owner string) (*Item, error) {
	if err := textcheck.Line("owner", owner, MaxReferenceLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerApprove, Args{Owner: owner})
}

// Start starts work on an approved item. It discards any measurement recorded
// before: only a value measured on the work counts for the review.
func (s *Service) Start(ctx context.Context, actor itsm.Actor, ref Ref) (*Item, error) {
	return s.transition(ctx, actor, ref, TriggerStart, Args{})
}

// Hold pauses an item in progress; reason is required.
func (s *Service) Hold(ctx context.Context, actor itsm.Actor, ref Ref, reason string) (*Item, error) {
	if err := textcheck.Text("on_hold_reason", reason, MaxTextLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerHold, Args{Reason: reason})
}

// Resume takes an item off hold.
func (s *Service) Resume(ctx context.Context, actor itsm.Actor, ref Ref) (*Item, error) {
	return s.transition(ctx, actor, ref, TriggerResume, Args{})
}

// SubmitForReview sends an item in progress to review. A measurement must have been
// recorded since work started and since the item was last sent back for rework (see
// RecordMeasurement): the review compares it with the target. Without one it returns
// an *itsm.PolicyError matching [itsm.ErrInvalid], code "required", field "measured".
func (s *Service) SubmitForReview(ctx context.Context, actor itsm.Actor, ref Ref) (*Item, error) {
	return s.transition(ctx, actor, ref, TriggerSubmit, Args{})
}

// Rework sends an item under review back to work; reason (why the review was not
// passed) is required. It discards the measurement: the item is resubmitted only once
// measured again.
func (s *Service) Rework(ctx context.Context, actor itsm.Actor, ref Ref, reason string) (*Item, error) {
	if err := textcheck.Text("reason", reason, MaxTextLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerRework, Args{Reason: reason})
}

// Close closes an item under review with the review's notes, which are required, and
// records its Outcome: the Evaluate verdict on the measured value, which must have been
// recorded since work started and since the last rework, as SubmitForReview requires.
func (s *Service) Close(ctx context.Context, actor itsm.Actor, ref Ref, notes string) (*Item, error) {
	if err := textcheck.Text("review_notes", notes, MaxTextLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerClose, Args{Notes: notes})
}

// Reject turns down an item that is new, accepted or being assessed; reason is
// required.
func (s *Service) Reject(ctx context.Context, actor itsm.Actor, ref Ref, reason string) (*Item, error) {
	if err := textcheck.Text("rejection_reason", reason, MaxTextLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerReject, Args{Reason: reason})
}

// Cancel stops an item in any state that is not final; reason is required.
func (s *Service) Cancel(ctx context.Context, actor itsm.Actor, ref Ref, reason string) (*Item, error) {
	if err := textcheck.Text("cancel_reason", reason, MaxTextLength); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, ref, TriggerCancel, Args{Reason: reason})
}

// RecordMeasurement records the metric's current value on an item in any state that
// is not final, as an [EventMeasured] entry. Only a value recorded after Start (and
// after the last Rework) lets the item be submitted for review and closed. It returns
// [itsm.ErrInvalid] for NaN or an infinity and [itsm.ErrTransitionNotAllowed] for an
// item in a final state.
func (s *Service) RecordMeasurement(ctx context.Context, actor itsm.Actor, ref Ref, value float64) (*Item, error) {
	if err := checkValue("measured", value); err != nil {
		return nil, err
	}
	return s.write(ctx, actor, ref, func(it *Item, at time.Time) (itsm.Event, error) {
		if s.def.IsFinal(it.State) {
			return itsm.Event{}, &itsm.TransitionError{Kind: itsm.KindImprovement, ID: it.ID, Number: it.Number, From: string(it.State), Trigger: string(OpMeasure)}
		}
		if err := s.authorize(ctx, actor, OpMeasure, it); err != nil {
			return itsm.Event{}, err
		}
		it.Measured, it.MeasuredAt = value, at
		return itsm.Event{Type: EventMeasured}, nil
	})
}

// transition is the write of a use case that is exactly one lifecycle trigger.
func (s *Service) transition(ctx context.Context, actor itsm.Actor, ref Ref, t Trigger, args Args) (*Item, error) {
	return s.write(ctx, actor, ref, func(it *Item, at time.Time) (itsm.Event, error) {
		args.At = at
		// it is the write's private copy, dropped when the fire fails: no snapshot needed.
		tr, err := s.def.FireCopy(ctx, actor, it, t, args)
		if err != nil {
			return itsm.Event{}, err
		}
		return itsm.Event{Type: itsm.EventTransitioned, From: string(tr.From), To: string(tr.To), Trigger: string(tr.Trigger), Reason: args.Reason}, nil
	})
}
