package sqlstore_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
)

// fuzzBase is the time the fuzz corpus counts from.
var fuzzBase = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// FuzzList drives List through SQLite with arbitrary filters, limits and cursors. It
// must never fail with anything but itsm.ErrInvalid, and must return exactly the
// incidents incident.Filter.Match selects, in the order incident.Less defines.
func FuzzList(f *testing.F) {
	repo := sqltest.SQLite("sqlite", "sqlite").New(f).Incidents()
	corpus := fuzzCorpus(f, repo)

	f.Add(uint8(0b111), uint8(0), "", "", "", int64(0), int64(0), int64(0), uint8(0), 7, "")
	f.Add(uint8(0b1000), uint8(0b11), "Network", "bo", "caller-2", int64(time.Hour), int64(9*time.Hour), int64(30*time.Hour), uint8(0b111), 3, "")
	f.Add(uint8(0), uint8(0), "net work ", "", "", int64(-1), int64(1), int64(0), uint8(0b1000), 0, "eyJvIjowLCJwIjoxLCJpIjoiMDE5In0")
	f.Add(uint8(0b1000000), uint8(0b100000), "", "", "", int64(0), int64(0), int64(0), uint8(0), -1, "")
	f.Add(uint8(0), uint8(0), "", "", "", int64(-62135596800), int64(253402300800), int64(1<<40), uint8(0b100111), 1, "")
	f.Add(uint8(0b1), uint8(0b10101), "", "", "", int64(0), int64(0), int64(0), uint8(0b11000), 2, "")

	f.Fuzz(func(t *testing.T, states, priorities uint8, group, assignee, caller string, from, to, resolved int64, flags uint8, limit int, cursor string) {
		filter := incident.Filter{AssignmentGroup: group, AssignedTo: assignee, Caller: caller}
		for i, s := range incident.States() {
			if states&(1<<i) != 0 {
				filter.States = append(filter.States, s)
			}
		}
		if states&(1<<6) != 0 {
			filter.States = append(filter.States, "limbo")
		}
		for p := range 5 {
			if priorities&(1<<p) != 0 {
				filter.Priorities = append(filter.Priorities, itsm.Priority(p+1))
			}
		}
		if priorities&(1<<5) != 0 {
			filter.Priorities = append(filter.Priorities, 9)
		}
		at := func(v int64) time.Time {
			if flags&(1<<5) != 0 {
				return time.Unix(v, v%1e9) // any year, any nanosecond
			}
			return fuzzBase.Add(time.Duration(v))
		}
		if flags&1 != 0 {
			filter.OpenedFrom = at(from)
		}
		if flags&2 != 0 {
			filter.OpenedTo = at(to)
		}
		if flags&4 != 0 {
			filter.ResolvedBefore = at(resolved)
		}
		if flags&16 != 0 {
			filter.Problem = corpus[0].Problem
		}
		order := incident.ByPriority
		if flags&8 != 0 {
			order = incident.ByUpdated
		}
		page := incident.Page{Limit: limit, Order: order, Cursor: cursor}
		items, next, err := repo.List(t.Context(), "acme", filter, page)

		_, sizeErr := page.Size()
		if filter.Validate() != nil || sizeErr != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("invalid filter or page: List error %v, want ErrInvalid", err)
			}
			return
		}
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("List: %v, want nil or ErrInvalid", err)
			}
			if cursor == "" {
				t.Fatalf("List refused a valid filter without a cursor: %v", err)
			}
			return
		}
		want := reference(corpus, filter, order)
		if cursor != "" {
			c, err := incident.ParseCursor(cursor, order)
			if err != nil {
				t.Fatalf("List accepted cursor %q that ParseCursor refuses: %v", cursor, err)
			}
			want = slices.DeleteFunc(want, func(inc *incident.Incident) bool { return !c.After(inc) })
		}
		size, _ := page.Size()
		got := items
		for next != "" && cursor == "" { // a whole listing: follow the cursors
			if len(items) != size {
				t.Fatalf("a page of %d items before the last, limit %d", len(items), size)
			}
			page.Cursor = next
			items, next, err = repo.List(t.Context(), "acme", filter, page)
			if err != nil {
				t.Fatalf("List with the cursor it returned: %v", err)
			}
			got = append(got, items...)
		}
		if cursor != "" { // a single page after a foreign cursor
			want = want[:min(len(want), size)]
		}
		if g, w := numbers(got), numbers(want); !slices.Equal(g, w) {
			t.Fatalf("filter %+v order %d limit %d cursor %q:\n got %v\nwant %v", filter, order, limit, cursor, g, w)
		}
	})
}

// fuzzCorpus stores incidents with repeated and awkward values: equal sort keys that
// only the ID orders, trailing spaces, quotes and non-ASCII text.
func fuzzCorpus(tb testing.TB, repo incident.Repository) []*incident.Incident {
	problem := itsm.NewID()
	states := incident.States()
	var all []*incident.Incident
	for k := range 48 {
		at := func(d time.Duration) time.Time { return fuzzBase.Add(d) }
		inc := &incident.Incident{
			Meta: itsm.Meta{
				ID: itsm.NewID(), Tenant: "acme", Number: fmt.Sprintf("INC%07d", k+1), Version: 1,
				CreatedAt: at(0), UpdatedAt: at(time.Duration(k/4) * time.Minute),
			},
			Title: "t", OpenedBy: "agent", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyLow,
			State:           states[k%len(states)],
			Priority:        itsm.Priority(1 + k%5),
			AssignmentGroup: []string{"", "Network", "net work ", "Ünï 'quoted'"}[k%4],
			AssignedTo:      []string{"", "ana", "bo"}[k%3],
			Caller:          []string{"caller-1", "caller-2", "caller-2 "}[k%3],
			OpenedAt:        at(time.Duration(k/3)*time.Hour + time.Duration(k%2)*time.Microsecond),
		}
		if k%5 == 0 {
			inc.Problem = problem
		}
		if inc.State == incident.Resolved || inc.State == incident.Closed {
			inc.ResolvedAt = at(time.Duration(k) * time.Hour)
		}
		if err := repo.Create(tb.Context(), inc, nil); err != nil {
			tb.Fatal(err)
		}
		all = append(all, inc)
	}
	all[0].Problem = problem
	return all
}

// reference is what List must return: what Filter.Match selects, in order.
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
