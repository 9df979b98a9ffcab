package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/itsmkit/itsmkit/itsm"
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
// user:password@tcp(host:port)/database, read by Config), migrates it and returns a
// ready store.
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

// Config parses dsn and sets what the store needs: parseTime, so that DATETIME
// columns scan as times, and interpolateParams, which saves a round trip per
// unprepared query. The store writes and reads times in UTC, and the driver converts
// them with its loc: Config returns [itsm.ErrInvalid] for a DSN with a loc other than
// UTC (the default), which would shift every time read back by the zone's offset and
// fold the repeated hour of a daylight saving change into one, and for a DSN that
// asks for parseTime=false.
func Config(dsn string) (*mysql.Config, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql: %w", err)
	}
	if cfg.Loc != time.UTC {
		return nil, &itsm.ValidationError{Field: "loc", Problem: fmt.Sprintf("is %s in the DSN: the store needs times in UTC; leave loc out or set loc=UTC", cfg.Loc)}
	}
	if !cfg.ParseTime && setsParam(dsn, "parseTime") {
		return nil, &itsm.ValidationError{Field: "parseTime", Problem: "is false in the DSN: the store needs DATETIME columns scanned as times; leave parseTime out or set parseTime=true"}
	}
	cfg.ParseTime = true
	cfg.InterpolateParams = true
	return cfg, nil
}

// setsParam reports whether dsn names the parameter, where go-sql-driver reads
// parameters: after the first '?' that follows the last '/'.
func setsParam(dsn, name string) bool {
	_, params, ok := strings.Cut(dsn[strings.LastIndexByte(dsn, '/')+1:], "?")
	if !ok {
		return false
	}
	for param := range strings.SplitSeq(params, "&") {
		if key, _, _ := strings.Cut(param, "="); key == name {
			return true
		}
	}
	return false
}

// New returns a store on db, a database/sql handle of the host's, migrated (or
// checked, with Options.NoMigrate). Closing the store leaves db open. db must scan
// DATETIME columns as times in UTC, as go-sql-driver does with parseTime=true and
// loc=UTC (the handles of Config's settings do): New reads one DATETIME to make sure,
// and returns [itsm.ErrInvalid] when db does otherwise.
func New(ctx context.Context, db *sql.DB, opts Options) (*sqlstore.Store, error) {
	st, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.MySQL, TablePrefix: opts.TablePrefix})
	if err == nil {
		err = checkTimes(ctx, db)
	}
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

// checkTimes reads a DATETIME(6) on db and refuses db unless it comes back as the
// same time.Time in UTC.
func checkTimes(ctx context.Context, db *sql.DB) error {
	want := time.Date(2001, 2, 3, 4, 5, 6, 789000, time.UTC)
	var got any
	if err := db.QueryRowContext(ctx, "SELECT CAST('2001-02-03 04:05:06.000789' AS DATETIME(6))").Scan(&got); err != nil {
		return fmt.Errorf("read a DATETIME: %w", err)
	}
	t, ok := got.(time.Time)
	switch {
	case !ok:
		return &itsm.ValidationError{Field: "db", Problem: fmt.Sprintf("scans a DATETIME as %T, not a time.Time: open it with parseTime=true (see Config)", got)}
	case t.Location() != time.UTC || !t.Equal(want):
		return &itsm.ValidationError{Field: "db", Problem: fmt.Sprintf("reads the DATETIME %s as %s: open it with loc=UTC, the driver's default (see Config)", want.Format("2006-01-02 15:04:05.000000"), t)}
	}
	return nil
}

// Close releases the store's prepared statements and closes its connections.
func (s *Store) Close() error { return errors.Join(s.Store.Close(), s.db.Close()) }
