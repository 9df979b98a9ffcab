// Package itsm is the shared kernel of itsmkit: the small vocabulary every practice
// (incident, problem, change, catalog) and every storage adapter speaks.
//
// It holds identifiers ([ID], [Tenant], [Actor]), the priority model ([Impact],
// [Urgency], [Priority] and the [PriorityMatrix] that derives one from the other two),
// injected time ([Clock]), the journal entry every write appends ([Event]), the
// metadata embedded in every record ([Meta]) and the errors the whole module returns:
// sentinels to test with [errors.Is] and typed errors to inspect with [errors.As].
//
// The package imports only the standard library and github.com/google/uuid, so it can
// be imported from anywhere without cycles.
//
//	actor := itsm.Actor{ID: "alice", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
//	if err := actor.Validate(); err != nil {
//		// errors.Is(err, itsm.ErrInvalid)
//	}
//	p, _ := itsm.DefaultPriorityMatrix().Priority(itsm.ImpactHigh, itsm.UrgencyMedium)
//	fmt.Println(p) // P2 High
package itsm
