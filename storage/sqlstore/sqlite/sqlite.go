package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/storage/sqlstore"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Options configures Open. The zero value works.
type Options struct {
	// TablePrefix is the store's table prefix (see sqlstore.Options).
	TablePrefix string
	// Sync is how durable a commit is. The zero value, SyncFull, makes every commit
	// survive a power loss, as PostgreSQL and MariaDB commits do by default.
	Sync Sync
	// BusyTimeout is how long a connection waits for a lock another process holds
	// before it fails with a retryable itsm.ErrConflict. Zero means 5 seconds.
	BusyTimeout time.Duration
	// Readers is the number of read connections beside the single writer. Zero means
	// 4. In-memory databases use one connection for everything.
	Readers int
	// NoMigrate makes Open check that the schema is current instead of migrating it.
	NoMigrate bool
	// Driver is the database/sql driver name. Empty means "sqlite"
	// (modernc.org/sqlite, registered by this package). Any driver that understands
	// the _pragma and _txlock DSN parameters works, such as
	// github.com/ncruces/go-sqlite3/driver ("sqlite3").
	Driver string
}

// Sync is the durability of a commit: SQLite's synchronous setting in WAL mode.
type Sync int

const (
	// SyncFull (PRAGMA synchronous=FULL, the default) syncs the write-ahead log to the
	// disk at every commit: a write the store reported committed, and whose events the
	// hooks were given, survives a power loss or an operating system crash.
	SyncFull Sync = iota
	// SyncNormal (synchronous=NORMAL) syncs only at checkpoints: a commit costs about
	// 2.5 times less, the database is never corrupted and a process crash loses
	// nothing, but a power loss may roll back the last transactions committed before
	// it, after the hooks announced them. For hosts that can replay such writes, or
	// that store nothing they cannot lose.
	SyncNormal
)

// Store is a sqlstore.Store on a SQLite database that it opened and closes.
type Store struct {
	*sqlstore.Store
	write, read *sql.DB
}

// Open opens (creating it if needed) the SQLite database at path, migrates it and
// returns a ready store. path is a file name, or ":memory:" for a private in-memory
// database that lives as long as the store.
//
// A file database runs in WAL mode with one writer connection whose transactions
// begin IMMEDIATE (they take the write lock first, so concurrent read-modify-write
// transactions queue instead of failing with SQLITE_BUSY), and a pool of read-only
// connections that never wait for the writer. Foreign keys are on.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	driver := cmp.Or(opts.Driver, "sqlite")
	memory := isMemory(path)
	write, err := sql.Open(driver, DSN(path, opts, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One writer: SQLite has one write lock per database, and a single connection
	// holding it gives the same throughput as several with a lower tail latency.
	// An in-memory database exists only on its connection: keep exactly one open.
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	s := &Store{write: write}
	if !memory {
		s.read, err = sql.Open(driver, DSN(path, opts, true))
		if err != nil {
			return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", path, err), write.Close())
		}
		s.read.SetMaxOpenConns(cmp.Or(opts.Readers, 4))
		s.read.SetMaxIdleConns(cmp.Or(opts.Readers, 4))
	}
	s.Store, err = sqlstore.New(write, sqlstore.Options{Dialect: sqlstore.SQLite, TablePrefix: opts.TablePrefix, ReadDB: s.read})
	if err == nil {
		if opts.NoMigrate {
			err = s.CheckSchema(ctx)
		} else {
			err = s.Migrate(ctx)
		}
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", path, err), s.closeDBs())
	}
	return s, nil
}

// Close releases the store's prepared statements and closes its connections.
func (s *Store) Close() error {
	return errors.Join(s.Store.Close(), s.closeDBs())
}

func (s *Store) closeDBs() error {
	err := s.write.Close()
	if s.read != nil {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// DSN returns the data source name Open uses for path: for the writer connection, or
// (readOnly) for the read pool. Hosts that open the database themselves can use it
// with sqlstore.New.
func DSN(path string, opts Options, readOnly bool) string {
	q := url.Values{}
	busy := cmp.Or(opts.BusyTimeout, 5*time.Second)
	pragmas := []string{
		"busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")",
		"journal_mode(WAL)",
		"synchronous(FULL)",
		"foreign_keys(1)",
	}
	if opts.Sync == SyncNormal {
		pragmas[2] = "synchronous(NORMAL)"
	}
	if readOnly {
		pragmas = append(pragmas, "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	q["_pragma"] = pragmas
	name := path
	if !strings.HasPrefix(path, "file:") {
		if path == ":memory:" {
			name = "file::memory:"
		} else {
			name = "file:" + (&url.URL{Path: path}).EscapedPath()
		}
	}
	sep := "?"
	if strings.Contains(name, "?") {
		sep = "&"
	}
	return name + sep + q.Encode()
}

func isMemory(path string) bool {
	return path == ":memory:" || strings.HasPrefix(path, "file::memory:") || strings.Contains(path, "mode=memory")
}
