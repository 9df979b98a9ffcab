// Package itsmtest helps host applications test code that embeds itsmkit: a fake
// clock, ready-made actors, builders that bring a record to any state through the
// real services, a builder of bare records for adapter tests that need no service,
// and assertions on transitions and refusals.
//
// It imports only the standard library and itsmkit, so a host's tests gain no
// dependency by using it.
//
//	func TestEscalation(t *testing.T) {
//		clock := itsmtest.NewClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
//		svc := itsmtest.IncidentService(t, incident.Options{Clock: clock})
//		inc := itsmtest.IncidentIn(t, svc, incident.OnHold)
//		clock.Advance(4 * time.Hour)
//		_, err := svc.Close(t.Context(), itsmtest.Agent, inc.Ref())
//		itsmtest.RequireRefused(t, err, itsm.ErrTransitionNotAllowed)
//	}
//
// An adapter's tests build records directly and store them with their journal:
//
//	incidents := itsmtest.Incidents{Tenant: "acme", Clock: clock}
//	inc := incidents.New(func(i *incident.Incident) { i.Major = true })
//	err := repo.Create(ctx, inc, itsmtest.CreatedJournal(inc))
package itsmtest
