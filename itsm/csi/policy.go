package csi

import (
	"context"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// Operation names what an actor wants to do, for an [Authorizer]. Every lifecycle
// trigger is an operation (Operation(TriggerApprove)); the others are below.
type Operation string

// Operations that are not lifecycle triggers.
const (
	OpRegister Operation = "register"
	OpRead     Operation = "read"
	OpMeasure  Operation = "measure"
	OpRevise   Operation = "revise" // change the plan before approval: see Service.Revise
)

// Authorizer decides whether actor may perform op on it. It returns nil to allow, or
// an error matching [itsm.ErrForbidden] (see [Forbidden]) to refuse. For OpRegister it
// is the item about to be created; for a List, it holds only the tenant. Every write
// asks OpRead on the stored item before its own operation. Hosts replace it through
// Options.Authorize to map their own roles.
type Authorizer func(ctx context.Context, actor itsm.Actor, op Operation, it *Item) error

// DefaultAuthorizer grants:
//   - system and manager roles: everything;
//   - agent role: everything but the decisions, which are a manager's: approve,
//     reject, rework, close and cancel. Agents may revise an item's plan
//     (OpRevise), since a manager approves the plan as revised;
//   - caller role: reading.
//
// Anything else is refused.
func DefaultAuthorizer(_ context.Context, actor itsm.Actor, op Operation, _ *Item) error {
	switch {
	case actor.HasRole(itsm.RoleSystem, itsm.RoleManager):
		return nil
	case actor.HasRole(itsm.RoleAgent) && !managerOnly(op):
		return nil
	case actor.HasRole(itsm.RoleCaller) && op == OpRead:
		return nil
	}
	return Forbidden(actor, op)
}

func managerOnly(op Operation) bool {
	switch Trigger(op) {
	case TriggerApprove, TriggerReject, TriggerRework, TriggerClose, TriggerCancel:
		return true
	}
	return false
}

// Forbidden returns the refusal an Authorizer gives: an *itsm.PolicyError matching
// [itsm.ErrForbidden] that names the actor and the operation.
func Forbidden(actor itsm.Actor, op Operation) error {
	msg := fmt.Sprintf("%s may not %s this improvement", actor.ID, op)
	return &itsm.PolicyError{
		Kind:    itsm.KindImprovement,
		Trigger: string(op),
		Reasons: []itsm.Reason{{Code: "forbidden", Message: msg, Err: itsm.ErrForbidden}},
	}
}
