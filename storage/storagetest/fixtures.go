package storagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

// base is the time every fixture counts from: a round, zone-free instant.
var base = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

type fixture struct {
	t         *testing.T
	repo      incident.Repository
	precision time.Duration
	n         int
}

func newFixture(t *testing.T, newStore func(t *testing.T) Store) *fixture {
	t.Helper()
	s := newStore(t)
	if s.Incidents == nil {
		t.Skip("storagetest: the adapter has no incident repository")
	}
	p := s.TimePrecision
	if p == 0 {
		p = time.Microsecond
	}
	return &fixture{t: t, repo: s.Incidents, precision: p}
}

// at returns base + d at the adapter's precision.
func (f *fixture) at(d time.Duration) time.Time { return base.Add(d).Truncate(f.precision) }

// incident returns a valid version-1 incident of tenant, numbered uniquely.
func (f *fixture) incident(tenant itsm.Tenant, change func(*incident.Incident)) *incident.Incident {
	f.n++
	opened := f.at(time.Duration(f.n) * time.Minute)
	inc := &incident.Incident{
		Meta: itsm.Meta{
			ID: itsm.NewID(), Tenant: tenant, Number: fmt.Sprintf("INC%07d", f.n),
			Version: 1, CreatedAt: opened, UpdatedAt: opened,
		},
		Title:    fmt.Sprintf("incident %d", f.n),
		Caller:   "caller-1",
		OpenedBy: "agent-1",
		Impact:   itsm.ImpactMedium, Urgency: itsm.UrgencyMedium, Priority: itsm.P3,
		State:    incident.New,
		OpenedAt: opened,
	}
	if change != nil {
		change(inc)
	}
	return inc
}

// events returns n journal entries for inc's current version.
func events(inc *incident.Incident, n int, typ itsm.EventType) []itsm.Event {
	out := make([]itsm.Event, n)
	for i := range out {
		out[i] = itsm.Event{
			ID: itsm.NewID(), Tenant: inc.Tenant, Kind: itsm.KindIncident, EntityID: inc.ID,
			Version: inc.Version, Index: i, Type: typ, Actor: "agent-1", At: inc.UpdatedAt,
			Data: json.RawMessage(fmt.Sprintf(`{"title":%q,"n":%d}`, inc.Title, i)),
		}
	}
	return out
}

// create stores inc with one created event, failing the test on error.
func (f *fixture) create(inc *incident.Incident) *incident.Incident {
	f.t.Helper()
	ev := events(inc, 1, itsm.EventCreated)
	ev[0].To = string(inc.State)
	if err := f.repo.Create(f.t.Context(), inc, ev); err != nil {
		f.t.Fatalf("Create(%s): %v", inc.Number, err)
	}
	return inc
}

// update writes the next version of inc after change, failing the test on error.
func (f *fixture) update(inc *incident.Incident, change func(*incident.Incident)) *incident.Incident {
	f.t.Helper()
	next := inc.Clone()
	change(next)
	next.Version = inc.Version + 1
	next.UpdatedAt = inc.UpdatedAt.Add(time.Second)
	if err := f.repo.Update(f.t.Context(), next, inc.Version, events(next, 1, itsm.EventUpdated)); err != nil {
		f.t.Fatalf("Update(%s v%d): %v", inc.Number, inc.Version, err)
	}
	return next
}

// record returns a new incident of tenant A with a journal of versions versions, two
// entries each, as a batch import writes it.
func (f *fixture) record(versions int, change func(*incident.Incident)) incident.Record {
	inc := f.incident(tenantA, change)
	var journal []itsm.Event
	for v := 1; v <= versions; v++ {
		inc.Version = int64(v)
		journal = append(journal, events(inc, 2, itsm.EventUpdated)...)
	}
	return incident.Record{Incident: inc, Journal: journal}
}

// get returns the stored incident, failing the test on error.
func (f *fixture) get(tenant itsm.Tenant, id itsm.ID) *incident.Incident {
	f.t.Helper()
	inc, err := f.repo.Get(f.t.Context(), tenant, id)
	if err != nil {
		f.t.Fatalf("Get(%s, %s): %v", tenant, id, err)
	}
	return inc
}

// journal returns the incident's stored journal, failing the test on error.
func (f *fixture) journal(tenant itsm.Tenant, id itsm.ID) []itsm.Event {
	f.t.Helper()
	evs, err := f.repo.Events(f.t.Context(), tenant, id)
	if err != nil {
		f.t.Fatalf("Events(%s, %s): %v", tenant, id, err)
	}
	return evs
}

// unchanged fails unless the stored incident is still want, with a journal of
// entries entries: what a refused write must leave.
func (f *fixture) unchanged(what string, want *incident.Incident, entries int) {
	f.t.Helper()
	f.requireSame(what+": stored incident", want, f.get(want.Tenant, want.ID))
	if evs := f.journal(want.Tenant, want.ID); len(evs) != entries {
		f.t.Errorf("%s: journal has %d entries, want %d", what, len(evs), entries)
	}
}

// absent fails unless the tenant has neither an incident id nor its journal: what a
// refused create must leave.
func (f *fixture) absent(what string, tenant itsm.Tenant, id itsm.ID) {
	f.t.Helper()
	if _, err := f.repo.Get(f.t.Context(), tenant, id); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("%s stored the incident: Get answers %v, want ErrNotFound", what, err)
	}
	if _, err := f.repo.Events(f.t.Context(), tenant, id); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("%s stored journal entries: Events answers %v, want ErrNotFound", what, err)
	}
}

// times returns pointers to every time of inc.
func times(inc *incident.Incident) []*time.Time {
	return []*time.Time{
		&inc.CreatedAt, &inc.UpdatedAt, &inc.OpenedAt, &inc.FirstAssignedAt, &inc.AcknowledgedAt,
		&inc.ResolvedAt, &inc.ClosedAt, &inc.ReopenedAt,
	}
}

// sameJSON reports whether a and b encode identically, and both encodings. JSON
// comparison checks every field, the zone of every time (UTC encodes as "Z") and the
// custom fields' values and types.
func sameJSON(a, b any) (bool, string, string) {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb), string(ja), string(jb)
}

// sameData reports whether two event Data hold the same JSON value; stores may
// reformat it (PostgreSQL's jsonb orders keys its own way).
func sameData(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(va, vb)
}

func (f *fixture) requireSame(what string, want, got any) {
	f.t.Helper()
	if ok, w, g := sameJSON(want, got); !ok {
		f.t.Fatalf("%s differs after the round trip\nwant %s\n got %s", what, w, g)
	}
}
