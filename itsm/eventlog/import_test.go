package eventlog_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

// stateMapping is a small ServiceNow-like mapping for synthetic logs.
func stateMapping() *eventlog.Mapping {
	return &eventlog.Mapping{
		Name:    "test-states",
		Kind:    itsm.KindIncident,
		Missing: []string{"?"},
		Case:    "number",
		Time:    eventlog.Time{Column: "updated", Layout: "2006-01-02 15:04"},
		Opened:  &eventlog.Time{Column: "opened", Layout: "2006-01-02 15:04"},
		Actor:   "by",
		Order:   eventlog.Order{Rule: eventlog.Contiguous},
		State: &eventlog.States{
			Column: "state",
			Values: map[string]string{"New": "new", "Active": "in_progress", "Waiting": "on_hold", "Resolved": "resolved", "Closed": "closed"},
			Set:    map[string]map[string]string{"Waiting": {"on_hold_reason": "awaiting_caller"}},
		},
		Fields: map[string]eventlog.Column{
			"priority":         {Column: "priority", Values: map[string]string{"1 - High": "P1", "3 - Low": "P3"}},
			"assignment_group": {Column: "group"},
			"reopen_count":     {Column: "reopens", Type: eventlog.Number},
		},
		Attributes: map[string]eventlog.Column{
			"resolved_at": {Column: "resolved", Type: eventlog.Timestamp, Layout: "2006-01-02 15:04"},
		},
	}
}

const header = "number,state,updated,opened,by,priority,group,reopens,resolved\n"

// importAll imports log and returns every case.
func importAll(t *testing.T, m *eventlog.Mapping, log string) ([]eventlog.Case, *eventlog.Report, error) {
	t.Helper()
	var cases []eventlog.Case
	rep, err := eventlog.Import(context.Background(), strings.NewReader(log), m, eventlog.Options{Tenant: "acme", Trigger: testTrigger},
		func(c eventlog.Case) error {
			cases = append(cases, c)
			return nil
		})
	require.NotNil(t, rep)
	return cases, rep, err
}

func TestImportStates(t *testing.T) {
	t.Parallel()
	log := header +
		"INC1,New,2024-03-01 09:05,2024-03-01 09:00,alice,3 - Low,?,0,2024-03-01 12:00\n" +
		"INC1,Active,2024-03-01 09:30,2024-03-01 09:00,bob,3 - Low,Desk,0,2024-03-01 12:00\n" +
		"INC1,Waiting,2024-03-01 10:00,2024-03-01 09:00,bob,1 - High,Desk,0,2024-03-01 12:00\n" +
		"INC1,Active,2024-03-01 11:00,2024-03-01 09:00,?,1 - High,?,0,2024-03-01 12:00\n" +
		"INC1,Active,2024-03-01 11:10,2024-03-01 09:00,bob,1 - High,?,0,2024-03-01 12:00\n" +
		"INC1,Resolved,2024-03-01 12:00,2024-03-01 09:00,bob,1 - High,?,0,2024-03-01 12:00\n" +
		"INC2,Active,2024-03-02 08:00,?,carol,3 - Low,Net,0,?\n"
	cases, rep, err := importAll(t, stateMapping(), log)
	require.NoError(t, err)
	require.Len(t, cases, 2)

	assert.Equal(t, 7, rep.Rows)
	assert.Equal(t, 7, rep.Events)
	assert.Equal(t, 2, rep.Cases)
	assert.Empty(t, rep.Skipped)

	c := cases[0]
	assert.Equal(t, "INC1", c.ID)
	assert.Equal(t, []int{2, 3, 4, 5, 6, 7}, c.Lines)
	assert.Equal(t, []string{"new", "in_progress", "on_hold", "in_progress", "in_progress", "resolved"}, c.States())
	assert.Equal(t, map[string]string{"resolved_at": "2024-03-01T12:00:00Z"}, c.Attributes)

	type want struct {
		typ               itsm.EventType
		from, to, trigger string
		actor, at, data   string
	}
	wants := []want{
		{itsm.EventCreated, "", "new", "", "alice", "2024-03-01T09:00:00Z", `{"priority":"P3","reopen_count":0}`},
		{itsm.EventTransitioned, "new", "in_progress", "assign", "bob", "2024-03-01T09:30:00Z", `{"assignment_group":"Desk"}`},
		{itsm.EventTransitioned, "in_progress", "on_hold", "hold", "bob", "2024-03-01T10:00:00Z", `{"on_hold_reason":"awaiting_caller","priority":"P1"}`},
		{itsm.EventTransitioned, "on_hold", "in_progress", "resume", "eventlog", "2024-03-01T11:00:00Z", `{"assignment_group":null,"on_hold_reason":null}`},
		{itsm.EventUpdated, "", "", "", "bob", "2024-03-01T11:10:00Z", ``},
		{itsm.EventTransitioned, "in_progress", "resolved", "resolve", "bob", "2024-03-01T12:00:00Z", ``},
	}
	require.Len(t, c.Events, len(wants))
	for i, w := range wants {
		e := c.Events[i]
		assert.Equal(t, w.typ, e.Type, "event %d", i)
		assert.Equal(t, w.from, e.From, "event %d", i)
		assert.Equal(t, w.to, e.To, "event %d", i)
		assert.Equal(t, w.trigger, e.Trigger, "event %d", i)
		assert.Equal(t, w.actor, e.Actor, "event %d", i)
		assert.Equal(t, w.at, e.At.Format(time.RFC3339), "event %d", i)
		assert.Equal(t, w.data, string(e.Data), "event %d", i)
		assert.Equal(t, int64(i+1), e.Version, "event %d", i)
		assert.Equal(t, itsm.Tenant("acme"), e.Tenant)
		assert.Equal(t, itsm.KindIncident, e.Kind)
		assert.Equal(t, c.EntityID, e.EntityID)
		assert.False(t, e.ID.IsZero())
	}

	second := cases[1]
	assert.NotEqual(t, c.EntityID, second.EntityID)
	assert.Equal(t, "2024-03-02T08:00:00Z", second.Events[0].At.Format(time.RFC3339), "no opened value: the row's time dates the created event")
	assert.Equal(t, "in_progress", second.Events[0].To)
	assert.Empty(t, second.Attributes)
}

func TestImportIsDeterministic(t *testing.T) {
	t.Parallel()
	log := header +
		"INC1,New,2024-03-01 09:05,2024-03-01 09:00,alice,3 - Low,?,0,?\n" +
		"INC1,Active,2024-03-01 09:30,2024-03-01 09:00,bob,3 - Low,Desk,0,?\n"
	first, _, err := importAll(t, stateMapping(), log)
	require.NoError(t, err)
	again, _, err := importAll(t, stateMapping(), log)
	require.NoError(t, err)
	assert.Equal(t, first, again)
	ids := map[itsm.ID]bool{first[0].EntityID: true}
	for _, e := range first[0].Events {
		assert.False(t, ids[e.ID], "IDs are unique")
		ids[e.ID] = true
		var ms int64
		for _, b := range e.ID[:6] {
			ms = ms<<8 | int64(b)
		}
		assert.Equal(t, e.At.UnixMilli(), ms, "an event ID begins with its time, as a UUIDv7 does")
		assert.Equal(t, byte(0x70), e.ID[6]&0xf0, "version 7")
	}
}

func TestImportSkipsAndCounts(t *testing.T) {
	t.Parallel()
	log := header +
		"INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?\n" + // line 2
		"INC1,-100,2024-03-01 09:06,2024-03-01 09:00,a,3 - Low,?,0,?\n" + // 3: unmapped state
		"INC1,Active,yesterday,2024-03-01 09:00,a,3 - Low,?,0,?\n" + // 4: bad time
		"INC1,Active,?,2024-03-01 09:00,a,3 - Low,?,0,?\n" + // 5: missing time
		"INC1,Active,2024-03-01 09:07,2024-03-01 09:00,a,9 - Odd,?,0,?\n" + // 6: unmapped priority
		"INC1,Active,2024-03-01 09:08,2024-03-01 09:00,a,3 - Low,?,one,?\n" + // 7: not an integer
		"?,Active,2024-03-01 09:09,2024-03-01 09:00,a,3 - Low,?,0,?\n" + // 8: missing case
		"INC1,Active,2024-03-01 09:10,2024-03-01 09:00,a,3 - Low,?,0,soon\n" + // 9: bad attribute time
		"INC1,-100,2024-03-01 09:11,2024-03-01 09:00,a,3 - Low,?,0,?\n" + // 10: unmapped state
		"INC1,Closed,2024-03-01 09:12,2024-03-01 09:00,a,3 - Low,?,0,?\n" + // 11
		"INC2,-100,2024-03-01 09:13,2024-03-01 09:00,a,3 - Low,?,0,?\n" // 12: a case with no event
	cases, rep, err := importAll(t, stateMapping(), log)
	require.NoError(t, err)
	require.Len(t, cases, 1)
	assert.Equal(t, []string{"new", "closed"}, cases[0].States())
	assert.Equal(t, []int{2, 11}, cases[0].Lines)

	assert.Equal(t, 11, rep.Rows)
	assert.Equal(t, 2, rep.Events)
	assert.Equal(t, 9, rep.SkippedRows())
	assert.Equal(t, rep.Rows, rep.Events+rep.Ignored+rep.SkippedRows(), "every row is accounted for")
	assert.Equal(t, 1, rep.Cases)
	assert.Equal(t, 1, rep.EmptyCases)
	assert.Equal(t, []eventlog.Skip{
		{Reason: eventlog.Missing, Column: "number", Count: 1, Lines: []int{8}, Values: []string{"?"}},
		{Reason: eventlog.Missing, Column: "updated", Count: 1, Lines: []int{5}, Values: []string{"?"}},
		{Reason: eventlog.BadNumber, Column: "reopens", Count: 1, Lines: []int{7}, Values: []string{"one"}},
		{Reason: eventlog.Unmapped, Column: "priority", Count: 1, Lines: []int{6}, Values: []string{"9 - Odd"}},
		{Reason: eventlog.Unmapped, Column: "state", Count: 3, Lines: []int{3, 10, 12}, Values: []string{"-100"}},
		{Reason: eventlog.BadTime, Column: "resolved", Count: 1, Lines: []int{9}, Values: []string{"soon"}},
		{Reason: eventlog.BadTime, Column: "updated", Count: 1, Lines: []int{4}, Values: []string{"yesterday"}},
	}, rep.Skipped)
	// Skips are sorted by reason, then column. Pairs are over raw values in case order; rows without a usable time take no part.
	assert.Equal(t, map[eventlog.Pair]int{
		{From: "New", To: "-100"}:      1,
		{From: "-100", To: "Active"}:   1,
		{From: "Active", To: "Active"}: 2,
		{From: "Active", To: "-100"}:   1,
		{From: "-100", To: "Closed"}:   1,
	}, rep.Pairs)
	assert.Contains(t, rep.String(), "unmapped value in state x3")
}

func activityMapping() *eventlog.Mapping {
	return &eventlog.Mapping{
		Name:  "test-activities",
		Kind:  itsm.KindIncident,
		Case:  "id",
		Time:  eventlog.Time{Column: "at", Layout: "2006-01-02 15:04:05", Zone: "UTC"},
		Order: eventlog.Order{Rule: eventlog.Sorted, By: []string{"at", "seq"}},
		Activity: &eventlog.Activities{
			Column:  "activity",
			Initial: "new",
			States:  map[string]string{"Open": "new", "Assign": "in_progress", "Reassign": "in_progress", "Vendor": "on_hold", "Close": "closed", "Reopen": "in_progress"},
			Updates: []string{"Note"},
			Ignore:  []string{"Quality"},
			Counts:  map[string]string{"Reassign": "reassignment_count", "Reopen": "reopen_count"},
			Stamps:  map[string]string{"Assign": "first_assigned_at"},
			Set:     map[string]map[string]string{"Vendor": {"on_hold_reason": "awaiting_vendor"}},
		},
		Fields: map[string]eventlog.Column{"assignment_group": {Column: "team"}},
	}
}

func TestImportActivitiesSorted(t *testing.T) {
	t.Parallel()
	// Rows of two cases, interleaved and out of order; seq breaks the tie at 09:00:00
	// numerically (10 after 9).
	log := "id,at,seq,activity,team\n" +
		"B,2024-01-02 10:00:00,1,Note,T2\n" + // B starts with an update: initial state
		"A,2024-01-01 09:00:00,10,Assign,T1\n" +
		"A,2024-01-01 09:00:00,9,Open,T1\n" +
		"A,2024-01-01 12:00:00,13,Close,T3\n" +
		"A,2024-01-01 10:00:00,11,Vendor,T1\n" +
		"A,2024-01-01 10:30:00,12,Note,T1\n" +
		"A,2024-01-01 11:00:00,14,Quality,T1\n" +
		"A,2024-01-01 11:30:00,15,Reassign,T3\n" +
		"B,2024-01-02 11:00:00,2,Escalate,T2\n" + // unlisted activity
		"A,2024-01-01 13:00:00,16,Reopen,T3\n"
	cases, rep, err := importAll(t, activityMapping(), log)
	require.NoError(t, err)
	require.Len(t, cases, 2)
	assert.Equal(t, "B", cases[0].ID, "cases come in the order of their first row")

	a := cases[1]
	assert.Equal(t, []string{"new", "in_progress", "on_hold", "on_hold", "in_progress", "closed", "in_progress"}, a.States())
	assert.Equal(t, []int{4, 3, 6, 7, 9, 5, 11}, a.Lines)
	datas := make([]string, len(a.Events))
	for i, e := range a.Events {
		datas[i] = string(e.Data)
	}
	assert.Equal(t, []string{
		`{"assignment_group":"T1","reassignment_count":0,"reopen_count":0}`,
		`{"first_assigned_at":"2024-01-01T09:00:00Z"}`,
		`{"on_hold_reason":"awaiting_vendor"}`,
		``, // a note keeps the hold reason
		`{"assignment_group":"T3","on_hold_reason":null,"reassignment_count":1}`,
		``,
		`{"reopen_count":1}`,
	}, datas)
	assert.Equal(t, "reopen", a.Events[6].Trigger)

	b := cases[0]
	assert.Equal(t, []string{"new"}, b.States(), "a first row that does not move the state opens in the initial state")
	assert.Equal(t, itsm.EventCreated, b.Events[0].Type)

	assert.Equal(t, 10, rep.Rows)
	assert.Equal(t, 8, rep.Events)
	assert.Equal(t, 1, rep.Ignored)
	assert.Equal(t, []eventlog.Skip{{Reason: eventlog.Unmapped, Column: "activity", Count: 1, Lines: []int{10}, Values: []string{"Escalate"}}}, rep.Skipped)
	assert.Equal(t, map[eventlog.Pair]int{
		{From: "Note", To: "Escalate"}:    1,
		{From: "Open", To: "Assign"}:      1,
		{From: "Assign", To: "Vendor"}:    1,
		{From: "Vendor", To: "Note"}:      1,
		{From: "Note", To: "Quality"}:     1, // ignored rows take part in the raw pairs
		{From: "Quality", To: "Reassign"}: 1,
		{From: "Reassign", To: "Close"}:   1,
		{From: "Close", To: "Reopen"}:     1,
	}, rep.Pairs)
}

// TestImportActivityStamps: the first mapped row of a case with a stamped activity
// sets the field to the row's time, in UTC; later rows leave it.
func TestImportActivityStamps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(m *eventlog.Mapping)
		rows   string // after the header id,at,seq,activity,team,opened
		want   []string
	}{
		{"first occurrence only", nil,
			"A,2024-01-01 09:00:00,1,Open,,\n" +
				"A,2024-01-01 09:30:00,2,Assign,,\n" +
				"A,2024-01-01 10:00:00,3,Note,,\n" +
				"A,2024-01-01 11:00:00,4,Assign,,\n",
			[]string{``, `{"first_assigned_at":"2024-01-01T09:30:00Z"}`, ``, ``}},
		{"on the created event", nil,
			"A,2024-01-01 09:00:00,1,Assign,,\n" +
				"A,2024-01-01 10:00:00,2,Assign,,\n",
			[]string{`{"first_assigned_at":"2024-01-01T09:00:00Z"}`, ``}},
		{"first in case order, not in file order", nil,
			"A,2024-01-01 10:00:00,3,Assign,,\n" +
				"A,2024-01-01 09:00:00,1,Open,,\n" +
				"A,2024-01-01 09:30:00,2,Assign,,\n",
			[]string{``, `{"first_assigned_at":"2024-01-01T09:30:00Z"}`, ``}},
		{"several activities stamp one field: the first of them", func(m *eventlog.Mapping) {
			m.Activity.Stamps["Reassign"] = "first_assigned_at"
		},
			"A,2024-01-01 09:00:00,1,Open,,\n" +
				"A,2024-01-01 09:15:00,2,Reassign,,\n" +
				"A,2024-01-01 09:30:00,3,Assign,,\n",
			[]string{``, `{"first_assigned_at":"2024-01-01T09:15:00Z"}`, ``}},
		{"a skipped row stamps nothing", nil,
			"A,2024-01-01 09:00:00,1,Open,,\n" +
				"A,2024-01-01 09:30:00,2,Assign,T9,\n" + // unmapped team
				"A,2024-01-01 10:00:00,3,Assign,,\n",
			[]string{``, `{"first_assigned_at":"2024-01-01T10:00:00Z"}`}},
		{"the row's time, not the opening time", func(m *eventlog.Mapping) {
			m.Opened = &eventlog.Time{Column: "opened", Layout: "2006-01-02 15:04:05"}
		},
			"A,2024-01-01 09:30:00,1,Assign,,2024-01-01 09:00:00\n",
			[]string{`{"first_assigned_at":"2024-01-01T09:30:00Z"}`}},
		{"in UTC", func(m *eventlog.Mapping) { m.Time.Zone = "Europe/Amsterdam" },
			"A,2024-07-01 09:00:00,1,Open,,\n" +
				"A,2024-07-01 09:30:00,2,Assign,,\n",
			[]string{``, `{"first_assigned_at":"2024-07-01T07:30:00Z"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := activityMapping()
			m.Activity.Counts, m.Activity.Set = nil, nil
			m.Fields = map[string]eventlog.Column{"assignment_group": {Column: "team", Values: map[string]string{"T1": "t1"}}}
			if tt.change != nil {
				tt.change(m)
			}
			cases, _, err := importAll(t, m, "id,at,seq,activity,team,opened\n"+tt.rows)
			require.NoError(t, err)
			require.Len(t, cases, 1)
			datas := make([]string, len(cases[0].Events))
			for i, e := range cases[0].Events {
				datas[i] = string(e.Data)
			}
			assert.Equal(t, tt.want, datas)
		})
	}
}

func TestImportMalformed(t *testing.T) {
	t.Parallel()
	// Import may read a few KiB past the limit: the CSV reader reads ahead.
	const tooLong = eventlog.MaxRowSize + 16<<10
	row := "INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?\n"
	tests := []struct {
		name    string
		log     string
		line    int
		problem string
	}{
		{"empty", "", 1, "no header"},
		{"header lacks columns", "number,state,updated\n" + "INC1,New,2024-03-01 09:05\n", 1, `["opened" "by" "group" "priority" "reopens" "resolved"]`},
		{"bad quoting", header + row + "INC1,\"New,2024\"x,a,b,c,d,e,f,g\n", 3, "malformed CSV"},
		{"quote left open", header + row + "INC1,\"New,2024\n" + row + row, 3, "record on line 3; parse error on line 5"},
		{"quote left open in a long log", header + row + "INC1,\"New," + strings.Repeat(row, tooLong/len(row)), 3, "the row starting after line 2 is longer than 16 MiB"},
		{"row longer than the limit", header + row + strings.Repeat("x", tooLong), 3, "longer than 16 MiB"},
		{"header longer than the limit", strings.Repeat("x", tooLong), 1, "the header is longer than 16 MiB"},
		{"duplicate column", strings.TrimSuffix(header, "\n") + ",state\n" + row, 1, `the column(s) ["state"] that mapping "test-states" uses more than once`},
		{"duplicate columns", "group," + strings.TrimSuffix(header, "\n") + ",number\n" + row, 1, `["number" "group"]`},
		{"wrong column count", header + row + row + "INC1,New\n", 4, "malformed CSV"},
		{"not contiguous", header + row + strings.Replace(row, "INC1", "INC2", 1) + row, 4, `case "INC1" appears again`},
		{"gzip header only", "\x1f\x8bnot gzip", 1, "not a gzip stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := importAll(t, stateMapping(), tt.log)
			require.Error(t, err)
			assert.ErrorIs(t, err, itsm.ErrInvalid)
			var le *eventlog.LineError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.line, le.Line)
			assert.Contains(t, err.Error(), tt.problem)
		})
	}
}

func TestImportRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	noop := func(eventlog.Case) error { return nil }
	_, err := eventlog.Import(ctx, strings.NewReader(header), nil, eventlog.Options{Tenant: "acme"}, noop)
	assert.ErrorIs(t, err, itsm.ErrInvalid, "nil mapping")
	_, err = eventlog.Import(ctx, strings.NewReader(header), stateMapping(), eventlog.Options{}, noop)
	assert.ErrorIs(t, err, itsm.ErrInvalid, "no tenant")
	bad := stateMapping()
	bad.Case = ""
	_, err = eventlog.Import(ctx, strings.NewReader(header), bad, eventlog.Options{Tenant: "acme"}, noop)
	var ve *itsm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "case", ve.Field)
}

func TestImportGzipAndBOM(t *testing.T) {
	t.Parallel()
	row := "INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?\n"
	quoted := `"number","state","updated","opened","by","priority","group","reopens","resolved"` + "\n"
	tests := []struct {
		name, log string
	}{
		{"plain header", header + row},
		{"BOM", "\uFEFF" + header + row},
		{"quoted header", quoted + row},
		{"BOM before a quoted header", "\uFEFF" + quoted + row},
		{"BOM before a CRLF quoted header", "\uFEFF" + strings.ReplaceAll(quoted+row, "\n", "\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plain, _, err := importAll(t, stateMapping(), tt.log)
			require.NoError(t, err)
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, err = zw.Write([]byte(tt.log))
			require.NoError(t, err)
			require.NoError(t, zw.Close())
			zipped, _, err := importAll(t, stateMapping(), buf.String())
			require.NoError(t, err)
			require.Len(t, plain, 1)
			assert.Equal(t, []int{2}, plain[0].Lines)
			assert.Equal(t, plain, zipped)
		})
	}
}

func TestImportStopsOnCallbackErrorAndContext(t *testing.T) {
	t.Parallel()
	log := header +
		"INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?\n" +
		"INC2,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?\n"
	stop := errors.New("stop")
	calls := 0
	_, err := eventlog.Import(context.Background(), strings.NewReader(log), stateMapping(), eventlog.Options{Tenant: "acme"},
		func(eventlog.Case) error {
			calls++
			return stop
		})
	assert.Equal(t, stop, err, "fn's error comes back as is")
	assert.Equal(t, 1, calls)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = eventlog.Import(ctx, strings.NewReader(log), stateMapping(), eventlog.Options{Tenant: "acme"},
		func(eventlog.Case) error { return nil })
	assert.ErrorIs(t, err, context.Canceled)
}

func TestEventsAreValidJournalEntries(t *testing.T) {
	t.Parallel()
	log := header + "INC1,New,2024-03-01 09:05,2024-03-01 09:00,\"a \"\"quoted\"\"\tname\",3 - Low,\"Desk \\ \u00e9\",0,?\n"
	cases, _, err := importAll(t, stateMapping(), log)
	require.NoError(t, err)
	var data map[string]any
	require.NoError(t, json.Unmarshal(cases[0].Events[0].Data, &data))
	assert.Equal(t, "Desk \\ \u00e9", data["assignment_group"])
	assert.Equal(t, `a "quoted"`+"\tname", cases[0].Events[0].Actor)
}

// testTrigger explains incident moves the way a lifecycle definition would; the
// tests use it to check that Import fills Trigger from Options.Trigger.
func testTrigger(from, to string) string {
	switch {
	case to == "resolved":
		return "resolve"
	case to == "closed":
		return "close"
	case (from == "resolved" || from == "closed") && to != from:
		return "reopen"
	case from == "new" && to == "in_progress":
		return "assign"
	case to == "on_hold":
		return "hold"
	case from == "on_hold" && to == "in_progress":
		return "resume"
	}
	return ""
}

func TestTriggerIsLeftEmptyWithoutOption(t *testing.T) {
	t.Parallel()
	log := header + "INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,Desk,0,?\n" +
		"INC1,Active,2024-03-01 09:10,2024-03-01 09:00,a,3 - Low,Desk,0,?\n"
	rep, err := eventlog.Import(context.Background(), strings.NewReader(log), stateMapping(), eventlog.Options{Tenant: "acme"},
		func(c eventlog.Case) error {
			for _, e := range c.Events {
				assert.Empty(t, e.Trigger)
			}
			return nil
		})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Events)
}

func TestImportZoneAbbreviations(t *testing.T) {
	t.Parallel()
	const abbrev = "2006-01-02 15:04 MST"
	tests := []struct {
		name, layout, zone, value string
		want                      string // the time read, in RFC 3339; "" when the row is skipped
	}{
		{"unknown to UTC", abbrev, "", "2024-01-01 10:00 EST", ""},
		{"unknown to the zone", abbrev, "America/New_York", "2024-01-01 10:00 PST", ""},
		{"numeric abbreviation", abbrev, "", "2024-01-01 10:00 +03", ""},
		{"known to the zone", abbrev, "America/New_York", "2024-01-01 10:00 EST", "2024-01-01T15:00:00Z"},
		{"summer time of the zone", abbrev, "America/New_York", "2024-07-01 10:00 EDT", "2024-07-01T14:00:00Z"},
		{"zero-offset abbreviation of the zone", abbrev, "Europe/Lisbon", "2024-01-01 10:00 WET", "2024-01-01T10:00:00Z"},
		{"UTC", abbrev, "", "2024-01-01 10:00 UTC", "2024-01-01T10:00:00Z"},
		{"UTC in another zone", abbrev, "America/New_York", "2024-01-01 10:00 UTC", "2024-01-01T10:00:00Z"},
		{"GMT", abbrev, "America/New_York", "2024-01-01 10:00 GMT", "2024-01-01T10:00:00Z"},
		{"numeric offset beside the abbreviation", "2006-01-02 15:04 -0700 MST", "", "2024-01-01 10:00 +0000 WET", "2024-01-01T10:00:00Z"},
		{"numeric offset decides", "2006-01-02 15:04 -0700 MST", "", "2024-01-01 10:00 -0500 EST", "2024-01-01T15:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := stateMapping()
			m.Opened = nil
			m.Time = eventlog.Time{Column: "updated", Layout: tt.layout, Zone: tt.zone}
			m.Attributes["resolved_at"] = eventlog.Column{Column: "resolved", Type: eventlog.Timestamp, Layout: tt.layout, Zone: tt.zone}
			// The value dates the first row and is the attribute of the second.
			later := time.Date(2024, time.December, 31, 0, 0, 0, 0, time.UTC).Format(tt.layout)
			log := header +
				"INC1,New," + tt.value + ",?,a,3 - Low,?,0,?\n" +
				"INC1,Active," + later + ",?,a,3 - Low,?,0," + tt.value + "\n"
			cases, rep, err := importAll(t, m, log)
			require.NoError(t, err)
			if tt.want == "" {
				assert.Empty(t, cases)
				assert.Equal(t, []eventlog.Skip{
					{Reason: eventlog.BadZone, Column: "resolved", Count: 1, Lines: []int{3}, Values: []string{tt.value}},
					{Reason: eventlog.BadZone, Column: "updated", Count: 1, Lines: []int{2}, Values: []string{tt.value}},
				}, rep.Skipped)
				return
			}
			assert.Empty(t, rep.Skipped)
			require.Len(t, cases, 1)
			assert.Equal(t, tt.want, cases[0].Events[0].At.Format(time.RFC3339))
			assert.Equal(t, map[string]string{"resolved_at": tt.want}, cases[0].Attributes)
		})
	}
}

func TestImportTimesAreUTC(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zone            string
		opened, updated string // the event times, in RFC 3339
	}{
		{"", "2024-03-01T09:00:00Z", "2024-03-01T09:30:00Z"},
		{"UTC", "2024-03-01T09:00:00Z", "2024-03-01T09:30:00Z"},
		{"America/New_York", "2024-03-01T14:00:00Z", "2024-03-01T14:30:00Z"},
		{"Asia/Kolkata", "2024-03-01T03:30:00Z", "2024-03-01T04:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			t.Parallel()
			m := stateMapping()
			m.Time.Zone, m.Opened.Zone = tt.zone, tt.zone
			log := header +
				"INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?\n" +
				"INC1,Active,2024-03-01 09:30,2024-03-01 09:00,a,3 - Low,?,0,?\n"
			cases, _, err := importAll(t, m, log)
			require.NoError(t, err)
			require.Len(t, cases, 1)
			require.Len(t, cases[0].Events, 2)
			for i, want := range []string{tt.opened, tt.updated} {
				at := cases[0].Events[i].At
				assert.Equal(t, time.UTC, at.Location(), "event %d", i)
				assert.Equal(t, want, at.Format(time.RFC3339), "event %d", i)
			}
		})
	}
}

func TestImportDuplicateHeaderNames(t *testing.T) {
	t.Parallel()
	row := "INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?,x\n"
	tests := []struct {
		name, extra string
		wantErr     bool
	}{
		{"an unused column twice", "notes,notes", false},
		{"a case column twice", "number", true},
		{"a time column twice", "updated", true},
		{"a field column twice", "group", true},
		{"an attribute column twice", "resolved", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cols := strings.TrimSuffix(header, "\n") + "," + tt.extra + "\n"
			rows := row
			if strings.Contains(tt.extra, ",") {
				rows = strings.TrimSuffix(row, "\n") + ",y\n"
			}
			cases, _, err := importAll(t, stateMapping(), cols+rows)
			if !tt.wantErr {
				require.NoError(t, err)
				assert.Len(t, cases, 1)
				return
			}
			require.ErrorIs(t, err, itsm.ErrInvalid)
			var le *eventlog.LineError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, 1, le.Line)
			assert.Contains(t, le.Problem, strconv.Quote(tt.extra))
			assert.Empty(t, cases)
		})
	}
}

func TestImportReportAfterFailure(t *testing.T) {
	t.Parallel()
	const row = "INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?\n"
	other := func(id, state string) string {
		return strings.Replace(strings.Replace(row, "INC1", id, 1), "New", state, 1)
	}
	stop := errors.New("stop")
	tests := []struct {
		name     string
		m        *eventlog.Mapping
		log      string
		failOn   int // the call of fn that fails; 0 for none
		rows     int
		events   int
		ignored  int
		skipped  int
		pending  int
		matchErr error
	}{
		{"success", stateMapping(), header + row + row, 0, 2, 2, 0, 0, 0, nil},
		{"fn fails on the first case", stateMapping(), header + row + row + other("INC2", "New") + other("INC2", "Active"), 1, 3, 2, 0, 0, 1, stop},
		{"fn fails on the last case", stateMapping(), header + row + other("INC2", "New") + other("INC2", "Active"), 2, 3, 3, 0, 0, 0, stop},
		{"not contiguous", stateMapping(), header + row + other("INC2", "New") + other("INC2", "-100") + row, 0, 4, 1, 0, 1, 2, itsm.ErrInvalid},
		{"bad CSV", stateMapping(), header + row + other("INC1", "-100") + row + "INC1,\"New\n", 0, 3, 0, 0, 1, 2, itsm.ErrInvalid},
		{"sorted: fn fails on the first case", activityMapping(), "id,at,seq,activity,team\n" +
			"B,2024-01-02 10:00:00,1,Note,T2\n" +
			"A,2024-01-01 09:00:00,9,Open,T1\n" +
			"A,2024-01-01 10:00:00,10,Quality,T1\n" +
			"A,2024-01-01 11:00:00,11,Escalate,T1\n" +
			"B,2024-01-02 11:00:00,2,Close,T2\n", 1, 5, 2, 0, 1, 2, stop},
		{"sorted: bad CSV", activityMapping(), "id,at,seq,activity,team\n" +
			"B,2024-01-02 10:00:00,1,Note,T2\n" +
			"A,2024-01-01 09:00:00,9,Quality,T1\n" +
			"A,yesterday,10,Open,T1\n" +
			"A,2024-01-01 11:00:00\n", 0, 3, 0, 0, 1, 2, itsm.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			rep, err := eventlog.Import(context.Background(), strings.NewReader(tt.log), tt.m, eventlog.Options{Tenant: "acme"},
				func(eventlog.Case) error {
					calls++
					if calls == tt.failOn {
						return stop
					}
					return nil
				})
			if tt.matchErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.matchErr)
			}
			assert.Equal(t, tt.rows, rep.Rows, "rows")
			assert.Equal(t, tt.events, rep.Events, "events")
			assert.Equal(t, tt.ignored, rep.Ignored, "ignored")
			assert.Equal(t, tt.skipped, rep.SkippedRows(), "skipped")
			assert.Equal(t, tt.pending, rep.Pending, "pending")
			assert.Equal(t, rep.Rows, rep.Events+rep.Ignored+rep.SkippedRows()+rep.Pending, "every row is accounted for")
		})
	}
}
