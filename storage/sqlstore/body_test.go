package sqlstore

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

// incidentBody is the reference for the hand-written body codec: the fields of an
// incident kept as JSON, with the Incident's tags, for encoding/json.
type incidentBody struct {
	Title             string                  `json:"title"`
	Description       string                  `json:"description,omitempty"`
	OpenedBy          string                  `json:"opened_by"`
	Channel           incident.Channel        `json:"channel,omitempty"`
	Category          string                  `json:"category,omitempty"`
	Subcategory       string                  `json:"subcategory,omitempty"`
	Impact            itsm.Impact             `json:"impact"`
	Urgency           itsm.Urgency            `json:"urgency"`
	PriorityOverride  string                  `json:"priority_override,omitempty"`
	OnHoldReason      incident.HoldReason     `json:"on_hold_reason,omitempty"`
	ResolutionCode    incident.ResolutionCode `json:"resolution_code,omitempty"`
	ResolutionNotes   string                  `json:"resolution_notes,omitempty"`
	FirstAssignedAt   time.Time               `json:"first_assigned_at,omitzero"`
	AcknowledgedAt    time.Time               `json:"acknowledged_at,omitzero"`
	ClosedAt          time.Time               `json:"closed_at,omitzero"`
	ReopenedAt        time.Time               `json:"reopened_at,omitzero"`
	ReopenCount       int                     `json:"reopen_count"`
	ReassignmentCount int                     `json:"reassignment_count"`
	Parent            itsm.ID                 `json:"parent,omitzero"`
	Major             bool                    `json:"major,omitempty"`
	Changes           []itsm.ID               `json:"changes,omitempty"`
	Custom            map[string]any          `json:"custom,omitempty"`
}

func bodyOf(inc *incident.Incident) incidentBody {
	return incidentBody{
		Title: inc.Title, Description: inc.Description, OpenedBy: inc.OpenedBy, Channel: inc.Channel,
		Category: inc.Category, Subcategory: inc.Subcategory, Impact: inc.Impact, Urgency: inc.Urgency,
		PriorityOverride: inc.PriorityOverride, OnHoldReason: inc.OnHoldReason, ResolutionCode: inc.ResolutionCode,
		ResolutionNotes: inc.ResolutionNotes, FirstAssignedAt: inc.FirstAssignedAt, AcknowledgedAt: inc.AcknowledgedAt,
		ClosedAt: inc.ClosedAt, ReopenedAt: inc.ReopenedAt, ReopenCount: inc.ReopenCount,
		ReassignmentCount: inc.ReassignmentCount, Parent: inc.Parent, Major: inc.Major, Changes: inc.Changes,
		Custom: inc.Custom,
	}
}

func fullIncident() *incident.Incident {
	at := time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC)
	return &incident.Incident{
		Title: "Ünï <b>&</b> \"q\" \\ \u2028 \x01 🚑", Description: "line\nline\ttab\r", OpenedBy: "o",
		Channel: incident.ChannelEmail, Category: "c", Subcategory: "s", Impact: itsm.ImpactHigh,
		Urgency: itsm.UrgencyCritical, PriorityOverride: "why", OnHoldReason: incident.AwaitingVendor,
		ResolutionCode: incident.Duplicate, ResolutionNotes: "n", FirstAssignedAt: at, AcknowledgedAt: at.Add(time.Second),
		ClosedAt: at.Add(time.Minute), ReopenedAt: at.Add(time.Hour), ReopenCount: 2, ReassignmentCount: 7,
		Parent: itsm.NewID(), Major: true, Changes: []itsm.ID{itsm.NewID(), {}},
		Custom: map[string]any{"a": 1.5, "b": []any{"x", nil, true}, "<c>": map[string]any{"d": "e&f"}},
	}
}

// TestBodyEncodesAsEncodingJSON compares the hand-written encoder with encoding/json:
// the same keys, omitted under the same conditions, with the same values.
func TestBodyEncodesAsEncodingJSON(t *testing.T) {
	t.Parallel()
	for name, inc := range map[string]*incident.Incident{
		"every field": fullIncident(),
		"zero":        {},
		"minimal":     {Title: "t", OpenedBy: "o", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyLow},
	} {
		got, err := appendBody(nil, inc)
		require.NoError(t, err, name)
		want, err := json.Marshal(bodyOf(inc))
		require.NoError(t, err, name)
		var gotKeys, wantKeys map[string]any
		require.NoError(t, json.Unmarshal(got, &gotKeys), "%s: %s", name, got)
		require.NoError(t, json.Unmarshal(want, &wantKeys), name)
		assert.Equal(t, wantKeys, gotKeys, name)
	}
	_, err := appendBody(nil, &incident.Incident{Impact: 9})
	assert.Error(t, err)
}

func TestBodyRoundTrip(t *testing.T) {
	t.Parallel()
	want := fullIncident()
	data, err := appendBody(nil, want)
	require.NoError(t, err)
	var got incident.Incident
	require.NoError(t, parseBody(data, &got))
	assert.Equal(t, bodyOf(want), bodyOf(&got))
}

func TestParseBodyReadsAnyJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data string
		ok         bool
	}{
		{"spaces and order", ` { "urgency" : "low" , "title" : "t", "reopen_count": 3 } `, true},
		{"escapes", `{"title":"a\"b\\c\u00e9\ud83d\ude91\/"}`, true},
		{"nulls", `{"title":null,"major":null,"reopen_count":null,"parent":null,"changes":null,"custom":null,"closed_at":null}`, true},
		{"unknown keys", `{"extra":{"x":[1,{"y":"}"}]},"more":[],"n":-1.5e3,"t":true,"title":"t"}`, true},
		{"empty", `{}`, true},
		{"not an object", `[]`, false},
		{"trailing garbage", `{"title":"t"} x`, false},
		{"missing colon", `{"title" "t"}`, false},
		{"wrong type", `{"title":5}`, false},
		{"bad count", `{"reopen_count":1.5}`, false},
		{"bad impact", `{"impact":"huge"}`, false},
		{"bad time", `{"closed_at":"yesterday"}`, false},
		{"bad id", `{"parent":"nope"}`, false},
		{"unterminated", `{"title":"t`, false},
		{"bad nested", `{"extra":[1}`, false},
		{"control character", "{\"title\":\"a\x01\"}", false},
	}
	for _, tt := range tests {
		var inc incident.Incident
		err := parseBody([]byte(tt.data), &inc)
		var ref incidentBody
		refErr := json.Unmarshal([]byte(tt.data), &ref)
		if tt.ok {
			require.NoError(t, err, tt.name)
			require.NoError(t, refErr, tt.name)
			assert.Equal(t, ref, bodyOf(&inc), tt.name)
		} else {
			assert.Error(t, err, tt.name)
			assert.Error(t, refErr, "%s: encoding/json agrees", tt.name)
		}
	}
}

// FuzzParseBody compares the hand-written decoder with encoding/json on arbitrary
// input: it never panics, and reads what encoding/json reads wherever encoding/json
// reads it (bar encoding/json's case-insensitive keys, which the encoder never needs).
func FuzzParseBody(f *testing.F) {
	full, _ := appendBody(nil, fullIncident())
	f.Add(full)
	f.Add([]byte(`{"title":"a\u00e9","extra":[{"}":"]"}],"reopen_count":-0}`))
	f.Add([]byte(`{"custom":{"a":{"a":1}},"custom":{"b":2}}`))
	f.Add([]byte(`{"changes":["01900000-0000-7000-8000-000000000000",""],"major":false}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var inc incident.Incident
		err := parseBody(data, &inc)
		var ref incidentBody
		if json.Unmarshal(data, &ref) != nil || foldedKeys(data) {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json reads %q, parseBody fails: %v", data, err)
		}
		got := bodyOf(&inc)
		for _, tm := range []*time.Time{&ref.FirstAssignedAt, &ref.AcknowledgedAt, &ref.ClosedAt, &ref.ReopenedAt} {
			if !tm.IsZero() {
				*tm = tm.UTC()
			}
		}
		if !reflect.DeepEqual(ref, got) {
			t.Fatalf("%q:\nencoding/json %+v\n    parseBody %+v", data, ref, got)
		}
	})
}

// foldedKeys reports whether data has a key (at any depth of the body's own fields)
// that encoding/json would match only case-insensitively.
func foldedKeys(data []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return true
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[incidentBody]()) {
		name := jsonName(f)
		for k := range m {
			if k != name && strings.EqualFold(k, name) {
				return true
			}
		}
	}
	return false
}

func TestParseBodyErrorNamesTheField(t *testing.T) {
	t.Parallel()
	var inc incident.Incident
	err := parseBody([]byte(`{"title":"t","reopen_count":"x"}`), &inc)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"reopen_count"`)
	assert.True(t, errors.Is(parseBody([]byte(`{`), &inc), errSyntax))
}

// BenchmarkBodyCodec compares the hand-written body codec with encoding/json on a
// typical incident, encoding and decoding interleaved in one loop.
func BenchmarkBodyCodec(b *testing.B) {
	at := time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC)
	inc := &incident.Incident{
		Title: "Mail delivery delayed for site 12", OpenedBy: "ana", Channel: incident.ChannelPhone,
		Description: "Users at the site report that outgoing mail stays in the outbox for several minutes.",
		Impact:      itsm.ImpactMedium, Urgency: itsm.UrgencyHigh, OnHoldReason: incident.AwaitingCaller,
		FirstAssignedAt: at, AcknowledgedAt: at,
	}
	data, err := appendBody(nil, inc)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var own, std time.Duration
	buf := make([]byte, 0, 512)
	for b.Loop() {
		start := time.Now()
		buf, _ = appendBody(buf[:0], inc)
		var got incident.Incident
		_ = parseBody(data, &got)
		mid := time.Now()
		_, _ = json.Marshal(bodyOf(inc))
		var ref incidentBody
		_ = json.Unmarshal(data, &ref)
		own += mid.Sub(start)
		std += time.Since(mid)
	}
	b.ReportMetric(float64(own)/float64(std), "x-encoding-json")
}
