package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

// CreateBatch implements incident.BatchRepository: one transaction inserts every
// record and its journal with multi-row INSERTs, or nothing when any row is refused.
// A record's journal may span several versions; the incident's is the last one's.
func (r *Incidents) CreateBatch(ctx context.Context, records []incident.Record) error {
	incs := make([]*incident.Incident, len(records))
	journals := make([][]itsm.Event, len(records))
	for i, rec := range records {
		if rec.Incident == nil {
			return &itsm.ValidationError{Field: fmt.Sprintf("records[%d].incident", i), Problem: "is nil"}
		}
		incs[i], journals[i] = rec.Incident, rec.Journal
	}
	return r.createBatch(ctx, incs, journals)
}

// Rows per multi-row INSERT, within every dialect's limit on the parameters of one
// statement (SQLite 32766, PostgreSQL and MySQL 65535).
const maxBatchParams = 9000

// createBatch stores recs with their whole journals in one transaction.
func (r records[R]) createBatch(ctx context.Context, recs []R, journals [][]itsm.Event) error {
	s := r.s
	var rows, journal []any
	for i, rec := range recs {
		if err := storage.CheckImport(r.kind.meta(rec), r.kind.kind, journals[i]); err != nil {
			return fmt.Errorf("records[%d]: %w", i, err)
		}
		if err := s.d.checkEvents(journals[i]); err != nil {
			return fmt.Errorf("records[%d]: %w", i, err)
		}
		args, err := r.kind.args(s.d, rec)
		if err != nil {
			return fmt.Errorf("records[%d]: %w", i, err)
		}
		rows = append(rows, args...)
		for j := range journals[i] {
			journal = append(journal, s.d.eventArgs(&journals[i][j])...)
		}
	}
	if len(recs) == 0 {
		return nil
	}
	if err := s.ready(ctx, s.writer()); err != nil {
		return err
	}
	tables := []struct {
		name    string
		columns []string
		args    []any
	}{{r.kind.table, r.kind.columns, rows}, {"journal", strings.Split(journalColumns, ", "), journal}}
	var prepare []string
	for _, t := range tables {
		if full := maxBatchParams / len(t.columns); s.d.prepare && len(t.args)/len(t.columns) >= full {
			prepare = append(prepare, s.insertQuery(t.name, t.columns, full))
		}
	}
	err := s.inTx(ctx, prepare, func(run runner) error {
		for _, t := range tables {
			if err := s.insertRows(ctx, run, t.name, t.columns, t.args); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlstore: import %d %s: %w", len(recs), r.kind.table, err)
	}
	return nil
}

// insertRows inserts args, len(columns) values per row, into table with multi-row
// INSERTs of up to maxBatchParams values. Where the dialect prepares statements
// (SQLite), the full-size INSERT is prepared once and kept: parsing 9,000 parameters
// takes about a millisecond, and every large import repeats that statement.
func (s *Store) insertRows(ctx context.Context, run runner, table string, columns []string, args []any) error {
	cols := len(columns)
	full := maxBatchParams / cols
	for len(args) > 0 {
		n := min(len(args)/cols, full)
		query := s.insertQuery(table, columns, n)
		var err error
		if n == full && run.stmts != nil {
			_, err = run.exec(ctx, query, args[:n*cols]...) // maps the error itself
		} else {
			_, err = run.q.ExecContext(ctx, query, args[:n*cols]...)
			err = s.d.mapError(err)
		}
		if err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}

// insertQuery returns the INSERT of n rows into table.
func (s *Store) insertQuery(table string, columns []string, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
	return s.d.rebind("INSERT INTO {p}"+table+" ("+strings.Join(columns, ", ")+") VALUES "+
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", "), s.prefix)
}
