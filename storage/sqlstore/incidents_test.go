package sqlstore_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
)

func journalEntries(inc *incident.Incident, n int) []itsm.Event {
	out := make([]itsm.Event, n)
	for i := range out {
		out[i] = itsm.Event{ID: itsm.NewID(), Tenant: inc.Tenant, Kind: itsm.KindIncident, EntityID: inc.ID,
			Version: inc.Version, Index: i, Type: itsm.EventUpdated, Actor: "ana", At: inc.UpdatedAt,
			Data: json.RawMessage(fmt.Sprintf(`{"n": %d}`, i))}
	}
	return out
}

// TestWritesOfAnySize writes records with no journal entry and with more entries than
// the one-statement writes are prebuilt for, and checks that every committed entry
// gets its sequence number in the caller's slice.
func TestWritesOfAnySize(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		repo := tg.New(t).Incidents()
		at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		inc := &incident.Incident{
			Meta:  itsm.Meta{ID: itsm.NewID(), Tenant: "acme", Number: "INC0000001", Version: 1, CreatedAt: at, UpdatedAt: at},
			Title: "t", Caller: "c", OpenedBy: "o", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyLow, Priority: itsm.P5,
			State: incident.New, OpenedAt: at,
		}
		require.NoError(t, repo.Create(ctx, inc, nil))

		var want []itsm.Event
		for v, n := range []int{7, 0, 1} {
			next := inc.Clone()
			next.Version, next.UpdatedAt = inc.Version+1, inc.UpdatedAt.Add(time.Second)
			events := journalEntries(next, n)
			require.NoError(t, repo.Update(ctx, next, inc.Version, events), "update %d with %d entries", v, n)
			for i, e := range events {
				assert.Positive(t, e.Seq, "entry %d has its sequence number", i)
				if len(want) > 0 {
					assert.Greater(t, e.Seq, want[len(want)-1].Seq)
				}
			}
			want = append(want, events...)
			inc = next
		}
		got, err := repo.Events(ctx, "acme", inc.ID)
		require.NoError(t, err)
		require.Len(t, got, len(want))
		for i := range want {
			assert.Equal(t, want[i].Seq, got[i].Seq)
			assert.Equal(t, want[i].ID, got[i].ID)
			assert.Equal(t, string(want[i].Data), string(got[i].Data), "entries keep their bytes")
		}
		stored, err := repo.Get(ctx, "acme", inc.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(4), stored.Version)
	})
}

// TestBatchesOfAnySize imports batches larger than one multi-row INSERT holds, so the
// full-size statements (prepared once and kept, on SQLite) run, twice, next to a
// remainder; then a batch that repeats a number inside its second full-size INSERT,
// which must store nothing although the first one ran.
func TestBatchesOfAnySize(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		repo := tg.New(t).Incidents()
		at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		n := 0
		batch := func(size int) []incident.Record {
			recs := make([]incident.Record, size)
			for i := range recs {
				n++
				inc := &incident.Incident{
					Meta:  itsm.Meta{ID: itsm.NewID(), Tenant: "acme", Number: fmt.Sprintf("INC%07d", n), Version: 1, CreatedAt: at, UpdatedAt: at},
					Title: fmt.Sprintf("incident %d", n), Caller: "c", OpenedBy: "o", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyLow,
					Priority: itsm.P5, State: incident.New, OpenedAt: at,
				}
				recs[i] = incident.Record{Incident: inc, Journal: journalEntries(inc, 2)}
			}
			return recs
		}
		first, second := batch(1100), batch(1100)
		require.NoError(t, repo.CreateBatch(ctx, first))
		require.NoError(t, repo.CreateBatch(ctx, second))
		for _, r := range []incident.Record{first[0], first[999], first[1099], second[0], second[1099]} {
			got, err := repo.Get(ctx, "acme", r.Incident.ID)
			require.NoError(t, err)
			assert.Equal(t, r.Incident.Title, got.Title)
			events, err := repo.Events(ctx, "acme", r.Incident.ID)
			require.NoError(t, err)
			require.Len(t, events, 2)
			assert.Equal(t, r.Journal[1].ID, events[1].ID)
		}

		refused := batch(1100)
		refused[600].Incident.Number = first[5].Incident.Number // in the second full-size INSERT
		err := repo.CreateBatch(ctx, refused)
		require.ErrorIs(t, err, itsm.ErrAlreadyExists)
		assert.Equal(t, 1, strings.Count(err.Error(), itsm.ErrAlreadyExists.Error()), "the refusal is wrapped once: %v", err)
		for _, r := range []incident.Record{refused[0], refused[1098]} {
			_, err := repo.Get(ctx, "acme", r.Incident.ID)
			assert.ErrorIs(t, err, itsm.ErrNotFound, "a refused batch stores nothing")
		}
	})
}

// TestNumberAndKeyCannotChange: an update that changes the number or the idempotency
// key is refused as invalid, and one at a stale version as a conflict, in every
// dialect.
func TestNumberAndKeyCannotChange(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		repo := tg.New(t).Incidents()
		svc, err := incident.NewService(repo, incident.Options{})
		require.NoError(t, err)
		inc, err := svc.Open(ctx, agent, incident.OpenInput{Title: "t", IdempotencyKey: "k"})
		require.NoError(t, err)
		for name, change := range map[string]func(*incident.Incident){
			"number":          func(i *incident.Incident) { i.Number = "INC9999999" },
			"idempotency key": func(i *incident.Incident) { i.IdempotencyKey = "other" },
			"no key":          func(i *incident.Incident) { i.IdempotencyKey = "" },
		} {
			next := inc.Clone()
			change(next)
			next.Version++
			assert.ErrorIs(t, repo.Update(ctx, next, inc.Version, journalEntries(next, 1)), itsm.ErrInvalid, name)
		}
		stale := inc.Clone()
		stale.Version = 5
		assert.ErrorIs(t, repo.Update(ctx, stale, 4, journalEntries(stale, 1)), itsm.ErrConflict)
	})
}

// TestTextLongerThanAColumn: text longer than a dialect's column is refused as
// invalid, naming the field, before anything is written (MySQL's VARBINARY columns;
// outside strict mode MySQL would truncate it); the other dialects store it whole.
func TestTextLongerThanAColumn(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		repo := tg.New(t).Incidents()
		builder := itsmtest.Incidents{Tenant: "acme"}
		for _, tt := range []struct {
			field string
			spoil func(*incident.Incident, []itsm.Event)
		}{
			{"caller", func(inc *incident.Incident, _ []itsm.Event) { inc.Caller = strings.Repeat("c", 256) }},
			{"state", func(inc *incident.Incident, _ []itsm.Event) { inc.State = incident.State(strings.Repeat("s", 65)) }},
			{"events[0].trigger", func(_ *incident.Incident, evs []itsm.Event) { evs[0].Trigger = strings.Repeat("t", 65) }},
			{"events[0].actor", func(_ *incident.Incident, evs []itsm.Event) { evs[0].Actor = strings.Repeat("a", 256) }},
		} {
			inc := builder.New(nil)
			journal := itsmtest.CreatedJournal(inc)
			tt.spoil(inc, journal)
			err := repo.Create(ctx, inc, journal)
			if tg.Dialect != sqlstore.MySQL {
				require.NoError(t, err, tt.field)
				got, err := repo.Get(ctx, "acme", inc.ID)
				require.NoError(t, err)
				assert.Equal(t, inc.Caller, got.Caller, tt.field)
				assert.Equal(t, inc.State, got.State, tt.field)
				continue
			}
			require.ErrorIs(t, err, itsm.ErrInvalid, tt.field)
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			_, err = repo.Get(ctx, "acme", inc.ID)
			assert.ErrorIs(t, err, itsm.ErrNotFound, "%s: nothing stored", tt.field)
		}
	})
}

// TestCustomFieldsNestedDeeperThanAColumn: MariaDB's JSON column refuses JSON nested
// 32 levels deep, so the MySQL dialect refuses custom fields nested more than 30
// levels (inside the record's object) as invalid; the other dialects store them.
func TestCustomFieldsNestedDeeperThanAColumn(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		repo := tg.New(t).Incidents()
		builder := itsmtest.Incidents{Tenant: "acme"}
		nested := func(depth int) map[string]any { // depth maps, the custom object included
			var v any = "leaf"
			for range depth - 1 {
				v = map[string]any{"k": v}
			}
			return map[string]any{"c": v}
		}
		for _, depth := range []int{30, 31} {
			inc := builder.New(func(i *incident.Incident) { i.Custom = nested(depth) })
			err := repo.Create(ctx, inc, itsmtest.CreatedJournal(inc))
			if tg.Dialect != sqlstore.MySQL || depth <= 30 {
				require.NoError(t, err, "depth %d", depth)
				got, err := repo.Get(ctx, "acme", inc.ID)
				require.NoError(t, err)
				assert.Equal(t, inc.Custom, got.Custom, "depth %d", depth)
				continue
			}
			require.ErrorIs(t, err, itsm.ErrInvalid, "depth %d", depth)
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "custom", ve.Field)
		}
	})
}
