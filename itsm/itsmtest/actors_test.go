package itsmtest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
)

func TestTenantIsValid(t *testing.T) {
	t.Parallel()
	assert.NoError(t, itsmtest.Tenant.Validate())
}

func TestActors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		actor itsm.Actor
		id    string
		role  itsm.Role
	}{
		{"Agent", itsmtest.Agent, "agent", itsm.RoleAgent},
		{"Manager", itsmtest.Manager, "manager", itsm.RoleManager},
		{"Caller", itsmtest.Caller, "caller", itsm.RoleCaller},
		{"System", itsmtest.System, "system", itsm.RoleSystem},
	}
	ids := map[string]bool{}
	for _, tt := range tests {
		ids[tt.actor.ID] = true
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, tt.actor.Validate())
			assert.Equal(t, tt.id, tt.actor.ID)
			assert.Equal(t, itsmtest.Tenant, tt.actor.Tenant)
			assert.Equal(t, []itsm.Role{tt.role}, tt.actor.Roles, "one role each")
		})
	}
	assert.Len(t, ids, len(tests), "actor IDs are distinct")
	assert.Equal(t, itsm.SystemActor(itsmtest.Tenant), itsmtest.System)
}

// TestActorsUnderDefaultPolicy checks that the actors play their roles in a real
// service: a caller opens but may not work an incident, an agent and a manager may.
func TestActorsUnderDefaultPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		actor  itsm.Actor
		assign bool
	}{
		{"Agent", itsmtest.Agent, true},
		{"Manager", itsmtest.Manager, true},
		{"Caller", itsmtest.Caller, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := itsmtest.IncidentService(t, incident.Options{})
			inc, err := svc.Open(t.Context(), tt.actor, incident.OpenInput{Title: "VPN down"})
			require.NoError(t, err)
			_, err = svc.Assign(t.Context(), tt.actor, inc.Ref(), "Network", itsmtest.Agent.ID)
			if tt.assign {
				assert.NoError(t, err)
			} else {
				itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
			}
		})
	}
}
