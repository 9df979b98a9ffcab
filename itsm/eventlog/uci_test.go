package eventlog_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

// TestImportUCI checks the import of the UCI ServiceNow log against figures measured
// on the raw file independently of this package.
func TestImportUCI(t *testing.T) {
	t.Parallel()
	f := openUCI(t)
	var first eventlog.Case
	final := map[string]int{}
	pairs := 0
	rep, err := eventlog.Import(context.Background(), f, eventlog.UCIMapping(), eventlog.Options{Tenant: "uci", Trigger: testTrigger},
		func(c eventlog.Case) error {
			if first.ID == "" {
				first = c
			}
			s := c.States()
			final[s[len(s)-1]]++
			return nil
		})
	require.NoError(t, err)
	for _, n := range rep.Pairs {
		pairs += n
	}

	assert.Equal(t, 141712, rep.Rows, "rows (events in the process-mining sense)")
	assert.Equal(t, 24918, rep.Cases, "incidents")
	assert.Zero(t, rep.EmptyCases)
	assert.Equal(t, []eventlog.Skip{{
		Reason: eventlog.Unmapped, Column: "incident_state", Count: 5,
		Lines: []int{115643, 115644, 124509, 124510, 124511}, Values: []string{"-100"},
	}}, rep.Skipped, "only the stray -100 rows are skipped")
	assert.Equal(t, 141712-5, rep.Events)
	assert.Equal(t, map[string]int{"closed": 24918}, final, "the log ends every incident closed")

	// Raw consecutive pairs, self-loops and the -100 rows included, in file order.
	assert.Len(t, rep.Pairs, 49)
	assert.Equal(t, 141712-24918, pairs)
	assert.Equal(t, 12, rep.Pairs[eventlog.Pair{From: "Closed", To: "Active"}])
	assert.Equal(t, 6347, rep.Pairs[eventlog.Pair{From: "New", To: "Resolved"}])
	assert.Equal(t, 11, rep.Pairs[eventlog.Pair{From: "New", To: "Closed"}])
	assert.Equal(t, 22728, rep.Pairs[eventlog.Pair{From: "Active", To: "Active"}])
	assert.Equal(t, 3, rep.Pairs[eventlog.Pair{From: "-100", To: "-100"}])
	assert.NotContains(t, rep.Pairs, eventlog.Pair{From: "Active", To: "New"},
		"file order, not sys_mod_count order (which would add Active → New)")

	// INC0000045: opened 29/2/2016 01:16, resolved at 08:53, updated at 11:29, closed.
	assert.Equal(t, "INC0000045", first.ID)
	assert.Equal(t, []string{"new", "resolved", "resolved", "closed"}, first.States())
	assert.Equal(t, []int{2, 3, 4, 5}, first.Lines)
	at := func(s string) time.Time {
		ts, err := time.Parse("2006-01-02 15:04", s)
		require.NoError(t, err)
		return ts
	}
	created := first.Events[0]
	assert.Equal(t, at("2016-02-29 01:16"), created.At, "opened_at dates the created event")
	assert.JSONEq(t, `{"assignment_group":"Group 56","caller":"Caller 2403","category":"Category 55",
		"channel":"phone","closed_at":"2016-03-05T12:00:00Z","impact":"medium","opened_at":"2016-02-29T01:16:00Z",
		"opened_by":"Opened by  8","priority":"P3","reassignment_count":0,"reopen_count":0,
		"resolution_code":"code 5","resolved_at":"2016-02-29T11:29:00Z","subcategory":"Subcategory 170",
		"urgency":"medium"}`, string(created.Data))
	resolve := first.Events[1]
	assert.Equal(t, itsm.EventTransitioned, resolve.Type)
	assert.Equal(t, "resolve", resolve.Trigger)
	assert.Equal(t, "Updated by 642", resolve.Actor)
	assert.Equal(t, at("2016-02-29 08:53"), resolve.At)
	assert.Equal(t, itsm.EventUpdated, first.Events[2].Type)
	assert.Equal(t, "close", first.Events[3].Trigger)
	assert.Equal(t, map[string]string{
		"opened_at": "2016-02-29T01:16:00Z", "resolved_at": "2016-02-29T11:29:00Z", "closed_at": "2016-03-05T12:00:00Z",
		"resolved_by": "Resolved by 149", "made_sla": "true", "location": "Location 143", "symptom": "Symptom 72",
		"knowledge": "true",
	}, first.Attributes)
}
