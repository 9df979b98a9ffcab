package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

// The open queue: incidents new, in progress or on hold, by priority then age.
var openQueue = incident.Filter{States: []incident.State{incident.New, incident.InProgress, incident.OnHold}}

// rawList is the statement List runs for the open queue's first page (it reads one row
// more than the page to know whether another follows).
const rawList = "SELECT tenant, id, number, version, created_at, updated_at, state, priority, caller, " +
	"assignment_group, assigned_to, service, configuration_item, problem, opened_at, resolved_at, " +
	"idempotency_key, data FROM incidents WHERE tenant = ? AND state IN ('new', 'in_progress', 'on_hold') " +
	"ORDER BY priority, opened_at, id LIMIT 51"

// BenchmarkListSQLite compares the open queue's first page (50 incidents) through the
// adapter with the same statement in raw SQL, on a table of ITSM_BENCH_ROWS incidents
// (default 20000; the goal is stated at 1000000), and the adapter's cost there with its
// cost on a table a tenth that size (x-100k at 1M rows). Tables are built once with
// multi-row inserts and kept in ITSM_BENCH_DIR (default: the system's temporary
// directory) for later runs.
func BenchmarkListSQLite(b *testing.B) {
	rows := 20000
	if s := os.Getenv("ITSM_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 {
			b.Fatalf("ITSM_BENCH_ROWS=%q: want a number of rows ≥ 1000", s)
		}
		rows = n
	}
	ctx := context.Background()
	type table struct {
		repo *sqlstore.Incidents
		raw  *sql.DB
	}
	open := func(rows int) table {
		path := listTable(b, rows)
		st, err := sqlite.Open(ctx, path, sqlite.Options{NoMigrate: true})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = st.Close() })
		raw, err := sql.Open("sqlite", sqlite.DSN(path, sqlite.Options{}, true)) // the store's read pool settings
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = raw.Close() })
		return table{st.Incidents(), raw}
	}
	big, small := open(rows), open(rows/10)
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		page := incident.Page{Limit: 50, Order: incident.ByPriority}
		list := func(t table) time.Duration {
			start := time.Now()
			items, _, err := t.repo.List(ctx, "acme", openQueue, page)
			if err != nil || len(items) != 50 {
				b.Fatalf("List: %d items, %v", len(items), err)
			}
			return time.Since(start)
		}
		raw := func(t table) time.Duration {
			start := time.Now()
			if n := rawListPage(b, t.raw); n != 51 {
				b.Fatalf("raw list: %d rows", n)
			}
			return time.Since(start)
		}
		b.ReportAllocs()
		var tBig, tRaw, tSmall time.Duration
		for range b.N {
			tBig += list(big)
			tRaw += raw(big)
			tSmall += list(small)
		}
		b.ReportMetric(float64(tBig.Nanoseconds())/float64(b.N), "list-ns/op")
		b.ReportMetric(float64(tRaw.Nanoseconds())/float64(b.N), "raw-ns/op")
		b.ReportMetric(float64(tBig)/float64(tRaw), "x-raw-list")
		b.ReportMetric(float64(tBig)/float64(tSmall), fmt.Sprintf("x-%dk", rows/10/1000))
	})
}

// rawListPage runs rawList scanning each row into plain values, and counts the rows.
func rawListPage(b *testing.B, db *sql.DB) int {
	rows, err := db.Query(rawList, "acme")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			tenant, number, state, caller, group, assignee, service, ci, created, updated, opened string
			id, problem, data                                                                     []byte
			resolved, key                                                                         sql.NullString
			version, priority                                                                     int64
		)
		if err := rows.Scan(&tenant, &id, &number, &version, &created, &updated, &state, &priority, &caller,
			&group, &assignee, &service, &ci, &problem, &opened, &resolved, &key, &data); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// listTable returns the path of a SQLite database holding rows incidents, building it
// when it is not there yet.
func listTable(b *testing.B, rows int) string {
	b.Helper()
	dir := os.Getenv("ITSM_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "itsmkit-sqlstore-bench")
	}
	ms, err := sqlstore.MigrationSQL(sqlstore.SQLite, "")
	if err != nil {
		b.Fatal(err)
	}
	var schema strings.Builder
	for _, m := range ms {
		schema.WriteString(m.SQL)
	}
	path := filepath.Join(dir, fmt.Sprintf("list-%d-%08x.db", rows, crc32.ChecksumIEEE([]byte(schema.String()))))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(tmp + suffix)
	}
	start := time.Now()
	st, err := sqlite.Open(context.Background(), tmp, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := bulkLoad(st.DB(), rows); err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s in %v", path, time.Since(start).Round(time.Second))
	return path
}

// bulkLoad inserts rows incidents with multi-row inserts in one transaction: 90% in
// tenant acme; 8% open, 7% resolved, the rest closed or canceled; priorities P1 … P5;
// opened over five years.
func bulkLoad(db *sql.DB, rows int) error {
	const batch = 500
	rng := rand.New(rand.NewPCG(1, uint64(rows)))
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	placeholders := "(" + strings.TrimSuffix(strings.Repeat("?, ", 18), ", ") + ")"
	insert := func(n int) string {
		return "INSERT INTO incidents (tenant, id, number, version, created_at, updated_at, state, priority, caller, " +
			"assignment_group, assigned_to, service, configuration_item, problem, opened_at, resolved_at, " +
			"idempotency_key, data) VALUES " + strings.TrimSuffix(strings.Repeat(placeholders+", ", n), ", ")
	}
	full := insert(batch)
	const layout = "2006-01-02 15:04:05.000000"
	first := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	args := make([]any, 0, 18*batch)
	for i := 0; i < rows; {
		args = args[:0]
		n := min(batch, rows-i)
		for range n {
			i++
			tenant := "acme"
			if rng.IntN(10) == 0 {
				tenant = "other"
			}
			opened := first.Add(time.Duration(rng.Int64N(int64(5 * 365 * 24 * time.Hour)))).Truncate(time.Microsecond)
			updated := opened.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour)))).Truncate(time.Microsecond)
			var state incident.State
			var resolved any
			switch r := rng.IntN(100); {
			case r < 2:
				state = incident.New
			case r < 6:
				state = incident.InProgress
			case r < 8:
				state = incident.OnHold
			case r < 15:
				state, resolved = incident.Resolved, updated.Format(layout)
			case r < 95:
				state, resolved = incident.Closed, updated.Format(layout)
			default:
				state = incident.Canceled
			}
			inc := &incident.Incident{
				Title:       fmt.Sprintf("Mail delivery delayed for site %d", i),
				Description: "Users at the site report that outgoing mail stays in the outbox for several minutes.",
				OpenedBy:    "agent", Channel: incident.ChannelPhone, Impact: itsm.ImpactMedium, Urgency: itsm.UrgencyHigh,
				FirstAssignedAt: opened, AcknowledgedAt: opened,
			}
			data, err := json.Marshal(map[string]any{"title": inc.Title, "description": inc.Description, "opened_by": "agent",
				"channel": "phone", "impact": "medium", "urgency": "high", "first_assigned_at": opened, "acknowledged_at": opened,
				"reopen_count": 0, "reassignment_count": 0})
			if err != nil {
				return err
			}
			id := itsm.NewID()
			args = append(args, tenant, id[:], fmt.Sprintf("INC%07d", i), 3, opened.Format(layout), updated.Format(layout),
				string(state), 1+rng.IntN(5), fmt.Sprintf("caller-%d", rng.IntN(5000)),
				[]string{"Service Desk", "Network", "Messaging", "Servers"}[rng.IntN(4)], fmt.Sprintf("agent-%d", rng.IntN(200)),
				"mail", fmt.Sprintf("ci-%d", rng.IntN(10000)), nil, opened.Format(layout), resolved, nil, string(data))
		}
		q := full
		if n < batch {
			q = insert(n)
		}
		if _, err := tx.Exec(q, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
