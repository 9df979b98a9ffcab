package improvement

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
)

// members returns what the fields walker finds in data, the last value winning as in
// encoding/json.
func members(data []byte) (map[string]json.RawMessage, error) {
	got := map[string]json.RawMessage{}
	s := fields{data: data}
	for key, value, ok := s.next(); ok; key, value, ok = s.next() {
		got[string(key)] = json.RawMessage(value)
	}
	return got, s.err
}

func TestFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data string
		want map[string]json.RawMessage
	}{
		{`{}`, map[string]json.RawMessage{}},
		{` { "a" : 1 , "b":"x\"}y", "c":{"d":[1,{"e":"]"}]},"f":null,"g":true } `, map[string]json.RawMessage{
			"a": json.RawMessage(`1`), "b": json.RawMessage(`"x\"}y"`), "c": json.RawMessage(`{"d":[1,{"e":"]"}]}`),
			"f": json.RawMessage(`null`), "g": json.RawMessage(`true`),
		}},
		{`{"a\u0062":2}`, map[string]json.RawMessage{"ab": json.RawMessage(`2`)}},
	}
	for _, tt := range tests {
		got, err := members([]byte(tt.data))
		require.NoError(t, err, tt.data)
		assert.Equal(t, tt.want, got, tt.data)
	}
	for _, bad := range []string{``, `[]`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1 "b":2}`, `{"a":"x}`, `{"a":1} x`, `{a:1}`, "{\"a\":\"\x01\"}"} {
		_, err := members([]byte(bad))
		assert.Error(t, err, bad)
	}
}

// FuzzFields checks the fields walker against encoding/json on every valid object,
// and that it never panics on anything else.
func FuzzFields(f *testing.F) {
	for _, seed := range []string{`{}`, `{"a":1,"b":[1,{"c":"}"}],"d":"\\\""}`, `{"reopen_count":2}`, `{"a":1`, `[{"a":1}]`, `{"\u00e9":"x"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := members(data)
		if !json.Valid(data) || !utf8.Valid(data) {
			return // no panic is all that is asked
		}
		var want map[string]json.RawMessage
		if json.Unmarshal(data, &want) != nil || want == nil {
			assert.Error(t, err, "not an object")
			return
		}
		require.NoError(t, err)
		assert.Equal(t, want, got)
	})
}

// FuzzReadRecord feeds arbitrary Data to ReadRecord: it reads the record or refuses it
// with ErrInvalid, and never panics.
func FuzzReadRecord(f *testing.F) {
	for _, seed := range []string{``, `{"reopen_count":1,"assignment_group":"Desk","resolved_at":"2024-03-01T10:00:00Z"}`, `{"reassignment_count":null}`, `{"resolved_at":7}`} {
		f.Add([]byte(seed), []byte(`{"assignment_group":"Net"}`))
	}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		id := itsm.MustParseID("01900000-0000-7000-8000-000000000001")
		at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
		events := []itsm.Event{
			{Tenant: "t", Kind: itsm.KindIncident, EntityID: id, Version: 1, Type: itsm.EventCreated, To: "new", At: at, Data: first},
			{Tenant: "t", Kind: itsm.KindIncident, EntityID: id, Version: 2, Type: itsm.EventUpdated, At: at.Add(time.Hour), Data: second},
		}
		r, err := ReadRecord(events, time.Time{}, Stamps{Resolved: "resolved_at"})
		if err != nil {
			assert.True(t, errors.Is(err, itsm.ErrInvalid), "%v", err)
			return
		}
		assert.Equal(t, 2, r.Events)
		assert.GreaterOrEqual(t, r.Reopens, 0)
		assert.GreaterOrEqual(t, r.Reassignments, 0)
	})
}
