package incident

import (
	"context"
	"time"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

// Definition is an incident lifecycle: the default one, or a host's.
type Definition = lifecycle.Definition[State, Trigger]

// Request is what an incident lifecycle's policies and actions see of one transition.
type Request = lifecycle.Request[State, Trigger]

// Args carries a use case's input to the lifecycle: policies check it, actions apply
// it. Service methods fill it; hosts that fire a Definition directly fill it too.
type Args struct {
	// At is the time of the transition, read from the service's clock.
	At time.Time
	// AssignmentGroup and AssignedTo are the assignment the assign trigger sets.
	AssignmentGroup string
	AssignedTo      string
	// HoldReason is what the hold trigger waits for.
	HoldReason HoldReason
	// ResolutionCode and ResolutionNotes are what the resolve trigger records.
	ResolutionCode  ResolutionCode
	ResolutionNotes string
	// Reason is the free text given with reopen and cancel.
	Reason string
}

// ArgsOf returns the Args of a lifecycle request, or zero Args when the caller passed
// something else.
func ArgsOf(req Request) Args {
	a, _ := req.Args.(Args)
	return a
}

// LifecycleOptions adapts the default lifecycle to processes seen in real service
// desks. The zero value is the strict ServiceNow-style lifecycle.
type LifecycleOptions struct {
	// ResolveFromNew permits new → resolved, for incidents fixed at first contact
	// without being worked (real logs show it often).
	ResolveFromNew bool
	// ReopenClosed permits closed → in progress through reopen. Closed is then no
	// longer final: by default a closed incident is immutable and a recurrence is a new
	// incident.
	ReopenClosed bool
}

// DefaultLifecycle returns the default incident lifecycle:
//
//	new ──assign/start──▶ in progress ──hold──▶ on hold ──resume──▶ in progress
//	in progress, on hold ──resolve──▶ resolved ──close──▶ closed
//	resolved ──reopen──▶ in progress
//	new, in progress, on hold ──cancel──▶ canceled
//
// Hold requires a reason; resolve requires a resolution code and notes. Who may fire
// what is decided by the service's Authorizer, not by the definition.
func DefaultLifecycle() *Definition {
	def, err := NewLifecycle(LifecycleOptions{})
	if err != nil {
		panic(err) // the default is constant; a failure here is a bug caught by tests
	}
	return def
}

// NewLifecycle builds the default lifecycle with the given options. Hosts may Extend
// the result with their own states, policies and actions.
func NewLifecycle(opts LifecycleOptions) (*Definition, error) {
	b := lifecycle.NewBuilder[State, Trigger](itsm.KindIncident, New).
		State(New, "New").
		State(InProgress, "In Progress").
		State(OnHold, "On Hold").
		State(Resolved, "Resolved")
	if opts.ReopenClosed {
		b.State(Closed, "Closed")
	} else {
		b.Final(Closed, "Closed")
	}
	b.Final(Canceled, "Canceled").
		Trigger(TriggerAssign, "Assign").
		Trigger(TriggerStart, "Start work").
		Trigger(TriggerHold, "Put on hold").
		Trigger(TriggerResume, "Resume").
		Trigger(TriggerResolve, "Resolve").
		Trigger(TriggerReopen, "Reopen").
		Trigger(TriggerClose, "Close").
		Trigger(TriggerCancel, "Cancel").
		Permit(New, TriggerAssign, InProgress).
		Permit(New, TriggerStart, InProgress).
		Permit(InProgress, TriggerHold, OnHold).
		Permit(OnHold, TriggerResume, InProgress).
		Permit(InProgress, TriggerResolve, Resolved).
		Permit(OnHold, TriggerResolve, Resolved).
		Permit(Resolved, TriggerReopen, InProgress).
		Permit(Resolved, TriggerClose, Closed).
		Permit(New, TriggerCancel, Canceled).
		Permit(InProgress, TriggerCancel, Canceled).
		Permit(OnHold, TriggerCancel, Canceled)
	if opts.ResolveFromNew {
		b.Permit(New, TriggerResolve, Resolved)
	}
	if opts.ReopenClosed {
		b.Permit(Closed, TriggerReopen, InProgress)
	}
	b.TriggerPolicy(TriggerAssign, requireAssignment).
		TriggerPolicy(TriggerHold, requireHoldReason).
		TriggerPolicy(TriggerResolve, requireResolution).
		Action(TriggerAssign, applyAssignment).
		Action(TriggerStart, acknowledge).
		Action(TriggerHold, hold).
		Action(TriggerResume, resume).
		Action(TriggerResolve, resolve).
		Action(TriggerReopen, reopen).
		Action(TriggerClose, closeIncident).
		Action(TriggerCancel, cancel)
	return b.Build()
}

func requireAssignment(_ context.Context, req Request) error {
	a := ArgsOf(req)
	if a.AssignmentGroup == "" && a.AssignedTo == "" {
		return &itsm.ValidationError{Field: "assignment_group", Problem: "an assignment group or an assignee is required"}
	}
	return nil
}

func requireHoldReason(_ context.Context, req Request) error {
	if r := ArgsOf(req).HoldReason; !r.Valid() {
		if r == "" {
			return &itsm.ValidationError{Field: "on_hold_reason", Problem: "is required"}
		}
		return &itsm.ValidationError{Field: "on_hold_reason", Problem: textcheck.Unknown(r)}
	}
	return nil
}

func requireResolution(_ context.Context, req Request) error {
	a := ArgsOf(req)
	var errs []itsm.Reason
	switch {
	case a.ResolutionCode == "":
		errs = append(errs, invalid("resolution_code", "is required"))
	case !a.ResolutionCode.Valid():
		errs = append(errs, invalid("resolution_code", textcheck.Unknown(a.ResolutionCode)))
	}
	if a.ResolutionNotes == "" {
		errs = append(errs, invalid("resolution_notes", "is required"))
	}
	if len(errs) > 0 {
		return &itsm.PolicyError{Reasons: errs}
	}
	return nil
}

func invalid(field, problem string) itsm.Reason {
	err := &itsm.ValidationError{Field: field, Problem: problem}
	return itsm.Reason{Code: "invalid", Message: err.Error(), Err: err}
}

func subject(req Request) *Incident { return req.Subject.(*Incident) }

// assign sets the assignment and counts reassignments; it is shared by the assign
// trigger and by Service.Assign on incidents already in progress.
func assign(inc *Incident, group, assignee string, at time.Time) {
	if group == "" {
		group = inc.AssignmentGroup
	}
	if group == inc.AssignmentGroup && assignee == inc.AssignedTo {
		return
	}
	if inc.FirstAssignedAt.IsZero() {
		inc.FirstAssignedAt = at
	} else {
		inc.ReassignmentCount++
	}
	inc.AssignmentGroup, inc.AssignedTo = group, assignee
}

func applyAssignment(ctx context.Context, req Request) error {
	a, inc := ArgsOf(req), subject(req)
	assign(inc, a.AssignmentGroup, a.AssignedTo, a.At)
	return acknowledge(ctx, req)
}

func acknowledge(_ context.Context, req Request) error {
	if inc := subject(req); inc.AcknowledgedAt.IsZero() {
		inc.AcknowledgedAt = ArgsOf(req).At
	}
	return nil
}

func hold(_ context.Context, req Request) error {
	subject(req).OnHoldReason = ArgsOf(req).HoldReason
	return nil
}

func resume(_ context.Context, req Request) error {
	subject(req).OnHoldReason = ""
	return nil
}

func resolve(_ context.Context, req Request) error {
	a, inc := ArgsOf(req), subject(req)
	inc.OnHoldReason = ""
	inc.ResolutionCode, inc.ResolutionNotes = a.ResolutionCode, a.ResolutionNotes
	inc.ResolvedAt = a.At
	return nil
}

func reopen(_ context.Context, req Request) error {
	a, inc := ArgsOf(req), subject(req)
	inc.ReopenCount++
	inc.ReopenedAt = a.At
	inc.ResolutionCode, inc.ResolutionNotes = "", ""
	inc.ResolvedAt, inc.ClosedAt = time.Time{}, time.Time{}
	return nil
}

func closeIncident(_ context.Context, req Request) error {
	subject(req).ClosedAt = ArgsOf(req).At
	return nil
}

func cancel(_ context.Context, req Request) error {
	inc := subject(req)
	inc.OnHoldReason = ""
	inc.ClosedAt = ArgsOf(req).At
	return nil
}
