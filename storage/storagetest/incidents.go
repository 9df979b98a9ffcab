package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

const (
	tenantA itsm.Tenant = "tenant-a"
	tenantB itsm.Tenant = "tenant-b"
)

func runIncidents(t *testing.T, newStore func(t *testing.T) Store) {
	tests := []struct {
		name string
		run  func(f *fixture)
	}{
		{"RoundTripEveryField", testRoundTrip},
		{"CopiesInAndOut", testCopies},
		{"Sentinels", testSentinels},
		{"StaleVersionConflicts", testStaleVersion},
		{"OneWinnerAmongConcurrentWriters", testOneWinner},
		{"RecordAndEventsAreAtomic", testAtomic},
		{"JournalOrder", testJournalOrder},
		{"TenantIsolation", testTenantIsolation},
		{"ListFiltersAndOrders", testListFilters},
		{"ListRejectsBadInput", testListInvalid},
		{"CursorStableWhileInserting", testCursorStability},
		{"NumbersNeverRepeat", testNumbers},
		{"BatchImportIsAllOrNothing", testBatch},
		{"RefusesInvalidWrites", testInvalidWrites},
		{"BatchImportRefusesInvalidRecords", testBatchInvalid},
		{"NumberAndIdempotencyKeyNeverChange", testNumberAndKeyFixed},
		{"UpdateClearsFields", testUpdateClears},
		{"TimesComeBackInUTC", testTimesInUTC},
		{"SameIDInAnotherTenant", testSameIDAcrossTenants},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(newFixture(t, newStore))
		})
	}
}

func testRoundTrip(f *fixture) {
	ctx := f.t.Context()
	parent := f.create(f.incident(tenantA, nil))
	inc := f.incident(tenantA, func(i *incident.Incident) {
		i.Title = "Ünïcødé 🚑 title — 東京 \"quoted\" 'single' \\ back"
		i.Description = "line one\nline two\ttabbed\r\n" + string(make([]byte, 0))
		i.Caller, i.OpenedBy = "José Núñez", "agent@example.com"
		i.Channel = incident.ChannelMonitoring
		i.Service, i.ConfigurationItem = "svc-mail", "ci-exchange-01"
		i.Category, i.Subcategory = "network", "dns"
		i.Impact, i.Urgency, i.Priority = itsm.ImpactHigh, itsm.UrgencyLow, itsm.P1
		i.PriorityOverride = "board meeting in an hour"
		i.AssignmentGroup, i.AssignedTo = "Network Ops", "ana"
		i.State = incident.OnHold
		i.OnHoldReason = incident.AwaitingVendor
		i.ResolutionCode, i.ResolutionNotes = incident.SolvedWorkaround, "rebooted"
		i.FirstAssignedAt = f.at(2*time.Hour + 123456789*time.Nanosecond)
		i.AcknowledgedAt = f.at(3 * time.Hour)
		i.ResolvedAt = f.at(4 * time.Hour)
		i.ClosedAt = f.at(5 * time.Hour)
		i.ReopenedAt = f.at(6 * time.Hour)
		i.ReopenCount, i.ReassignmentCount = 2, 7
		i.Parent = parent.ID
		i.Major = true
		i.Problem = itsm.NewID()
		i.Changes = []itsm.ID{itsm.NewID(), itsm.NewID()}
		i.IdempotencyKey = "mail-42"
		i.Custom = map[string]any{
			"cost":   12.5,
			"vip":    true,
			"tags":   []any{"a", "ß", 3.0},
			"nested": map[string]any{"k": nil, "deep": map[string]any{"x": "y"}},
			"emoji":  "🙂",
		}
	})
	want := inc.Clone()
	written := events(inc, 2, itsm.EventCreated)
	written[0].Actor = "José Núñez <jose@example.com>"
	written[0].From, written[0].To = "", string(inc.State)
	written[0].Trigger, written[0].Reason = "open", "Ünïcødé 🚑 reason — 東京\n\"quoted\" \\ back"
	written[1].Type = itsm.EventCommented
	written[1].From, written[1].To = "in_progress ✓", "on_hold ⏸"
	written[1].Trigger, written[1].Reason = "hold — 保留", "awaiting vendor: Ärger mit 🚚"
	written[1].Data = nil
	wantEvs := slices.Clone(written)
	if err := f.repo.Create(ctx, inc, written); err != nil {
		f.t.Fatalf("Create: %v", err)
	}
	got, err := f.repo.Get(ctx, tenantA, inc.ID)
	if err != nil {
		f.t.Fatalf("Get: %v", err)
	}
	f.requireSame("incident", want, got)
	if got.OpenedAt.Location() != time.UTC {
		f.t.Errorf("OpenedAt comes back in %v, want UTC", got.OpenedAt.Location())
	}
	byKey, err := f.repo.FindByIdempotencyKey(ctx, tenantA, "mail-42")
	if err != nil {
		f.t.Fatalf("FindByIdempotencyKey: %v", err)
	}
	f.requireSame("incident found by idempotency key", want, byKey)

	evs, err := f.repo.Events(ctx, tenantA, inc.ID)
	if err != nil || len(evs) != len(wantEvs) {
		f.t.Fatalf("Events = %d entries, %v; want %d", len(evs), err, len(wantEvs))
	}
	for i, e := range evs {
		if e.Seq <= 0 || e.Seq != written[i].Seq {
			f.t.Errorf("event %d: stored Seq %d, Create set %d on the caller's event; want the same, > 0", i, e.Seq, written[i].Seq)
		}
		if !e.At.Equal(want.UpdatedAt) || e.At.Location() != time.UTC {
			f.t.Errorf("event %d: At = %v, want %v in UTC", i, e.At, want.UpdatedAt)
		}
		if !sameData(e.Data, wantEvs[i].Data) || (len(e.Data) == 0) != (len(wantEvs[i].Data) == 0) {
			f.t.Errorf("event %d: Data %s, want %s", i, e.Data, wantEvs[i].Data)
		}
		w := wantEvs[i]
		w.Seq, w.Data, e.Data = e.Seq, nil, nil
		f.requireSame(fmt.Sprintf("event %d", i), w, e)
	}
}

func testCopies(f *fixture) {
	ctx := f.t.Context()
	inc := f.incident(tenantA, func(i *incident.Incident) {
		i.Custom = map[string]any{"list": []any{"x"}}
		i.Changes = []itsm.ID{itsm.NewID()}
	})
	want := inc.Clone()
	f.create(inc)
	inc.Title = "changed after Create"
	inc.Custom["list"].([]any)[0] = "changed"
	inc.Changes[0] = itsm.NewID()

	got, err := f.repo.Get(ctx, tenantA, want.ID)
	if err != nil {
		f.t.Fatalf("Get: %v", err)
	}
	f.requireSame("incident after the caller changed what it passed", want, got)
	got.Title = "changed after Get"
	got.Custom["list"].([]any)[0] = "changed"
	again, err := f.repo.Get(ctx, tenantA, want.ID)
	if err != nil {
		f.t.Fatalf("Get: %v", err)
	}
	f.requireSame("incident after the caller changed what it got", want, again)

	listed, _, err := f.repo.List(ctx, tenantA, incident.Filter{}, incident.Page{})
	if err != nil || len(listed) != 1 {
		f.t.Fatalf("List = %d incidents, %v; want 1", len(listed), err)
	}
	listed[0].Title = "changed after List"
	listed[0].Custom["list"].([]any)[0] = "changed"
	again, err = f.repo.Get(ctx, tenantA, want.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	f.requireSame("incident after the caller changed what List returned", want, again)
}

func testSentinels(f *fixture) {
	ctx := f.t.Context()
	inc := f.create(f.incident(tenantA, func(i *incident.Incident) { i.IdempotencyKey = "k1" }))
	missing := itsm.NewID()
	check := func(what string, err, want error) {
		f.t.Helper()
		if !errors.Is(err, want) {
			f.t.Errorf("%s: error %v, want one matching %v", what, err, want)
		}
	}
	_, err := f.repo.Get(ctx, tenantA, missing)
	check("Get of a missing incident", err, itsm.ErrNotFound)
	_, err = f.repo.Events(ctx, tenantA, missing)
	check("Events of a missing incident", err, itsm.ErrNotFound)
	_, err = f.repo.FindByIdempotencyKey(ctx, tenantA, "nope")
	check("FindByIdempotencyKey of an unused key", err, itsm.ErrNotFound)

	dupID := f.incident(tenantA, func(i *incident.Incident) { i.ID = inc.ID })
	check("Create with an existing ID", f.repo.Create(ctx, dupID, events(dupID, 1, itsm.EventCreated)), itsm.ErrAlreadyExists)
	dupNumber := f.incident(tenantA, func(i *incident.Incident) { i.Number = inc.Number })
	check("Create with an existing number", f.repo.Create(ctx, dupNumber, events(dupNumber, 1, itsm.EventCreated)), itsm.ErrAlreadyExists)
	dupKey := f.incident(tenantA, func(i *incident.Incident) { i.IdempotencyKey = "k1" })
	check("Create with an existing idempotency key", f.repo.Create(ctx, dupKey, events(dupKey, 1, itsm.EventCreated)), itsm.ErrAlreadyExists)

	ghost := f.incident(tenantA, nil)
	ghost.Version = 2
	check("Update of a missing incident", f.repo.Update(ctx, ghost, 1, events(ghost, 1, itsm.EventUpdated)), itsm.ErrNotFound)

	// Two incidents without idempotency keys never collide on the empty key.
	f.create(f.incident(tenantA, nil))
	f.create(f.incident(tenantA, nil))
}

func testStaleVersion(f *fixture) {
	ctx := f.t.Context()
	v1 := f.create(f.incident(tenantA, nil))
	v2 := f.update(v1, func(i *incident.Incident) { i.Title = "second" })
	stale := v1.Clone()
	stale.Version, stale.Title = 2, "lost update"
	err := f.repo.Update(ctx, stale, 1, events(stale, 1, itsm.EventUpdated))
	if !errors.Is(err, itsm.ErrConflict) {
		f.t.Fatalf("Update at stale version 1: %v, want ErrConflict", err)
	}
	got, err := f.repo.Get(ctx, tenantA, v1.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	f.requireSame("incident after a refused stale update", v2, got)
	v3 := f.update(v2, func(i *incident.Incident) { i.Title = "third" })
	if v3.Version != 3 {
		f.t.Fatalf("version = %d, want 3", v3.Version)
	}
}

func testOneWinner(f *fixture) {
	ctx := f.t.Context()
	v1 := f.create(f.incident(tenantA, nil))
	const writers = 12
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			next := v1.Clone()
			next.Version, next.Title = 2, fmt.Sprintf("writer %d", w)
			errs[w] = f.repo.Update(ctx, next, 1, events(next, 1, itsm.EventUpdated))
		})
	}
	wg.Wait()
	winner := -1
	for w, err := range errs {
		switch {
		case err == nil && winner >= 0:
			f.t.Fatalf("writers %d and %d both updated version 1", winner, w)
		case err == nil:
			winner = w
		case !errors.Is(err, itsm.ErrConflict):
			f.t.Errorf("writer %d: %v, want nil or ErrConflict", w, err)
		}
	}
	if winner < 0 {
		f.t.Fatal("no writer won: one of the concurrent updates must succeed")
	}
	got, err := f.repo.Get(ctx, tenantA, v1.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if want := fmt.Sprintf("writer %d", winner); got.Version != 2 || got.Title != want {
		f.t.Errorf("stored v%d %q, want v2 %q", got.Version, got.Title, want)
	}
	evs, err := f.repo.Events(ctx, tenantA, v1.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(evs) != 2 {
		f.t.Errorf("journal has %d entries, want 2 (created + the winner's update)", len(evs))
	}
}

func testAtomic(f *fixture) {
	ctx := f.t.Context()
	inc := f.create(f.incident(tenantA, nil))

	// A refused create stores neither the record nor its events.
	dup := f.incident(tenantA, func(i *incident.Incident) { i.Number = inc.Number })
	if err := f.repo.Create(ctx, dup, events(dup, 3, itsm.EventCreated)); err == nil {
		f.t.Fatal("Create with a duplicate number succeeded")
	}
	if _, err := f.repo.Get(ctx, tenantA, dup.ID); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("refused Create left a record: %v", err)
	}
	if _, err := f.repo.Events(ctx, tenantA, dup.ID); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("refused Create left journal entries: %v", err)
	}

	// A create whose events belong to another record is refused whole.
	bad := f.incident(tenantA, nil)
	wrong := events(bad, 1, itsm.EventCreated)
	wrong[0].EntityID = itsm.NewID()
	if err := f.repo.Create(ctx, bad, wrong); !errors.Is(err, itsm.ErrInvalid) {
		f.t.Errorf("Create with another record's event: %v, want ErrInvalid", err)
	}
	if _, err := f.repo.Get(ctx, tenantA, bad.ID); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("refused Create left a record: %v", err)
	}

	// A refused update appends nothing.
	f.update(inc, func(i *incident.Incident) { i.Title = "v2" })
	stale := inc.Clone()
	stale.Version = 2
	_ = f.repo.Update(ctx, stale, 1, events(stale, 2, itsm.EventUpdated))
	evs, err := f.repo.Events(ctx, tenantA, inc.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(evs) != 2 {
		f.t.Errorf("journal has %d entries after a refused update, want 2", len(evs))
	}
	// Every stored version has its events, and the record's version is the last one.
	got, err := f.repo.Get(ctx, tenantA, inc.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Version != got.Version {
		f.t.Errorf("last event is for version %d, record is version %d", last.Version, got.Version)
	}
}

func testJournalOrder(f *fixture) {
	ctx := f.t.Context()
	inc := f.create(f.incident(tenantA, nil))
	other := f.create(f.incident(tenantA, nil))
	cur := inc
	for v := 2; v <= 5; v++ {
		next := cur.Clone()
		next.Version, next.UpdatedAt = int64(v), cur.UpdatedAt.Add(time.Second)
		written := events(next, 3, itsm.EventUpdated)
		if err := f.repo.Update(ctx, next, cur.Version, written); err != nil {
			f.t.Fatal(err)
		}
		for _, e := range written {
			if e.Seq <= 0 {
				f.t.Errorf("Update left the caller's event v%d#%d without its Seq", e.Version, e.Index)
			}
		}
		f.update(other, func(i *incident.Incident) {}) // interleave another record's writes
		other, _ = f.repo.Get(ctx, tenantA, other.ID)
		cur = next
	}
	evs, err := f.repo.Events(ctx, tenantA, inc.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(evs) != 1+4*3 {
		f.t.Fatalf("journal has %d entries, want 13", len(evs))
	}
	for i := 1; i < len(evs); i++ {
		prev, e := evs[i-1], evs[i]
		if e.Version < prev.Version || (e.Version == prev.Version && e.Index != prev.Index+1) {
			f.t.Errorf("entry %d is v%d#%d after v%d#%d: want (Version, Index) order", i, e.Version, e.Index, prev.Version, prev.Index)
		}
		if e.Seq <= prev.Seq {
			f.t.Errorf("entry %d has Seq %d after %d: want increasing", i, e.Seq, prev.Seq)
		}
		if e.EntityID != inc.ID {
			f.t.Errorf("entry %d belongs to %s", i, e.EntityID)
		}
	}
}

func testTenantIsolation(f *fixture) {
	ctx := f.t.Context()
	inc := f.create(f.incident(tenantA, func(i *incident.Incident) { i.IdempotencyKey = "shared-key" }))
	// The same number and idempotency key are free in another tenant.
	f.create(f.incident(tenantB, func(i *incident.Incident) { i.Number, i.IdempotencyKey = inc.Number, "shared-key" }))

	if _, err := f.repo.Get(ctx, tenantB, inc.ID); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("Get from another tenant: %v, want ErrNotFound", err)
	}
	if _, err := f.repo.Events(ctx, tenantB, inc.ID); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("Events from another tenant: %v, want ErrNotFound", err)
	}
	found, err := f.repo.FindByIdempotencyKey(ctx, tenantB, "shared-key")
	if err != nil || found.Tenant != tenantB {
		f.t.Errorf("FindByIdempotencyKey in tenant B = %v, %v; want tenant B's own incident", found, err)
	}
	intruder := inc.Clone()
	intruder.Tenant, intruder.Version, intruder.Title = tenantB, 2, "hijacked"
	if err := f.repo.Update(ctx, intruder, 1, events(intruder, 1, itsm.EventUpdated)); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("Update from another tenant: %v, want ErrNotFound", err)
	}
	got, _ := f.repo.Get(ctx, tenantA, inc.ID)
	if got == nil || got.Title != inc.Title || got.Version != 1 {
		f.t.Errorf("another tenant's update changed the incident: %+v", got)
	}
	list, _, err := f.repo.List(ctx, tenantB, incident.Filter{}, incident.Page{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, i := range list {
		if i.Tenant != tenantB {
			f.t.Errorf("List for tenant B returned %s of tenant %s", i.Number, i.Tenant)
		}
	}
	if len(list) != 1 {
		f.t.Errorf("List for tenant B returned %d incidents, want 1", len(list))
	}
	na, _ := f.repo.NextNumber(ctx, tenantA, itsm.KindIncident)
	nb, _ := f.repo.NextNumber(ctx, tenantB, itsm.KindIncident)
	np, _ := f.repo.NextNumber(ctx, tenantA, itsm.KindProblem)
	if na != 1 || nb != 1 || np != 1 {
		f.t.Errorf("first numbers = %d (A incident), %d (B incident), %d (A problem); want 1 each", na, nb, np)
	}
}

// corpus stores a varied set of incidents for the list tests and returns them.
func (f *fixture) corpus(n int) []*incident.Incident {
	states := incident.States()
	problem := itsm.NewID()
	var all []*incident.Incident
	for k := range n {
		inc := f.incident(tenantA, func(i *incident.Incident) {
			i.State = states[k%len(states)]
			i.Priority = itsm.Priority(1 + k%5)
			i.AssignmentGroup = []string{"", "Service Desk", "Network"}[k%3]
			i.AssignedTo = []string{"", "ana", "bo", "cy"}[k%4]
			i.Caller = []string{"caller-1", "caller-2"}[k%2]
			i.Service = []string{"", "mail", "vpn"}[k%3]
			i.ConfigurationItem = []string{"", "ci-1"}[k%2]
			if k%4 == 0 {
				i.Problem = problem
			}
			// Equal opened times on purpose: the ID must break the tie.
			i.OpenedAt = f.at(time.Duration(k/3) * time.Hour)
			i.UpdatedAt = f.at(time.Duration(n-k/2) * time.Minute)
			if i.State == incident.Resolved || i.State == incident.Closed {
				i.ResolvedAt = f.at(time.Duration(k) * time.Hour)
			}
		})
		all = append(all, f.create(inc))
	}
	return all
}

func testListFilters(f *fixture) {
	all := f.corpus(60)
	f.create(f.incident(tenantB, nil)) // never listed for tenant A
	pick := all[7]
	filters := map[string]incident.Filter{
		"everything":         {},
		"open states":        {States: []incident.State{incident.New, incident.InProgress, incident.OnHold}},
		"one state":          {States: []incident.State{incident.Resolved}},
		"priorities":         {Priorities: []itsm.Priority{itsm.P1, itsm.P2}},
		"group":              {AssignmentGroup: "Network"},
		"assignee":           {AssignedTo: "bo"},
		"caller":             {Caller: "caller-2"},
		"service":            {Service: "vpn"},
		"configuration item": {ConfigurationItem: "ci-1"},
		"problem":            {Problem: all[0].Problem},
		"opened range":       {OpenedFrom: f.at(3 * time.Hour), OpenedTo: f.at(9 * time.Hour)},
		"resolved before":    {ResolvedBefore: f.at(30 * time.Hour)},
		"combined":           {States: []incident.State{incident.New, incident.OnHold}, Priorities: []itsm.Priority{itsm.P1, itsm.P3, itsm.P5}, Caller: "caller-1"},
		"exact record":       {AssignmentGroup: pick.AssignmentGroup, AssignedTo: pick.AssignedTo, Caller: pick.Caller, Service: pick.Service, States: []incident.State{pick.State}},
		"nothing matches":    {AssignedTo: "nobody"},
	}
	for name, filter := range filters {
		for _, order := range []incident.Order{incident.ByPriority, incident.ByUpdated} {
			want := reference(all, filter, order)
			for _, limit := range []int{7, 0} {
				got := f.listAll(filter, order, limit)
				if ok, w, g := sameJSON(numbers(want), numbers(got)); !ok {
					f.t.Errorf("filter %q, order %d, limit %d:\nwant %s\n got %s", name, order, limit, w, g)
				}
			}
		}
	}
}

func testListInvalid(f *fixture) {
	ctx := f.t.Context()
	f.corpus(3)
	bad := map[string]struct {
		filter incident.Filter
		page   incident.Page
	}{
		"unknown state":      {incident.Filter{States: []incident.State{"limbo"}}, incident.Page{}},
		"unknown priority":   {incident.Filter{Priorities: []itsm.Priority{9}}, incident.Page{}},
		"empty range":        {incident.Filter{OpenedFrom: base, OpenedTo: base}, incident.Page{}},
		"negative limit":     {incident.Filter{}, incident.Page{Limit: -1}},
		"limit too large":    {incident.Filter{}, incident.Page{Limit: incident.MaxLimit + 1}},
		"garbage cursor":     {incident.Filter{}, incident.Page{Cursor: "not a cursor!"}},
		"cursor wrong order": {incident.Filter{}, incident.Page{Order: incident.ByUpdated, Cursor: incident.Cursor{Order: incident.ByPriority, Priority: itsm.P1, ID: itsm.NewID()}.String()}},
	}
	for name, tc := range bad {
		if _, _, err := f.repo.List(ctx, tenantA, tc.filter, tc.page); !errors.Is(err, itsm.ErrInvalid) {
			f.t.Errorf("List with %s: %v, want ErrInvalid", name, err)
		}
	}
}

func testCursorStability(f *fixture) {
	ctx := f.t.Context()
	want := map[itsm.ID]string{}
	for _, inc := range f.corpus(30) {
		want[inc.ID] = inc.Number
	}
	for _, order := range []incident.Order{incident.ByPriority, incident.ByUpdated} {
		list := func(cursor string) ([]itsm.ID, string, error) {
			items, next, err := f.repo.List(ctx, tenantA, incident.Filter{}, incident.Page{Limit: 4, Order: order, Cursor: cursor})
			ids := make([]itsm.ID, len(items))
			for i, inc := range items {
				ids[i] = inc.ID
			}
			return ids, next, err
		}
		insert := func(page int) {
			f.create(f.incident(tenantA, func(i *incident.Incident) {
				i.Priority = itsm.Priority(1 + page%5)
				i.OpenedAt = f.at(time.Duration(page) * 37 * time.Minute)
				i.UpdatedAt = f.at(time.Duration(page) * 3 * time.Minute)
			}))
		}
		pageThrough(f.t, fmt.Sprintf("order %d", order), want, list, insert)
	}
}

func testNumbers(f *fixture) {
	ctx := f.t.Context()
	const workers, each = 8, 25
	got := make([][]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range each {
				n, err := f.repo.NextNumber(ctx, tenantA, itsm.KindIncident)
				if err != nil {
					f.t.Errorf("NextNumber: %v", err)
					return
				}
				got[w] = append(got[w], n)
			}
		})
	}
	wg.Wait()
	all := slices.Concat(got...)
	slices.Sort(all)
	if len(all) != workers*each {
		f.t.Fatalf("got %d numbers, want %d", len(all), workers*each)
	}
	for i, n := range all {
		if i > 0 && n == all[i-1] {
			f.t.Fatalf("number %d handed out twice", n)
		}
	}
	if all[0] < 1 {
		f.t.Errorf("first number %d, want ≥ 1", all[0])
	}
	for _, w := range got {
		if !slices.IsSorted(w) {
			f.t.Errorf("one caller's numbers go backwards: %v", w)
		}
	}
}

// listAll pages through a whole listing.
func (f *fixture) listAll(filter incident.Filter, order incident.Order, limit int) []*incident.Incident {
	f.t.Helper()
	return listAll(f.t, limit, func(cursor string) ([]*incident.Incident, string, error) {
		return f.repo.List(f.t.Context(), tenantA, filter, incident.Page{Limit: limit, Order: order, Cursor: cursor})
	})
}

// reference is what List must return: the incidents Filter.Match selects, in order.
func reference(all []*incident.Incident, filter incident.Filter, order incident.Order) []*incident.Incident {
	var out []*incident.Incident
	for _, inc := range all {
		if filter.Match(inc) {
			out = append(out, inc)
		}
	}
	slices.SortFunc(out, func(a, b *incident.Incident) int {
		if incident.Less(order, incident.KeyOf(a, order), incident.KeyOf(b, order)) {
			return -1
		}
		return 1
	})
	return out
}

func numbers(incs []*incident.Incident) []string {
	out := make([]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.Number
	}
	return out
}

func testBatch(f *fixture) {
	batch, ok := f.repo.(incident.BatchRepository)
	if !ok {
		f.t.Skip("the adapter does not implement incident.BatchRepository")
	}
	ctx := f.t.Context()
	existing := f.create(f.incident(tenantA, nil))
	record := f.record
	good := []incident.Record{record(1, nil), record(4, nil), record(2, func(i *incident.Incident) { i.State = incident.Closed })}
	if err := batch.CreateBatch(ctx, good); err != nil {
		f.t.Fatalf("CreateBatch: %v", err)
	}
	for _, r := range good {
		got, err := f.repo.Get(ctx, tenantA, r.Incident.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		f.requireSame("imported incident", r.Incident, got)
		evs, err := f.repo.Events(ctx, tenantA, r.Incident.ID)
		if err != nil || len(evs) != len(r.Journal) {
			f.t.Fatalf("imported journal has %d entries (%v), want %d", len(evs), err, len(r.Journal))
		}
		for i := range evs {
			if evs[i].Version != r.Journal[i].Version || evs[i].Index != r.Journal[i].Index {
				f.t.Errorf("entry %d is v%d#%d, want v%d#%d", i, evs[i].Version, evs[i].Index, r.Journal[i].Version, r.Journal[i].Index)
			}
		}
	}

	// A duplicate number in the middle of a batch stores nothing of the batch.
	dup := record(1, func(i *incident.Incident) { i.Number = existing.Number })
	first, last := record(2, nil), record(1, nil)
	err := batch.CreateBatch(ctx, []incident.Record{first, dup, last})
	if !errors.Is(err, itsm.ErrAlreadyExists) {
		f.t.Fatalf("CreateBatch with a duplicate number: %v, want ErrAlreadyExists", err)
	}
	for _, r := range []incident.Record{first, dup, last} {
		if _, err := f.repo.Get(ctx, tenantA, r.Incident.ID); !errors.Is(err, itsm.ErrNotFound) {
			f.t.Errorf("a refused batch stored %s: %v", r.Incident.Number, err)
		}
		if _, err := f.repo.Events(ctx, tenantA, r.Incident.ID); !errors.Is(err, itsm.ErrNotFound) {
			f.t.Errorf("a refused batch left journal entries of %s: %v", r.Incident.Number, err)
		}
	}
	// The refused batch left nothing behind, numbers included: its good records
	// import now, with journals intact, and the record stored before is untouched.
	if err := batch.CreateBatch(ctx, []incident.Record{first, last}); err != nil {
		f.t.Fatalf("CreateBatch after a refused batch: %v", err)
	}
	for _, r := range []incident.Record{first, last, {Incident: existing, Journal: nil}} {
		evs, err := f.repo.Events(ctx, tenantA, r.Incident.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		if r.Journal == nil {
			if len(evs) != 1 || evs[0].Type != itsm.EventCreated {
				f.t.Errorf("the journal of %s, stored before the refused batch, is %v", r.Incident.Number, evs)
			}
			continue
		}
		if len(evs) != len(r.Journal) {
			f.t.Fatalf("re-imported %s has %d journal entries, want %d", r.Incident.Number, len(evs), len(r.Journal))
		}
		for i := range evs {
			if !sameData(evs[i].Data, r.Journal[i].Data) {
				f.t.Errorf("re-imported %s entry %d has Data %s, want %s", r.Incident.Number, i, evs[i].Data, r.Journal[i].Data)
			}
		}
	}

	// Two records of one batch collide like a record and a stored one.
	twin := record(1, func(i *incident.Incident) { i.Number = first.Incident.Number + "-twin" })
	twinToo := record(1, func(i *incident.Incident) { i.Number = twin.Incident.Number })
	if err := batch.CreateBatch(ctx, []incident.Record{twin, twinToo}); !errors.Is(err, itsm.ErrAlreadyExists) {
		f.t.Errorf("CreateBatch with one number twice: %v, want ErrAlreadyExists", err)
	}
	f.absent("a batch refused for a number given twice", tenantA, twin.Incident.ID)
	f.absent("a batch refused for a number given twice", tenantA, twinToo.Incident.ID)

	// A journal that does not end at the record's version is invalid.
	bad := record(3, nil)
	bad.Incident.Version = 5
	if err := batch.CreateBatch(ctx, []incident.Record{bad}); !errors.Is(err, itsm.ErrInvalid) {
		f.t.Errorf("CreateBatch with a journal ending before the record's version: %v, want ErrInvalid", err)
	}
}
