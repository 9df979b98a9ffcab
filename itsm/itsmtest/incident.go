package itsmtest

import (
	"testing"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// IncidentService returns an incident service on a fresh in-memory store, failing the
// test if the options are rejected.
func IncidentService(t testing.TB, opts incident.Options) *incident.Service {
	t.Helper()
	svc, err := incident.NewService(memory.New(), opts)
	if err != nil {
		t.Fatalf("itsmtest: incident.NewService: %v", err)
	}
	return svc
}

// OpenIncident opens an incident as Agent with a default title, after applying
// change to the input (change may be nil).
func OpenIncident(t testing.TB, svc *incident.Service, change func(*incident.OpenInput)) *incident.Incident {
	t.Helper()
	in := incident.OpenInput{Title: "Printer on fire", Caller: Caller.ID, Channel: incident.ChannelPhone}
	if change != nil {
		change(&in)
	}
	inc, err := svc.Open(t.Context(), Agent, in)
	if err != nil {
		t.Fatalf("itsmtest: open incident: %v", err)
	}
	return inc
}

// IncidentIn opens an incident and drives it to state through the service's normal
// guarded path, as Agent: New, InProgress (assigned), OnHold (awaiting caller),
// Resolved (solved permanently), Closed or Canceled.
func IncidentIn(t testing.TB, svc *incident.Service, state incident.State) *incident.Incident {
	t.Helper()
	inc := OpenIncident(t, svc, nil)
	ctx := t.Context()
	step := func(next *incident.Incident, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("itsmtest: driving %s to %s: %v", inc.Number, state, err)
		}
		inc = next
	}
	paths := map[incident.State][]func(){
		incident.New:        nil,
		incident.InProgress: {func() { step(svc.Assign(ctx, Agent, inc.Ref(), "Service Desk", Agent.ID)) }},
		incident.OnHold: {
			func() { step(svc.Assign(ctx, Agent, inc.Ref(), "Service Desk", Agent.ID)) },
			func() { step(svc.Hold(ctx, Agent, inc.Ref(), incident.AwaitingCaller)) },
		},
		incident.Resolved: {
			func() { step(svc.Assign(ctx, Agent, inc.Ref(), "Service Desk", Agent.ID)) },
			func() { step(svc.Resolve(ctx, Agent, inc.Ref(), incident.SolvedPermanently, "fixed")) },
		},
		incident.Closed: {
			func() { step(svc.Assign(ctx, Agent, inc.Ref(), "Service Desk", Agent.ID)) },
			func() { step(svc.Resolve(ctx, Agent, inc.Ref(), incident.SolvedPermanently, "fixed")) },
			func() { step(svc.Close(ctx, Agent, inc.Ref())) },
		},
		incident.Canceled: {func() { step(svc.Cancel(ctx, Agent, inc.Ref(), "opened in error")) }},
	}
	path, ok := paths[state]
	if !ok {
		t.Fatalf("itsmtest: IncidentIn: no path to state %q", state)
	}
	for _, do := range path {
		do()
	}
	return inc
}
