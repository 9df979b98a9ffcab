package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/itsmkit/itsmkit/storage/sqlstore"
)

// Options configures Open. The zero value works.
type Options struct {
	// TablePrefix is the store's table prefix (see sqlstore.Options). To put the
	// tables in a schema of their own instead, name it first in the DSN's
	// search_path parameter.
	TablePrefix string
	// NoMigrate makes Open check that the schema is current instead of migrating it.
	NoMigrate bool
}

// Store is a sqlstore.Store on a PostgreSQL database that it opened and closes.
type Store struct {
	*sqlstore.Store
	db *sql.DB
}

// Open connects to the PostgreSQL database at dsn (a postgres:// URL or key=value
// string, as pgx reads it), migrates it and returns a ready store.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	st, err := New(ctx, db, opts)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return &Store{Store: st, db: db}, nil
}

// New returns a store on db, a database/sql handle of the host's, migrated (or
// checked, with Options.NoMigrate). Closing the store leaves db open.
func New(ctx context.Context, db *sql.DB, opts Options) (*sqlstore.Store, error) {
	st, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.PostgreSQL, TablePrefix: opts.TablePrefix})
	if err == nil {
		if opts.NoMigrate {
			err = st.CheckSchema(ctx)
		} else {
			err = st.Migrate(ctx)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return st, nil
}

// FromPool returns a database/sql handle on the host's pgx pool, for New or
// sqlstore.New: the store then shares the host's connections, and a host
// transaction begun on the handle can carry the store's writes (Store.WithTx).
// Closing the handle leaves the pool open.
func FromPool(pool *pgxpool.Pool) *sql.DB { return stdlib.OpenDBFromPool(pool) }

// Close releases the store's prepared statements and closes its connections.
func (s *Store) Close() error { return errors.Join(s.Store.Close(), s.db.Close()) }
