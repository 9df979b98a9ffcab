package postgres_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
	"github.com/itsmkit/itsmkit/storage/sqlstore/postgres"
)

// schemaDSN returns the DSN of a schema of the test's own.
func schemaDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(sqltest.PostgresEnv)
	if dsn == "" {
		t.Skip(sqltest.PostgresEnv + " is not set")
	}
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	admin := stdlib.OpenDB(*cfg)
	schema := sqltest.UniqueName("itsm_test_")
	_, err = admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = admin.Close()
	})
	if strings.Contains(dsn, "://") { // a URL; otherwise key=value pairs
		if strings.Contains(dsn, "?") {
			return dsn + "&search_path=" + schema
		}
		return dsn + "?search_path=" + schema
	}
	return dsn + " search_path=" + schema
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dsn := schemaDSN(t)
	ctx := t.Context()
	st, err := postgres.Open(ctx, dsn, postgres.Options{TablePrefix: "itsm_"})
	require.NoError(t, err)
	defer st.Close()
	assert.Equal(t, sqlstore.PostgreSQL, st.Dialect())
	_, err = postgres.Open(ctx, dsn, postgres.Options{TablePrefix: "other_", NoMigrate: true})
	assert.ErrorIs(t, err, sqlstore.ErrSchemaOutdated)
	_, err = postgres.Open(ctx, "postgres://%zz", postgres.Options{})
	assert.Error(t, err)
}

// TestFromPool builds the store on a host's pgx pool and writes through it.
func TestFromPool(t *testing.T) {
	t.Parallel()
	dsn := schemaDSN(t)
	ctx := t.Context()
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	poolCfg, err := pgxpool.ParseConfig("")
	require.NoError(t, err)
	poolCfg.ConnConfig = cfg
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	require.NoError(t, err)
	defer pool.Close()
	db := postgres.FromPool(pool)
	defer db.Close()

	st, err := postgres.New(ctx, db, postgres.Options{TablePrefix: "host_"})
	require.NoError(t, err)
	svc, err := incident.NewService(st.Incidents(), incident.Options{})
	require.NoError(t, err)
	ana := itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	inc, err := svc.Open(ctx, ana, incident.OpenInput{Title: "through the host's pool"})
	require.NoError(t, err)
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM host_journal WHERE entity_id = $1", inc.ID.String()).Scan(&n))
	assert.Equal(t, 1, n)
}
