package itsm

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tenant names the organisation a record belongs to. Every record and event carries
// one, and every read and write is scoped by the acting tenant: another tenant's
// record answers [ErrNotFound].
type Tenant string

// MaxKeyLength bounds tenants, actor IDs and roles: they are keys in indexes.
const MaxKeyLength = 128

// Validate reports whether t is usable as a tenant: non-empty, at most
// [MaxKeyLength] bytes of valid UTF-8 with no control characters or surrounding space.
func (t Tenant) Validate() error { return validateKey("tenant", string(t)) }

// Role is a permission group an [Actor] belongs to. Policies grant triggers to roles.
type Role string

// The roles the default policies of every practice understand. Hosts may define more.
const (
	// RoleCaller may open records for themselves, comment on them and reopen them.
	RoleCaller Role = "caller"
	// RoleAgent works records: assigns, starts, holds, resolves, closes.
	RoleAgent Role = "agent"
	// RoleManager may do anything an agent does and override priorities.
	RoleManager Role = "manager"
	// RoleSystem is the library's own housekeeping (auto-close, escalation).
	RoleSystem Role = "system"
)

// Actor is who performs an operation: a person or a system, acting for one tenant.
type Actor struct {
	// ID identifies the person or system in the host application (a user name, an
	// e-mail address, an account ID): itsmkit stores it and never interprets it.
	ID string
	// Tenant is the tenant the actor works in; every operation is scoped by it.
	Tenant Tenant
	// Roles grant permissions through policies.
	Roles []Role
}

// SystemActor returns the actor the library uses for its own housekeeping in tenant.
func SystemActor(tenant Tenant) Actor {
	return Actor{ID: "system", Tenant: tenant, Roles: []Role{RoleSystem}}
}

// Validate returns a [*ValidationError] (matching [ErrInvalid]) when the actor has no
// ID, no valid tenant or an empty role.
func (a Actor) Validate() error {
	if err := validateKey("actor.id", a.ID); err != nil {
		return err
	}
	if err := validateKey("actor.tenant", string(a.Tenant)); err != nil {
		return err
	}
	for i, r := range a.Roles {
		if err := validateKey("actor.roles", string(r)); err != nil {
			err.(*ValidationError).Field = fmt.Sprintf("actor.roles[%d]", i)
			return err
		}
	}
	return nil
}

// HasRole reports whether the actor has at least one of roles.
func (a Actor) HasRole(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// String returns "id@tenant".
func (a Actor) String() string { return a.ID + "@" + string(a.Tenant) }

func validateKey(field, s string) error {
	if plainKey(s) {
		return nil // every service call validates its actor: spare the rune walks
	}
	switch {
	case s == "":
		return &ValidationError{Field: field, Problem: "is required"}
	case len(s) > MaxKeyLength:
		return &ValidationError{Field: field, Problem: fmt.Sprintf("is %d bytes long, more than %d", len(s), MaxKeyLength)}
	case !utf8.ValidString(s):
		return &ValidationError{Field: field, Problem: "is not valid UTF-8"}
	case strings.TrimSpace(s) != s:
		return &ValidationError{Field: field, Problem: "has leading or trailing space"}
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return &ValidationError{Field: field, Problem: "contains a control character"}
	}
	return nil
}

// plainKey reports whether s is a key validateKey accepts at a glance: 1 to
// MaxKeyLength bytes of printable ASCII, neither first nor last a space. Most keys
// (tenants, user names, roles) are; the others take the full checks.
func plainKey(s string) bool {
	if len(s) == 0 || len(s) > MaxKeyLength || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := range len(s) {
		if c := s[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}
