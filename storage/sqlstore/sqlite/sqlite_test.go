package sqlite_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/ncruces/go-sqlite3/driver" // registers "sqlite3", a second driver
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

func TestDSN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		opts     sqlite.Options
		readOnly bool
		prefix   string
		pragmas  []string
		txlock   string
	}{
		{"file", "data/itsm.db", sqlite.Options{}, false, "file:data/itsm.db?",
			[]string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"}, "immediate"},
		{"read pool", "/var/lib/itsm.db", sqlite.Options{BusyTimeout: time.Second}, true, "file:/var/lib/itsm.db?",
			[]string{"busy_timeout(1000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "query_only(1)"}, ""},
		{"normal sync", "x.db", sqlite.Options{Sync: sqlite.SyncNormal}, false, "file:x.db?",
			[]string{"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"}, "immediate"},
		{"escaped", "dir #1/a?b.db", sqlite.Options{}, false, "file:dir%20%231/a%3Fb.db?", nil, "immediate"},
		{"memory", ":memory:", sqlite.Options{}, false, "file::memory:?", nil, "immediate"},
		{"URI kept", "file:x.db?mode=ro", sqlite.Options{}, true, "file:x.db?mode=ro&", nil, ""},
	}
	for _, tt := range tests {
		dsn := sqlite.DSN(tt.path, tt.opts, tt.readOnly)
		require.True(t, strings.HasPrefix(dsn, tt.prefix), "%s: %s", tt.name, dsn)
		q, err := url.ParseQuery(dsn[strings.LastIndex(dsn, "?")+1:])
		require.NoError(t, err)
		if tt.pragmas != nil {
			assert.Equal(t, tt.pragmas, q["_pragma"], tt.name)
		}
		assert.Equal(t, tt.txlock, q.Get("_txlock"), tt.name)
	}
}

// TestOpenTunesTheDatabase reads back the settings Open promises.
func TestOpenTunesTheDatabase(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "itsm.db")
	st, err := sqlite.Open(ctx, path, sqlite.Options{TablePrefix: "itsm_"}) // the default durability
	require.NoError(t, err)
	defer st.Close()
	var mode string
	var sync, fk, busy int
	db := st.DB()
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
	assert.Equal(t, "wal", mode)
	assert.Equal(t, 2, sync, "FULL")
	assert.Equal(t, 1, fk)
	assert.Equal(t, 5000, busy)
	assert.Equal(t, "itsm_", st.TablePrefix())
	assert.Equal(t, sqlstore.SQLite, st.Dialect())
	assert.Equal(t, 1, db.Stats().MaxOpenConnections, "one writer")

	// A second Open of the same file finds the schema current.
	again, err := sqlite.Open(ctx, path, sqlite.Options{NoMigrate: true, TablePrefix: "itsm_"})
	require.NoError(t, err)
	require.NoError(t, again.Close())
	_, err = sqlite.Open(ctx, path, sqlite.Options{NoMigrate: true, TablePrefix: "other_"})
	assert.ErrorIs(t, err, sqlstore.ErrSchemaOutdated)
}

// TestSyncNormalIsOptIn: a host that trades power-loss durability for faster
// commits asks for it, and gets synchronous=NORMAL on the writer.
func TestSyncNormalIsOptIn(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "itsm.db"), sqlite.Options{Sync: sqlite.SyncNormal})
	require.NoError(t, err)
	defer st.Close()
	var sync int
	require.NoError(t, st.DB().QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
	assert.Equal(t, 1, sync, "NORMAL")
}

// TestConcurrentReadModifyWrite runs read-modify-write transitions from many
// goroutines on one file: with BEGIN IMMEDIATE on a single writer none fails with
// SQLITE_BUSY, and every transition is kept.
func TestConcurrentReadModifyWrite(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "itsm.db"), sqlite.Options{})
	require.NoError(t, err)
	defer st.Close()
	svc, err := incident.NewService(st.Incidents(), incident.Options{})
	require.NoError(t, err)
	ana := itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	inc, err := svc.Open(ctx, ana, incident.OpenInput{Title: "busy"})
	require.NoError(t, err)

	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Go(func() {
			for range each {
				_, err := svc.Comment(ctx, ana, incident.Ref{ID: inc.ID}, "note", incident.WorkNote)
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		// A version conflict after the service's retries is possible; a busy
		// database is not.
		require.ErrorIs(t, err, itsm.ErrConflict)
		require.False(t, itsm.IsRetryable(err), "SQLITE_BUSY: %v", err)
	}
	got, err := svc.Get(ctx, ana, inc.ID)
	require.NoError(t, err)
	history, err := svc.History(ctx, ana, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, int(got.Version), len(history), "one journal entry per version")
}

// TestConcurrentOpensOfANewFile opens a new file from several goroutines at once, as
// processes starting together would: the first connection of each switches the file
// to WAL, which SQLite may refuse at once (SQLITE_BUSY) while another makes the same
// switch. Every Open must succeed. The race is rare: the test runs it many times,
// within a time budget (the race detector slows it tenfold).
func TestConcurrentOpensOfANewFile(t *testing.T) {
	t.Parallel()
	const rounds, opens, budget = 80, 8, 1500 * time.Millisecond
	for _, driver := range []string{"sqlite", "sqlite3"} {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			for round := 0; round < rounds && time.Since(start) < budget; round++ {
				path := filepath.Join(t.TempDir(), "itsm.db")
				errs := make([]error, opens)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range errs {
					wg.Go(func() {
						<-start
						st, err := sqlite.Open(t.Context(), path, sqlite.Options{Driver: driver})
						if errs[i] = err; err == nil {
							errs[i] = st.Close()
						}
					})
				}
				close(start)
				wg.Wait()
				for i, err := range errs {
					require.NoError(t, err, "round %d, Open %d", round, i)
				}
			}
		})
	}
}

func TestOpenRefusesBadOptions(t *testing.T) {
	t.Parallel()
	_, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x.db"), sqlite.Options{TablePrefix: "Bad Prefix"})
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	_, err = sqlite.Open(context.Background(), ":memory:", sqlite.Options{Driver: "no-such-driver"})
	assert.ErrorContains(t, err, "no-such-driver")
}
