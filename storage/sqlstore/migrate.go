package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one version of the schema, in the SQL of one dialect.
type Migration struct {
	// Version counts from 1; a database at version N has run migrations 1 … N.
	Version int
	// Name says what the migration does.
	Name string
	// SQL is the migration's script: statements each ending with a semicolon at the
	// end of a line, and comments. Its last statement records Version in the
	// schema_migrations table, where a Store checks it. Every statement may run again
	// (CREATE … IF NOT EXISTS) except that last insert.
	SQL string
}

// Statements returns the statements of m.SQL, one per element, without comments or
// the final semicolon: what Migrate executes, for tools that run one statement at a
// time.
func (m Migration) Statements() []string {
	var (
		out []string
		cur strings.Builder
	)
	for line := range strings.Lines(m.SQL) {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// MigrationSQL returns the migrations of dialect d for tables named with prefix, in
// version order, for hosts that run their own migration tool. Running them in order
// is what Migrate does, minus its lock. It returns [itsm.ErrInvalid] for an unknown
// dialect or a malformed prefix.
func MigrationSQL(d Dialect, prefix string) ([]Migration, error) {
	spec, err := d.dialect()
	if err != nil {
		return nil, err
	}
	if err := validatePrefix(spec, prefix); err != nil {
		return nil, err
	}
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFiles, dir) // sorted by name: 0001_…, 0002_…
	if err != nil {
		return nil, fmt.Errorf("sqlstore: embedded migrations: %w", err)
	}
	out := make([]Migration, 0, len(entries))
	for i, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		num, rest, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("sqlstore: embedded migration %s is out of sequence", e.Name())
		}
		text, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: embedded migrations: %w", err)
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: strings.ReplaceAll(string(text), "{p}", prefix)})
	}
	return out, nil
}

// Migrate brings the schema up to date: it creates the tables on an empty database
// and runs the migrations the database has not run yet. It is safe to call from
// several processes at once: a lock serialises them (SQLite's write lock, taken by
// BEGIN IMMEDIATE; PostgreSQL's pg_advisory_xact_lock; MySQL's GET_LOCK), and a
// migrator that waited finds nothing left to do. In SQLite and PostgreSQL all pending
// migrations commit together or not at all; in MySQL, whose DDL commits implicitly,
// every statement may run again after a failure. A Migrate that fails, whatever its
// context did, leaves no transaction open on the connection it hands back to the
// pool. A database busy with another transaction fails it with a [ConflictError].
func (s *Store) Migrate(ctx context.Context) error {
	if s.tx != nil {
		return &itsm.ValidationError{Field: "store", Problem: "Migrate cannot run in a host transaction"}
	}
	migrations, err := MigrationSQL(s.d.name, s.prefix)
	if err != nil {
		return err
	}
	conn, err := s.connect(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer conn.Close()
	release, err := s.d.lockMigrations(ctx, conn, s.prefix)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: lock: %w", s.d.mapError(err))
	}
	err = migrate(ctx, conn, s.q.schemaVersion, migrations)
	if err = errors.Join(err, release(ctx, err == nil)); err != nil {
		return fmt.Errorf("sqlstore: migrate %s tables %q: %w", s.d.name, s.prefix+"*", s.d.mapError(err))
	}
	s.schema.Store(true)
	return nil
}

// connectAttempts bounds the attempts of connect: 1 + 2 + … + 128 ms of pauses.
const connectAttempts = 9

// connect returns a connection of the write pool. The first connection to a new
// SQLite file switches it to WAL (the journal_mode pragma of the opener's DSN), which
// needs the file to itself for a moment: connections that other processes open at
// the same time may find it busy, and SQLite then refuses them at once, without
// waiting for the busy timeout (SQLITE_BUSY). connect tries again a few times, after
// a growing pause, while the database answers busy.
func (s *Store) connect(ctx context.Context) (*sql.Conn, error) {
	pause := time.Millisecond
	for attempt := 1; ; attempt++ {
		conn, err := s.db.Conn(ctx)
		if err == nil {
			return conn, nil
		}
		err = s.d.mapError(err)
		if attempt == connectAttempts || !itsm.IsRetryable(err) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(err, ctx.Err())
		case <-time.After(pause):
		}
		pause *= 2
	}
}

func migrate(ctx context.Context, conn *sql.Conn, versionQuery string, migrations []Migration) error {
	// The first statement of the first migration creates the version table.
	if _, err := conn.ExecContext(ctx, migrations[0].Statements()[0]); err != nil {
		return err
	}
	var have int
	if err := conn.QueryRowContext(ctx, versionQuery).Scan(&have); err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	for _, m := range migrations[min(have, len(migrations)):] {
		for _, stmt := range m.Statements() {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
		}
	}
	return nil
}

// lockMigrations takes the dialect's migration lock on conn and returns the function
// that releases it, committing the migrations when ok.
func (d *dialect) lockMigrations(ctx context.Context, conn *sql.Conn, prefix string) (release func(ctx context.Context, ok bool) error, err error) {
	exec := func(ctx context.Context, query string, args ...any) error {
		_, err := conn.ExecContext(ctx, query, args...)
		return err
	}
	// endTx ends the transaction whatever ctx has become meanwhile: the connection
	// goes back to the pool, and must not carry an open transaction (in SQLite, the
	// write lock) to its next user. If neither COMMIT nor ROLLBACK goes through, the
	// connection is discarded.
	endTx := func(ctx context.Context, ok bool) error {
		ctx = context.WithoutCancel(ctx)
		var err error
		if ok {
			if err = exec(ctx, "COMMIT"); err == nil {
				return nil
			}
		}
		if rbErr := exec(ctx, "ROLLBACK"); rbErr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // closes it
			err = errors.Join(err, rbErr)
		}
		return err
	}
	switch d.name {
	case SQLite:
		// The write lock, held to the end of the transaction.
		return endTx, exec(ctx, "BEGIN IMMEDIATE")
	case PostgreSQL:
		if err := exec(ctx, "BEGIN"); err != nil {
			return nil, err
		}
		err := exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('itsmkit:' || current_schema() || ':' || $1, 0))", prefix)
		if err != nil {
			return nil, errors.Join(err, endTx(ctx, false))
		}
		return endTx, nil
	}
	// MySQL: a named lock per database and prefix (names are limited to 64 bytes).
	const name = "CONCAT('itsmkit:', MD5(CONCAT(DATABASE(), ':', ?)))"
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK("+name+", 600)", prefix).Scan(&got); err != nil {
		return nil, err
	}
	if got.Int64 != 1 {
		return nil, errors.New("GET_LOCK timed out after 600 s: another migrator holds the lock")
	}
	return func(ctx context.Context, _ bool) error {
		return exec(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK("+name+")", prefix)
	}, nil
}

// latestVersion is the schema version this package needs.
func (s *Store) latestVersion() int {
	ms, err := MigrationSQL(s.d.name, s.prefix)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// CheckSchema returns nil when the database's schema is current, or an error matching
// [ErrSchemaOutdated] when it is older than this package needs or missing. Every
// method runs it once, so calling it is only needed to fail early.
func (s *Store) CheckSchema(ctx context.Context) error {
	return s.ready(ctx, s.writer())
}

// schemaVersion reads the version of the schema, 0 when there are no tables yet. It
// looks the version table up in the catalog first: in PostgreSQL a failed query
// would abort a host's transaction.
func (s *Store) schemaVersion(ctx context.Context, run runner) (int, error) {
	table := s.prefix + "schema_migrations"
	var exists bool
	if err := run.q.QueryRowContext(ctx, s.d.tableExists, table).Scan(&exists); err != nil {
		return 0, fmt.Errorf("sqlstore: read the schema version: %w", s.d.mapError(err))
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := run.q.QueryRowContext(ctx, s.q.schemaVersion).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlstore: read the schema version: %w", s.d.mapError(err))
	}
	return v, nil
}
