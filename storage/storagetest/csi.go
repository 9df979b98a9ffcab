package storagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
)

func runImprovements(t *testing.T, newStore func(t *testing.T) Store) {
	tests := []struct {
		name string
		run  func(f *register)
	}{
		{"RoundTripEveryField", testItemRoundTrip},
		{"Sentinels", testItemSentinels},
		{"RefusesInvalidWrites", testItemInvalidWrites},
		{"StaleVersionConflicts", testItemStaleVersion},
		{"OneWinnerAmongConcurrentWriters", testItemOneWinner},
		{"RecordAndEventsAreAtomic", testItemAtomic},
		{"JournalOrder", testItemJournalOrder},
		{"TenantIsolation", testItemTenantIsolation},
		{"ListFiltersAndOrder", testItemListFilters},
		{"ListRejectsBadInput", testItemListInvalid},
		{"CursorStableWhileInserting", testItemCursorStability},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			if s.Improvements == nil {
				t.Skip("storagetest: the adapter has no improvement repository")
			}
			p := s.TimePrecision
			if p == 0 {
				p = time.Microsecond
			}
			tt.run(&register{t: t, repo: s.Improvements, precision: p})
		})
	}
}

// register is the fixture of the csi.Repository tests.
type register struct {
	t         *testing.T
	repo      csi.Repository
	precision time.Duration
	n         int
}

// at returns base + d at the adapter's precision.
func (f *register) at(d time.Duration) time.Time { return base.Add(d).Truncate(f.precision) }

// item returns a valid version-1 item of tenant, numbered uniquely.
func (f *register) item(tenant itsm.Tenant, change func(*csi.Item)) *csi.Item {
	f.n++
	created := f.at(time.Duration(f.n) * time.Minute)
	it := &csi.Item{
		Meta: itsm.Meta{
			ID: itsm.NewID(), Tenant: tenant, Number: fmt.Sprintf("CSI%07d", f.n),
			Version: 1, CreatedAt: created, UpdatedAt: created,
		},
		Title:        fmt.Sprintf("improvement %d", f.n),
		RegisteredBy: "agent-1",
		Service:      "svc-mail",
		Metric:       csi.MetricMTTR,
		Direction:    csi.LowerIsBetter,
		Baseline:     8, Target: 2,
		Priority: itsm.P3,
		State:    csi.New,
	}
	if change != nil {
		change(it)
	}
	return it
}

// itemEvents returns n journal entries for the item's current version.
func itemEvents(it *csi.Item, n int, typ itsm.EventType) []itsm.Event {
	out := make([]itsm.Event, n)
	for i := range out {
		out[i] = itsm.Event{
			ID: itsm.NewID(), Tenant: it.Tenant, Kind: itsm.KindImprovement, EntityID: it.ID,
			Version: it.Version, Index: i, Type: typ, Actor: "agent-1", At: it.UpdatedAt,
			Data: json.RawMessage(fmt.Sprintf(`{"title":%q,"n":%d}`, it.Title, i)),
		}
	}
	return out
}

// create stores it with one created event, failing the test on error.
func (f *register) create(it *csi.Item) *csi.Item {
	f.t.Helper()
	if err := f.repo.Create(f.t.Context(), it, itemEvents(it, 1, itsm.EventCreated)); err != nil {
		f.t.Fatalf("Create(%s): %v", it.Number, err)
	}
	return it
}

// update writes the next version of it after change, failing the test on error.
func (f *register) update(it *csi.Item, change func(*csi.Item)) *csi.Item {
	f.t.Helper()
	next := it.Clone()
	change(next)
	next.Version, next.UpdatedAt = it.Version+1, it.UpdatedAt.Add(time.Second)
	if err := f.repo.Update(f.t.Context(), next, it.Version, itemEvents(next, 1, itsm.EventUpdated)); err != nil {
		f.t.Fatalf("Update(%s v%d): %v", it.Number, it.Version, err)
	}
	return next
}

// get returns the stored item, failing the test on error.
func (f *register) get(tenant itsm.Tenant, id itsm.ID) *csi.Item {
	f.t.Helper()
	it, err := f.repo.Get(f.t.Context(), tenant, id)
	if err != nil {
		f.t.Fatalf("Get(%s): %v", id, err)
	}
	return it
}

func (f *register) requireSame(what string, want, got any) {
	f.t.Helper()
	if ok, w, g := sameJSON(want, got); !ok {
		f.t.Fatalf("%s differs after the round trip\nwant %s\n got %s", what, w, g)
	}
}

func testItemRoundTrip(f *register) {
	ctx := f.t.Context()
	it := f.item(tenantA, func(i *csi.Item) {
		i.Title = "Ünïcødé 📈 title — 東京 \"quoted\" 'single' \\ back"
		i.Description = "line one\nline two\ttabbed\r\n"
		i.RegisteredBy, i.Owner = "José Núñez", "owner@example.com"
		i.Service = "svc-ß"
		i.Metric, i.Unit, i.Direction = csi.SLAAttainment("gold:24x7"), "%", csi.HigherIsBetter
		i.Baseline, i.Target = 0.1, 99.95
		i.Measured, i.MeasuredAt = 1.0/3.0, f.at(time.Hour+123456789*time.Nanosecond)
		i.Priority, i.Due = itsm.P1, f.at(90*24*time.Hour)
		i.State = csi.Closed
		i.OnHoldReason, i.RejectionReason, i.CancelReason = "budget", "not now", "superseded"
		i.ReviewNotes, i.Outcome = "target met\nin March", csi.Achieved
		i.AcceptedAt, i.AssessedAt, i.ApprovedAt = f.at(2*time.Hour), f.at(3*time.Hour), f.at(4*time.Hour)
		i.StartedAt, i.SubmittedAt, i.ClosedAt = f.at(5*time.Hour), f.at(6*time.Hour), f.at(7*time.Hour)
	})
	want := it.Clone()
	f.create(it)
	it.Title = "changed after Create"
	got := f.get(tenantA, want.ID)
	f.requireSame("item", want, got)
	if got.CreatedAt.Location() != time.UTC || got.Due.Location() != time.UTC {
		f.t.Errorf("times come back in %v and %v, want UTC", got.CreatedAt.Location(), got.Due.Location())
	}
	got.Title = "changed after Get"
	f.requireSame("item after the caller changed what it passed and got", want, f.get(tenantA, want.ID))

	negative := f.create(f.item(tenantA, func(i *csi.Item) { i.Baseline, i.Target, i.Measured = -1e300, -2e300, 1e-300 }))
	f.requireSame("item with extreme values", negative, f.get(tenantA, negative.ID))

	evs, err := f.repo.Events(ctx, tenantA, want.ID)
	if err != nil || len(evs) != 1 {
		f.t.Fatalf("Events = %d entries, %v; want 1", len(evs), err)
	}
	if evs[0].Seq <= 0 {
		f.t.Errorf("event Seq = %d, want > 0 after commit", evs[0].Seq)
	}
	wantEv := itemEvents(want, 1, itsm.EventCreated)[0]
	wantEv.ID, wantEv.Seq = evs[0].ID, evs[0].Seq
	f.requireSame("event", wantEv, evs[0])
}

func testItemSentinels(f *register) {
	ctx := f.t.Context()
	it := f.create(f.item(tenantA, nil))
	check := func(what string, err, want error) {
		f.t.Helper()
		if !errors.Is(err, want) {
			f.t.Errorf("%s: error %v, want one matching %v", what, err, want)
		}
	}
	_, err := f.repo.Get(ctx, tenantA, itsm.NewID())
	check("Get of a missing item", err, itsm.ErrNotFound)
	_, err = f.repo.Events(ctx, tenantA, itsm.NewID())
	check("Events of a missing item", err, itsm.ErrNotFound)
	dupID := f.item(tenantA, func(i *csi.Item) { i.ID = it.ID })
	check("Create with an existing ID", f.repo.Create(ctx, dupID, itemEvents(dupID, 1, itsm.EventCreated)), itsm.ErrAlreadyExists)
	dupNumber := f.item(tenantA, func(i *csi.Item) { i.Number = it.Number })
	check("Create with an existing number", f.repo.Create(ctx, dupNumber, itemEvents(dupNumber, 1, itsm.EventCreated)), itsm.ErrAlreadyExists)
	ghost := f.item(tenantA, func(i *csi.Item) { i.Version = 2 })
	check("Update of a missing item", f.repo.Update(ctx, ghost, 1, itemEvents(ghost, 1, itsm.EventUpdated)), itsm.ErrNotFound)
	check("Create of a nil item", f.repo.Create(ctx, nil, nil), itsm.ErrInvalid)
	check("Update of a nil item", f.repo.Update(ctx, nil, 1, nil), itsm.ErrInvalid)
}

// testItemInvalidWrites: an item or journal entry that breaks Create's or Update's
// requirements is refused with ErrInvalid, and nothing is stored.
func testItemInvalidWrites(f *register) {
	ctx := f.t.Context()
	stored := f.create(f.item(tenantA, nil))
	bad := []struct {
		name  string
		spoil func(*csi.Item, []itsm.Event)
	}{
		{"no created_at", func(i *csi.Item, _ []itsm.Event) { i.CreatedAt = time.Time{} }},
		{"no updated_at", func(i *csi.Item, _ []itsm.Event) { i.UpdatedAt = time.Time{} }},
		{"no ID", func(i *csi.Item, _ []itsm.Event) { i.ID = itsm.ID{} }},
		{"an event of another kind", func(_ *csi.Item, e []itsm.Event) { e[0].Kind = itsm.KindIncident }},
		{"an event of another tenant", func(_ *csi.Item, e []itsm.Event) { e[0].Tenant = tenantB }},
		{"an event of another version", func(_ *csi.Item, e []itsm.Event) { e[0].Version++ }},
	}
	for _, tc := range bad {
		it := f.item(tenantA, nil)
		evs := itemEvents(it, 1, itsm.EventCreated)
		tc.spoil(it, evs)
		if err := f.repo.Create(ctx, it, evs); !errors.Is(err, itsm.ErrInvalid) {
			f.t.Errorf("Create with %s: %v, want ErrInvalid", tc.name, err)
		}
		next := stored.Clone()
		next.Version, next.Title = 2, "refused"
		evs = itemEvents(next, 1, itsm.EventUpdated)
		tc.spoil(next, evs)
		if err := f.repo.Update(ctx, next, 1, evs); !errors.Is(err, itsm.ErrInvalid) {
			f.t.Errorf("Update with %s: %v, want ErrInvalid", tc.name, err)
		}
	}
	skipped := f.item(tenantA, func(i *csi.Item) { i.Version = 2 })
	if err := f.repo.Create(ctx, skipped, itemEvents(skipped, 1, itsm.EventCreated)); !errors.Is(err, itsm.ErrInvalid) {
		f.t.Errorf("Create of version 2: %v, want ErrInvalid", err)
	}
	f.requireSame("the item after refused writes", stored, f.get(tenantA, stored.ID))
	if evs, err := f.repo.Events(ctx, tenantA, stored.ID); err != nil || len(evs) != 1 {
		f.t.Errorf("journal after refused writes: %d entries (%v), want 1", len(evs), err)
	}
}

func testItemStaleVersion(f *register) {
	v1 := f.create(f.item(tenantA, nil))
	v2 := f.update(v1, func(i *csi.Item) { i.State = csi.Accepted })
	stale := v1.Clone()
	stale.Version, stale.Title = 2, "lost update"
	if err := f.repo.Update(f.t.Context(), stale, 1, itemEvents(stale, 1, itsm.EventUpdated)); !errors.Is(err, itsm.ErrConflict) {
		f.t.Fatalf("Update at stale version 1: %v, want ErrConflict", err)
	}
	f.requireSame("item after a refused stale update", v2, f.get(tenantA, v1.ID))
	if v3 := f.update(v2, func(i *csi.Item) { i.Title = "third" }); v3.Version != 3 {
		f.t.Fatalf("version = %d, want 3", v3.Version)
	}
}

func testItemOneWinner(f *register) {
	v1 := f.create(f.item(tenantA, nil))
	const writers = 12
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			next := v1.Clone()
			next.Version, next.Title = 2, fmt.Sprintf("writer %d", w)
			errs[w] = f.repo.Update(f.t.Context(), next, 1, itemEvents(next, 1, itsm.EventUpdated))
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
	if got, want := f.get(tenantA, v1.ID), fmt.Sprintf("writer %d", winner); got.Version != 2 || got.Title != want {
		f.t.Errorf("stored v%d %q, want v2 %q", got.Version, got.Title, want)
	}
	if evs, err := f.repo.Events(f.t.Context(), tenantA, v1.ID); err != nil || len(evs) != 2 {
		f.t.Errorf("journal has %d entries (%v), want 2: created + the winner's update", len(evs), err)
	}
}

func testItemAtomic(f *register) {
	ctx := f.t.Context()
	it := f.create(f.item(tenantA, nil))
	refusedCreates := map[string]func(*csi.Item) []itsm.Event{
		"a duplicate number": func(i *csi.Item) []itsm.Event {
			i.Number = it.Number
			return itemEvents(i, 3, itsm.EventCreated)
		},
		"another record's event": func(i *csi.Item) []itsm.Event {
			evs := itemEvents(i, 2, itsm.EventCreated)
			evs[1].EntityID = itsm.NewID()
			return evs
		},
	}
	for name, build := range refusedCreates {
		bad := f.item(tenantA, nil)
		if err := f.repo.Create(ctx, bad, build(bad)); err == nil {
			f.t.Fatalf("Create with %s succeeded", name)
		}
		if _, err := f.repo.Get(ctx, tenantA, bad.ID); !errors.Is(err, itsm.ErrNotFound) {
			f.t.Errorf("Create refused for %s left a record: %v", name, err)
		}
		if _, err := f.repo.Events(ctx, tenantA, bad.ID); !errors.Is(err, itsm.ErrNotFound) {
			f.t.Errorf("Create refused for %s left journal entries: %v", name, err)
		}
	}

	f.update(it, func(i *csi.Item) { i.Title = "v2" })
	stale := it.Clone()
	stale.Version = 2
	_ = f.repo.Update(ctx, stale, 1, itemEvents(stale, 2, itsm.EventUpdated))
	evs, err := f.repo.Events(ctx, tenantA, it.ID)
	if err != nil || len(evs) != 2 {
		f.t.Fatalf("journal has %d entries (%v) after a refused update, want 2", len(evs), err)
	}
	if last, got := evs[len(evs)-1], f.get(tenantA, it.ID); last.Version != got.Version {
		f.t.Errorf("last event is for version %d, record is version %d", last.Version, got.Version)
	}
}

func testItemJournalOrder(f *register) {
	ctx := f.t.Context()
	it := f.create(f.item(tenantA, nil))
	other := f.create(f.item(tenantA, nil))
	for v := int64(2); v <= 5; v++ {
		next := it.Clone()
		next.Version, next.UpdatedAt = v, it.UpdatedAt.Add(time.Second)
		if err := f.repo.Update(ctx, next, it.Version, itemEvents(next, 3, itsm.EventUpdated)); err != nil {
			f.t.Fatal(err)
		}
		other = f.update(other, func(*csi.Item) {}) // interleave another record's writes
		it = next
	}
	evs, err := f.repo.Events(ctx, tenantA, it.ID)
	if err != nil || len(evs) != 1+4*3 {
		f.t.Fatalf("journal has %d entries (%v), want 13", len(evs), err)
	}
	for i := 1; i < len(evs); i++ {
		prev, e := evs[i-1], evs[i]
		if e.Version < prev.Version || (e.Version == prev.Version && e.Index != prev.Index+1) {
			f.t.Errorf("entry %d is v%d#%d after v%d#%d: want (Version, Index) order", i, e.Version, e.Index, prev.Version, prev.Index)
		}
		if e.Seq <= prev.Seq || e.EntityID != it.ID {
			f.t.Errorf("entry %d has Seq %d after %d, entity %s: want increasing Seq of %s", i, e.Seq, prev.Seq, e.EntityID, it.ID)
		}
	}
}

func testItemTenantIsolation(f *register) {
	ctx := f.t.Context()
	it := f.create(f.item(tenantA, nil))
	f.create(f.item(tenantB, func(i *csi.Item) { i.Number = it.Number })) // numbers are per tenant

	if _, err := f.repo.Get(ctx, tenantB, it.ID); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("Get from another tenant: %v, want ErrNotFound", err)
	}
	if _, err := f.repo.Events(ctx, tenantB, it.ID); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("Events from another tenant: %v, want ErrNotFound", err)
	}
	intruder := it.Clone()
	intruder.Tenant, intruder.Version, intruder.Title = tenantB, 2, "hijacked"
	if err := f.repo.Update(ctx, intruder, 1, itemEvents(intruder, 1, itsm.EventUpdated)); !errors.Is(err, itsm.ErrNotFound) {
		f.t.Errorf("Update from another tenant: %v, want ErrNotFound", err)
	}
	f.requireSame("item after another tenant's update", it, f.get(tenantA, it.ID))
	list, _, err := f.repo.List(ctx, tenantB, csi.Filter{}, csi.Page{})
	if err != nil || len(list) != 1 || list[0].Tenant != tenantB {
		f.t.Errorf("List for tenant B = %d items (%v), want tenant B's one", len(list), err)
	}
	na, _ := f.repo.NextNumber(ctx, tenantA, itsm.KindImprovement)
	nb, _ := f.repo.NextNumber(ctx, tenantB, itsm.KindImprovement)
	ni, _ := f.repo.NextNumber(ctx, tenantA, itsm.KindIncident)
	if na != 1 || nb != 1 || ni != 1 {
		f.t.Errorf("first numbers = %d (A improvement), %d (B improvement), %d (A incident); want 1 each", na, nb, ni)
	}
}

// corpus stores a varied set of items for the list tests and returns them.
func (f *register) corpus(n int) []*csi.Item {
	states := csi.States()
	var all []*csi.Item
	for k := range n {
		all = append(all, f.create(f.item(tenantA, func(i *csi.Item) {
			i.State = states[k%len(states)]
			i.Priority = itsm.Priority(1 + k%5)
			i.Service = []string{"mail", "vpn", "desk"}[k%3]
			i.Metric = []csi.Metric{csi.MetricMTTR, csi.MetricReopenRate, csi.SLAAttainment("gold"), csi.SLAAttainment("silver")}[k%4]
			i.Owner = []string{"", "ana", "bo"}[k/2%3]
			// Equal creation times on purpose: the ID must break the tie.
			i.CreatedAt = f.at(time.Duration(k/3) * time.Hour)
		})))
	}
	return all
}

func testItemListFilters(f *register) {
	all := f.corpus(60)
	f.create(f.item(tenantB, nil)) // never listed for tenant A
	pick := all[7]
	filters := map[string]csi.Filter{
		"everything":       {},
		"open states":      {States: []csi.State{csi.New, csi.InProgress, csi.OnHold, csi.Review}},
		"one state":        {States: []csi.State{csi.Closed}},
		"service":          {Service: "vpn"},
		"metric":           {Metric: csi.MetricReopenRate},
		"qualified metric": {Metric: csi.SLAAttainment("gold")},
		"owner":            {Owner: "bo"},
		"combined":         {States: []csi.State{csi.New, csi.Approved, csi.Review}, Service: "mail", Metric: csi.MetricMTTR},
		"exact record":     {States: []csi.State{pick.State}, Service: pick.Service, Metric: pick.Metric, Owner: pick.Owner},
		"nothing matches":  {Owner: "nobody"},
	}
	for name, filter := range filters {
		var want []*csi.Item
		for _, it := range all {
			if filter.Match(it) {
				want = append(want, it)
			}
		}
		slices.SortFunc(want, func(a, b *csi.Item) int { return csi.KeyOf(a).Compare(csi.KeyOf(b)) })
		for _, limit := range []int{7, 0} {
			got := f.listAll(filter, limit)
			if ok, w, g := sameJSON(itemNumbers(want), itemNumbers(got)); !ok {
				f.t.Errorf("filter %q, limit %d:\nwant %s\n got %s", name, limit, w, g)
			}
		}
	}
}

func testItemListInvalid(f *register) {
	f.corpus(3)
	bad := map[string]struct {
		filter csi.Filter
		page   csi.Page
	}{
		"unknown state":    {csi.Filter{States: []csi.State{"limbo"}}, csi.Page{}},
		"malformed metric": {csi.Filter{Metric: "Not A Metric"}, csi.Page{}},
		"negative limit":   {csi.Filter{}, csi.Page{Limit: -1}},
		"limit too large":  {csi.Filter{}, csi.Page{Limit: csi.MaxLimit + 1}},
		"garbage cursor":   {csi.Filter{}, csi.Page{Cursor: "not a cursor!"}},
	}
	for name, tc := range bad {
		if _, _, err := f.repo.List(f.t.Context(), tenantA, tc.filter, tc.page); !errors.Is(err, itsm.ErrInvalid) {
			f.t.Errorf("List with %s: %v, want ErrInvalid", name, err)
		}
	}
}

func testItemCursorStability(f *register) {
	want := map[itsm.ID]string{}
	for _, it := range f.corpus(30) {
		want[it.ID] = it.Number
	}
	list := func(cursor string) ([]itsm.ID, string, error) {
		items, next, err := f.repo.List(f.t.Context(), tenantA, csi.Filter{}, csi.Page{Limit: 4, Cursor: cursor})
		ids := make([]itsm.ID, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		return ids, next, err
	}
	insert := func(page int) {
		f.create(f.item(tenantA, func(i *csi.Item) {
			i.Priority = itsm.Priority(1 + page%5)
			i.CreatedAt = f.at(time.Duration(page) * 37 * time.Minute)
		}))
	}
	pageThrough(f.t, "improvements", want, list, insert)
}

// listAll pages through a whole listing.
func (f *register) listAll(filter csi.Filter, limit int) []*csi.Item {
	f.t.Helper()
	return listAll(f.t, limit, func(cursor string) ([]*csi.Item, string, error) {
		return f.repo.List(f.t.Context(), tenantA, filter, csi.Page{Limit: limit, Cursor: cursor})
	})
}

func itemNumbers(items []*csi.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Number
	}
	return out
}
