package incident_test

import (
	"context"
	"testing"
	"time"

	"github.com/qmuntal/stateless"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/internal/benchcmp"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// bareRecord is what the baseline stores: the fields a hand-rolled implementation
// would keep, with the state next to them.
type bareRecord struct {
	id                     itsm.ID
	state                  incident.State
	title, group, assignee string
	holdReason             incident.HoldReason
	code                   incident.ResolutionCode
	notes                  string
	version                int64
}

type bareKey struct{}

// bareMachine is bare stateless on one shared, configured-once machine whose external
// storage reads the record from the context: the baseline of PERF.md.
func bareMachine() *stateless.StateMachine {
	sm := stateless.NewStateMachineWithExternalStorage(
		func(ctx context.Context) (stateless.State, error) {
			return ctx.Value(bareKey{}).(*bareRecord).state, nil
		},
		func(ctx context.Context, s stateless.State) error {
			ctx.Value(bareKey{}).(*bareRecord).state = s.(incident.State)
			return nil
		},
		stateless.FiringImmediate)
	for _, tr := range incident.DefaultLifecycle().Transitions() {
		sm.Configure(tr.From).Permit(tr.Trigger, tr.To)
	}
	return sm
}

// benchService returns a service on a new memory store, and an agent to act.
func benchService(b *testing.B) (*incident.Service, itsm.Actor) {
	b.Helper()
	svc, err := incident.NewService(memory.New(), incident.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return svc, itsm.Actor{ID: "ana", Tenant: "bench", Roles: []itsm.Role{itsm.RoleAgent}}
}

// incidentLife runs one incident's full life through svc: open, assign, hold, resume,
// resolve, close.
func incidentLife(b *testing.B, svc *incident.Service, actor itsm.Actor) {
	ctx := context.Background()
	inc, err := svc.Open(ctx, actor, incident.OpenInput{Title: "VPN down"})
	if err == nil {
		inc, err = svc.Assign(ctx, actor, inc.Ref(), "Network", "ana")
	}
	if err == nil {
		inc, err = svc.Hold(ctx, actor, inc.Ref(), incident.AwaitingVendor)
	}
	if err == nil {
		inc, err = svc.Resume(ctx, actor, inc.Ref())
	}
	if err == nil {
		inc, err = svc.Resolve(ctx, actor, inc.Ref(), incident.SolvedPermanently, "fixed")
	}
	if err == nil {
		_, err = svc.Close(ctx, actor, inc.Ref())
	}
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkIncidentLife runs a full incident life (open, assign, hold, resume,
// resolve, close) through incident.Service on the memory store, and the same fires on
// bare stateless with a map as store, interleaved in one run. It reports the ratio of
// the two as x-stateless-map (goal ≤ 2.0).
func BenchmarkIncidentLife(b *testing.B) {
	ctx := context.Background()
	svc, actor := benchService(b)
	sm := bareMachine()
	bareStore := map[itsm.ID]bareRecord{}

	serviceLife := func() { incidentLife(b, svc, actor) }
	bareLife := func() {
		rec := &bareRecord{id: itsm.NewID(), state: incident.New, title: "VPN down", version: 1}
		bareStore[rec.id] = *rec
		rctx := context.WithValue(ctx, bareKey{}, rec)
		steps := []struct {
			t     incident.Trigger
			apply func()
		}{
			{incident.TriggerAssign, func() { rec.group, rec.assignee = "Network", "ana" }},
			{incident.TriggerHold, func() { rec.holdReason = incident.AwaitingVendor }},
			{incident.TriggerResume, func() { rec.holdReason = "" }},
			{incident.TriggerResolve, func() { rec.code, rec.notes = incident.SolvedPermanently, "fixed" }},
			{incident.TriggerClose, func() {}},
		}
		for _, s := range steps {
			if err := sm.FireCtx(rctx, s.t); err != nil {
				b.Fatal(err)
			}
			s.apply()
			rec.version++
			bareStore[rec.id] = *rec
		}
	}

	benchcmp.Report(b, "x-stateless-map", serviceLife, bareLife)
}

// BenchmarkIncidentLifeAllocs measures the service alone, for its allocation count.
func BenchmarkIncidentLifeAllocs(b *testing.B) {
	svc, actor := benchService(b)
	b.ReportAllocs()
	for b.Loop() {
		incidentLife(b, svc, actor)
	}
}

// journaledStore is a map store that does what incident.Repository's contract asks of
// any store: it hands out and takes in copies, checks the expected version, and keeps
// each record's journal.
type journaledStore struct {
	records  map[itsm.ID]*incident.Incident
	journals map[itsm.ID][]itsm.Event
}

func (s *journaledStore) get(id itsm.ID) *incident.Incident { return s.records[id].Clone() }

func (s *journaledStore) put(inc *incident.Incident, expected int64, ev itsm.Event) {
	stored, ok := s.records[inc.ID]
	switch {
	case !ok:
		stored = new(incident.Incident)
		s.records[inc.ID] = stored
	case stored.Version != expected:
		panic("version conflict")
	}
	inc.CopyTo(stored)
	if !ok {
		s.journals[inc.ID] = make([]itsm.Event, 0, 8) // room for a whole life
	}
	s.journals[inc.ID] = append(s.journals[inc.ID], ev)
}

// BenchmarkIncidentLifeJournaled runs the life of BenchmarkIncidentLife against a
// second baseline: bare stateless on the shared machine over a journaledStore, each
// write reading the clock and journaling an entry with its own ID, as the service's
// contract requires, with none of the service's checks, policies, change
// descriptions or hooks. It reports x-journaled-map: what the service costs over
// the work its contract cannot skip. It has no goal; it sizes the goal of
// x-stateless-map.
func BenchmarkIncidentLifeJournaled(b *testing.B) {
	ctx := context.Background()
	svc, actor := benchService(b)
	sm := bareMachine()
	store := &journaledStore{records: map[itsm.ID]*incident.Incident{}, journals: map[itsm.ID][]itsm.Event{}}

	serviceLife := func() { incidentLife(b, svc, actor) }
	journal := func(inc *incident.Incident, t itsm.EventType, from, to incident.State, tr incident.Trigger) itsm.Event {
		return itsm.Event{ID: itsm.NewIDAt(inc.UpdatedAt), Tenant: inc.Tenant, Kind: itsm.KindIncident, EntityID: inc.ID,
			Version: inc.Version, Type: t, Actor: actor.ID, At: inc.UpdatedAt, From: string(from), To: string(to), Trigger: string(tr)}
	}
	steps := []struct {
		t     incident.Trigger
		apply func(*incident.Incident)
	}{
		{incident.TriggerAssign, func(inc *incident.Incident) { inc.AssignmentGroup, inc.AssignedTo = "Network", "ana" }},
		{incident.TriggerHold, func(inc *incident.Incident) { inc.OnHoldReason = incident.AwaitingVendor }},
		{incident.TriggerResume, func(inc *incident.Incident) { inc.OnHoldReason = "" }},
		{incident.TriggerResolve, func(inc *incident.Incident) {
			inc.ResolutionCode, inc.ResolutionNotes, inc.ResolvedAt = incident.SolvedPermanently, "fixed", inc.UpdatedAt
		}},
		{incident.TriggerClose, func(inc *incident.Incident) { inc.ClosedAt = inc.UpdatedAt }},
	}
	journaledLife := func() {
		now := time.Now()
		inc := &incident.Incident{Title: "VPN down", State: incident.New}
		inc.ID, inc.Tenant, inc.Version, inc.CreatedAt, inc.UpdatedAt, inc.OpenedAt = itsm.NewID(), actor.Tenant, 1, now, now, now
		store.put(inc, 0, journal(inc, itsm.EventCreated, "", incident.New, ""))
		id := inc.ID
		for _, s := range steps {
			inc := store.get(id)
			from := inc.State
			rec := &bareRecord{state: from}
			if err := sm.FireCtx(context.WithValue(ctx, bareKey{}, rec), s.t); err != nil {
				b.Fatal(err)
			}
			inc.State, inc.UpdatedAt = rec.state, time.Now()
			s.apply(inc)
			inc.Version++
			store.put(inc, inc.Version-1, journal(inc, itsm.EventTransitioned, from, inc.State, s.t))
		}
	}

	benchcmp.Report(b, "x-journaled-map", serviceLife, journaledLife)
}
