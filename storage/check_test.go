package storage_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

var at = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func meta(version int64) itsm.Meta {
	return itsm.Meta{ID: itsm.NewID(), Tenant: "t1", Number: "INC0000001", Version: version, CreatedAt: at, UpdatedAt: at}
}

func entry(m itsm.Meta, version int64, index int) itsm.Event {
	return itsm.Event{ID: itsm.NewID(), Tenant: m.Tenant, Kind: itsm.KindIncident, EntityID: m.ID, Version: version, Index: index, Type: itsm.EventUpdated, At: at}
}

// requireInvalid fails unless err is a *itsm.ValidationError naming field.
func requireInvalid(t *testing.T, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, itsm.ErrInvalid)
	var ve *itsm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, field, ve.Field)
}

func TestCheckCreateAndUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		spoil func(m *itsm.Meta, events []itsm.Event)
		field string // "" when valid
	}{
		{"valid", func(*itsm.Meta, []itsm.Event) {}, ""},
		{"no events", nil, ""},
		{"wrong version", func(m *itsm.Meta, _ []itsm.Event) { m.Version++ }, "version"},
		{"no tenant", func(m *itsm.Meta, _ []itsm.Event) { m.Tenant = "" }, "tenant"},
		{"no ID", func(m *itsm.Meta, _ []itsm.Event) { m.ID = itsm.ID{} }, "id"},
		{"no CreatedAt", func(m *itsm.Meta, _ []itsm.Event) { m.CreatedAt = time.Time{} }, "created_at"},
		{"no UpdatedAt", func(m *itsm.Meta, _ []itsm.Event) { m.UpdatedAt = time.Time{} }, "updated_at"},
		{"event of another record", func(_ *itsm.Meta, e []itsm.Event) { e[1].EntityID = itsm.NewID() }, "events[1]"},
		{"event of another tenant", func(_ *itsm.Meta, e []itsm.Event) { e[1].Tenant = "t2" }, "events[1]"},
		{"event of another kind", func(_ *itsm.Meta, e []itsm.Event) { e[0].Kind = itsm.KindProblem }, "events[0]"},
		{"event of another version", func(_ *itsm.Meta, e []itsm.Event) { e[1].Version-- }, "events[1]"},
		{"index repeated", func(_ *itsm.Meta, e []itsm.Event) { e[1].Index = 0 }, "events[1].index"},
		{"indexes in reverse", func(_ *itsm.Meta, e []itsm.Event) { e[0].Index, e[1].Index = 1, 0 }, "events[0].index"},
		{"indexes from 1", func(_ *itsm.Meta, e []itsm.Event) { e[0].Index, e[1].Index = 1, 2 }, "events[0].index"},
		{"index skipped", func(_ *itsm.Meta, e []itsm.Event) { e[1].Index = 2 }, "events[1].index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, version := range []int64{1, 4} {
				m := meta(version)
				var events []itsm.Event
				if tt.spoil != nil {
					events = []itsm.Event{entry(m, version, 0), entry(m, version, 1)}
					tt.spoil(&m, events)
				}
				var err error
				if version == 1 {
					err = storage.CheckCreate(m, itsm.KindIncident, events)
				} else {
					err = storage.CheckUpdate(m, version-1, itsm.KindIncident, events)
				}
				if tt.field == "" {
					assert.NoError(t, err, "version %d", version)
					continue
				}
				requireInvalid(t, err, tt.field)
			}
		})
	}
}

func TestCheckImport(t *testing.T) {
	t.Parallel()
	// journal numbers the entries of each version 0, 1, … as a valid journal does.
	journal := func(m itsm.Meta, versions ...int64) []itsm.Event {
		out := make([]itsm.Event, len(versions))
		for i, v := range versions {
			index := 0
			if i > 0 && versions[i-1] == v {
				index = out[i-1].Index + 1
			}
			out[i] = entry(m, v, index)
		}
		return out
	}
	tests := []struct {
		name  string
		spoil func(m *itsm.Meta) []itsm.Event
		field string
	}{
		{"valid", func(m *itsm.Meta) []itsm.Event { return journal(*m, 1, 1, 2, 3, 3) }, ""},
		{"one version", func(m *itsm.Meta) []itsm.Event { m.Version = 1; return journal(*m, 1) }, ""},
		{"empty journal", func(*itsm.Meta) []itsm.Event { return nil }, "journal"},
		{"does not start at 1", func(m *itsm.Meta) []itsm.Event { return journal(*m, 2, 3) }, "journal"},
		{"ends before the record", func(m *itsm.Meta) []itsm.Event { return journal(*m, 1, 2) }, "journal"},
		{"goes back", func(m *itsm.Meta) []itsm.Event { return journal(*m, 1, 3, 2, 3) }, "journal[2]"},
		{"another record's entry", func(m *itsm.Meta) []itsm.Event {
			j := journal(*m, 1, 2, 3)
			j[1].EntityID = itsm.NewID()
			return j
		}, "journal[1]"},
		{"index repeated within a version", func(m *itsm.Meta) []itsm.Event {
			j := journal(*m, 1, 2, 2, 3)
			j[2].Index = 0
			return j
		}, "journal[2].index"},
		{"indexes in reverse", func(m *itsm.Meta) []itsm.Event {
			j := journal(*m, 1, 1, 3)
			j[0].Index, j[1].Index = 1, 0
			return j
		}, "journal[0].index"},
		{"index not restarting at a new version", func(m *itsm.Meta) []itsm.Event {
			j := journal(*m, 1, 1, 3)
			j[2].Index = 2
			return j
		}, "journal[2].index"},
		{"no CreatedAt", func(m *itsm.Meta) []itsm.Event { m.CreatedAt = time.Time{}; return journal(*m, 1, 3) }, "created_at"},
		{"no UpdatedAt", func(m *itsm.Meta) []itsm.Event { m.UpdatedAt = time.Time{}; return journal(*m, 1, 3) }, "updated_at"},
		{"no ID", func(m *itsm.Meta) []itsm.Event { m.ID = itsm.ID{}; return journal(*m, 1, 3) }, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := meta(3)
			j := tt.spoil(&m)
			err := storage.CheckImport(m, itsm.KindIncident, j)
			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			requireInvalid(t, err, tt.field)
		})
	}
}

func TestCheckIncident(t *testing.T) {
	t.Parallel()
	inc := &incident.Incident{Meta: meta(1), OpenedAt: at}
	assert.NoError(t, storage.CheckIncident(inc))
	inc.Custom = map[string]any{"n": 3}
	requireInvalid(t, storage.CheckIncident(inc), "custom.n")
	inc.OpenedAt = time.Time{}
	requireInvalid(t, storage.CheckIncident(inc), "opened_at")
	requireInvalid(t, storage.CheckIncident(nil), "incident")
}

func TestCheckCustom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		custom map[string]any
		field  string // "" when valid
	}{
		{"nil", nil, ""},
		{"every JSON type", map[string]any{
			"null": nil, "bool": true, "number": -0.5, "text": "ünï", "list": []any{1.0, "x", nil},
			"object": map[string]any{"a": []any{map[string]any{"b": false}}},
		}, ""},
		{"int", map[string]any{"n": 3}, "custom.n"},
		{"float32", map[string]any{"n": float32(1)}, "custom.n"},
		{"NaN", map[string]any{"n": math.NaN()}, "custom.n"},
		{"infinity", map[string]any{"n": math.Inf(-1)}, "custom.n"},
		{"[]string", map[string]any{"tags": []string{"a"}}, "custom.tags"},
		{"map[string]string", map[string]any{"m": map[string]string{"k": "v"}}, "custom.m"},
		{"time", map[string]any{"at": at}, "custom.at"},
		{"in a list", map[string]any{"l": []any{"ok", 1}}, "custom.l[1]"},
		{"in an object", map[string]any{"o": map[string]any{"p": []int{1}}}, "custom.o.p"},
		{"NUL in a value", map[string]any{"s": "a\x00b"}, "custom.s"},
		{"invalid UTF-8 in a value", map[string]any{"l": []any{"\xff"}}, "custom.l[0]"},
		{"NUL in a key", map[string]any{"k\x00": true}, "custom key"},
		{"invalid UTF-8 in a nested key", map[string]any{"o": map[string]any{"\xfe": true}}, "custom.o key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := storage.CheckCustom(tt.custom)
			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			requireInvalid(t, err, tt.field)
		})
	}
}
