package sqlstore

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

// The UCI ServiceNow log as imported by eventlog: 24,918 incidents and 141,707
// journal events (its five stray "-100" rows are skipped).
const (
	uciIncidents = 24918
	uciEvents    = 141707
)

// The raw baseline's columns, written out by hand; the benchmark checks they are the
// ones the adapter writes.
var (
	rawIncidentColumns = []string{"tenant", "id", "number", "version", "created_at", "updated_at", "state",
		"priority", "caller", "assignment_group", "assigned_to", "service", "configuration_item", "problem",
		"opened_at", "resolved_at", "idempotency_key", "data"}
	rawJournalColumns = []string{"tenant", "kind", "entity_id", "version", "idx", "event_id", "event_type",
		"actor", "occurred_at", "from_state", "to_state", "trigger_name", "reason", "data"}
)

// uciRecords imports the UCI log and folds every case into its record, each case's
// id becoming the incident's number as incident.Loader does it. It skips b when
// ITSM_DATA_DIR is unset.
func uciRecords(b *testing.B) []incident.Record {
	b.Helper()
	dir := os.Getenv("ITSM_DATA_DIR")
	if dir == "" {
		b.Skip("ITSM_DATA_DIR is not set")
	}
	f, err := os.Open(filepath.Join(dir, "uci-incident-event-log", "incident_event_log.csv.gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var recs []incident.Record
	_, err = eventlog.Import(context.Background(), f, eventlog.UCIMapping(), eventlog.Options{Tenant: "bench"},
		func(c eventlog.Case) error {
			inc, err := incident.Fold(c.Events)
			if err != nil {
				return err
			}
			inc.Number = c.ID
			recs = append(recs, incident.Record{Incident: inc, Journal: c.Events})
			return nil
		})
	if err != nil {
		b.Fatal(err)
	}
	return recs
}

// openReplayDB opens a new SQLite file in b's temporary directory with the settings
// of the sqlite package's opener, which this in-package benchmark cannot import: its
// writer DSN (busy timeout, WAL, synchronous=FULL or, with sqlite.SyncNormal, NORMAL,
// foreign keys, BEGIN IMMEDIATE) on a single connection. It returns the database and
// a migrated store on it.
func openReplayDB(b *testing.B, name, synchronous string) (*sql.DB, *Store) {
	b.Helper()
	q := url.Values{}
	q["_pragma"] = []string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(" + synchronous + ")", "foreign_keys(1)"}
	q.Set("_txlock", "immediate")
	path := filepath.Join(b.TempDir(), name)
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	b.Cleanup(func() { _ = db.Close() })
	st, err := New(db, Options{Dialect: SQLite})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db, st
}

// rawBatch is one transaction of the raw baseline: the encoded values of its
// incident rows and of their journal rows.
type rawBatch struct {
	incidents, journal []any
}

// encodeRaw encodes recs, size records per batch, with the adapter's own encoders.
func encodeRaw(b *testing.B, d *dialect, recs []incident.Record, size int) []rawBatch {
	b.Helper()
	var batches []rawBatch
	for chunk := range slices.Chunk(recs, size) {
		var rb rawBatch
		for _, rec := range chunk {
			args, err := d.incidentArgs(rec.Incident)
			if err != nil {
				b.Fatal(err)
			}
			rb.incidents = append(rb.incidents, args...)
			for j := range rec.Journal {
				rb.journal = append(rb.journal, d.eventArgs(&rec.Journal[j])...)
			}
		}
		batches = append(batches, rb)
	}
	return batches
}

// rawInserter runs multi-row INSERTs of one table, as many rows per statement as the
// adapter puts in one (maxBatchParams), with the statement texts built beforehand.
type rawInserter struct {
	cols    int
	perStmt int
	texts   map[int]string // by rows
	prefix  string         // "INSERT INTO table (columns) VALUES "
	row     string
}

func newRawInserter(table string, columns []string) *rawInserter {
	return &rawInserter{
		cols:    len(columns),
		perStmt: maxBatchParams / len(columns),
		texts:   map[int]string{},
		prefix:  "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ",
		row:     "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")",
	}
}

// prepare builds the statement texts args will need.
func (r *rawInserter) prepare(args []any) {
	for n := len(args) / r.cols; n > 0; n -= min(n, r.perStmt) {
		k := min(n, r.perStmt)
		if _, ok := r.texts[k]; !ok {
			r.texts[k] = r.prefix + strings.TrimSuffix(strings.Repeat(r.row+", ", k), ", ")
		}
	}
}

func (r *rawInserter) insert(ctx context.Context, tx *sql.Tx, args []any) error {
	for len(args) > 0 {
		n := min(len(args)/r.cols, r.perStmt)
		if _, err := tx.ExecContext(ctx, r.texts[n], args[:n*r.cols]...); err != nil {
			return err
		}
		args = args[n*r.cols:]
	}
	return nil
}

// rawLoad writes batches into db, one transaction each.
func rawLoad(ctx context.Context, db *sql.DB, incidents, journal *rawInserter, batches []rawBatch) error {
	for _, rb := range batches {
		tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the DSN's _txlock
		if err != nil {
			return err
		}
		if err := incidents.insert(ctx, tx, rb.incidents); err != nil {
			_ = tx.Rollback()
			return err
		}
		if err := journal.insert(ctx, tx, rb.journal); err != nil {
			_ = tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// checkReplayed fails b unless db holds the whole log.
func checkReplayed(b *testing.B, side string, db *sql.DB) {
	b.Helper()
	var incidents, events int
	if err := db.QueryRow("SELECT (SELECT COUNT(*) FROM incidents), (SELECT COUNT(*) FROM journal)").
		Scan(&incidents, &events); err != nil {
		b.Fatal(err)
	}
	if incidents != uciIncidents || events != uciEvents {
		b.Fatalf("%s: %d incidents and %d journal rows, want %d and %d", side, incidents, events, uciIncidents, uciEvents)
	}
}

// BenchmarkReplayUCI replays the whole UCI log (24,918 incidents, 141,707 journal
// events) into fresh SQLite files three ways, timing each side separately: through
// CreateBatch in batches of incident.DefaultBatchSize; through CreateBatch with one
// record (one transaction) per call; and with raw multi-row INSERTs of the same
// rows, encoded beforehand, in transactions of the same size. It reports
// batch/per-record (x-per-record, goal ≤ 0.2) and batch/raw (x-raw-insert, goal ≤
// 1.5), and the milliseconds of each side. Importing and folding the log is not
// timed.
//
// It runs at the opener's default, synchronous=FULL, where every commit waits for
// the disk, and at NORMAL (sqlite.SyncNormal), where commits sync only at
// checkpoints: the share of a one-record transaction that is commit, and so
// x-per-record, depends on it.
func BenchmarkReplayUCI(b *testing.B) {
	recs := uciRecords(b)
	if len(recs) != uciIncidents {
		b.Fatalf("imported %d incidents, want %d", len(recs), uciIncidents)
	}
	kind := incidentKind()
	if !slices.Equal(rawIncidentColumns, kind.columns) || !slices.Equal(rawJournalColumns, strings.Split(journalColumns, ", ")) {
		b.Fatal("the raw baseline's columns differ from the adapter's")
	}
	d, err := SQLite.dialect()
	if err != nil {
		b.Fatal(err)
	}
	batches := encodeRaw(b, d, recs, incident.DefaultBatchSize)
	incidents, journal := newRawInserter(kind.table, rawIncidentColumns), newRawInserter("journal", rawJournalColumns)
	for _, rb := range batches {
		incidents.prepare(rb.incidents)
		journal.prepare(rb.journal)
	}
	for _, synchronous := range []string{"FULL", "NORMAL"} {
		b.Run("sync="+synchronous, func(b *testing.B) {
			replay(b, synchronous, recs, batches, incidents, journal)
		})
	}
}

func replay(b *testing.B, synchronous string, recs []incident.Record, batches []rawBatch, incidents, journal *rawInserter) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var tBatch, tRecord, tRaw time.Duration
	for range b.N {
		b.StopTimer()
		batchDB, batchStore := openReplayDB(b, "batch.db", synchronous)
		recordDB, recordStore := openReplayDB(b, "record.db", synchronous)
		rawDB, _ := openReplayDB(b, "raw.db", synchronous)
		b.StartTimer()

		start := time.Now()
		for chunk := range slices.Chunk(recs, incident.DefaultBatchSize) {
			if err := batchStore.Incidents().CreateBatch(ctx, chunk); err != nil {
				b.Fatal(err)
			}
		}
		tBatch += time.Since(start)

		start = time.Now()
		for i := range recs {
			if err := recordStore.Incidents().CreateBatch(ctx, recs[i:i+1]); err != nil {
				b.Fatal(err)
			}
		}
		tRecord += time.Since(start)

		start = time.Now()
		if err := rawLoad(ctx, rawDB, incidents, journal, batches); err != nil {
			b.Fatal(err)
		}
		tRaw += time.Since(start)

		b.StopTimer()
		checkReplayed(b, "batch", batchDB)
		checkReplayed(b, "per-record", recordDB)
		checkReplayed(b, "raw", rawDB)
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(tBatch.Milliseconds())/n, "batch-ms/op")
	b.ReportMetric(float64(tRecord.Milliseconds())/n, "per-record-ms/op")
	b.ReportMetric(float64(tRaw.Milliseconds())/n, "raw-ms/op")
	b.ReportMetric(float64(tBatch)/float64(tRecord), "x-per-record")
	b.ReportMetric(float64(tBatch)/float64(tRaw), "x-raw-insert")
}
