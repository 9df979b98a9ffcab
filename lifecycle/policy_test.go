package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

func TestPolicies(t *testing.T) {
	t.Parallel()
	manager := itsm.Actor{ID: "carol", Tenant: "acme", Roles: []itsm.Role{itsm.RoleCaller, itsm.RoleManager}}
	perms := lifecycle.Permissions[State](map[Trigger][]itsm.Role{
		Start:   {itsm.RoleAgent, itsm.RoleManager},
		Cancel:  {},
		Resolve: {itsm.RoleAgent},
	})
	tests := []struct {
		name    string
		policy  lifecycle.Policy[State, Trigger]
		actor   itsm.Actor
		trigger Trigger
		args    any
		// want is nil when the policy allows, else the single reason expected.
		want *itsm.Reason
	}{
		{"permissions: one role of several", perms, manager, Start, nil, nil},
		{"permissions: missing role", perms, caller, Start, nil,
			&itsm.Reason{Code: "role", Message: "bob may not start: needs role agent or manager", Err: itsm.ErrForbidden}},
		{"permissions: no role listed", perms, agent, Cancel, nil,
			&itsm.Reason{Code: "role", Message: "no role may cancel", Err: itsm.ErrForbidden}},
		{"permissions: trigger absent is denied", perms, agent, Hold, nil,
			&itsm.Reason{Code: "role", Message: "no role may hold", Err: itsm.ErrForbidden}},
		{"require role: has it", lifecycle.RequireRole[State, Trigger](itsm.RoleAgent), agent, Hold, nil, nil},
		{"require role: lacks it", lifecycle.RequireRole[State, Trigger](itsm.RoleAgent), caller, Hold, nil,
			&itsm.Reason{Code: "role", Message: "bob may not hold: needs role agent", Err: itsm.ErrForbidden}},
		{"require role: none given", lifecycle.RequireRole[State, Trigger](), agent, Hold, nil,
			&itsm.Reason{Code: "role", Message: "no role may hold", Err: itsm.ErrForbidden}},
		{"require: present", lifecycle.Require("reason", func(r Request) bool { return r.Args != nil }), agent, Hold, "waiting", nil},
		{"require: absent", lifecycle.Require("reason", func(r Request) bool { return r.Args != nil }), agent, Hold, nil,
			&itsm.Reason{Code: "required", Message: "invalid reason: is required", Err: &itsm.ValidationError{Field: "reason", Problem: "is required"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.policy(t.Context(), Request{Actor: tt.actor, Trigger: tt.trigger, Args: tt.args})
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			var pe *itsm.PolicyError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, []itsm.Reason{*tt.want}, pe.Reasons)
		})
	}
}

func TestPermissionsCopiesItsMap(t *testing.T) {
	t.Parallel()
	roles := map[Trigger][]itsm.Role{Start: {itsm.RoleAgent}}
	p := lifecycle.Permissions[State](roles)
	roles[Start][0] = itsm.RoleCaller
	roles[Hold] = []itsm.Role{itsm.RoleCaller}
	assert.NoError(t, p(t.Context(), Request{Actor: agent, Trigger: Start}))
	assert.ErrorIs(t, p(t.Context(), Request{Actor: caller, Trigger: Hold}), itsm.ErrForbidden)
}

func TestRefusalConstructors(t *testing.T) {
	t.Parallel()
	forbid := lifecycle.Forbid("freeze", "changes are frozen until Monday")
	assert.ErrorIs(t, forbid, itsm.ErrForbidden)
	assert.NotErrorIs(t, forbid, itsm.ErrInvalid)
	var pe *itsm.PolicyError
	require.ErrorAs(t, forbid, &pe)
	assert.Equal(t, []string{"freeze"}, pe.Codes())

	invalid := lifecycle.Invalid("cost", "must be positive")
	assert.ErrorIs(t, invalid, itsm.ErrInvalid)
	assert.Equal(t, &itsm.ValidationError{Field: "cost", Problem: "must be positive"}, invalid)
}
