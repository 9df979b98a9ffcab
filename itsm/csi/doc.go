// Package csi is the Continual Service Improvement register: the improvements a
// service provider plans, approves, carries out and reviews, each aimed at moving one
// metric of one service from a baseline to a target.
//
// It holds the record ([Item]), its default lifecycle ([DefaultLifecycle]), who may do
// what ([Authorizer]), the [Service] with one method per use case, and the
// [Repository] port that storage adapters implement.
//
//	store := memory.New() // or another adapter
//	svc, err := csi.NewService(store.Improvements(), csi.Options{})
//	it, err := svc.Register(ctx, agent, csi.RegisterInput{
//		Title: "Faster password resets", Service: "service-desk",
//		Metric: csi.MetricMTTR, Unit: "h", Direction: csi.LowerIsBetter,
//		Baseline: 8, Target: 2,
//	})
//	it, err = svc.Accept(ctx, agent, it.Ref())
//	…
//	it, err = svc.RecordMeasurement(ctx, agent, it.Ref(), 1.5)
//	it, err = svc.SubmitForReview(ctx, agent, it.Ref())
//	it, err = svc.Close(ctx, manager, it.Ref(), "self-service reset went live")
//	// it.Outcome == csi.Achieved
//
// A [Metric] is a name such as "mttr" or "reopen_rate", optionally qualified:
// "sla_attainment:gold-24x7". The target must improve on the baseline in the item's
// [Direction]; [Item.Evaluate] compares the measured value with both. Until an item is
// approved, [Service.Revise] may change its plan: baseline, target, metric and the
// rest of what Register took. Submit and close count only a value measured after work
// started and after the last rework.
//
// Every write takes the version the caller read (in a [Ref]) and fails with
// itsm.ErrConflict when another writer got there first; it stores the new version and
// its journal entry atomically, with the changed fields as the entry's Data. Refusals
// match itsm.ErrTransitionNotAllowed, itsm.ErrForbidden or itsm.ErrInvalid and list
// every reason.
//
// The default lifecycle:
//
//	new ──accept──▶ accepted ──assess──▶ assess ──approve──▶ approved ──start──▶ in_progress
//	in_progress ⇄ on_hold (hold/resume)
//	in_progress ──submit──▶ review ──close──▶ closed
//	review ──rework──▶ in_progress
//	new, accepted, assess ──reject──▶ rejected
//	every state but the final ones ──cancel──▶ canceled
//
// A Definition draws itself with its Mermaid and DOT methods (see the example of
// DefaultLifecycle).
package csi
