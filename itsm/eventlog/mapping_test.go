package eventlog_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

func TestShippedMappings(t *testing.T) {
	t.Parallel()
	for _, m := range []*eventlog.Mapping{eventlog.UCIMapping(), eventlog.BPIC2014Mapping(), stateMapping(), activityMapping()} {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, m.Validate())
			// A mapping survives a JSON round trip unchanged.
			data, err := json.Marshal(m)
			require.NoError(t, err)
			loaded, err := eventlog.LoadMapping(bytes.NewReader(data))
			require.NoError(t, err)
			assert.Equal(t, m, loaded)
		})
	}
	a, b := eventlog.UCIMapping(), eventlog.UCIMapping()
	a.State.Values["-100"] = "new"
	assert.NotContains(t, b.State.Values, "-100", "each call returns a fresh mapping")
}

func TestLoadMappingRefuses(t *testing.T) {
	t.Parallel()
	valid, err := json.Marshal(stateMapping())
	require.NoError(t, err)
	tests := []struct {
		name, doc, field string
	}{
		{"not JSON", "{", "mapping"},
		{"not an object", `[]`, "mapping"},
		{"unknown field", strings.Replace(string(valid), `"name"`, `"nmae":"x","name"`, 1), "mapping"},
		{"unknown nested field", strings.Replace(string(valid), `"layout"`, `"format":"x","layout"`, 1), "mapping"},
		{"trailing data", string(valid) + " {}", "mapping"},
		{"too large", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, "mapping"},
		{"invalid", strings.Replace(string(valid), `"case":"number"`, `"case":""`, 1), "case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := eventlog.LoadMapping(strings.NewReader(tt.doc))
			assert.Nil(t, m)
			require.ErrorIs(t, err, itsm.ErrInvalid)
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
	_, err = eventlog.LoadMapping(failingReader{})
	assert.ErrorIs(t, err, errBroken)
	assert.NotErrorIs(t, err, itsm.ErrInvalid)
}

var errBroken = errors.New("broken reader")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errBroken }

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(m *eventlog.Mapping)
		fields []string // every field the error names, in order
	}{
		{"no name", func(m *eventlog.Mapping) { m.Name = "" }, []string{"name"}},
		{"bad kind", func(m *eventlog.Mapping) { m.Kind = "Incident" }, []string{"kind"}},
		{"bad comma", func(m *eventlog.Mapping) { m.Comma = ";;" }, []string{"comma"}},
		{"quote comma", func(m *eventlog.Mapping) { m.Comma = `"` }, []string{"comma"}},
		{"NUL comma", func(m *eventlog.Mapping) { m.Comma = "\x00" }, []string{"comma"}},
		{"CR comma", func(m *eventlog.Mapping) { m.Comma = "\r" }, []string{"comma"}},
		{"LF comma", func(m *eventlog.Mapping) { m.Comma = "\n" }, []string{"comma"}},
		{"replacement character comma", func(m *eventlog.Mapping) { m.Comma = "\uFFFD" }, []string{"comma"}},
		{"invalid UTF-8 comma", func(m *eventlog.Mapping) { m.Comma = "\xff" }, []string{"comma"}},
		{"no time layout", func(m *eventlog.Mapping) { m.Time.Layout = "" }, []string{"time.layout"}},
		{"layout without elements", func(m *eventlog.Mapping) { m.Time.Layout = "yesterday" }, []string{"time.layout"}},
		{"unknown zone", func(m *eventlog.Mapping) { m.Opened.Zone = "Mars/Olympus" }, []string{"opened.zone"}},
		{"bad order", func(m *eventlog.Mapping) { m.Order.Rule = "random" }, []string{"order.rule"}},
		{"empty order column", func(m *eventlog.Mapping) { m.Order.By = []string{""} }, []string{"order.by[0]"}},
		{"no state nor activity", func(m *eventlog.Mapping) { m.State = nil }, []string{"state"}},
		{"both state and activity", func(m *eventlog.Mapping) { m.Activity = activityMapping().Activity }, []string{"state"}},
		{"state to a bad name", func(m *eventlog.Mapping) { m.State.Values["New"] = "New" }, []string{`state.values["New"]`}},
		{"state maps the empty value", func(m *eventlog.Mapping) { m.State.Values[""] = "new" }, []string{"state.values"}},
		{"set for an unmapped value", func(m *eventlog.Mapping) { m.State.Set["Gone"] = map[string]string{"x": "y"} }, []string{`state.set["Gone"]`}},
		{"set fills a column field", func(m *eventlog.Mapping) { m.State.Set["Waiting"]["priority"] = "P1" }, []string{`state.set["Waiting"]`}},
		{"bad field name", func(m *eventlog.Mapping) { m.Fields["Priority"] = eventlog.Column{Column: "p"} }, []string{"fields"}},
		{"field without column", func(m *eventlog.Mapping) { m.Fields["x"] = eventlog.Column{} }, []string{"fields.x.column"}},
		{"bad type", func(m *eventlog.Mapping) { m.Fields["x"] = eventlog.Column{Column: "x", Type: "bool"} }, []string{"fields.x.type"}},
		{"time without layout", func(m *eventlog.Mapping) { m.Attributes["x"] = eventlog.Column{Column: "x", Type: eventlog.Timestamp} }, []string{"attributes.x.layout"}},
		{"layout on a string", func(m *eventlog.Mapping) { m.Fields["x"] = eventlog.Column{Column: "x", Layout: "2006"} }, []string{"fields.x.layout"}},
		{"several problems", func(m *eventlog.Mapping) { m.Name, m.Case = "", "" }, []string{"name", "case"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := stateMapping()
			tt.change(m)
			err := m.Validate()
			require.ErrorIs(t, err, itsm.ErrInvalid)
			assert.Equal(t, tt.fields, fieldsOf(err))
		})
	}
}

func TestValidateActivities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(a *eventlog.Activities)
		fields []string
	}{
		{"bad initial", func(a *eventlog.Activities) { a.Initial = "" }, []string{"activity.initial"}},
		{"listed twice", func(a *eventlog.Activities) { a.Ignore = append(a.Ignore, "Note") }, []string{"activity.ignore"}},
		{"empty activity", func(a *eventlog.Activities) { a.Updates = append(a.Updates, "") }, []string{"activity.updates"}},
		{"nothing listed", func(a *eventlog.Activities) {
			a.States, a.Updates, a.Ignore, a.Counts, a.Stamps, a.Set = nil, nil, nil, nil, nil, nil
		}, []string{"activity"}},
		{"count of an ignored activity", func(a *eventlog.Activities) { a.Counts["Quality"] = "quality_count" }, []string{`activity.counts["Quality"]`}},
		{"count into a column field", func(a *eventlog.Activities) { a.Counts["Note"] = "assignment_group" }, []string{`activity.counts["Note"]`}},
		{"stamp of an ignored activity", func(a *eventlog.Activities) { a.Stamps["Quality"] = "quality_at" }, []string{`activity.stamps["Quality"]`}},
		{"stamp of an unlisted activity", func(a *eventlog.Activities) { a.Stamps["Escalate"] = "escalated_at" }, []string{`activity.stamps["Escalate"]`}},
		{"stamp into a bad name", func(a *eventlog.Activities) { a.Stamps["Assign"] = "FirstAssignedAt" }, []string{`activity.stamps["Assign"]`}},
		{"stamp into a column field", func(a *eventlog.Activities) { a.Stamps["Note"] = "assignment_group" }, []string{`activity.stamps["Note"]`}},
		{"stamp into a count", func(a *eventlog.Activities) { a.Stamps["Open"] = "reopen_count" }, []string{`activity.stamps["Open"]`}},
		{"set into a stamp", func(a *eventlog.Activities) { a.Set["Vendor"]["first_assigned_at"] = "x" }, []string{`activity.set["Vendor"]`}},
		{"set for an update", func(a *eventlog.Activities) { a.Set["Note"] = map[string]string{"x": "y"} }, []string{`activity.set["Note"]`}},
		{"set into a count", func(a *eventlog.Activities) { a.Set["Vendor"]["reopen_count"] = "1" }, []string{`activity.set["Vendor"]`}},
		{"set an empty value", func(a *eventlog.Activities) { a.Set["Vendor"]["note"] = "" }, []string{`activity.set["Vendor"].note`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := activityMapping()
			tt.change(m.Activity)
			err := m.Validate()
			require.ErrorIs(t, err, itsm.ErrInvalid)
			assert.Equal(t, tt.fields, fieldsOf(err))
		})
	}
}

// fieldsOf lists the Field of every *itsm.ValidationError joined in err.
func fieldsOf(err error) []string {
	var fields []string
	var walk func(error)
	walk = func(err error) {
		var ve *itsm.ValidationError
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
		} else if errors.As(err, &ve) {
			fields = append(fields, ve.Field)
		}
	}
	walk(err)
	return fields
}
