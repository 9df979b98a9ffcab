package itsmtest

import (
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// defaultTitle is the title of every incident the builders make unless told otherwise.
const defaultTitle = "Printer on fire"

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
	in := incident.OpenInput{Title: defaultTitle, Caller: Caller.ID, Channel: incident.ChannelPhone}
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

// Incidents builds bare incidents: valid version-1 [incident.Incident] values made
// without a service, for adapter tests and host tests that store, copy or compare
// records directly. The zero value builds incidents of [Tenant] stamped by the system
// clock and numbered INC0000001, INC0000002 … An Incidents is safe for concurrent use
// and must not be copied after first use.
type Incidents struct {
	// Tenant owns the incidents. Empty means [Tenant].
	Tenant itsm.Tenant
	// Clock stamps CreatedAt, UpdatedAt and OpenedAt. Nil means [itsm.SystemClock].
	Clock itsm.Clock
	// NumberPrefix prefixes numbers, as incident.Options.NumberPrefix does. Empty
	// means "INC". Numbers count from 1 per Incidents, as a service's count from 1 per
	// store: give a builder whose incidents share a store with a service's another
	// prefix, or its numbers collide with the service's.
	NumberPrefix string

	seq atomic.Int64
}

// New returns the next incident: a new ID, the builder's tenant, the next number,
// Version 1, CreatedAt, UpdatedAt and OpenedAt all read once from the clock, state
// New, the title "Printer on fire", [Caller] as caller, [Agent] as opener, the phone
// channel, low impact and urgency, and the priority the default matrix derives from
// them: what a service stores when [OpenIncident] opens one. change, unless nil, then
// edits the incident; its edits are not checked, so a test can build invalid records
// on purpose. Pair the result with [CreatedJournal] to store it.
func (b *Incidents) New(change func(*incident.Incident)) *incident.Incident {
	tenant := b.Tenant
	if tenant == "" {
		tenant = Tenant
	}
	prefix := b.NumberPrefix
	if prefix == "" {
		prefix = "INC"
	}
	// The zero matrix is the default one, and low/low is in it.
	priority, err := itsm.PriorityMatrix{}.Priority(itsm.ImpactLow, itsm.UrgencyLow)
	if err != nil {
		panic(err)
	}
	now := itsm.ClockOrSystem(b.Clock).Now()
	inc := &incident.Incident{
		Meta: itsm.Meta{
			ID:        itsm.NewID(),
			Tenant:    tenant,
			Number:    itsm.FormatNumber(prefix, b.seq.Add(1)),
			Version:   1,
			CreatedAt: now,
			UpdatedAt: now,
		},
		Title:    defaultTitle,
		Caller:   Caller.ID,
		OpenedBy: Agent.ID,
		Channel:  incident.ChannelPhone,
		Impact:   itsm.ImpactLow,
		Urgency:  itsm.UrgencyLow,
		Priority: priority,
		State:    incident.New,
		OpenedAt: now,
	}
	if change != nil {
		change(inc)
	}
	return inc
}

// CreatedJournal returns the journal a service writes when it opens inc: one
// [itsm.EventCreated] entry of version 1, dated inc.CreatedAt, made by inc.OpenedBy
// and moving to inc.State, whose Data holds inc's fields by their JSON names (Number
// included, the rest of [itsm.Meta] left to the entry itself). [incident.Fold] of it
// gives inc back, so it suits incident.Repository.Create with inc, or an
// incident.Record of a batch. Build it after the last edit of inc. It panics when inc
// does not encode as JSON, which only custom fields that are not JSON-safe cause.
func CreatedJournal(inc *incident.Incident) []itsm.Event {
	data, err := createdData(inc)
	if err != nil {
		panic("itsmtest: CreatedJournal: " + err.Error())
	}
	return []itsm.Event{{
		ID:       itsm.NewIDAt(inc.CreatedAt),
		Tenant:   inc.Tenant,
		Kind:     itsm.KindIncident,
		EntityID: inc.ID,
		Version:  1,
		Type:     itsm.EventCreated,
		Actor:    inc.OpenedBy,
		At:       inc.CreatedAt,
		To:       string(inc.State),
		Data:     data,
	}}
}

// createdData encodes inc as a created entry's Data: its JSON form without the Meta
// fields the entry carries itself and without the state, which the entry's To holds.
func createdData(inc *incident.Incident) (json.RawMessage, error) {
	var fields, meta map[string]json.RawMessage
	if err := remarshal(inc, &fields); err != nil {
		return nil, err
	}
	if err := remarshal(inc.Meta, &meta); err != nil {
		return nil, err
	}
	for k := range meta {
		if k != "number" {
			delete(fields, k)
		}
	}
	delete(fields, "state")
	return json.Marshal(fields)
}

// remarshal encodes v as JSON and decodes the result into out.
func remarshal(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}
