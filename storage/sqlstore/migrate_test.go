package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
)

// forEachTarget runs test as a parallel sub-test per target.
func forEachTarget(t *testing.T, test func(t *testing.T, tg sqltest.Target)) {
	t.Helper()
	t.Parallel()
	for _, tg := range targets(t) {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			test(t, tg)
		})
	}
}

func newStore(t *testing.T, db *sql.DB, d sqlstore.Dialect, prefix string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.New(db, sqlstore.Options{Dialect: d, TablePrefix: prefix})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func latest(t *testing.T, d sqlstore.Dialect) int {
	t.Helper()
	ms, err := sqlstore.MigrationSQL(d, "")
	require.NoError(t, err)
	return ms[len(ms)-1].Version
}

func versionRows(t *testing.T, db *sql.DB, prefix string) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+prefix+"schema_migrations").Scan(&n))
	return n
}

func TestMigrateFromEmpty(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		fresh := tg.Fresh(t)
		db := fresh.Open(t)
		st := newStore(t, db, tg.Dialect, fresh.Prefix)

		require.ErrorIs(t, st.CheckSchema(ctx), sqlstore.ErrSchemaOutdated)
		_, err := st.Incidents().Get(ctx, "acme", itsm.NewID())
		require.ErrorIs(t, err, sqlstore.ErrSchemaOutdated, "a store refuses to run on a missing schema")
		assert.NotErrorIs(t, err, itsm.ErrNotFound)

		require.NoError(t, st.Migrate(ctx))
		require.NoError(t, st.CheckSchema(ctx))
		_, err = st.Incidents().Get(ctx, "acme", itsm.NewID())
		assert.ErrorIs(t, err, itsm.ErrNotFound)

		require.NoError(t, st.Migrate(ctx), "migrating again is a no-op")
		require.NoError(t, newStore(t, db, tg.Dialect, fresh.Prefix).Migrate(ctx), "and so is migrating from another store")
		assert.Equal(t, latest(t, tg.Dialect), versionRows(t, db, fresh.Prefix))
	})
}

func TestMigrateConcurrently(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		fresh := tg.Fresh(t)
		const migrators = 4
		stores := make([]*sqlstore.Store, migrators)
		for i := range stores { // each with its own pool: as separate processes would
			// Each pool's first connection also races the others to switch a new
			// SQLite file to WAL.
			stores[i] = newStore(t, fresh.Open(t), tg.Dialect, fresh.Prefix)
		}
		errs := make([]error, migrators)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, st := range stores {
			wg.Go(func() {
				<-start
				errs[i] = st.Migrate(t.Context())
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			assert.NoError(t, err, "migrator %d", i)
		}
		db := fresh.Open(t)
		assert.Equal(t, latest(t, tg.Dialect), versionRows(t, db, fresh.Prefix))
		n, err := stores[0].Incidents().NextNumber(t.Context(), "acme", itsm.KindIncident)
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
	})
}

// TestCancelledMigrate cancels Migrate at points where it looks at its context (every
// one of the last, where it commits, and a sample of the others): it hands its
// connection back to the pool without a transaction open on it, so the next Migrate
// on the same pool (of one connection) succeeds.
func TestCancelledMigrate(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		shared := tg.Fresh(t)
		pool := shared.Open(t)
		pool.SetMaxOpenConns(1)
		// fresh returns an empty schema: a new SQLite file, new tables on a server.
		fresh := func(n int) (*sql.DB, string) {
			if tg.Dialect == sqlstore.SQLite {
				return tg.Fresh(t).Open(t), ""
			}
			return pool, fmt.Sprintf("%s%d_", shared.Prefix, n)
		}
		db, prefix := fresh(0)
		counter := newCancelAfter(0)
		require.NoError(t, newStore(t, db, tg.Dialect, prefix).Migrate(counter))
		const last, sample = 30, 8
		for n := 1; ; n++ {
			require.Less(t, n, 2*counter.Looks(), "Migrate never succeeds")
			if n < counter.Looks()-last && n%sample != 0 {
				continue
			}
			db, prefix := fresh(n)
			if newStore(t, db, tg.Dialect, prefix).Migrate(newCancelAfter(n)) == nil {
				break
			}
			require.NoError(t, newStore(t, db, tg.Dialect, prefix).Migrate(t.Context()), "after a Migrate cancelled at look %d", n)
		}
	})
}

// TestPrefixesNewAcceptsMigrate: a table prefix that New accepts makes names the
// dialect takes, and one it does not is refused before anything reaches the
// database, matching ErrInvalid.
func TestPrefixesNewAcceptsMigrate(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		for _, prefix := range []string{"sqlite_", "pg_", "mysql_", "_", "sqlite"} {
			t.Run(prefix, func(t *testing.T) {
				fresh := tg.Fresh(t)
				if tg.Dialect != sqlstore.SQLite { // the database is shared: make it unique
					prefix = (prefix + fresh.Prefix)[:min(len(prefix)+len(fresh.Prefix), sqlstore.MaxTablePrefixLength)]
				}
				st, err := sqlstore.New(fresh.Open(t), sqlstore.Options{Dialect: tg.Dialect, TablePrefix: prefix})
				if tg.Dialect == sqlstore.SQLite && strings.HasPrefix(prefix, "sqlite_") {
					assert.ErrorIs(t, err, itsm.ErrInvalid, "SQLite reserves sqlite_*")
					return
				}
				require.NoError(t, err)
				require.NoError(t, st.Migrate(t.Context()))
				n, err := st.Incidents().NextNumber(t.Context(), "acme", itsm.KindIncident)
				require.NoError(t, err)
				assert.Equal(t, int64(1), n)
			})
		}
	})
}

func TestOutdatedSchemaRefused(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		fresh := tg.Fresh(t)
		db := fresh.Open(t)
		require.NoError(t, newStore(t, db, tg.Dialect, fresh.Prefix).Migrate(ctx))
		// Forget the last migration: the schema now looks one version behind.
		_, err := db.ExecContext(ctx, fmt.Sprintf("DELETE FROM %sschema_migrations WHERE version = %d", fresh.Prefix, latest(t, tg.Dialect)))
		require.NoError(t, err)

		st := newStore(t, db, tg.Dialect, fresh.Prefix)
		assert.ErrorIs(t, st.CheckSchema(ctx), sqlstore.ErrSchemaOutdated)
		_, err = st.Incidents().NextNumber(ctx, "acme", itsm.KindIncident)
		assert.ErrorIs(t, err, sqlstore.ErrSchemaOutdated)
		_, _, err = st.Incidents().List(ctx, "acme", incident.Filter{}, incident.Page{})
		assert.ErrorIs(t, err, sqlstore.ErrSchemaOutdated)

		require.NoError(t, st.Migrate(ctx), "the migration runs again over what exists")
		assert.NoError(t, st.CheckSchema(ctx))
		assert.Equal(t, latest(t, tg.Dialect), versionRows(t, db, fresh.Prefix))
	})
}

// TestExportedSQLMatchesMigrate runs MigrationSQL's statements by hand, as a host's
// migration tool would, and checks that the result is the schema Migrate makes and
// that a store accepts it.
func TestExportedSQLMatchesMigrate(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		byMigrate, byHand := tg.Fresh(t), tg.Fresh(t)
		migrated := byMigrate.Open(t)
		require.NoError(t, newStore(t, migrated, tg.Dialect, byMigrate.Prefix).Migrate(ctx))

		manual := byHand.Open(t)
		ms, err := sqlstore.MigrationSQL(tg.Dialect, byHand.Prefix)
		require.NoError(t, err)
		for _, m := range ms {
			for _, stmt := range m.Statements() {
				_, err := manual.ExecContext(ctx, stmt)
				require.NoError(t, err, stmt)
			}
		}
		want := dumpSchema(t, tg.Dialect, migrated, byMigrate.Prefix)
		require.NotEmpty(t, want)
		assert.Equal(t, want, dumpSchema(t, tg.Dialect, manual, byHand.Prefix))

		st := newStore(t, manual, tg.Dialect, byHand.Prefix)
		require.NoError(t, st.CheckSchema(ctx))
		require.NoError(t, st.Migrate(ctx), "Migrate finds nothing left to do")
		assert.Equal(t, latest(t, tg.Dialect), versionRows(t, manual, byHand.Prefix))
	})
}

func TestPrefixIsolation(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		fresh := tg.Fresh(t)
		db := fresh.Open(t)
		a := newStore(t, db, tg.Dialect, "a_"+fresh.Prefix)
		b := newStore(t, db, tg.Dialect, "b_"+fresh.Prefix)
		require.NoError(t, a.Migrate(ctx))
		require.ErrorIs(t, b.CheckSchema(ctx), sqlstore.ErrSchemaOutdated, "b's tables do not exist yet")
		require.NoError(t, b.Migrate(ctx))

		svc, err := incident.NewService(a.Incidents(), incident.Options{})
		require.NoError(t, err)
		inc, err := svc.Open(ctx, agent, incident.OpenInput{Title: "only in a"})
		require.NoError(t, err)

		_, err = b.Incidents().Get(ctx, agent.Tenant, inc.ID)
		assert.ErrorIs(t, err, itsm.ErrNotFound)
		listed, _, err := b.Incidents().List(ctx, agent.Tenant, incident.Filter{}, incident.Page{})
		require.NoError(t, err)
		assert.Empty(t, listed)
		n, err := b.Incidents().NextNumber(ctx, agent.Tenant, itsm.KindIncident)
		require.NoError(t, err)
		assert.Equal(t, int64(1), n, "b's sequence is its own")
		n, err = a.Incidents().NextNumber(ctx, agent.Tenant, itsm.KindIncident)
		require.NoError(t, err)
		assert.Equal(t, int64(2), n, "a's sequence gave 1 to the incident")

		assert.Equal(t, dumpSchema(t, tg.Dialect, db, a.TablePrefix()), dumpSchema(t, tg.Dialect, db, b.TablePrefix()))
	})
}

var agent = itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}

// dumpSchema describes the tables and indexes whose names begin with prefix, with the
// prefix replaced by {p}, so that two schemas can be compared.
func dumpSchema(t *testing.T, d sqlstore.Dialect, db *sql.DB, prefix string) []string {
	t.Helper()
	ctx := t.Context()
	var out []string
	collect := func(query string, args ...any) {
		t.Helper()
		rows, err := db.QueryContext(ctx, query, args...)
		require.NoError(t, err)
		defer rows.Close()
		cols, err := rows.Columns()
		require.NoError(t, err)
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			parts := make([]string, len(vals))
			for i, v := range vals {
				parts[i] = v.String
			}
			out = append(out, strings.Join(parts, " | "))
		}
		require.NoError(t, rows.Err())
	}
	switch d {
	case sqlstore.SQLite:
		collect("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE substr(name, 1, ?) = ? AND name NOT LIKE 'sqlite_%' ORDER BY name", len(prefix), prefix)
	case sqlstore.PostgreSQL:
		collect(`SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity FROM information_schema.columns
			WHERE table_schema = current_schema() AND left(table_name, length($1)) = $1 ORDER BY table_name, ordinal_position`, prefix)
		collect(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND left(indexname, length($1)) = $1 ORDER BY indexname`, prefix)
	case sqlstore.MySQL:
		var tables []string
		rows, err := db.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND LEFT(table_name, CHAR_LENGTH(?)) = ? ORDER BY table_name", prefix, prefix)
		require.NoError(t, err)
		for rows.Next() {
			var name string
			require.NoError(t, rows.Scan(&name))
			tables = append(tables, name)
		}
		require.NoError(t, rows.Err())
		_ = rows.Close()
		for _, name := range tables {
			collect("SHOW CREATE TABLE " + name)
		}
	}
	autoIncrement := regexp.MustCompile(` AUTO_INCREMENT=\d+`)
	names := regexp.MustCompile(`\b` + regexp.QuoteMeta(prefix))
	for i, s := range out {
		s = names.ReplaceAllString(s, "{p}")
		out[i] = autoIncrement.ReplaceAllString(s, "")
	}
	return out
}

// TestMigrateRefusesHostTransaction: Migrate takes its own connection and lock.
func TestMigrateRefusesHostTransaction(t *testing.T) {
	t.Parallel()
	st := sqltest.SQLite("sqlite", "sqlite").New(t)
	tx, err := st.DB().BeginTx(t.Context(), nil)
	require.NoError(t, err)
	defer tx.Rollback()
	assert.ErrorIs(t, st.WithTx(tx).Migrate(context.Background()), itsm.ErrInvalid)
}
