package sqlstore

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Dialect names the SQL database a Store talks to. The adapter runs one code path for
// all of them; a dialect only changes placeholders, column types, the upsert of a
// number sequence, how a write reaches the database, the migration lock and how
// driver errors are recognised.
type Dialect string

// The supported dialects.
const (
	// SQLite is the embedded default (modernc.org/sqlite, or any other database/sql
	// SQLite driver).
	SQLite Dialect = "sqlite"
	// PostgreSQL is PostgreSQL 12 or later, through pgx's database/sql driver or any
	// other.
	PostgreSQL Dialect = "postgres"
	// MySQL is MariaDB 10.5 or later, or MySQL 8, through go-sql-driver/mysql with
	// parseTime=true and the default loc=UTC: other settings read times wrong (the
	// mysql opener refuses them; New does not check).
	MySQL Dialect = "mysql"
)

// String returns the dialect's name.
func (d Dialect) String() string { return string(d) }

// dialect holds what differs between databases. Everything else in the package is
// shared.
type dialect struct {
	name Dialect
	// dollar numbers placeholders $1, $2 … instead of writing ?.
	dollar bool
	// oneStatement writes a record and its journal entries in one statement (data-
	// modifying CTEs): one round trip instead of a transaction of several.
	oneStatement bool
	// prepare caches prepared statements for the fixed queries: SQLite parses every
	// unprepared statement again; pgx already caches its statements per connection.
	prepare bool
	// savepoint wraps the statements of one write in a savepoint when the store runs
	// in a host's transaction, so a failed write leaves none of its rows behind.
	savepoint bool
	// openTerm is the condition that selects open incidents the way the open-queue
	// index is defined: SQLite and PostgreSQL use a partial index whose predicate
	// must be written literally for the planner to use it; MySQL has no partial
	// indexes and indexes a generated is_open column instead.
	openTerm string
	// nextNumber is the number-sequence upsert; returning says whether it returns
	// the new value as a row (else through LastInsertId).
	nextNumber string
	returning  bool
	// tableExists asks the catalog whether a table of the current schema exists.
	tableExists string
	// minTime and maxTime bound the times a column of this dialect can hold.
	minTime, maxTime time.Time
	// classify maps a driver error to a class (see errors.go).
	classify func(code driverCode) errorClass
	// abortsTx reports whether a conflict (classConflict) ends or spoils the whole
	// transaction it happens in, not only its statement.
	abortsTx func(code driverCode) bool
	// hostTx is set on the copy a store bound to a host's transaction uses: its
	// conflicts that abort the transaction are reported with ConflictError.RetryTx.
	hostTx bool
	// textLimits bounds, in bytes, the text columns that hold less than any text,
	// by the field names the checks use (see checkTexts); nil when none does.
	textLimits map[string]int
	// maxCustomDepth bounds how deep an incident's custom fields may nest (objects
	// and arrays, the custom object itself counted), where the record's JSON column
	// holds less than any depth; 0 for no bound.
	maxCustomDepth int
}

// mariadbCustomDepth is the deepest custom value MariaDB's JSON column takes inside
// the record's JSON object (MariaDB refuses JSON nested 32 levels deep; MySQL takes
// 100, but the MySQL dialect serves both).
const mariadbCustomDepth = 30

// mysqlTextLimits are the VARBINARY widths of the MySQL migrations. A longer value
// is refused before it is written: MySQL refuses it only in strict mode and
// otherwise truncates it.
var mysqlTextLimits = map[string]int{
	"tenant": 255, "number": 255, "state": 64, "caller": 255, "assignment_group": 255,
	"assigned_to": 255, "service": 255, "configuration_item": 255, "idempotency_key": 255,
	"metric": 255, "owner": 255,
	// journal entries
	"type": 64, "actor": 255, "from": 64, "to": 64, "trigger": 64,
}

func (d Dialect) dialect() (*dialect, error) {
	maxTime := time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
	switch d {
	case SQLite:
		return &dialect{
			name:      d,
			prepare:   true,
			savepoint: true,
			openTerm:  openStatesLiteral,
			nextNumber: `INSERT INTO {p}sequences (tenant, kind, last_number) VALUES (?, ?, 1)
ON CONFLICT (tenant, kind) DO UPDATE SET last_number = last_number + 1 RETURNING last_number`,
			returning:   true,
			tableExists: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?",
			minTime:     time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
			maxTime:     maxTime,
			classify:    classifySQLite,
			abortsTx:    sqliteAbortsTx,
		}, nil
	case PostgreSQL:
		return &dialect{
			name:         d,
			dollar:       true,
			oneStatement: true,
			openTerm:     openStatesLiteral,
			nextNumber: `INSERT INTO {p}sequences AS s (tenant, kind, last_number) VALUES (?, ?, 1)
ON CONFLICT (tenant, kind) DO UPDATE SET last_number = s.last_number + 1 RETURNING last_number`,
			returning:   true,
			tableExists: "SELECT to_regclass($1) IS NOT NULL",
			minTime:     time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
			maxTime:     maxTime,
			classify:    classifyPostgreSQL,
			abortsTx:    postgresAbortsTx,
		}, nil
	case MySQL:
		return &dialect{
			name:      d,
			prepare:   true,
			savepoint: true,
			openTerm:  "is_open = 1",
			// LAST_INSERT_ID(expr) hands the new value back in the OK packet: one
			// statement, no second read.
			nextNumber: `INSERT INTO {p}sequences (tenant, kind, last_number) VALUES (?, ?, LAST_INSERT_ID(1))
ON DUPLICATE KEY UPDATE last_number = LAST_INSERT_ID(last_number + 1)`,
			tableExists:    "SELECT count(*) > 0 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
			minTime:        time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC),
			maxTime:        maxTime,
			classify:       classifyMySQL,
			abortsTx:       mysqlAbortsTx,
			textLimits:     mysqlTextLimits,
			maxCustomDepth: mariadbCustomDepth,
		}, nil
	}
	return nil, &itsm.ValidationError{Field: "dialect", Problem: fmt.Sprintf("unknown value %q (want %q, %q or %q)", string(d), SQLite, PostgreSQL, MySQL)}
}

// openStatesLiteral is the predicate of the partial open-queue index, written exactly
// as the migrations write it.
const openStatesLiteral = "state IN ('new', 'in_progress', 'on_hold')"

// sqliteTimeLayout is how SQLite columns hold times: UTC text that sorts like the time
// and that SQLite's date functions (julianday, strftime, datetime) read.
const sqliteTimeLayout = "2006-01-02 15:04:05.000000"

// rebind rewrites the ? placeholders of query for the dialect and puts the table
// prefix in place of {p}. The package's own SQL has no ? inside string literals.
func (d *dialect) rebind(query, prefix string) string {
	query = strings.ReplaceAll(query, "{p}", prefix)
	if !d.dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// placeholder returns the n-th (from 1) placeholder.
func (d *dialect) placeholder(n int) string {
	if d.dollar {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// idArg encodes an ID as a query argument: a uuid for PostgreSQL, 16 bytes for the
// others. The zero ID is NULL.
func (d *dialect) idArg(id itsm.ID) any {
	if id.IsZero() {
		return nil
	}
	if d.name == PostgreSQL {
		return [16]byte(id)
	}
	return id[:]
}

// timeArg encodes a time as a query argument, in UTC at microsecond precision. The
// zero time is NULL.
func (d *dialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	if d.name == SQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// checkTime refuses a time a column of the dialect cannot hold, and a missing one
// when required.
func (d *dialect) checkTime(field string, t time.Time, required bool) error {
	switch {
	case t.IsZero() && required:
		return &itsm.ValidationError{Field: field, Problem: "is required"}
	case !t.IsZero() && (t.Before(d.minTime) || t.After(d.maxTime)):
		return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("%s is outside the years %d…%d that %s stores", t.UTC().Format(time.RFC3339Nano), d.minTime.Year(), d.maxTime.Year(), d.name)}
	}
	return nil
}
