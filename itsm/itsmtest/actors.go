package itsmtest

import "github.com/itsmkit/itsmkit/itsm"

// Tenant is the tenant of the ready-made actors.
const Tenant itsm.Tenant = "test-tenant"

// Ready-made actors of Tenant, one per default role.
var (
	Agent   = itsm.Actor{ID: "agent", Tenant: Tenant, Roles: []itsm.Role{itsm.RoleAgent}}
	Manager = itsm.Actor{ID: "manager", Tenant: Tenant, Roles: []itsm.Role{itsm.RoleManager}}
	Caller  = itsm.Actor{ID: "caller", Tenant: Tenant, Roles: []itsm.Role{itsm.RoleCaller}}
	System  = itsm.SystemActor(Tenant)
)
