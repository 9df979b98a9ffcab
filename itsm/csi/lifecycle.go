package csi

import (
	"context"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

// Definition is an improvement lifecycle: the default one, or a host's.
type Definition = lifecycle.Definition[State, Trigger]

// Request is what an improvement lifecycle's policies and actions see of one
// transition.
type Request = lifecycle.Request[State, Trigger]

// Args carries a use case's input to the lifecycle: policies check it, actions apply
// it. Service methods fill it; hosts that fire a Definition directly fill it too.
type Args struct {
	// At is the time of the transition, read from the service's clock.
	At time.Time
	// Owner is the owner approve sets; empty keeps the item's owner.
	Owner string
	// Reason is why the item is put on hold, sent back for rework, rejected or
	// canceled.
	Reason string
	// Notes are the review notes close records.
	Notes string
}

// ArgsOf returns the Args of a lifecycle request, or zero Args when the caller passed
// something else.
func ArgsOf(req Request) Args {
	a, _ := req.Args.(Args)
	return a
}

// DefaultLifecycle returns the default improvement lifecycle:
//
//	new ──accept──▶ accepted ──assess──▶ assess ──approve──▶ approved ──start──▶ in progress
//	in progress ──hold──▶ on hold ──resume──▶ in progress
//	in progress ──submit──▶ review ──close──▶ closed
//	review ──rework──▶ in progress
//	new, accepted, assess ──reject──▶ rejected
//	new … review ──cancel──▶ canceled
//
// Approve requires an owner (given, or already set); hold, rework, reject and cancel
// require a reason; submit requires a measured value; close requires review notes and
// a measured value, and records the outcome. Who may fire what is decided by the
// service's Authorizer, not by the definition. Hosts may Extend the result.
//
// The measured value submit and close require is one taken on the work under review:
// start and rework discard the measurement, so a value recorded before work started,
// or one a review already sent back, does not count, and the policy also refuses a
// measurement older than StartedAt. The refusal is the one of a missing measurement:
// code "required", field "measured".
func DefaultLifecycle() *Definition {
	b := lifecycle.NewBuilder[State, Trigger](itsm.KindImprovement, New).
		State(New, "New").
		State(Accepted, "Accepted").
		State(Assess, "Assess").
		State(Approved, "Approved").
		State(InProgress, "In Progress").
		State(OnHold, "On Hold").
		State(Review, "Review").
		Final(Closed, "Closed").
		Final(Rejected, "Rejected").
		Final(Canceled, "Canceled").
		Trigger(TriggerAccept, "Accept").
		Trigger(TriggerAssess, "Assess").
		Trigger(TriggerApprove, "Approve").
		Trigger(TriggerStart, "Start").
		Trigger(TriggerHold, "Put on hold").
		Trigger(TriggerResume, "Resume").
		Trigger(TriggerSubmit, "Submit for review").
		Trigger(TriggerRework, "Rework").
		Trigger(TriggerClose, "Close").
		Trigger(TriggerReject, "Reject").
		Trigger(TriggerCancel, "Cancel").
		Permit(New, TriggerAccept, Accepted).
		Permit(Accepted, TriggerAssess, Assess).
		Permit(Assess, TriggerApprove, Approved).
		Permit(Approved, TriggerStart, InProgress).
		Permit(InProgress, TriggerHold, OnHold).
		Permit(OnHold, TriggerResume, InProgress).
		Permit(InProgress, TriggerSubmit, Review).
		Permit(Review, TriggerRework, InProgress).
		Permit(Review, TriggerClose, Closed)
	for _, s := range []State{New, Accepted, Assess} {
		b.Permit(s, TriggerReject, Rejected)
	}
	for _, s := range []State{New, Accepted, Assess, Approved, InProgress, OnHold, Review} {
		b.Permit(s, TriggerCancel, Canceled)
	}
	b.TriggerPolicy(TriggerApprove, lifecycle.Require("owner", func(req Request) bool {
		return present(ArgsOf(req).Owner) || present(subject(req).Owner)
	})).
		TriggerPolicy(TriggerHold, requireReason("on_hold_reason")).
		TriggerPolicy(TriggerRework, requireReason("reason")).
		TriggerPolicy(TriggerReject, requireReason("rejection_reason")).
		TriggerPolicy(TriggerCancel, requireReason("cancel_reason")).
		TriggerPolicy(TriggerSubmit, requireMeasurement()).
		TriggerPolicy(TriggerClose, lifecycle.Require("review_notes", func(req Request) bool { return present(ArgsOf(req).Notes) })).
		TriggerPolicy(TriggerClose, requireMeasurement()).
		Action(TriggerAccept, stamp(func(it *Item) *time.Time { return &it.AcceptedAt })).
		Action(TriggerAssess, stamp(func(it *Item) *time.Time { return &it.AssessedAt })).
		Action(TriggerApprove, approve).
		Action(TriggerStart, start).
		Action(TriggerHold, hold).
		Action(TriggerResume, resume).
		Action(TriggerSubmit, stamp(func(it *Item) *time.Time { return &it.SubmittedAt })).
		Action(TriggerRework, rework).
		Action(TriggerClose, closeItem).
		Action(TriggerReject, reject).
		Action(TriggerCancel, cancel)
	def, err := b.Build()
	if err != nil {
		panic(err) // the default is constant; a failure here is a bug caught by tests
	}
	return def
}

func present(s string) bool { return strings.TrimSpace(s) != "" }

func requireReason(field string) lifecycle.Policy[State, Trigger] {
	return lifecycle.Require(field, func(req Request) bool { return present(ArgsOf(req).Reason) })
}

func requireMeasurement() lifecycle.Policy[State, Trigger] {
	return lifecycle.Require("measured", func(req Request) bool {
		it := subject(req)
		return it.IsMeasured() && !it.MeasuredAt.Before(it.StartedAt)
	})
}

func subject(req Request) *Item { return req.Subject.(*Item) }

// stamp returns an action that sets the milestone field points to to the transition's
// time.
func stamp(field func(*Item) *time.Time) lifecycle.Action[State, Trigger] {
	return func(_ context.Context, req Request) error {
		*field(subject(req)) = ArgsOf(req).At
		return nil
	}
}

func approve(_ context.Context, req Request) error {
	a, it := ArgsOf(req), subject(req)
	if a.Owner != "" {
		it.Owner = a.Owner
	}
	it.ApprovedAt = a.At
	return nil
}

// start stamps StartedAt and discards a measurement taken before: the outcome is
// measured on the work.
func start(_ context.Context, req Request) error {
	it := subject(req)
	it.StartedAt, it.Measured, it.MeasuredAt = ArgsOf(req).At, 0, time.Time{}
	return nil
}

func hold(_ context.Context, req Request) error {
	subject(req).OnHoldReason = ArgsOf(req).Reason
	return nil
}

func resume(_ context.Context, req Request) error {
	subject(req).OnHoldReason = ""
	return nil
}

// rework discards the submission and the measurement the review did not accept: the
// item goes back to review only with a value measured on the reworked item.
func rework(_ context.Context, req Request) error {
	it := subject(req)
	it.SubmittedAt, it.Measured, it.MeasuredAt = time.Time{}, 0, time.Time{}
	return nil
}

func closeItem(_ context.Context, req Request) error {
	a, it := ArgsOf(req), subject(req)
	it.ReviewNotes, it.Outcome, it.ClosedAt = a.Notes, it.Evaluate(), a.At
	return nil
}

func reject(_ context.Context, req Request) error {
	a, it := ArgsOf(req), subject(req)
	it.RejectionReason, it.ClosedAt = a.Reason, a.At
	return nil
}

func cancel(_ context.Context, req Request) error {
	a, it := ArgsOf(req), subject(req)
	it.CancelReason, it.OnHoldReason, it.ClosedAt = a.Reason, "", a.At
	return nil
}
