package sqlstore_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
)

// FuzzRoundTrip writes arbitrary text, times and journal data through SQLite: Create
// either refuses them with itsm.ErrInvalid, for input a column cannot hold as given,
// or Get and Events return exactly what was written.
func FuzzRoundTrip(f *testing.F) {
	repo := sqltest.SQLite("sqlite", "sqlite").New(f).Incidents()
	f.Add("title", "caller", "group", "line\nline", "custom", []byte(`{"a":1}`), int64(0))
	f.Add("Ünï 🚑 'q' \"d\" \\", "caller ", " ", "", "\u00a0", []byte(`{ "a" : [1, 2] }`), int64(123456789))
	f.Add("nul\x00", "bad\xff", "", "", "", []byte(`not json`), int64(-1))
	f.Add("", "", "", "", "", []byte(nil), int64(1<<62))

	f.Fuzz(func(t *testing.T, title, caller, group, description, custom string, data []byte, openedNs int64) {
		opened := time.Unix(0, openedNs).UTC().Truncate(time.Microsecond)
		inc := &incident.Incident{
			Meta: itsm.Meta{ID: itsm.NewID(), Tenant: "acme", Number: itsm.NewID().String(), Version: 1,
				CreatedAt: opened, UpdatedAt: opened},
			Title: title, Description: description, Caller: caller, AssignmentGroup: group, OpenedBy: "o",
			Impact: itsm.ImpactLow, Urgency: itsm.UrgencyLow, Priority: itsm.P5, State: incident.New,
			OpenedAt: opened, Custom: map[string]any{"k:" + custom: custom, "n": []any{1.5, nil, true}},
		}
		ev := itsm.Event{ID: itsm.NewID(), Tenant: "acme", Kind: itsm.KindIncident, EntityID: inc.ID, Version: 1,
			Type: itsm.EventCreated, Actor: caller, At: opened, Reason: description, Data: data}
		err := repo.Create(t.Context(), inc, []itsm.Event{ev})

		storable := true
		for _, s := range []string{title, caller, group, description, custom} {
			storable = storable && utf8.ValidString(s) && !strings.ContainsRune(s, 0)
		}
		storable = storable && (len(data) == 0 || json.Valid(data))
		if err != nil {
			if !errors.Is(err, itsm.ErrInvalid) {
				t.Fatalf("Create: %v, want nil or ErrInvalid", err)
			}
			if storable {
				t.Fatalf("Create refused storable input: %v", err)
			}
			return
		}
		if !storable {
			t.Fatalf("Create accepted input it cannot return as given")
		}
		got, err := repo.Get(t.Context(), "acme", inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(inc)
		have, _ := json.Marshal(got)
		if !bytes.Equal(want, have) || got.Title != title || got.Caller != caller || got.Custom["k:"+custom] != custom {
			t.Fatalf("round trip:\nwant %s\n got %s", want, have)
		}
		evs, err := repo.Events(t.Context(), "acme", inc.ID)
		if err != nil || len(evs) != 1 {
			t.Fatalf("Events = %v, %v", evs, err)
		}
		if !bytes.Equal(evs[0].Data, data) || evs[0].Reason != description || evs[0].Actor != caller || !evs[0].At.Equal(opened) {
			t.Fatalf("journal entry round trip: got %+v", evs[0])
		}
	})
}
