package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// runner runs statements on a DB or a transaction, through prepared statements where
// the dialect benefits from them, and maps driver errors.
type runner struct {
	q  querier
	d  *dialect
	tx *sql.Tx // the store's own transaction, to which prepared statements can be bound
	// db and stmts are set when fixed statements are prepared: on db, cached in stmts.
	db    *sql.DB
	stmts *stmtCache
}

func (r runner) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if r.tx == nil {
		return r.stmts.get(ctx, r.db, query)
	}
	if st, ok := r.stmts.lookup(r.db, query); ok {
		return r.tx.StmtContext(ctx, st), nil
	}
	return r.tx.PrepareContext(ctx, query) // closed with the transaction
}

func (r runner) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if r.stmts == nil {
		res, err := r.q.ExecContext(ctx, query, args...)
		return res, r.d.mapError(err)
	}
	st, err := r.stmt(ctx, query)
	if err != nil {
		return nil, r.d.mapError(err)
	}
	res, err := st.ExecContext(ctx, args...)
	return res, r.d.mapError(err)
}

// queryRow runs a query expected to return at most one row. Scanning the row returns
// sql.ErrNoRows when there is none.
func (r runner) queryRow(ctx context.Context, query string, args ...any) row {
	if r.stmts == nil {
		return row{row: r.q.QueryRowContext(ctx, query, args...), d: r.d}
	}
	st, err := r.stmt(ctx, query)
	if err != nil {
		return row{err: r.d.mapError(err)}
	}
	return row{row: st.QueryRowContext(ctx, args...), d: r.d}
}

// row is a *sql.Row whose Scan maps driver errors.
type row struct {
	row *sql.Row
	err error
	d   *dialect
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.d.mapError(r.row.Scan(dest...))
}

// query runs a query and calls scan for each row.
func (r runner) query(ctx context.Context, query string, prepared bool, args []any, scan func(*sql.Rows) error) error {
	var (
		rows *sql.Rows
		err  error
	)
	if r.stmts == nil || !prepared {
		rows, err = r.q.QueryContext(ctx, query, args...)
	} else {
		var st *sql.Stmt
		if st, err = r.stmt(ctx, query); err == nil {
			rows, err = st.QueryContext(ctx, args...)
		}
	}
	if err != nil {
		return r.d.mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return r.d.mapError(rows.Err())
}

// stmtCache holds the prepared statements of a store, per database.
type stmtCache struct {
	mu sync.Mutex
	m  map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	db    *sql.DB
	query string
}

func (c *stmtCache) lookup(db *sql.DB, query string) (*sql.Stmt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.m[stmtKey{db, query}]
	return st, ok
}

// warm prepares the queries that are not prepared yet.
func (c *stmtCache) warm(ctx context.Context, db *sql.DB, queries []string) error {
	for _, q := range queries {
		if _, err := c.get(ctx, db, q); err != nil {
			return err
		}
	}
	return nil
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	if st, ok := c.lookup(db, query); ok {
		return st, nil
	}
	k := stmtKey{db, query}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[k]; ok { // another goroutine prepared it meanwhile
		_ = st.Close()
		return prev, nil
	}
	c.m[k] = st
	return st, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for k, st := range c.m {
		errs = append(errs, st.Close())
		delete(c.m, k)
	}
	return errors.Join(errs...)
}
