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

// bareLife returns one incident's life on bare stateless: the fires of incidentLife
// on the shared machine sm, with a map of bare records as store. It is the baseline
// the issue names for x-stateless-map.
func bareLife(b *testing.B, sm *stateless.StateMachine) func() {
	ctx := context.Background()
	store := map[itsm.ID]bareRecord{}
	return func() {
		rec := &bareRecord{id: itsm.NewID(), state: incident.New, title: "VPN down", version: 1}
		store[rec.id] = *rec
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
			store[rec.id] = *rec
		}
	}
}

// BenchmarkIncidentLife runs a full incident life (open, assign, hold, resume,
// resolve, close) through incident.Service on the memory store, and the same fires on
// bare stateless with a map as store, interleaved in one run. It reports the ratio of
// the two as x-stateless-map (goal ≤ 2.0).
func BenchmarkIncidentLife(b *testing.B) {
	svc, actor := benchService(b)
	benchcmp.Report(b, "x-stateless-map", func() { incidentLife(b, svc, actor) }, bareLife(b, bareMachine()))
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
// any store, and no more, as cheaply as a hand-written store would: it hands out and
// takes in copies, checks the expected version, and appends each write's journal
// entry to a block of entries that is never reallocated.
type journaledStore struct {
	records map[itsm.ID]*incident.Incident
	block   []itsm.Event // the journal's block being filled; full ones stay where they are
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
	s.journal(ev)
}

func (s *journaledStore) journal(ev itsm.Event) {
	if len(s.block) == cap(s.block) {
		s.block = make([]itsm.Event, 0, 1024)
	}
	s.block = append(s.block, ev)
}

// lifeTriggers are the writes of incidentLife after Open, done by hand.
var lifeTriggers = []incident.Trigger{
	incident.TriggerAssign, incident.TriggerHold, incident.TriggerResume, incident.TriggerResolve, incident.TriggerClose,
}

// record sets what the write of trigger t records besides the new state. A plain
// function, not a closure per trigger, so that the compiler can see inc does not
// escape.
func record(t incident.Trigger, inc *incident.Incident) {
	switch t {
	case incident.TriggerAssign:
		inc.AssignmentGroup, inc.AssignedTo = "Network", "ana"
	case incident.TriggerHold:
		inc.OnHoldReason = incident.AwaitingVendor
	case incident.TriggerResume:
		inc.OnHoldReason = ""
	case incident.TriggerResolve:
		inc.ResolutionCode, inc.ResolutionNotes, inc.ResolvedAt = incident.SolvedPermanently, "fixed", inc.UpdatedAt
	case incident.TriggerClose:
		inc.ClosedAt = inc.UpdatedAt
	}
}

// entry is the journal entry of inc's latest write: its own ID, the clock's time.
func entry(actor itsm.Actor, inc *incident.Incident, t itsm.EventType, from, to incident.State, tr incident.Trigger) itsm.Event {
	return itsm.Event{ID: itsm.NewIDAt(inc.UpdatedAt), Tenant: inc.Tenant, Kind: itsm.KindIncident, EntityID: inc.ID,
		Version: inc.Version, Type: t, Actor: actor.ID, At: inc.UpdatedAt, From: string(from), To: string(to), Trigger: string(tr)}
}

// opened returns a new incident as Open would store it, at version 1.
func opened(actor itsm.Actor) incident.Incident {
	now := time.Now()
	inc := incident.Incident{Title: "VPN down", State: incident.New}
	inc.ID, inc.Tenant, inc.Version, inc.CreatedAt, inc.UpdatedAt, inc.OpenedAt = itsm.NewID(), actor.Tenant, 1, now, now, now
	return inc
}

// journaledLife returns one incident's life on bare stateless over a journaledStore:
// the fires of incidentLife on the shared machine sm, each write reading the clock
// and journaling an entry with its own ID, as incident.Repository's contract
// requires, with none of the service's checks, policies, change descriptions or
// hooks.
func journaledLife(b *testing.B, sm *stateless.StateMachine, actor itsm.Actor) func() {
	ctx := context.Background()
	store := &journaledStore{records: map[itsm.ID]*incident.Incident{}}
	return func() {
		inc := opened(actor)
		store.put(&inc, 0, entry(actor, &inc, itsm.EventCreated, "", incident.New, ""))
		rec := &bareRecord{} // the machine's view of the record being fired, as in bareLife
		rctx := context.WithValue(ctx, bareKey{}, rec)
		for _, t := range lifeTriggers {
			inc := store.get(inc.ID)
			from := inc.State
			rec.state = from
			if err := sm.FireCtx(rctx, t); err != nil {
				b.Fatal(err)
			}
			inc.State, inc.UpdatedAt = rec.state, time.Now()
			record(t, inc)
			inc.Version++
			store.put(inc, inc.Version-1, entry(actor, inc, itsm.EventTransitioned, from, inc.State, t))
		}
	}
}

// valueLife is journaledLife over a map of incident values: every read and write
// copies the whole record, on the stack, and allocates nothing for it. It is what a
// store could do if the Repository handed incidents by value.
func valueLife(b *testing.B, sm *stateless.StateMachine, actor itsm.Actor) func() {
	ctx := context.Background()
	values := map[itsm.ID]incident.Incident{}
	store := &journaledStore{} // for its journal
	return func() {
		inc := opened(actor)
		values[inc.ID] = inc
		store.journal(entry(actor, &inc, itsm.EventCreated, "", incident.New, ""))
		rec := &bareRecord{}
		rctx := context.WithValue(ctx, bareKey{}, rec)
		for _, t := range lifeTriggers {
			inc := values[inc.ID]
			from := inc.State
			rec.state = from
			if err := sm.FireCtx(rctx, t); err != nil {
				b.Fatal(err)
			}
			inc.State, inc.UpdatedAt = rec.state, time.Now()
			record(t, &inc)
			inc.Version++
			values[inc.ID] = inc
			store.journal(entry(actor, &inc, itsm.EventTransitioned, from, inc.State, t))
		}
	}
}

// BenchmarkIncidentLifeJournaled runs the life of BenchmarkIncidentLife against a
// second baseline, journaledLife, and reports x-journaled-map: what the service
// costs over the work its contract cannot skip. It has no goal.
func BenchmarkIncidentLifeJournaled(b *testing.B) {
	svc, actor := benchService(b)
	benchcmp.Report(b, "x-journaled-map", func() { incidentLife(b, svc, actor) }, journaledLife(b, bareMachine(), actor))
}

// BenchmarkIncidentLifeFloor runs the hand-written lives against bareLife, and
// reports the least x-stateless-map a store can reach with no service around it:
// x-contract-floor for journaledLife, a store honouring incident.Repository's
// contract, and x-value-floor for valueLife, which keeps and copies incident values
// and allocates nothing for them. They have no goal.
func BenchmarkIncidentLifeFloor(b *testing.B) {
	_, actor := benchService(b)
	sm := bareMachine()
	b.Run("contract", func(b *testing.B) {
		benchcmp.Report(b, "x-contract-floor", journaledLife(b, sm, actor), bareLife(b, sm))
	})
	b.Run("value", func(b *testing.B) {
		benchcmp.Report(b, "x-value-floor", valueLife(b, sm, actor), bareLife(b, sm))
	})
}
