package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

// recordKind describes how records of one kind are stored: a table of typed columns
// (tenant, id, number and version first) ending with a JSON data column, written from
// a record by args and read back by scan.
type recordKind[R any] struct {
	kind    itsm.Kind
	table   string // without the prefix
	columns []string
	// idempotencyKey says whether the table has an idempotency_key column, read from
	// a record by key.
	idempotencyKey bool
	key            func(R) string
	meta           func(R) itsm.Meta
	args           func(*dialect, R) ([]any, error)
	scan           func(interface{ Scan(...any) error }) (R, error)
}

// records runs the reads and writes every record kind shares on one store.
type records[R any] struct {
	s    *Store
	kind *recordKind[R]
	q    *tableQueries
}

func (r records[R]) describe(m itsm.Meta) string {
	return fmt.Sprintf("%s %s (%s)", r.kind.kind, m.Number, m.ID)
}

// create inserts rec and its journal entries in one transaction (one statement where
// the dialect can), and sets the entries' Seq on success.
func (r records[R]) create(ctx context.Context, rec R, events []itsm.Event) error {
	s, m := r.s, r.kind.meta(rec)
	if err := storage.CheckCreate(m, r.kind.kind, events); err != nil {
		return err
	}
	if err := s.d.checkEvents(events); err != nil {
		return err
	}
	if err := s.ready(ctx, s.writer()); err != nil {
		return err
	}
	args, err := r.kind.args(s.d, rec)
	if err != nil {
		return err
	}
	var seqs []int64
	if s.d.oneStatement {
		seqs, err = s.writeOne(ctx, r.q.createWith[:], r.q.buildCreate, args, events)
	} else {
		err = s.inTx(ctx, r.q.inTx, func(run runner) error {
			if _, err := run.exec(ctx, r.q.insert, args...); err != nil {
				return err
			}
			seqs, err = s.journal(ctx, run, events)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("sqlstore: create %s: %w", r.describe(m), err)
	}
	setSeqs(events, seqs)
	return nil
}

// update runs the versioned UPDATE … WHERE tenant, id and version match and inserts
// the journal entries, in one transaction (one statement where the dialect can).
// When no row matched, a second read tells a missing record (ErrNotFound) from a
// stale version (ErrConflict). It sets the entries' Seq on success.
func (r records[R]) update(ctx context.Context, rec R, expected int64, events []itsm.Event) error {
	s, m := r.s, r.kind.meta(rec)
	if err := storage.CheckUpdate(m, expected, r.kind.kind, events); err != nil {
		return err
	}
	if err := s.d.checkEvents(events); err != nil {
		return err
	}
	if err := s.ready(ctx, s.writer()); err != nil {
		return err
	}
	cols, err := r.kind.args(s.d, rec)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(r.q.updated)+5)
	for _, i := range r.q.updated {
		args = append(args, cols[i])
	}
	args = append(args, cols[0], cols[1], expected, m.Number)
	if r.kind.idempotencyKey {
		args = append(args, r.kind.key(rec))
	}
	var seqs []int64
	if s.d.oneStatement {
		seqs, err = s.writeOne(ctx, r.q.updateWith[:], r.q.buildUpdate, args, events)
		if errors.Is(err, sql.ErrNoRows) {
			err = r.whyNotUpdated(ctx, s.writer(), rec, expected)
		}
	} else {
		err = s.inTx(ctx, r.q.inTx, func(run runner) error {
			res, err := run.exec(ctx, r.q.update, args...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return r.whyNotUpdated(ctx, run, rec, expected)
			}
			seqs, err = s.journal(ctx, run, events)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("sqlstore: update %s from version %d: %w", r.describe(m), expected, err)
	}
	setSeqs(events, seqs)
	return nil
}

// whyNotUpdated explains an update that matched no row.
func (r records[R]) whyNotUpdated(ctx context.Context, run runner, rec R, expected int64) error {
	m := r.kind.meta(rec)
	var (
		version     int64
		number, key string
	)
	err := run.queryRow(ctx, r.q.state, string(m.Tenant), r.s.d.idArg(m.ID)).Scan(&version, &number, &key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return itsm.ErrNotFound
	case err != nil:
		return err
	case version != expected:
		return fmt.Errorf("stored version is %d: %w", version, itsm.ErrConflict)
	case number != m.Number:
		return &itsm.ValidationError{Field: "number", Problem: fmt.Sprintf("cannot change (stored %q, given %q)", number, m.Number)}
	default:
		return &itsm.ValidationError{Field: "idempotency_key", Problem: fmt.Sprintf("cannot change (stored %q, given %q)", key, r.kind.key(rec))}
	}
}

// get reads the tenant's record with id, or returns ErrNotFound.
func (r records[R]) get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (R, error) {
	run := r.s.pointReader()
	if err := r.s.ready(ctx, run); err != nil {
		var zero R
		return zero, err
	}
	rec, err := r.kind.scan(run.queryRow(ctx, r.q.get, string(tenant), r.s.d.idArg(id)))
	if errors.Is(err, sql.ErrNoRows) {
		err = itsm.ErrNotFound
	}
	if err != nil {
		return rec, fmt.Errorf("sqlstore: %s %s: %w", r.kind.kind, id, err)
	}
	return rec, nil
}

// findByKey reads the tenant's record created with idempotency key key.
func (r records[R]) findByKey(ctx context.Context, tenant itsm.Tenant, key string) (R, error) {
	run := r.s.pointReader()
	var zero R
	if err := r.s.ready(ctx, run); err != nil {
		return zero, err
	}
	if key == "" {
		return zero, fmt.Errorf("sqlstore: %s with idempotency key %q: %w", r.kind.kind, key, itsm.ErrNotFound)
	}
	rec, err := r.kind.scan(run.queryRow(ctx, r.q.getByKey, string(tenant), key))
	if errors.Is(err, sql.ErrNoRows) {
		err = itsm.ErrNotFound
	}
	if err != nil {
		return zero, fmt.Errorf("sqlstore: %s with idempotency key %q: %w", r.kind.kind, key, err)
	}
	return rec, nil
}

// events reads the record's journal, or returns ErrNotFound when the tenant has no
// such record.
func (r records[R]) events(ctx context.Context, tenant itsm.Tenant, id itsm.ID) ([]itsm.Event, error) {
	run := r.s.reader()
	if err := r.s.ready(ctx, run); err != nil {
		return nil, err
	}
	events, err := r.s.events(ctx, run, tenant, r.kind.kind, id)
	if err == nil && len(events) == 0 {
		var one int
		err = run.queryRow(ctx, r.q.exists, string(tenant), r.s.d.idArg(id)).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			err = itsm.ErrNotFound
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %s %s: journal: %w", r.kind.kind, id, err)
	}
	return events, nil
}

// list runs a listing query and reads its rows.
func (r records[R]) list(ctx context.Context, query string, args []any) ([]R, error) {
	run := r.s.reader()
	if err := r.s.ready(ctx, run); err != nil {
		return nil, err
	}
	var out []R
	err := run.query(ctx, query, false, args, func(rows *sql.Rows) error {
		rec, err := r.kind.scan(rows)
		if err == nil {
			out = append(out, rec)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list %s: %w", r.kind.table, err)
	}
	return out, nil
}
