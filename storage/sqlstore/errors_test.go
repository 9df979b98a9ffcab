package sqlstore_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	msqlite "modernc.org/sqlite"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

// driverCode reaches the driver's own error in err and returns its code, proving
// that the adapter wrapped it with %w.
func driverCode(t *testing.T, target string, err error) any {
	t.Helper()
	switch target {
	case "sqlite":
		var e *msqlite.Error
		require.ErrorAs(t, err, &e)
		return e.Code()
	case "sqlite-ncruces":
		var code sqlite3.ExtendedErrorCode // *sqlite3.Error converts to one too
		require.ErrorAs(t, err, &code)
		return int(code)
	case "postgres":
		var e *pgconn.PgError
		require.ErrorAs(t, err, &e)
		return e.Code
	case "mysql":
		var e *gomysql.MySQLError
		require.ErrorAs(t, err, &e)
		return int(e.Number)
	}
	t.Fatalf("unknown target %s", target)
	return nil
}

func TestUniqueViolationIsAlreadyExists(t *testing.T) {
	// SQLITE_CONSTRAINT_UNIQUE: the key (tenant, id) of a rowid table is a unique index.
	want := map[string]any{"sqlite": 2067, "sqlite-ncruces": 2067, "postgres": "23505", "mysql": 1062}
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		repo := tg.New(t).Incidents()
		svc, err := incident.NewService(repo, incident.Options{})
		require.NoError(t, err)
		inc, err := svc.Open(ctx, agent, incident.OpenInput{Title: "printer on fire"})
		require.NoError(t, err)
		events, err := repo.Events(ctx, agent.Tenant, inc.ID)
		require.NoError(t, err)

		err = repo.Create(ctx, inc, events) // the same ID again: a primary-key violation
		require.ErrorIs(t, err, itsm.ErrAlreadyExists)
		assert.False(t, itsm.IsRetryable(err))
		assert.Equal(t, want[tg.Name], driverCode(t, tg.Name, err))
	})
}

// TestBusyIsRetryableConflict holds SQLite's write lock on another connection: a
// write that cannot get it within the busy timeout is a retryable conflict.
func TestBusyIsRetryableConflict(t *testing.T) {
	t.Parallel()
	for _, driver := range []struct{ target, name string }{{"sqlite", "sqlite"}, {"sqlite-ncruces", "sqlite3"}} {
		t.Run(driver.target, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "itsm.db")
			st, err := sqlite.Open(ctx, path, sqlite.Options{Driver: driver.name, BusyTimeout: time.Millisecond})
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			svc, err := incident.NewService(st.Incidents(), incident.Options{})
			require.NoError(t, err)

			other, err := sql.Open(driver.name, sqlite.DSN(path, sqlite.Options{}, false))
			require.NoError(t, err)
			t.Cleanup(func() { _ = other.Close() })
			holder, err := other.Conn(ctx)
			require.NoError(t, err)
			_, err = holder.ExecContext(ctx, "BEGIN IMMEDIATE")
			require.NoError(t, err)

			_, err = svc.Open(ctx, agent, incident.OpenInput{Title: "blocked"})
			require.ErrorIs(t, err, itsm.ErrConflict)
			assert.True(t, itsm.IsRetryable(err))
			var conflict *sqlstore.ConflictError
			require.ErrorAs(t, err, &conflict)
			assert.Equal(t, 5, driverCode(t, driver.target, err).(int)&0xff, "SQLITE_BUSY")

			_, err = holder.ExecContext(ctx, "ROLLBACK")
			require.NoError(t, err)
			require.NoError(t, holder.Close())
			_, err = svc.Open(ctx, agent, incident.OpenInput{Title: "after the lock"})
			assert.NoError(t, err, "the same write succeeds once the lock is free")
		})
	}
}

// TestSerializationFailureInHostTransaction runs two host transactions at
// REPEATABLE READ through the store: the second writer of the same row fails with
// PostgreSQL's serialization failure, which aborts its transaction: the error says to
// run the transaction again, and is not retryable for the call.
func TestSerializationFailureInHostTransaction(t *testing.T) {
	t.Parallel()
	tg, ok := sqltest.Postgres(t)
	if !ok {
		t.Skip(sqltest.PostgresEnv + " is not set")
	}
	ctx := t.Context()
	st := tg.New(t)
	svc, err := incident.NewService(st.Incidents(), incident.Options{})
	require.NoError(t, err)
	inc, err := svc.Open(ctx, agent, incident.OpenInput{Title: "contended"})
	require.NoError(t, err)

	begin := func() (*sql.Tx, *incident.Service) {
		tx, err := st.DB().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
		require.NoError(t, err)
		t.Cleanup(func() { _ = tx.Rollback() })
		in, err := svc.Tx(tx)
		require.NoError(t, err)
		_, err = in.Get(ctx, agent, inc.ID) // both snapshots see version 1
		require.NoError(t, err)
		return tx, in
	}
	tx1, svc1 := begin()
	_, svc2 := begin()
	_, err = svc1.Start(ctx, agent, inc.Ref())
	require.NoError(t, err)
	require.NoError(t, tx1.Commit())

	_, err = svc2.Start(ctx, agent, inc.Ref())
	require.ErrorIs(t, err, itsm.ErrConflict)
	assert.False(t, itsm.IsRetryable(err))
	var conflict *sqlstore.ConflictError
	require.ErrorAs(t, err, &conflict)
	assert.True(t, conflict.RetryTx)
	assert.Equal(t, "40001", driverCode(t, "postgres", err))
}

// TestLockWaitTimeoutInHostTransaction makes a host transaction wait for a row
// another holds longer than innodb_lock_wait_timeout. InnoDB undoes the statement
// alone (by default) or the whole transaction (innodb_rollback_on_timeout): the
// error says which, and in the first case the write's savepoint undid it and the
// host may commit its other work.
func TestLockWaitTimeoutInHostTransaction(t *testing.T) {
	t.Parallel()
	tg, ok := sqltest.MySQL(t)
	if !ok {
		t.Skip(sqltest.MySQLEnv + " is not set")
	}
	ctx := t.Context()
	f := newHostFixture(t, tg)
	inc, err := f.svc.Open(ctx, agent, incident.OpenInput{Title: "held"})
	require.NoError(t, err)
	var rollbackOnTimeout bool
	require.NoError(t, f.st.DB().QueryRowContext(ctx, "SELECT @@innodb_rollback_on_timeout").Scan(&rollbackOnTimeout))

	holder, err := f.st.DB().BeginTx(ctx, nil)
	require.NoError(t, err)
	defer holder.Rollback()
	in, err := f.svc.Tx(holder)
	require.NoError(t, err)
	_, err = in.Start(ctx, agent, inc.Ref())
	require.NoError(t, err)

	waiter, err := f.st.DB().BeginTx(ctx, nil)
	require.NoError(t, err)
	defer waiter.Rollback()
	_, err = waiter.ExecContext(ctx, "SET SESSION innodb_lock_wait_timeout = 1")
	require.NoError(t, err)
	_, err = waiter.ExecContext(ctx, "INSERT INTO "+f.audit+" (note) VALUES ('waiter')")
	require.NoError(t, err)
	in, err = f.svc.Tx(waiter)
	require.NoError(t, err)
	_, err = in.Comment(ctx, agent, inc.Ref(), "blocked", incident.Public)
	require.ErrorIs(t, err, itsm.ErrConflict)
	assert.Equal(t, 1205, driverCode(t, "mysql", err))
	var conflict *sqlstore.ConflictError
	require.ErrorAs(t, err, &conflict)
	assert.Equal(t, rollbackOnTimeout, conflict.RetryTx)
	assert.Equal(t, !rollbackOnTimeout, itsm.IsRetryable(err))
	require.NoError(t, holder.Rollback())

	if rollbackOnTimeout {
		return
	}
	require.NoError(t, waiter.Commit())
	assert.Equal(t, 1, f.auditRows(), "the host's own work commits")
	assert.Equal(t, 1, f.journalRows(), "the failed comment left nothing")
	got, err := f.svc.Get(ctx, agent, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
}
