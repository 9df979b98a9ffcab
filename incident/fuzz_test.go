package incident_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// FuzzOpen feeds arbitrary input to Open: it either refuses with ErrInvalid and
// stores nothing, or stores exactly what it was given.
func FuzzOpen(f *testing.F) {
	f.Add("VPN down", "details\nmore", "bob", "phone", `{"cost":1}`, uint8(1), uint8(2))
	f.Add("", "", "", "", "", uint8(0), uint8(0))
	f.Add("nul\x00", "\xff", "x", "pigeon", `{"":1}`, uint8(9), uint8(4))
	f.Add("ok", "", "", "", `[1,2]`, uint8(3), uint8(1))
	f.Fuzz(func(t *testing.T, title, description, caller, channel, custom string, impact, urgency uint8) {
		store := memory.New()
		svc, err := incident.NewService(store, incident.Options{Clock: itsmtest.NewClock(time.Unix(0, 0))})
		if err != nil {
			t.Fatal(err)
		}
		var fields map[string]any
		_ = json.Unmarshal([]byte(custom), &fields)
		in := incident.OpenInput{
			Title: title, Description: description, Caller: caller, Channel: incident.Channel(channel),
			Impact: itsm.Impact(impact), Urgency: itsm.Urgency(urgency), Custom: fields,
		}
		inc, err := svc.Open(t.Context(), itsmtest.Agent, in)
		stored, _, listErr := store.List(t.Context(), itsmtest.Tenant, incident.Filter{}, incident.Page{})
		if listErr != nil {
			t.Fatal(listErr)
		}
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("Open refused with %v, want ErrInvalid", err)
			}
			if len(stored) != 0 {
				t.Fatalf("refused input stored %d incidents", len(stored))
			}
			return
		}
		if len(stored) != 1 || stored[0].Title != title || stored[0].Description != description {
			t.Fatalf("stored %+v, want the input back", stored)
		}
		if inc.Priority == 0 || !inc.Priority.Valid() {
			t.Fatalf("stored priority %v", inc.Priority)
		}
	})
}

// FuzzUpdate feeds arbitrary descriptive fields to Update: it either refuses with
// ErrInvalid and changes nothing, or stores exactly what it was given, journaled so
// that folding the journal rebuilds the record. An empty string leaves its field
// out of the update, so that both set and kept fields are tried.
func FuzzUpdate(f *testing.F) {
	f.Add("Printer on fire, floor 3", "smoke\nflames", "printing", "prn-3f-01", "hardware", "printer", "email")
	f.Add("", "", "", "", "", "", "")
	f.Add(" ", "nul\x00", "two\nlines", "\xff", "bell\a", "ok", "pigeon")
	f.Add("Printer on fire", "", "", "", "", "", "phone")
	f.Fuzz(func(t *testing.T, title, description, service, ci, category, subcategory, channel string) {
		store := memory.New()
		svc, err := incident.NewService(store, incident.Options{Clock: itsmtest.NewClock(time.Unix(0, 0))})
		if err != nil {
			t.Fatal(err)
		}
		inc := itsmtest.OpenIncident(t, svc, nil)
		opt := func(s string) *string {
			if s == "" {
				return nil
			}
			return &s
		}
		in := incident.UpdateInput{
			Title: opt(title), Description: opt(description), Service: opt(service),
			ConfigurationItem: opt(ci), Category: opt(category), Subcategory: opt(subcategory),
		}
		if channel != "" {
			in.Channel = (*incident.Channel)(opt(channel))
		}
		got, err := svc.Update(t.Context(), itsmtest.Agent, inc.Ref(), in)
		stored, serr := store.Get(t.Context(), inc.Tenant, inc.ID)
		if serr != nil {
			t.Fatal(serr)
		}
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("Update refused with %v, want ErrInvalid", err)
			}
			if stored.Version != inc.Version {
				t.Fatalf("refused input stored version %d", stored.Version)
			}
			return
		}
		want := *inc
		want.Title, want.Description, want.Service = cmp.Or(title, want.Title), cmp.Or(description, want.Description), cmp.Or(service, want.Service)
		want.ConfigurationItem, want.Category, want.Subcategory = cmp.Or(ci, want.ConfigurationItem), cmp.Or(category, want.Category), cmp.Or(subcategory, want.Subcategory)
		want.Channel = cmp.Or(incident.Channel(channel), want.Channel)
		if got.Title != want.Title || got.Description != want.Description || got.Service != want.Service ||
			got.ConfigurationItem != want.ConfigurationItem || got.Category != want.Category ||
			got.Subcategory != want.Subcategory || got.Channel != want.Channel {
			t.Fatalf("Update stored %+v, want the input over %+v", got, inc)
		}
		journal, err := store.Events(t.Context(), inc.Tenant, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		folded, err := incident.Fold(journal)
		if err != nil {
			t.Fatal(err)
		}
		if mustJSON(t, folded) != mustJSON(t, stored) {
			t.Fatalf("folding the journal does not rebuild the record:\nstored %s\nfolded %s", mustJSON(t, stored), mustJSON(t, folded))
		}
	})
}

// FuzzListFilter checks that List, for any filter and page, refuses exactly the
// malformed ones with ErrInvalid and otherwise, followed page by page to the end,
// returns exactly the matching incidents of the actor's tenant, in order, each once.
func FuzzListFilter(f *testing.F) {
	after := incident.Cursor{Order: incident.ByPriority, Priority: itsm.P2, OpenedAt: listEpoch.Add(2 * time.Hour), ID: listProblems[1]}
	f.Add("new,on_hold", []byte{2, 4}, "Network", "", "", "", "", uint8(0), int16(0), int16(0), int16(0), int8(2), uint8(0), "")
	f.Add("", []byte{}, "", "", "", "", "", uint8(0), int16(0), int16(0), int16(0), int8(1), uint8(1), "")
	f.Add("resolved,closed", []byte{1, 5}, "", "ana", "", "", "", uint8(0), int16(0), int16(0), int16(24), int8(1), uint8(1), "")
	f.Add("", []byte{}, "", "", "", "vpn", "db-7", uint8(2), int16(15), int16(0), int16(0), int8(1), uint8(0), "")
	f.Add("", []byte{}, "", "", "caller", "", "", uint8(0), int16(3), int16(12), int16(0), int8(2), uint8(0), "")
	f.Add("", []byte{2, 5}, "", "", "", "", "", uint8(0), int16(-1), int16(0), int16(0), int8(4), uint8(0), after.String())
	f.Add("", []byte{}, "", "", "", "", "", uint8(3), int16(0), int16(1), int16(0), int8(0), uint8(1), "")
	f.Add("limbo", []byte{9}, "", "ana", "", "", "", uint8(0), int16(0), int16(0), int16(0), int8(-1), uint8(1), "garbage")
	f.Add("new,", []byte{0}, "", "", "", "", "", uint8(0), int16(6), int16(6), int16(0), int8(0), uint8(7), "")
	f.Add("", []byte{}, "", "", "", "", "", uint8(0), int16(0), int16(0), int16(0), int8(5), uint8(1), after.String())
	f.Fuzz(func(t *testing.T, states string, priorities []byte, group, assignee, caller, service, ci string,
		problem uint8, openedFrom, openedTo, resolvedBefore int16, limit int8, order uint8, cursor string) {
		store := memory.New()
		svc, err := incident.NewService(store, incident.Options{})
		if err != nil {
			t.Fatal(err)
		}
		all := listFixture(t, store)

		filter := incident.Filter{
			AssignmentGroup: group, AssignedTo: assignee, Caller: caller, Service: service, ConfigurationItem: ci,
			OpenedFrom: listBound(openedFrom), OpenedTo: listBound(openedTo), ResolvedBefore: listBound(resolvedBefore),
		}
		if states != "" {
			for _, s := range splitComma(states) {
				filter.States = append(filter.States, incident.State(s))
			}
		}
		for _, p := range priorities {
			filter.Priorities = append(filter.Priorities, itsm.Priority(p))
		}
		filter.Problem = itsm.NewID() // no incident's problem
		if int(problem) < len(listProblems) {
			filter.Problem = listProblems[problem]
		}
		page := incident.Page{Limit: int(limit), Order: incident.Order(order), Cursor: cursor}

		start, wellFormed := documentedValid(filter, page)
		got, err := listAll(t, svc, filter, page)
		if !wellFormed {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("List(%+v, %+v) = %v, want ErrInvalid", filter, page, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("List(%+v, %+v): %v", filter, page, err)
		}
		want := documentedListing(all, filter, page.Order, start)
		seen := map[itsm.ID]bool{}
		for _, inc := range got {
			if seen[inc.ID] {
				t.Fatalf("List returned %s twice", inc.Number)
			}
			seen[inc.ID] = true
		}
		if !slices.Equal(numbers(got), numbers(want)) {
			t.Fatalf("List(%+v, %+v)\n got %v\nwant %v", filter, page, numbers(got), numbers(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || got[i].Tenant != itsmtest.Tenant {
				t.Fatalf("List returned %s of %s at %d, want the stored %s", got[i].ID, got[i].Tenant, i, want[i].ID)
			}
		}
	})
}

// listEpoch is when the fixture's first incident was opened.
var listEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// listProblems are the problems the fixture's incidents are linked to; the zero ID
// means none.
var listProblems = []itsm.ID{
	{},
	itsm.MustParseID("01900000-0000-7000-8000-000000000001"),
	itsm.MustParseID("01900000-0000-7000-8000-000000000002"),
}

// listBound is a fuzzed time bound: 0 is no bound, anything else listEpoch plus that
// many 20 minutes, so every third value falls exactly on an OpenedAt of the fixture.
func listBound(v int16) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return listEpoch.Add(time.Duration(v) * 20 * time.Minute)
}

// listFixture stores incidents of itsmtest.Tenant whose fields each take one of a few
// values, drawn from a fixed seed, so that a filter matches some and misses others and
// sort keys tie but for the ID. It stores the same incidents in another tenant: List
// must never return those.
func listFixture(t *testing.T, store *memory.Store) []*incident.Incident {
	t.Helper()
	states := incident.States()
	var out []*incident.Incident
	for _, tenant := range []itsm.Tenant{itsmtest.Tenant, "other-tenant"} {
		r := rand.New(rand.NewPCG(1, 2)) // the same incidents in both tenants
		pick := func(values ...string) string { return values[r.IntN(len(values))] }
		for k := range 18 {
			opened := listEpoch.Add(time.Duration(r.IntN(6)) * time.Hour)
			inc := &incident.Incident{
				Meta: itsm.Meta{
					ID: itsm.NewID(), Tenant: tenant, Number: fmt.Sprintf("INC%07d", k+1), Version: 1,
					CreatedAt: opened, UpdatedAt: opened.Add(time.Duration(r.IntN(4)) * time.Hour),
				},
				Title:             "fixture",
				Caller:            pick("caller", "bob", "ana"),
				OpenedBy:          "agent",
				Service:           pick("", "vpn", "email", "vpn "),
				ConfigurationItem: pick("", "db-7", "srv-1", "DB-7"),
				Problem:           listProblems[r.IntN(len(listProblems))],
				Priority:          itsm.Priority(1 + r.IntN(5)),
				AssignmentGroup:   pick("", "Network"),
				AssignedTo:        pick("", "ana", "bo"),
				State:             states[r.IntN(len(states))],
				OpenedAt:          opened,
			}
			if inc.State == incident.Resolved || inc.State == incident.Closed {
				inc.ResolvedAt = opened.Add(time.Duration(1+r.IntN(6)) * time.Hour)
			}
			ev := itsm.Event{
				ID: itsm.NewIDAt(opened), Tenant: tenant, Kind: itsm.KindIncident, EntityID: inc.ID, Version: 1,
				Type: itsm.EventCreated, Actor: inc.OpenedBy, At: opened, To: string(inc.State),
			}
			if err := store.Create(t.Context(), inc, []itsm.Event{ev}); err != nil {
				t.Fatal(err)
			}
			if tenant == itsmtest.Tenant {
				out = append(out, inc)
			}
		}
	}
	return out
}

// listAll reads the listing from page on, following the cursors to the end. It fails
// the test if a page is longer than the limit, a page without a next cursor is not
// the last, or the listing does not end.
func listAll(t *testing.T, svc *incident.Service, filter incident.Filter, page incident.Page) ([]*incident.Incident, error) {
	t.Helper()
	var out []*incident.Incident
	for range 100 {
		items, next, err := svc.List(t.Context(), itsmtest.Agent, filter, page)
		if err != nil {
			if len(out) > 0 {
				t.Fatalf("List refused the cursor it returned: %v", err)
			}
			return nil, err
		}
		if limit := cmp.Or(page.Limit, incident.DefaultLimit); len(items) > limit {
			t.Fatalf("List returned %d incidents for a limit of %d", len(items), limit)
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		page.Cursor = next
	}
	t.Fatal("List does not end")
	return nil, nil
}

// documentedValid reports whether List must accept filter and page, from their doc
// comments, and returns the decoded cursor (nil for a first page).
func documentedValid(f incident.Filter, p incident.Page) (*incident.Cursor, bool) {
	for _, s := range f.States {
		if !slices.Contains(incident.States(), s) {
			return nil, false
		}
	}
	for _, pr := range f.Priorities {
		if pr < itsm.P1 || pr > itsm.P5 {
			return nil, false
		}
	}
	if !f.OpenedFrom.IsZero() && !f.OpenedTo.IsZero() && !f.OpenedFrom.Before(f.OpenedTo) {
		return nil, false // an empty range
	}
	if p.Limit < 0 || p.Limit > incident.MaxLimit || (p.Order != incident.ByPriority && p.Order != incident.ByUpdated) {
		return nil, false
	}
	if p.Cursor == "" {
		return nil, true
	}
	c, err := incident.ParseCursor(p.Cursor, p.Order)
	if err != nil {
		return nil, false
	}
	return &c, true
}

// documentedListing is what List must return from the fixture all, page after page:
// the incidents that match f and sort after the cursor (none: from the start), in
// order. It is written from the doc comments of Filter and Order, not with
// Filter.Match and Less, so that a mistake in those shows here.
func documentedListing(all []*incident.Incident, f incident.Filter, order incident.Order, after *incident.Cursor) []*incident.Incident {
	key := func(inc *incident.Incident) listKey {
		if order == incident.ByPriority {
			return listKey{inc.Priority, inc.OpenedAt, inc.ID}
		}
		return listKey{0, inc.UpdatedAt, inc.ID}
	}
	var out []*incident.Incident
	for _, inc := range all {
		if !documentedMatch(f, inc) {
			continue
		}
		if after != nil {
			c := listKey{after.Priority, after.OpenedAt, after.ID}
			if order == incident.ByUpdated {
				c = listKey{0, after.UpdatedAt, after.ID}
			}
			if !c.before(order, key(inc)) {
				continue
			}
		}
		out = append(out, inc)
	}
	slices.SortFunc(out, func(a, b *incident.Incident) int {
		switch ka, kb := key(a), key(b); {
		case ka.before(order, kb):
			return -1
		case kb.before(order, ka):
			return 1
		}
		return 0
	})
	return out
}

// documentedMatch: empty fields do not filter, set fields combine with AND and the
// values of a slice field with OR; OpenedFrom ≤ OpenedAt < OpenedTo; ResolvedBefore
// keeps incidents resolved strictly before it.
func documentedMatch(f incident.Filter, inc *incident.Incident) bool {
	same := func(want, got string) bool { return want == "" || want == got }
	return (len(f.States) == 0 || slices.Contains(f.States, inc.State)) &&
		(len(f.Priorities) == 0 || slices.Contains(f.Priorities, inc.Priority)) &&
		same(f.AssignmentGroup, inc.AssignmentGroup) && same(f.AssignedTo, inc.AssignedTo) &&
		same(f.Caller, inc.Caller) && same(f.Service, inc.Service) && same(f.ConfigurationItem, inc.ConfigurationItem) &&
		(f.Problem == itsm.ID{} || f.Problem == inc.Problem) &&
		(f.OpenedFrom.IsZero() || !inc.OpenedAt.Before(f.OpenedFrom)) &&
		(f.OpenedTo.IsZero() || inc.OpenedAt.Before(f.OpenedTo)) &&
		(f.ResolvedBefore.IsZero() || !inc.ResolvedAt.IsZero() && inc.ResolvedAt.Before(f.ResolvedBefore))
}

// listKey is a sort key as Order's doc describes it.
type listKey struct {
	priority itsm.Priority
	at       time.Time
	id       itsm.ID
}

// before: ByPriority puts P1 first, then the oldest OpenedAt, then the smallest ID;
// ByUpdated the newest UpdatedAt first, then the largest ID.
func (a listKey) before(order incident.Order, b listKey) bool {
	ids := bytes.Compare(a.id[:], b.id[:])
	if order == incident.ByPriority {
		if a.priority != b.priority {
			return a.priority < b.priority
		}
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		return ids < 0
	}
	if !a.at.Equal(b.at) {
		return a.at.After(b.at)
	}
	return ids > 0
}

func numbers(incs []*incident.Incident) []string {
	out := make([]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.Number
	}
	return out
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
