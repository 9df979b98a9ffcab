package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
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

// TestSerializationFailureIsRetryableConflict runs two host transactions at
// REPEATABLE READ through the store: the second writer of the same row fails with
// PostgreSQL's serialization failure, a retryable conflict.
func TestSerializationFailureIsRetryableConflict(t *testing.T) {
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
	assert.True(t, itsm.IsRetryable(err))
	assert.Equal(t, "40001", driverCode(t, "postgres", err))
}

// TestDeadlockIsRetryableConflict makes two host transactions update two incidents
// in opposite orders: InnoDB aborts one of them with a deadlock, a retryable conflict.
func TestDeadlockIsRetryableConflict(t *testing.T) {
	t.Parallel()
	tg, ok := sqltest.MySQL(t)
	if !ok {
		t.Skip(sqltest.MySQLEnv + " is not set")
	}
	ctx := t.Context()
	st := tg.New(t)
	svc, err := incident.NewService(st.Incidents(), incident.Options{})
	require.NoError(t, err)
	a, err := svc.Open(ctx, agent, incident.OpenInput{Title: "a"})
	require.NoError(t, err)
	b, err := svc.Open(ctx, agent, incident.OpenInput{Title: "b"})
	require.NoError(t, err)

	begin := func() *incident.Service {
		tx, err := st.DB().BeginTx(ctx, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = tx.Rollback() })
		in, err := svc.Tx(tx)
		require.NoError(t, err)
		return in
	}
	svc1, svc2 := begin(), begin()
	_, err = svc1.Start(ctx, agent, a.Ref()) // tx1 locks a
	require.NoError(t, err)
	_, err = svc2.Start(ctx, agent, b.Ref()) // tx2 locks b
	require.NoError(t, err)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Go(func() { _, errs[0] = svc1.Comment(context.WithoutCancel(ctx), agent, b.Ref(), "x", incident.Public) })
	wg.Go(func() { _, errs[1] = svc2.Comment(context.WithoutCancel(ctx), agent, a.Ref(), "y", incident.Public) })
	wg.Wait()

	var deadlocked error
	for _, err := range errs {
		if err != nil && !errors.Is(err, itsm.ErrConflict) || err != nil && deadlocked != nil {
			t.Fatalf("want one deadlock victim, got %v", errs)
		}
		if err != nil {
			deadlocked = err
		}
	}
	require.Error(t, deadlocked, "one transaction is the deadlock's victim")
	assert.True(t, itsm.IsRetryable(deadlocked))
	assert.Equal(t, 1213, driverCode(t, "mysql", deadlocked))
}
