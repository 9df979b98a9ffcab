package storagetest

import (
	"errors"
	"math"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

// The write contract of incident.Repository beyond the round trip: what Create,
// Update and CreateBatch refuse as invalid, what an update may not change, that an
// update clears what it sets to zero, that times come back in UTC, and that IDs are
// scoped by tenant.

// invalidWrites are records or journals every write refuses with ErrInvalid. change
// spoils the record (it is called on a valid record at the version being written);
// spoil, when set, spoils its journal entries.
var invalidWrites = []struct {
	name   string
	change func(*incident.Incident)
	spoil  func([]itsm.Event)
}{
	{"no OpenedAt", func(i *incident.Incident) { i.OpenedAt = time.Time{} }, nil},
	{"no CreatedAt", func(i *incident.Incident) { i.CreatedAt = time.Time{} }, nil},
	{"no UpdatedAt", func(i *incident.Incident) { i.UpdatedAt = time.Time{} }, nil},
	{"no ID", func(i *incident.Incident) { i.ID = itsm.ID{} }, nil},
	{"no tenant", func(i *incident.Incident) { i.Tenant = "" }, nil},
	{"an event of another record", nil, func(e []itsm.Event) { e[1].EntityID = itsm.NewID() }},
	{"an event of another tenant", nil, func(e []itsm.Event) { e[1].Tenant = tenantB }},
	{"an event of another kind", nil, func(e []itsm.Event) { e[1].Kind = itsm.KindProblem }},
	{"an event of another version", nil, func(e []itsm.Event) { e[1].Version += 7 }},
	// (Version, Index) identifies an entry and orders the journal: the entries of a
	// version are numbered 0, 1, … in the order given.
	{"two events with one index", nil, func(e []itsm.Event) { e[1].Index = e[0].Index }},
	{"events in reverse index order", nil, func(e []itsm.Event) { e[0].Index, e[1].Index = e[1].Index, e[0].Index }},
	// Custom fields hold what JSON decodes to, and nothing else: a store would give
	// back another type, or share the caller's slice or map.
	{"a custom []string", func(i *incident.Incident) { i.Custom = map[string]any{"tags": []string{"a"}} }, nil},
	{"a custom map[string]string", func(i *incident.Incident) { i.Custom = map[string]any{"m": map[string]string{"k": "v"}} }, nil},
	{"a custom int", func(i *incident.Incident) { i.Custom = map[string]any{"n": 3} }, nil},
	{"a custom NaN", func(i *incident.Incident) { i.Custom = map[string]any{"list": []any{math.NaN()}} }, nil},
	{"a custom string with a NUL byte", func(i *incident.Incident) { i.Custom = map[string]any{"s": "a\x00b"} }, nil},
}

func testInvalidWrites(f *fixture) {
	ctx := f.t.Context()
	stored := f.create(f.incident(tenantA, nil))
	spoilt := func(inc *incident.Incident, change func(*incident.Incident), spoil func([]itsm.Event), typ itsm.EventType) []itsm.Event {
		if change != nil {
			change(inc)
		}
		evs := events(inc, 2, typ)
		if spoil != nil {
			spoil(evs)
		}
		return evs
	}
	for _, tc := range invalidWrites {
		inc := f.incident(tenantA, nil)
		evs := spoilt(inc, tc.change, tc.spoil, itsm.EventCreated)
		if err := f.repo.Create(ctx, inc, evs); !errors.Is(err, itsm.ErrInvalid) {
			f.t.Errorf("Create with %s: %v, want ErrInvalid", tc.name, err)
		}
		f.absent("Create with "+tc.name, inc.Tenant, inc.ID)

		next := stored.Clone()
		next.Version, next.UpdatedAt, next.Title = 2, stored.UpdatedAt.Add(time.Second), "refused"
		evs = spoilt(next, tc.change, tc.spoil, itsm.EventUpdated)
		if err := f.repo.Update(ctx, next, 1, evs); !errors.Is(err, itsm.ErrInvalid) {
			f.t.Errorf("Update with %s: %v, want ErrInvalid", tc.name, err)
		}
	}
	skipped := stored.Clone()
	skipped.Version = 2
	if err := f.repo.Create(ctx, skipped, events(skipped, 1, itsm.EventCreated)); !errors.Is(err, itsm.ErrInvalid) {
		f.t.Errorf("Create of version 2: %v, want ErrInvalid", err)
	}
	skipped.Version = 3
	if err := f.repo.Update(ctx, skipped, 1, events(skipped, 1, itsm.EventUpdated)); !errors.Is(err, itsm.ErrInvalid) {
		f.t.Errorf("Update from version 1 to 3: %v, want ErrInvalid", err)
	}
	if err := f.repo.Create(ctx, nil, nil); !errors.Is(err, itsm.ErrInvalid) {
		f.t.Errorf("Create of a nil incident: %v, want ErrInvalid", err)
	}
	if err := f.repo.Update(ctx, nil, 1, nil); !errors.Is(err, itsm.ErrInvalid) {
		f.t.Errorf("Update of a nil incident: %v, want ErrInvalid", err)
	}
	f.unchanged("refused updates", stored, 1)
	f.update(stored, func(i *incident.Incident) { i.Title = "still writable" })
}

func testBatchInvalid(f *fixture) {
	batch, ok := f.repo.(incident.BatchRepository)
	if !ok {
		f.t.Skip("the adapter does not implement incident.BatchRepository")
	}
	ctx := f.t.Context()
	try := func(what string, bad incident.Record) {
		f.t.Helper()
		good := f.record(2, nil)
		if err := batch.CreateBatch(ctx, []incident.Record{good, bad}); !errors.Is(err, itsm.ErrInvalid) {
			f.t.Errorf("CreateBatch with %s: %v, want ErrInvalid", what, err)
		}
		f.absent("a batch refused for "+what, tenantA, good.Incident.ID)
		if bad.Incident != nil {
			f.absent("a batch refused for "+what, bad.Incident.Tenant, bad.Incident.ID)
		}
	}
	for _, tc := range invalidWrites {
		bad := f.record(2, nil)
		if tc.change != nil {
			tc.change(bad.Incident)
			for i := range bad.Journal { // still the record's own journal
				bad.Journal[i].Tenant, bad.Journal[i].EntityID = bad.Incident.Tenant, bad.Incident.ID
			}
		}
		if tc.spoil != nil {
			tc.spoil(bad.Journal)
		}
		try(tc.name, bad)
	}
	try("a nil incident", incident.Record{Journal: f.record(1, nil).Journal})
	empty := f.record(1, nil)
	empty.Journal = nil
	try("an empty journal", empty)
}

func testNumberAndKeyFixed(f *fixture) {
	ctx := f.t.Context()
	keyed := f.create(f.incident(tenantA, func(i *incident.Incident) { i.IdempotencyKey = "fixed-key" }))
	plain := f.create(f.incident(tenantA, nil))
	changes := []struct {
		name   string
		from   *incident.Incident
		change func(*incident.Incident)
	}{
		{"a new number", keyed, func(i *incident.Incident) { i.Number = "INC9999999" }},
		{"another incident's number", plain, func(i *incident.Incident) { i.Number = keyed.Number }},
		{"a new idempotency key", keyed, func(i *incident.Incident) { i.IdempotencyKey = "other-key" }},
		{"the idempotency key cleared", keyed, func(i *incident.Incident) { i.IdempotencyKey = "" }},
		{"an idempotency key set", plain, func(i *incident.Incident) { i.IdempotencyKey = "new-key" }},
	}
	for _, tc := range changes {
		next := tc.from.Clone()
		tc.change(next)
		next.Version, next.UpdatedAt, next.Title = 2, tc.from.UpdatedAt.Add(time.Second), "refused"
		if err := f.repo.Update(ctx, next, 1, events(next, 1, itsm.EventUpdated)); !errors.Is(err, itsm.ErrInvalid) {
			f.t.Errorf("Update with %s: %v, want ErrInvalid", tc.name, err)
		}
	}
	f.unchanged("updates changing the number or key", keyed, 1)
	f.unchanged("updates changing the number or key", plain, 1)
	for _, key := range []string{"other-key", "new-key"} {
		if _, err := f.repo.FindByIdempotencyKey(ctx, tenantA, key); !errors.Is(err, itsm.ErrNotFound) {
			f.t.Errorf("FindByIdempotencyKey(%q) after refused updates: %v, want ErrNotFound", key, err)
		}
	}
	found, err := f.repo.FindByIdempotencyKey(ctx, tenantA, "fixed-key")
	if err != nil || found.ID != keyed.ID {
		f.t.Errorf("FindByIdempotencyKey(%q) after refused updates = %v, %v; want %s", "fixed-key", found, err, keyed.Number)
	}
}

func testUpdateClears(f *fixture) {
	ctx := f.t.Context()
	parent := f.create(f.incident(tenantA, nil))
	full := f.create(f.incident(tenantA, func(i *incident.Incident) {
		i.Description, i.Channel = "details", incident.ChannelEmail
		i.Service, i.ConfigurationItem, i.Category, i.Subcategory = "mail", "ci-1", "network", "dns"
		i.Priority, i.PriorityOverride = itsm.P1, "board meeting"
		i.AssignmentGroup, i.AssignedTo = "Network", "ana"
		i.State, i.OnHoldReason = incident.Closed, incident.AwaitingVendor
		i.ResolutionCode, i.ResolutionNotes = incident.SolvedWorkaround, "rebooted"
		i.FirstAssignedAt, i.AcknowledgedAt = f.at(2*time.Hour), f.at(3*time.Hour)
		i.ResolvedAt, i.ClosedAt, i.ReopenedAt = f.at(4*time.Hour), f.at(5*time.Hour), f.at(6*time.Hour)
		i.ReopenCount, i.ReassignmentCount = 1, 3
		i.Parent, i.Major, i.Problem = parent.ID, true, itsm.NewID()
		i.Changes = []itsm.ID{itsm.NewID()}
		i.Custom = map[string]any{"cost": 12.5}
	}))
	cleared := f.update(full, func(i *incident.Incident) {
		i.Description, i.Channel = "", ""
		i.Service, i.ConfigurationItem, i.Category, i.Subcategory = "", "", "", ""
		i.Priority, i.PriorityOverride = itsm.P3, ""
		i.AssignmentGroup, i.AssignedTo = "", ""
		i.State, i.OnHoldReason = incident.New, ""
		i.ResolutionCode, i.ResolutionNotes = "", ""
		i.FirstAssignedAt, i.AcknowledgedAt = time.Time{}, time.Time{}
		i.ResolvedAt, i.ClosedAt, i.ReopenedAt = time.Time{}, time.Time{}, time.Time{}
		i.ReopenCount, i.ReassignmentCount = 0, 0
		i.Parent, i.Major, i.Problem = itsm.ID{}, false, itsm.ID{}
		i.Changes, i.Custom = nil, nil
	})
	got := f.get(tenantA, full.ID)
	f.requireSame("incident after an update that clears fields", cleared, got)
	if got.Changes != nil || got.Custom != nil {
		f.t.Errorf("cleared Changes and Custom come back as %#v and %#v, want nil", got.Changes, got.Custom)
	}
	// The filters see the cleared values too.
	for name, filter := range map[string]incident.Filter{
		"old problem":     {Problem: full.Problem},
		"old assignee":    {AssignedTo: full.AssignedTo},
		"old group":       {AssignmentGroup: full.AssignmentGroup},
		"old service":     {Service: full.Service},
		"old CI":          {ConfigurationItem: full.ConfigurationItem},
		"resolved before": {ResolvedBefore: f.at(100 * time.Hour)},
	} {
		list, _, err := f.repo.List(ctx, tenantA, filter, incident.Page{})
		if err != nil {
			f.t.Fatalf("List by %s: %v", name, err)
		}
		for _, inc := range list {
			if inc.ID == full.ID {
				f.t.Errorf("List by %s still returns %s after the update cleared it", name, full.Number)
			}
		}
	}
}

func testTimesInUTC(f *fixture) {
	ctx := f.t.Context()
	east := time.FixedZone("UTC+05:30", 5*3600+30*60)
	west := time.FixedZone("UTC-08:00", -8*3600)
	inZone := func(inc *incident.Incident, loc *time.Location) {
		for _, t := range times(inc) {
			*t = t.In(loc)
		}
	}
	inUTC := func(inc *incident.Incident) *incident.Incident {
		c := inc.Clone()
		for _, t := range times(c) {
			*t = t.UTC()
		}
		return c
	}
	check := func(what string, want, got *incident.Incident) {
		f.t.Helper()
		f.requireSame(what, want, got)
		for i, t := range times(got) {
			if loc := t.Location(); loc != time.UTC {
				f.t.Errorf("%s: time %d (%v) comes back in %v, want UTC", what, i, *t, loc)
			}
		}
	}
	inc := f.incident(tenantA, func(i *incident.Incident) {
		i.FirstAssignedAt, i.AcknowledgedAt = f.at(2*time.Hour), f.at(3*time.Hour)
		i.ResolvedAt, i.ClosedAt, i.ReopenedAt = f.at(4*time.Hour), f.at(5*time.Hour), f.at(6*time.Hour)
		inZone(i, east)
	})
	want := inUTC(inc)
	f.create(inc)
	check("incident written in UTC+05:30", want, f.get(tenantA, inc.ID))

	next := inc.Clone()
	next.Version, next.UpdatedAt = 2, next.UpdatedAt.Add(20*time.Hour) // another day in UTC-08:00
	inZone(next, west)
	if err := f.repo.Update(ctx, next, 1, events(next, 1, itsm.EventUpdated)); err != nil {
		f.t.Fatalf("Update: %v", err)
	}
	want = inUTC(next)
	check("incident updated in UTC-08:00", want, f.get(tenantA, inc.ID))
	listed, _, err := f.repo.List(ctx, tenantA, incident.Filter{
		OpenedFrom: want.OpenedAt.In(west), OpenedTo: want.OpenedAt.Add(f.precision).In(east),
	}, incident.Page{})
	if err != nil || len(listed) != 1 {
		f.t.Fatalf("List by an opened range given in other zones = %d incidents, %v; want 1", len(listed), err)
	}
	check("listed incident", want, listed[0])

	evs := f.journal(tenantA, inc.ID)
	wantAts := []time.Time{inc.UpdatedAt, next.UpdatedAt}
	if len(evs) != len(wantAts) {
		f.t.Fatalf("journal has %d entries, want %d", len(evs), len(wantAts))
	}
	for i, e := range evs {
		if wantAt := wantAts[i]; !e.At.Equal(wantAt) || e.At.Location() != time.UTC {
			f.t.Errorf("event %d: At = %v, want %v in UTC", i, e.At, wantAt.UTC())
		}
	}
}

func testSameIDAcrossTenants(f *fixture) {
	ctx := f.t.Context()
	a := f.create(f.incident(tenantA, func(i *incident.Incident) { i.IdempotencyKey = "same-key" }))
	// Tenant B may hold a record with the same ID (and number and key): it is B's own.
	b := f.create(f.incident(tenantB, func(i *incident.Incident) {
		i.ID, i.Number, i.IdempotencyKey, i.Title = a.ID, a.Number, "same-key", "tenant B's own"
	}))
	f.unchanged("tenant A's incident after tenant B created one with its ID", a, 1)
	f.unchanged("tenant B's incident", b, 1)
	for _, tenant := range []itsm.Tenant{tenantA, tenantB} {
		for _, e := range f.journal(tenant, a.ID) {
			if e.Tenant != tenant {
				f.t.Errorf("the journal of tenant %s's incident holds an entry of tenant %s", tenant, e.Tenant)
			}
		}
	}
	// Each is written without touching the other: versions are per record.
	b2 := f.update(b, func(i *incident.Incident) { i.Title = "tenant B's second" })
	f.unchanged("tenant A's incident after tenant B updated its own", a, 1)
	a2 := f.update(a, func(i *incident.Incident) { i.Title = "tenant A's second" })
	f.unchanged("tenant B's incident after tenant A updated its own", b2, 2)
	f.unchanged("tenant A's incident", a2, 2)

	// Within tenant B the ID is now taken.
	dup := f.incident(tenantB, func(i *incident.Incident) { i.ID = a.ID })
	if err := f.repo.Create(ctx, dup, events(dup, 1, itsm.EventCreated)); !errors.Is(err, itsm.ErrAlreadyExists) {
		f.t.Errorf("Create in tenant B with the ID of B's incident: %v, want ErrAlreadyExists", err)
	}
	f.unchanged("tenant B's incident after a refused duplicate", b2, 2)
}
