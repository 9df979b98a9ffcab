package eventlog_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
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
		``,
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

func TestImportMalformed(t *testing.T) {
	t.Parallel()
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
	log := "\uFEFF" + header + "INC1,New,2024-03-01 09:05,2024-03-01 09:00,a,3 - Low,?,0,?\n"
	plain, _, err := importAll(t, stateMapping(), log)
	require.NoError(t, err)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err = zw.Write([]byte(log))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	zipped, _, err := importAll(t, stateMapping(), buf.String())
	require.NoError(t, err)
	require.Len(t, plain, 1)
	assert.Equal(t, plain, zipped)
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
