package incident

import (
	"context"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// Operation names what an actor wants to do, for an [Authorizer]. Every lifecycle
// trigger is an operation (Operation(TriggerResolve)); the others are below.
type Operation string

// Operations that are not lifecycle triggers.
const (
	OpOpen     Operation = "open"
	OpRead     Operation = "read"
	OpComment  Operation = "comment"
	OpWorkNote Operation = "work_note"
	// OpUpdate is changing an incident's fields: impact and urgency
	// (Service.SetImpactUrgency), its descriptive fields (Service.Update) and its
	// links (Service.Link).
	OpUpdate           Operation = "update"
	OpOverridePriority Operation = "override_priority"
	// OpSetMajor is marking an incident as a major incident, or clearing the mark,
	// after it was opened (Service.Link asks it besides OpUpdate). At OpOpen the
	// authorizer sees Major on the incident about to be created.
	OpSetMajor Operation = "set_major"
	// OpAssign is also the assign trigger: reassigning an incident already in progress
	// is authorised as the same operation.
	OpAssign = Operation(TriggerAssign)
	// OpReadWorkNotes is seeing the work notes in an incident's history (see
	// Service.History): OpRead alone shows the record and its public comments.
	OpReadWorkNotes Operation = "read_work_notes"
)

// Authorizer decides whether actor may perform op on inc. It returns nil to allow,
// or an error matching [itsm.ErrForbidden] (see [Forbidden]) to refuse. For OpOpen inc
// is the incident about to be created. A List (and DueSLAs) asks OpRead first on a
// probe that holds only the tenant and the filter's Caller, with a zero ID, to allow
// or refuse the whole listing, then on each incident it read, to drop those the actor
// may not see. CloseResolved's up-front check of Operation(TriggerClose) sees only
// the tenant and the state Resolved. Every write asks OpRead on the stored incident
// before its own operation. Hosts replace it through Options.Authorize to map their
// own roles.
type Authorizer func(ctx context.Context, actor itsm.Actor, op Operation, inc *Incident) error

// DefaultAuthorizer grants:
//   - system and manager roles: everything;
//   - agent role: everything but overriding a priority;
//   - caller role: opening incidents for themselves, and reading, commenting on and
//     reopening their own incidents (where Caller is the actor's ID). A caller
//     describes the incident (title, description, category, subcategory, service,
//     configuration item, channel) and assesses it (impact, urgency), but does not
//     decide how the service desk works it: an incident opened by a caller that is
//     marked Major, pre-assigned to a group or an assignee, or given a parent is
//     refused with one reason per such field (codes "forbidden", each message naming
//     the field: major, assignment_group, assigned_to, parent). Callers do not
//     update incidents after opening: they add what they know as comments.
//
// Anything else is refused.
func DefaultAuthorizer(_ context.Context, actor itsm.Actor, op Operation, inc *Incident) error {
	switch {
	case actor.HasRole(itsm.RoleSystem, itsm.RoleManager):
		return nil
	case actor.HasRole(itsm.RoleAgent) && op != OpOverridePriority:
		return nil
	case actor.HasRole(itsm.RoleCaller) && inc != nil && inc.Caller == actor.ID:
		switch op {
		case OpOpen:
			return callerMayOpen(actor, inc)
		case OpRead, OpComment, Operation(TriggerReopen):
			return nil
		}
	}
	return Forbidden(actor, op)
}

// callerMayOpen refuses an incident a caller opens with fields that only the service
// desk sets, one reason per field.
func callerMayOpen(actor itsm.Actor, inc *Incident) error {
	var reasons []itsm.Reason
	refuse := func(field string) {
		msg := fmt.Sprintf("%s may not set %s when opening an incident", actor.ID, field)
		reasons = append(reasons, itsm.Reason{Code: "forbidden", Message: msg, Err: itsm.ErrForbidden})
	}
	if inc.Major {
		refuse("major")
	}
	if inc.AssignmentGroup != "" {
		refuse("assignment_group")
	}
	if inc.AssignedTo != "" {
		refuse("assigned_to")
	}
	if !inc.Parent.IsZero() {
		refuse("parent")
	}
	if reasons == nil {
		return nil
	}
	return &itsm.PolicyError{Kind: itsm.KindIncident, Trigger: string(OpOpen), Reasons: reasons}
}

// Forbidden returns the refusal an Authorizer gives: an *itsm.PolicyError matching
// [itsm.ErrForbidden] that names the actor and the operation.
func Forbidden(actor itsm.Actor, op Operation) error {
	msg := fmt.Sprintf("%s may not %s this incident", actor.ID, op)
	return &itsm.PolicyError{
		Kind:    itsm.KindIncident,
		Trigger: string(op),
		Reasons: []itsm.Reason{{Code: "forbidden", Message: msg, Err: itsm.ErrForbidden}},
	}
}
