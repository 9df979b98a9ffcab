package eventlog_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

func FuzzLoadMapping(f *testing.F) {
	for _, m := range []*eventlog.Mapping{eventlog.UCIMapping(), eventlog.BPIC2014Mapping(), stateMapping(), activityMapping()} {
		data, err := json.Marshal(m)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(`{"name":"x","kind":"incident","case":"c","time":{"column":"t","layout":"2006"},"order":{"rule":"sorted"},"activity":{"column":"a","initial":"new","updates":["u"]}}`))
	f.Add([]byte(`{"time":{"zone":"../../etc/passwd"}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := eventlog.LoadMapping(bytes.NewReader(doc))
		if err != nil {
			assert.Nil(t, m)
			assert.ErrorIs(t, err, itsm.ErrInvalid)
			return
		}
		// A loaded mapping is valid and survives a JSON round trip (an empty list may
		// come back as nil: compare the JSON).
		require.NoError(t, m.Validate())
		again, err := json.Marshal(m)
		require.NoError(t, err)
		reloaded, err := eventlog.LoadMapping(bytes.NewReader(again))
		require.NoError(t, err)
		twice, err := json.Marshal(reloaded)
		require.NoError(t, err)
		assert.JSONEq(t, string(again), string(twice))
	})
}

func FuzzImport(f *testing.F) {
	f.Add(false, []byte(header+
		"INC1,New,2024-03-01 09:05,2024-03-01 09:00,alice,3 - Low,?,0,2024-03-01 12:00\n"+
		"INC1,Waiting,2024-03-01 10:00,2024-03-01 09:00,bob,1 - High,Desk,0,2024-03-01 12:00\n"+
		"INC1,-100,2024-03-01 10:30,?,bob,1 - High,Desk,x,?\n"+
		"INC2,Resolved,2024-03-02 08:00,?,carol,3 - Low,Net,1,?\n"))
	f.Add(true, []byte("id,at,seq,activity,team\n"+
		"B,2024-01-02 10:00:00,1,Note,T2\n"+
		"A,2024-01-01 09:00:00,10,Assign,T1\n"+
		"A,2024-01-01 09:00:00,9,Open,T1\n"+
		"A,2024-01-01 11:00:00,14,Quality,T1\n"+
		"A,2024-01-01 13:00:00,16,Reopen,\"T\"\"3\"\n"))
	f.Add(false, []byte(header+"INC1,\"New\n"))
	f.Add(false, []byte("\uFEFF\"number\",state,updated,opened,by,priority,group,reopens,resolved,number\n"))
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(header + "INC1,New,2024-03-01 09:05,?,a,3 - Low,?,0,?\n"))
	zw.Close()
	f.Add(false, zipped.Bytes())
	f.Add(false, zipped.Bytes()[:zipped.Len()-6])

	f.Fuzz(func(t *testing.T, activities bool, log []byte) {
		m := stateMapping()
		if activities {
			m = activityMapping()
		}
		var cases []eventlog.Case
		rep, err := eventlog.Import(context.Background(), bytes.NewReader(log), m, eventlog.Options{Tenant: "fuzz"},
			func(c eventlog.Case) error {
				cases = append(cases, c)
				return nil
			})
		require.NotNil(t, rep)
		assert.Equal(t, rep.Rows, rep.Events+rep.Ignored+rep.SkippedRows()+rep.Pending, "every row is accounted for")
		if err != nil {
			var le *eventlog.LineError
			require.ErrorAs(t, err, &le, "a log fails only as malformed")
			assert.ErrorIs(t, err, itsm.ErrInvalid)
			assert.Positive(t, le.Line)
			return
		}
		assert.Zero(t, rep.Pending)
		assert.Equal(t, rep.Cases, len(cases))
		events := 0
		ids := map[itsm.ID]bool{}
		for _, c := range cases {
			checkJournal(t, c)
			assert.False(t, ids[c.EntityID], "one entity per case")
			ids[c.EntityID] = true
			events += len(c.Events)
		}
		assert.Equal(t, rep.Events, events)
	})
}

// checkJournal asserts the shape every imported journal has.
func checkJournal(t *testing.T, c eventlog.Case) {
	t.Helper()
	require.NotEmpty(t, c.Events)
	require.Len(t, c.Lines, len(c.Events))
	states := c.States()
	for i, e := range c.Events {
		assert.Equal(t, int64(i+1), e.Version)
		assert.Equal(t, c.EntityID, e.EntityID)
		assert.Equal(t, itsm.Tenant("fuzz"), e.Tenant)
		assert.NotEmpty(t, states[i])
		switch {
		case i == 0:
			assert.Equal(t, itsm.EventCreated, e.Type)
		case e.Type == itsm.EventTransitioned:
			assert.Equal(t, states[i-1], e.From)
			assert.NotEqual(t, e.From, e.To)
		default:
			assert.Equal(t, itsm.EventUpdated, e.Type)
			assert.Equal(t, states[i-1], states[i])
		}
		if len(e.Data) > 0 {
			var fields map[string]any
			require.NoError(t, json.Unmarshal(e.Data, &fields), "Data %s", e.Data)
			assert.NotEmpty(t, fields)
		}
		_, err := json.Marshal(e)
		assert.NoError(t, err)
	}
}
