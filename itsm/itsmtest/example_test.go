package itsmtest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// printT stands in for the *testing.T of a host's test, so that the examples can show
// a failure: it prints what the test would report. A real *testing.T stops the test at
// the first Fatalf; printT lets the example go on.
type printT struct{ testing.TB }

func (printT) Helper() {}

func (printT) Context() context.Context { return context.Background() }

func (printT) Fatalf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }

func ExampleClock() {
	clock := itsmtest.NewClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	svc, err := incident.NewService(memory.New(), incident.Options{Clock: clock})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	inc, _ := svc.Open(ctx, itsmtest.Agent, incident.OpenInput{Title: "VPN down"})

	clock.Advance(90 * time.Minute) // no sleep: the service reads only the fake clock
	inc, _ = svc.Assign(ctx, itsmtest.Agent, inc.Ref(), "Network", itsmtest.Agent.ID)
	fmt.Println("opened  ", inc.OpenedAt.Format(time.Kitchen))
	fmt.Println("assigned", inc.FirstAssignedAt.Format(time.Kitchen), "after", inc.FirstAssignedAt.Sub(inc.OpenedAt))

	clock.Set(time.Date(2026, 1, 6, 8, 0, 0, 0, time.UTC))
	fmt.Println("now     ", clock.Now().Format(time.DateTime))
	// Output:
	// opened   9:00AM
	// assigned 10:30AM after 1h30m0s
	// now      2026-01-06 08:00:00
}

func ExampleRequireTransition() {
	var t testing.TB = printT{} // in a test: the test's t
	svc, _ := incident.NewService(memory.New(), incident.Options{})
	inc := itsmtest.IncidentIn(t, svc, incident.OnHold)
	journal, _ := svc.History(context.Background(), itsmtest.Agent, inc.ID)

	itsmtest.RequireTransition(t, journal, incident.InProgress, incident.OnHold) // passes
	fmt.Println(itsmtest.Transitions(journal))

	itsmtest.RequireTransition(t, journal, incident.InProgress, incident.Resolved) // fails
	// Output:
	// [new→in_progress in_progress→on_hold]
	// FAIL: last journal entry is transitioned "in_progress" → "on_hold" (trigger "hold"), want transition "in_progress" → "resolved"
}

func ExampleIncidents() {
	ctx := context.Background()
	clock := itsmtest.NewClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	incidents := itsmtest.Incidents{Tenant: "acme", Clock: clock}

	// An adapter's test stores bare incidents with their journal, no service involved.
	repo := memory.New()
	for _, major := range []bool{false, true} {
		inc := incidents.New(func(i *incident.Incident) { i.Major = major })
		if err := repo.Create(ctx, inc, itsmtest.CreatedJournal(inc)); err != nil {
			panic(err)
		}
		got, _ := repo.Get(ctx, "acme", inc.ID)
		fmt.Println(got.Number, got.Tenant, got.State, got.Priority, got.Version, got.OpenedAt.Format(time.RFC3339), got.Major)
	}
	// Output:
	// INC0000001 acme new P5 Planning 1 2026-01-05T09:00:00Z false
	// INC0000002 acme new P5 Planning 1 2026-01-05T09:00:00Z true
}

func ExampleCreatedJournal() {
	var incidents itsmtest.Incidents
	inc := incidents.New(func(i *incident.Incident) { i.Title = "Mail down" })
	journal := itsmtest.CreatedJournal(inc)
	fmt.Println(len(journal), journal[0].Type, journal[0].Version, journal[0].Actor, journal[0].To)

	// The journal folds back into the incident, as a service's does.
	folded, _ := incident.Fold(journal)
	fmt.Println(folded.Number, folded.Title, folded.ID == inc.ID)
	// Output:
	// 1 created 1 agent new
	// INC0000001 Mail down true
}
