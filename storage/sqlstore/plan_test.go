package sqlstore

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

func memoryStore(t *testing.T) *Store {
	t.Helper()
	db, err := sql.Open("sqlite", "file::memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	st, err := New(db, Options{Dialect: SQLite, TablePrefix: "itsm_"})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(t.Context()))
	return st
}

// TestListPlans checks SQLite's query plans: each list shape walks an index in the
// order asked for, with no sort of the matching rows (a "TEMP B-TREE FOR ORDER BY"),
// so a page costs the same at any table size.
func TestListPlans(t *testing.T) {
	t.Parallel()
	st := memoryStore(t)
	open := incident.Filter{States: []incident.State{incident.OnHold, incident.New, incident.InProgress}}
	cursor := &incident.Cursor{Order: incident.ByPriority, Priority: itsm.P2, OpenedAt: time.Now(), ID: itsm.NewID()}
	tests := []struct {
		name   string
		filter incident.Filter
		order  incident.Order
		after  *incident.Cursor
		index  string
	}{
		{"open queue", open, incident.ByPriority, nil, "itsm_incidents_open_queue"},
		{"open queue, next page", open, incident.ByPriority, cursor, "itsm_incidents_open_queue"},
		{"two open states", incident.Filter{States: []incident.State{incident.New, incident.OnHold}}, incident.ByPriority, nil, "itsm_incidents_open_queue"},
		{"one state", incident.Filter{States: []incident.State{incident.Resolved}}, incident.ByPriority, nil, "itsm_incidents_state"},
		{"activity feed", incident.Filter{}, incident.ByUpdated, nil, "itsm_incidents_updated"},
	}
	for _, tt := range tests {
		query, args := st.incidents.listQuery("acme", tt.filter, tt.order, tt.after, 51)
		plan := explain(t, st.db, query, args)
		assert.Contains(t, plan, "USING INDEX "+tt.index, "%s: %s\n%s", tt.name, query, plan)
		assert.NotContains(t, plan, "TEMP B-TREE", "%s: %s\n%s", tt.name, query, plan)
	}
}

func explain(t *testing.T, db *sql.DB, query string, args []any) string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		lines = append(lines, detail)
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}

// TestSQLiteTimesReadByDateFunctions checks the time encoding: SQLite's own date
// functions read the stored times, so hosts can report on them in SQL.
func TestSQLiteTimesReadByDateFunctions(t *testing.T) {
	t.Parallel()
	st := memoryStore(t)
	opened := time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC)
	inc := &incident.Incident{
		Meta:  itsm.Meta{ID: itsm.NewID(), Tenant: "acme", Number: "INC0000001", Version: 1, CreatedAt: opened, UpdatedAt: opened.Add(90 * time.Minute)},
		Title: "t", Caller: "c", OpenedBy: "o", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyLow, Priority: itsm.P5,
		State: incident.New, OpenedAt: opened,
	}
	require.NoError(t, st.Incidents().Create(t.Context(), inc, nil))
	var (
		minutes  float64
		unixTime int64
		text     string
	)
	require.NoError(t, st.db.QueryRowContext(t.Context(),
		`SELECT (julianday(updated_at) - julianday(opened_at)) * 1440, unixepoch(opened_at), strftime('%Y-%m-%dT%H:%M:%f', opened_at)
		 FROM itsm_incidents`).Scan(&minutes, &unixTime, &text))
	assert.InDelta(t, 90, minutes, 1e-6)
	assert.Equal(t, opened.Unix(), unixTime)
	assert.Equal(t, "2026-03-01T09:30:15.123", text)
}
