// Package incident is the incident management practice: restoring normal service as
// quickly as possible after an unplanned interruption.
//
// It holds the record ([Incident]), its default lifecycle ([DefaultLifecycle], in
// ServiceNow's vocabulary), who may do what ([Authorizer]), the [Service] with one
// method per use case, and the [Repository] port that storage adapters implement.
//
//	store := memory.New() // or the Incidents() of a storage/sqlstore store
//	svc, err := incident.NewService(store, incident.Options{})
//	inc, err := svc.Open(ctx, agent, incident.OpenInput{Title: "VPN down", Impact: itsm.ImpactHigh})
//	inc, err = svc.Assign(ctx, agent, inc.Ref(), "Network", "ana")
//	inc, err = svc.Resolve(ctx, agent, inc.Ref(), incident.SolvedPermanently, "router replaced")
//
// Every write takes the version the caller read (in a [Ref]) and fails with
// itsm.ErrConflict when another writer got there first; it stores the new version and
// its journal entries atomically. Refusals match itsm.ErrTransitionNotAllowed,
// itsm.ErrForbidden or itsm.ErrInvalid and list every reason.
//
// The default lifecycle:
//
//	new ──assign/start──▶ in_progress ⇄ on_hold (hold/resume)
//	in_progress, on_hold ──resolve──▶ resolved ──close──▶ closed
//	resolved ──reopen──▶ in_progress
//	new, in_progress, on_hold ──cancel──▶ canceled
package incident
