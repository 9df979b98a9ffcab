package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
)

// Options configures a Store.
type Options struct {
	// Dialect is the database behind the *sql.DB. Required.
	Dialect Dialect
	// TablePrefix is prepended to every table and index the store creates, so its
	// tables can sit beside the host's: "itsm_" gives itsm_incidents, itsm_journal …
	// Lower-case letters, digits and underscores, starting with a letter or an
	// underscore, at most MaxTablePrefixLength bytes; with SQLite, not starting with
	// "sqlite_", which SQLite reserves for its own tables. Empty means no prefix.
	TablePrefix string
	// ReadDB, when set, serves the listings and journal reads that do not run in a
	// transaction. The SQLite opener sets it to a pool of read-only connections beside
	// a single writer connection: WAL readers never wait for the writer. Point reads
	// (Get, FindByIdempotencyKey) stay on the write DB: they are the read of a read-
	// modify-write, and a SQLite connection that did not write the last commit drops
	// its page cache and reads the pages again (5% of a transition, measured).
	ReadDB *sql.DB
}

// MaxTablePrefixLength bounds Options.TablePrefix so that every table and index name
// fits the identifier limits of all dialects (63 bytes in PostgreSQL).
const MaxTablePrefixLength = 32

// Store is the database/sql storage adapter. It implements the storage ports of the
// practices (Incidents returns incident.Repository, Improvements csi.Repository) on
// one database, in tables named with Options.TablePrefix. It is safe for concurrent
// use.
//
// Every method checks once that the schema is current and otherwise returns
// [ErrSchemaOutdated]; call Migrate first (the openers in the subpackages do).
type Store struct {
	db     *sql.DB
	read   *sql.DB
	tx     *sql.Tx // set on a store bound to a host's transaction
	d      *dialect
	prefix string
	q      *queries
	stmts  *stmtCache
	schema *atomic.Bool // the schema was found current; shared with WithTx copies

	// The record kinds, their tables' statements, and their repositories.
	incidentKind    *recordKind[*incident.Incident]
	improvementKind *recordKind[*csi.Item]
	incidentQ       *tableQueries
	improvementQ    *tableQueries
	incidents       Incidents
	improvements    Improvements
}

// New returns a store on db. It does not touch the database: call Migrate to create
// or upgrade the schema. It returns [itsm.ErrInvalid] for a nil db, an unknown dialect
// or a malformed table prefix.
func New(db *sql.DB, opts Options) (*Store, error) {
	if db == nil {
		return nil, &itsm.ValidationError{Field: "db", Problem: "is nil"}
	}
	d, err := opts.Dialect.dialect()
	if err != nil {
		return nil, err
	}
	if err := validatePrefix(d, opts.TablePrefix); err != nil {
		return nil, err
	}
	s := &Store{
		db:     db,
		read:   db,
		d:      d,
		prefix: opts.TablePrefix,
		q:      newQueries(d, opts.TablePrefix),
		stmts:  &stmtCache{m: map[stmtKey]*sql.Stmt{}},
		schema: new(atomic.Bool),
	}
	if opts.ReadDB != nil {
		s.read = opts.ReadDB
	}
	s.incidentKind, s.improvementKind = incidentKind(), improvementKind()
	s.incidentQ = newTableQueries(d, s.prefix, s.q, s.incidentKind.table, s.incidentKind.columns, true)
	s.improvementQ = newTableQueries(d, s.prefix, s.q, s.improvementKind.table, s.improvementKind.columns, false)
	s.bind()
	return s, nil
}

// bind points the store's repositories at s.
func (s *Store) bind() {
	s.incidents = Incidents{records[*incident.Incident]{s: s, kind: s.incidentKind, q: s.incidentQ}}
	s.improvements = Improvements{records[*csi.Item]{s: s, kind: s.improvementKind, q: s.improvementQ}}
}

// validatePrefix refuses a table prefix that would not make valid names for the
// tables and indexes of d's migrations.
func validatePrefix(d *dialect, p string) error {
	switch {
	case len(p) > MaxTablePrefixLength:
		return &itsm.ValidationError{Field: "table_prefix", Problem: fmt.Sprintf("is %d bytes long, more than %d", len(p), MaxTablePrefixLength)}
	case d.name == SQLite && strings.HasPrefix(p, "sqlite_"):
		return &itsm.ValidationError{Field: "table_prefix", Problem: fmt.Sprintf("%q starts with sqlite_, which SQLite reserves for its own tables", p)}
	}
	for i, c := range []byte(p) {
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return &itsm.ValidationError{Field: "table_prefix", Problem: fmt.Sprintf("%q is not a lower-case SQL identifier (a-z, 0-9 and _, not starting with a digit)", p)}
		}
	}
	return nil
}

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.d.name }

// TablePrefix returns the prefix of the store's tables.
func (s *Store) TablePrefix() string { return s.prefix }

// DB returns the database the store writes to: begin host transactions on it.
func (s *Store) DB() *sql.DB { return s.db }

// Incidents returns the incident repository (incident.Repository,
// incident.TxRepository and incident.BatchRepository).
func (s *Store) Incidents() *Incidents { return &s.incidents }

// Improvements returns the CSI register (csi.Repository and csi.TxRepository).
func (s *Store) Improvements() *Improvements { return &s.improvements }

// WithTx returns a store whose reads and writes run in the host's transaction tx, so
// that they commit or roll back with the host's own rows. The store does not commit or
// roll back tx. Each write runs in a savepoint where the dialect needs one for the
// write to stay all-or-nothing inside tx (SQLite, MySQL): a write that fails, or whose
// context is cancelled, leaves nothing of itself in tx. With PostgreSQL a write is one
// statement, and a failed write aborts tx as any failed statement does; one whose
// context is cancelled just as the statement completes may report the cancellation
// and yet be whole in tx.
//
// A conflict with a concurrent transaction is a [ConflictError]. When it ended or
// spoilt tx itself (a deadlock, a serialization failure; see ConflictError.RetryTx),
// the error still matches [itsm.ErrConflict] but is not [itsm.IsRetryable]: do not
// retry the call in tx, roll tx back and run the whole transaction again.
func (s *Store) WithTx(tx *sql.Tx) *Store {
	c := *s
	c.tx = tx
	d := *s.d
	d.hostTx = true
	c.d = &d
	c.bind()
	return &c
}

// Close releases the statements the store prepared. It does not close the databases,
// which belong to the caller (the openers' stores close theirs).
func (s *Store) Close() error {
	if s.tx != nil {
		return nil
	}
	return s.stmts.close()
}

// ready returns ErrSchemaOutdated until the schema is found current.
func (s *Store) ready(ctx context.Context, r runner) error {
	if s.schema.Load() {
		return nil
	}
	have, err := s.schemaVersion(ctx, r)
	if err != nil {
		return err
	}
	if want := s.latestVersion(); have < want {
		return fmt.Errorf("%w (tables %q: version %d, this package needs %d)", ErrSchemaOutdated, s.prefix+"*", have, want)
	}
	s.schema.Store(true)
	return nil
}

// reader returns what listings run on: the host's transaction, or the read pool.
func (s *Store) reader() runner {
	if s.tx != nil {
		return runner{q: s.tx, d: s.d}
	}
	return s.onDB(s.read)
}

// pointReader returns what point reads run on: the host's transaction, or the write
// pool (see Options.ReadDB).
func (s *Store) pointReader() runner { return s.writer() }

// writer returns what single-statement writes run on: the host's transaction, or the
// write pool.
func (s *Store) writer() runner {
	if s.tx != nil {
		return runner{q: s.tx, d: s.d}
	}
	return s.onDB(s.db)
}

func (s *Store) onDB(db *sql.DB) runner {
	r := runner{q: db, d: s.d}
	if s.d.prepare {
		r.db, r.stmts = db, s.stmts
	}
	return r
}

// inTx runs fn in a transaction: the store's own, committed when fn succeeds, or, on
// a store bound to a host transaction, a savepoint of it (where the dialect needs one).
// prepare lists the fixed statements fn may run.
func (s *Store) inTx(ctx context.Context, prepare []string, fn func(r runner) error) error {
	if s.tx != nil {
		r := runner{q: s.tx, d: s.d}
		if !s.d.savepoint {
			return fn(r)
		}
		if _, err := s.tx.ExecContext(ctx, "SAVEPOINT itsm_write"); err != nil {
			return s.d.mapError(err)
		}
		// Once the savepoint is set, the write ends with it whatever ctx becomes: a
		// cancelled context must not leave half a write in the host's transaction.
		end := context.WithoutCancel(ctx)
		if err := fn(r); err != nil {
			return s.undoWrite(end, err)
		}
		_, err := s.tx.ExecContext(end, "RELEASE SAVEPOINT itsm_write")
		return s.d.mapError(err)
	}
	if s.d.prepare {
		// Prepare before BeginTx: the transaction may hold the only connection.
		if err := s.stmts.warm(ctx, s.db, prepare); err != nil {
			return s.d.mapError(err)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.d.mapError(err)
	}
	r := s.onDB(s.db)
	r.q, r.tx = tx, tx
	if err := fn(r); err != nil {
		_ = tx.Rollback() // the error that made us roll back is the one to report
		return err
	}
	return s.d.mapError(tx.Commit())
}

// undoWrite rolls the host's transaction back to the savepoint of a write that failed
// with err, and returns err. When the savepoint is gone after a conflict, the
// database rolled back the whole transaction (MySQL does on a lock wait timeout with
// innodb_rollback_on_timeout): err then says so (ConflictError.RetryTx).
func (s *Store) undoWrite(ctx context.Context, err error) error {
	_, undoErr := s.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT itsm_write")
	if undoErr == nil {
		_, undoErr = s.tx.ExecContext(ctx, "RELEASE SAVEPOINT itsm_write")
		if undoErr == nil {
			return err
		}
	}
	var conflict *ConflictError
	if errors.As(err, &conflict) {
		conflict.RetryTx = true // made for this call: no one else holds it
		return err
	}
	return errors.Join(err, fmt.Errorf("sqlstore: undo the failed write: %w", undoErr))
}
