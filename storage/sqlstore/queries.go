package sqlstore

import (
	"slices"
	"strconv"
	"strings"
)

// queries holds the SQL every record kind shares, rendered once for a store's dialect
// and table prefix.
type queries struct {
	insertEvent   string
	events        string
	nextNumber    string
	schemaVersion string
}

const journalColumns = "tenant, kind, entity_id, version, idx, event_id, event_type, actor, occurred_at, " +
	"from_state, to_state, trigger_name, reason, data"

// journalCasts types the journal values of PostgreSQL's INSERT … SELECT, whose
// parameters get no type from the target columns.
const journalCasts = "?::text, ?::text, ?::uuid, ?::bigint, ?::integer, ?::uuid, ?::text, ?::text, " +
	"?::timestamptz, ?::text, ?::text, ?::text, ?::text, ?::json"

func newQueries(d *dialect, prefix string) *queries {
	r := func(s string) string { return d.rebind(s, prefix) }
	q := &queries{
		insertEvent: r("INSERT INTO {p}journal (" + journalColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		events: r("SELECT seq, event_id, version, idx, event_type, actor, occurred_at, from_state, to_state, " +
			"trigger_name, reason, data FROM {p}journal WHERE tenant = ? AND kind = ? AND entity_id = ? ORDER BY version, idx"),
		nextNumber:    r(d.nextNumber),
		schemaVersion: r("SELECT COALESCE(MAX(version), 0) FROM {p}schema_migrations"),
	}
	if d.returning {
		q.insertEvent += " RETURNING seq"
	}
	return q
}

// maxPrebuiltEvents is how many events a one-statement write is prebuilt for; writes
// with more build their statement when they run.
const maxPrebuiltEvents = 3

// tableQueries are the fixed statements of one record kind's table.
type tableQueries struct {
	columns  string // the select list, in the kind's args and scan order
	get      string
	getByKey string // "" without an idempotency key
	exists   string
	state    string // version, number and idempotency key, to explain a missed update
	insert   string
	update   string
	// updated are the indexes in the kind's args of the values update writes (SET),
	// in order: every column but the identity, the number and the idempotency key,
	// which never change.
	updated []int
	// inTx lists the statements that run inside the store's own transactions: they
	// are prepared before a transaction begins.
	inTx []string
	// createWith and updateWith write the record and n journal entries in one
	// statement, for dialects that can (see dialect.oneStatement); build makes them
	// for more entries than are prebuilt.
	createWith, updateWith [maxPrebuiltEvents + 1]string
	buildCreate            func(n int) string
	buildUpdate            func(n int) string
}

// newTableQueries renders the statements of table, whose columns begin with tenant,
// id, number and version; key says whether it has an idempotency_key column. shared
// are the store's shared statements.
func newTableQueries(d *dialect, prefix string, shared *queries, table string, columns []string, key bool) *tableQueries {
	r := func(s string) string { return d.rebind(s, prefix) }
	list := strings.Join(columns, ", ")
	placeholders := strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ")
	var set []string
	q := &tableQueries{columns: list}
	for i, c := range columns {
		if !slices.Contains([]string{"tenant", "id", "number", "idempotency_key"}, c) {
			set = append(set, c+" = ?")
			q.updated = append(q.updated, i)
		}
	}
	// A mismatch of number or idempotency key is told apart from a stale version
	// afterwards.
	where := "tenant = ? AND id = ? AND version = ? AND number = ?"
	stateKey := "''"
	if key {
		where += " AND COALESCE(idempotency_key, '') = ?"
		stateKey = "COALESCE(idempotency_key, '')"
		q.getByKey = r("SELECT " + list + " FROM {p}" + table + " WHERE tenant = ? AND idempotency_key = ?")
	}
	q.get = r("SELECT " + list + " FROM {p}" + table + " WHERE tenant = ? AND id = ?")
	q.exists = r("SELECT 1 FROM {p}" + table + " WHERE tenant = ? AND id = ?")
	q.state = r("SELECT version, number, " + stateKey + " FROM {p}" + table + " WHERE tenant = ? AND id = ?")
	insert := "INSERT INTO {p}" + table + " (" + list + ") VALUES (" + placeholders + ")"
	update := "UPDATE {p}" + table + " SET " + strings.Join(set, ", ") + " WHERE " + where
	q.insert, q.update = r(insert), r(update)
	q.inTx = []string{q.insert, q.update, q.state, shared.insertEvent}
	// The one-statement writes: the record's statement as the CTE w, then one CTE per
	// journal entry that inserts only when w wrote its row. They return one row (the
	// entries' sequence numbers) when w wrote, none when it did not.
	q.buildCreate = func(n int) string {
		return r("WITH w AS (" + insert + " RETURNING 1)" + journalCTEs(n) + " SELECT " + seqColumns(n) + " FROM w")
	}
	q.buildUpdate = func(n int) string {
		return r("WITH w AS (" + update + " RETURNING 1)" + journalCTEs(n) + " SELECT " + seqColumns(n) + " FROM w")
	}
	if d.oneStatement {
		for n := range q.createWith {
			q.createWith[n], q.updateWith[n] = q.buildCreate(n), q.buildUpdate(n)
		}
	}
	return q
}

// journalCTEs inserts n journal entries, each only when the CTE w wrote its row.
func journalCTEs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(", e" + strconv.Itoa(i) + " AS (INSERT INTO {p}journal (" + journalColumns + ") SELECT " +
			journalCasts + " FROM w RETURNING seq)")
	}
	return b.String()
}

func seqColumns(n int) string {
	if n == 0 {
		return "1"
	}
	cols := make([]string, n)
	for i := range cols {
		cols[i] = "(SELECT seq FROM e" + strconv.Itoa(i) + ")"
	}
	return strings.Join(cols, ", ")
}
