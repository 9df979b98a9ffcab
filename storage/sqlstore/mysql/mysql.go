package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/itsmkit/itsmkit/storage/sqlstore"
)

// Options configures Open. The zero value works.
type Options struct {
	// TablePrefix is the store's table prefix (see sqlstore.Options).
	TablePrefix string
	// NoMigrate makes Open check that the schema is current instead of migrating it.
	NoMigrate bool
}

// Store is a sqlstore.Store on a MariaDB or MySQL database that it opened and closes.
type Store struct {
	*sqlstore.Store
	db *sql.DB
}

// Open connects to the MariaDB or MySQL database at dsn (go-sql-driver's format,
// user:password@tcp(host:port)/database), migrates it and returns a ready store.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := Config(dsn)
	if err != nil {
		return nil, err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	db := sql.OpenDB(connector)
	st, err := New(ctx, db, opts)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return &Store{Store: st, db: db}, nil
}

// Config parses dsn and sets what the store needs: parseTime, so DATETIME columns
// scan as times; times in UTC unless the DSN names another loc (reads and writes then
// agree on it); and interpolateParams, which saves a round trip per unprepared query.
func Config(dsn string) (*mysql.Config, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	cfg.ParseTime = true
	cfg.InterpolateParams = true
	if cfg.Loc == nil {
		cfg.Loc = time.UTC
	}
	return cfg, nil
}

// New returns a store on db, a database/sql handle of the host's (opened with
// parseTime=true), migrated (or checked, with Options.NoMigrate). Closing the store
// leaves db open.
func New(ctx context.Context, db *sql.DB, opts Options) (*sqlstore.Store, error) {
	st, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.MySQL, TablePrefix: opts.TablePrefix})
	if err == nil {
		if opts.NoMigrate {
			err = st.CheckSchema(ctx)
		} else {
			err = st.Migrate(ctx)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	return st, nil
}

// Close releases the store's prepared statements and closes its connections.
func (s *Store) Close() error { return errors.Join(s.Store.Close(), s.db.Close()) }
