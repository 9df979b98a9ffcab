package incident_test

import (
	"encoding/json"
	"errors"
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

// FuzzListFilter checks that List, for any filter and page, either refuses with
// ErrInvalid or returns exactly the matching incidents in order.
func FuzzListFilter(f *testing.F) {
	f.Add("new,on_hold", uint8(3), "Network", "", int8(2), uint8(0), "")
	f.Add("limbo", uint8(9), "", "ana", int8(-1), uint8(1), "garbage")
	f.Add("", uint8(0), "", "", int8(0), uint8(7), "")
	f.Fuzz(func(t *testing.T, states string, priority uint8, group, assignee string, limit int8, order uint8, cursor string) {
		h := struct {
			svc   *incident.Service
			store *memory.Store
		}{store: memory.New()}
		h.svc, _ = incident.NewService(h.store, incident.Options{})
		for k := range 12 {
			inc := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) {
				in.Impact = itsm.Impact(1 + k%3)
				in.Urgency = itsm.Urgency(2 + k%3)
				in.AssignmentGroup = []string{"", "Network"}[k%2]
				in.AssignedTo = []string{"", "ana", "bo"}[k%3]
			})
			if k%3 == 0 {
				_, _ = h.svc.Start(t.Context(), itsmtest.Agent, inc.Ref())
			}
		}
		filter := incident.Filter{AssignmentGroup: group, AssignedTo: assignee}
		if states != "" {
			for _, s := range splitComma(states) {
				filter.States = append(filter.States, incident.State(s))
			}
		}
		if priority != 0 {
			filter.Priorities = []itsm.Priority{itsm.Priority(priority)}
		}
		page := incident.Page{Limit: int(limit), Order: incident.Order(order), Cursor: cursor}
		got, _, err := h.svc.List(t.Context(), itsmtest.Agent, filter, page)
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("List: %v, want nil or ErrInvalid", err)
			}
			return
		}
		for i, inc := range got {
			if !filter.Match(inc) {
				t.Fatalf("List returned %s, which the filter does not match", inc.Number)
			}
			if i > 0 && incident.Less(page.Order, incident.KeyOf(inc, page.Order), incident.KeyOf(got[i-1], page.Order)) {
				t.Fatalf("List is out of order at %d", i)
			}
		}
	})
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
