package sla_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

func TestSnapshotsFoldTheJournal(t *testing.T) {
	t.Parallel()
	j := opened(t, berlin(1, 8, 0), fields{"priority": "P3", "impact": "medium", "reopen_count": 0, "tags": []string{"vpn", "mail"}}).
		move(berlin(1, 9, 0), "hold", "new", "on_hold", fields{"on_hold_reason": "awaiting_caller", "extra": map[string]any{"a": 1, "b": true}}).
		update(berlin(1, 10, 0), fields{"on_hold_reason": nil, "priority": "P2"})
	j.write(berlin(1, 11, 0), itsm.Event{Type: itsm.EventCommented}) // no data

	type snap struct {
		Version int64
		At      string
		State   string
		Fields  map[string]string
		Changed []string
		Trigger string
	}
	var got []snap
	for s, err := range sla.Snapshots(j.events) {
		require.NoError(t, err)
		var changed []string // nil when the write changed no field
		if len(s.Changed) > 0 {
			changed = slices.Clone(s.Changed)
		}
		got = append(got, snap{s.Version, wall(s.At), s.State, maps.Clone(s.Fields), changed, s.Trigger})
	}
	assert.Equal(t, []snap{
		{1, "Mon 12-01 08:00", "new",
			map[string]string{"priority": "P3", "impact": "medium", "reopen_count": "0", "tags": `["vpn","mail"]`},
			[]string{"impact", "priority", "reopen_count", "tags"}, ""},
		{2, "Mon 12-01 09:00", "on_hold",
			map[string]string{"priority": "P3", "impact": "medium", "reopen_count": "0", "tags": `["vpn","mail"]`, "on_hold_reason": "awaiting_caller", "extra": `{"a":1,"b":true}`},
			[]string{"extra", "on_hold_reason"}, "hold"},
		{3, "Mon 12-01 10:00", "on_hold",
			map[string]string{"priority": "P2", "impact": "medium", "reopen_count": "0", "tags": `["vpn","mail"]`, "extra": `{"a":1,"b":true}`},
			[]string{"on_hold_reason", "priority"}, ""},
		{4, "Mon 12-01 11:00", "on_hold",
			map[string]string{"priority": "P2", "impact": "medium", "reopen_count": "0", "tags": `["vpn","mail"]`, "extra": `{"a":1,"b":true}`},
			nil, ""},
	}, got)

	last, err := sla.Fold(j.events)
	require.NoError(t, err)
	assert.Equal(t, int64(4), last.Version)
	assert.Equal(t, "P2", last.Field("priority"))
	p, ok := last.Priority()
	assert.True(t, ok)
	assert.Equal(t, itsm.P2, p)
}

func TestFoldOwnsItsSnapshot(t *testing.T) {
	t.Parallel()
	j := opened(t, berlin(1, 8, 0), fields{"priority": "P3"}).update(berlin(1, 9, 0), fields{"priority": "P1"})
	first, err := sla.Fold(j.events[:1])
	require.NoError(t, err)
	all, err := sla.Fold(j.events)
	require.NoError(t, err)
	assert.Equal(t, "P3", first.Field("priority"))
	assert.Equal(t, "P1", all.Field("priority"))
	assert.Equal(t, []string{"priority"}, first.Changed)

	empty, err := sla.Fold(nil)
	require.NoError(t, err)
	assert.Equal(t, int64(0), empty.Version)
	_, ok := empty.Priority()
	assert.False(t, ok)
}

func TestSnapshotsStopAtStop(t *testing.T) {
	t.Parallel()
	j := opened(t, berlin(1, 8, 0), nil).update(berlin(1, 9, 0), nil).update(berlin(1, 10, 0), nil)
	n := 0
	for range sla.Snapshots(j.events) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
}

func TestSnapshotsRefuseMalformedJournals(t *testing.T) {
	t.Parallel()
	other := itsm.MustParseID("01938f3c-7a2b-7c3d-8e4f-000000000001")
	tests := []struct {
		name   string
		mutate func(events []itsm.Event)
		field  string
	}{
		{"another record", func(e []itsm.Event) { e[2].EntityID = other }, "events[2]"},
		{"another tenant", func(e []itsm.Event) { e[1].Tenant = "globex" }, "events[1]"},
		{"versions out of order", func(e []itsm.Event) { e[1], e[2] = e[2], e[1] }, "events[2]"},
		{"repeated index", func(e []itsm.Event) { e[2].Index = 0 }, "events[2]"},
		{"data not an object", func(e []itsm.Event) { e[1].Data = json.RawMessage(`["P1"]`) }, "events[1].data"},
		{"data not JSON", func(e []itsm.Event) { e[0].Data = json.RawMessage(`{"priority":`) }, "events[0].data"},
		{"no time", func(e []itsm.Event) { e[0].At = time.Time{} }, "events[0].at"},
		{"a later event without time", func(e []itsm.Event) { e[2].At = time.Time{} }, "events[2].at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Versions 1, 2 (two events), 3.
			j := opened(t, berlin(1, 8, 0), fields{"priority": "P3"}).
				move(berlin(1, 9, 0), "start", "new", "in_progress", fields{"assigned_to": "bob"}).
				update(berlin(1, 10, 0), fields{"priority": "P2"})
			tt.mutate(j.events)
			_, err := sla.Fold(j.events)
			require.ErrorIs(t, err, itsm.ErrInvalid)
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field, "%v", err)
		})
	}
}

// FuzzSnapshots feeds arbitrary bytes as an event's Data: the fold either refuses
// them as invalid input or yields fields that render back to the same JSON values.
func FuzzSnapshots(f *testing.F) {
	for _, s := range []string{`{"priority":"P1"}`, `{"a":null}`, `{"n": 1.50, "o": {"x": [1, 2]}}`, `null`, `[]`, `"x"`, `{"s":"\u00e9\n"}`, `{"big": 1e999}`, "{\"bad\":\"\xff\"}", `{"k\"ey": {"s": "}]"}, "t": [true, false, null] }`, ` null `, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		j := opened(t, berlin(1, 8, 0), fields{"priority": "P3"})
		j.write(berlin(1, 9, 0), itsm.Event{Type: itsm.EventUpdated, Data: data})
		s, err := sla.Fold(j.events)
		if err != nil {
			require.ErrorIs(t, err, itsm.ErrInvalid)
			return
		}
		if len(data) == 0 { // an event without data changes nothing
			require.Equal(t, map[string]string{"priority": "P3"}, s.Fields)
			return
		}
		var raw map[string]json.RawMessage
		if json.Unmarshal(data, &raw) != nil {
			t.Fatalf("Fold accepted %q, which is not a JSON object", data)
		}
		keys := map[string]bool{"priority": true}
		for k, v := range raw {
			keys[k] = string(v) != "null"
		}
		for k, present := range keys {
			if !present {
				delete(keys, k)
			}
		}
		require.Len(t, s.Fields, len(keys), "fields %v", s.Fields)
		for k, v := range raw {
			got, present := s.Fields[k]
			if string(v) == "null" {
				require.False(t, present, "null removes %q", k)
				continue
			}
			want, back := decode(t, v), any(got)
			if v[0] != '"' {
				back = decode(t, []byte(got))
			}
			require.Equal(t, want, back, "field %q", k)
		}
	})
}

// decode reads one JSON value, keeping numbers as written.
func decode(t *testing.T, b []byte) any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v), "%q", b)
	return v
}
