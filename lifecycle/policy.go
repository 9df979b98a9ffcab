package lifecycle

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/itsmkit/itsmkit/itsm"
)

// Forbid returns a refusal for a policy to return: an *itsm.PolicyError with one
// reason of the given code and message, matching itsm.ErrForbidden. Fire keeps the
// code as is.
func Forbid(code, message string) error {
	return &itsm.PolicyError{Reasons: []itsm.Reason{{Code: code, Message: message, Err: itsm.ErrForbidden}}}
}

// Invalid returns a refusal for a policy to return: an *itsm.ValidationError naming
// field, matching itsm.ErrInvalid. Fire turns it into a reason with code "invalid".
func Invalid(field, problem string) error {
	return &itsm.ValidationError{Field: field, Problem: problem}
}

// Permissions returns a policy that grants each trigger to the roles listed for it:
// the actor needs at least one of them. A trigger absent from the map, or listed
// with no role, is refused to everyone: permissions are deny by default, so a
// trigger added to a definition later is not open to all by accident. Refusals have
// code "role" and match itsm.ErrForbidden. The map is copied.
func Permissions[S ~string, T ~string](roles map[T][]itsm.Role) Policy[S, T] {
	grants := make(map[T][]itsm.Role, len(roles))
	for t, r := range roles {
		grants[t] = slices.Clone(r)
	}
	return func(_ context.Context, req Request[S, T]) error {
		return requireRole(req.Actor, req.Trigger, grants[req.Trigger])
	}
}

// RequireRole returns a policy that refuses actors with none of roles, with code
// "role", matching itsm.ErrForbidden. Add it with TriggerPolicy to guard one trigger.
// With no roles it refuses everyone.
func RequireRole[S ~string, T ~string](roles ...itsm.Role) Policy[S, T] {
	roles = slices.Clone(roles)
	return func(_ context.Context, req Request[S, T]) error {
		return requireRole(req.Actor, req.Trigger, roles)
	}
}

func requireRole[T ~string](actor itsm.Actor, trigger T, roles []itsm.Role) error {
	if actor.HasRole(roles...) {
		return nil
	}
	if len(roles) == 0 {
		return Forbid("role", fmt.Sprintf("no role may %s", trigger))
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return Forbid("role", fmt.Sprintf("%s may not %s: needs role %s", actor.ID, trigger, strings.Join(names, " or ")))
}

// Require returns a policy that refuses a fire when present reports false, with code
// "required" and an *itsm.ValidationError{Field: field, Problem: "is required"} in
// Reason.Err, so errors.As finds the field.
func Require[S ~string, T ~string](field string, present func(Request[S, T]) bool) Policy[S, T] {
	return func(_ context.Context, req Request[S, T]) error {
		if present(req) {
			return nil
		}
		err := &itsm.ValidationError{Field: field, Problem: "is required"}
		return &itsm.PolicyError{Reasons: []itsm.Reason{{Code: "required", Message: err.Error(), Err: err}}}
	}
}
