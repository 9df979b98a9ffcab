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
	OpOpen             Operation = "open"
	OpRead             Operation = "read"
	OpComment          Operation = "comment"
	OpWorkNote         Operation = "work_note"
	OpUpdate           Operation = "update" // impact, urgency, links
	OpOverridePriority Operation = "override_priority"
	// OpAssign is also the assign trigger: reassigning an incident already in progress
	// is authorised as the same operation.
	OpAssign = Operation(TriggerAssign)
	// OpReadWorkNotes is seeing the work notes in an incident's history (see
	// Service.History): OpRead alone shows the record and its public comments.
	OpReadWorkNotes Operation = "read_work_notes"
)

// Authorizer decides whether actor may perform op on inc. It returns nil to allow,
// or an error matching [itsm.ErrForbidden] (see [Forbidden]) to refuse. For OpOpen inc
// is the incident about to be created; for a List (and DueSLAs), inc holds only the
// tenant and the filter's Caller; for CloseResolved's up-front check of
// Operation(TriggerClose), only the tenant and the state Resolved. Every write asks
// OpRead on the stored incident before its own operation. Hosts replace it through
// Options.Authorize to map their own roles.
type Authorizer func(ctx context.Context, actor itsm.Actor, op Operation, inc *Incident) error

// DefaultAuthorizer grants:
//   - system and manager roles: everything;
//   - agent role: everything but overriding a priority;
//   - caller role: opening incidents for themselves, and reading, commenting on and
//     reopening their own incidents (where Caller is the actor's ID).
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
		case OpOpen, OpRead, OpComment, Operation(TriggerReopen):
			return nil
		}
	}
	return Forbidden(actor, op)
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
