package mysql_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
	"github.com/itsmkit/itsmkit/storage/sqlstore/mysql"
)

func TestConfig(t *testing.T) {
	t.Parallel()
	cfg, err := mysql.Config("app:secret@tcp(db:3306)/itsm")
	require.NoError(t, err)
	assert.True(t, cfg.ParseTime)
	assert.True(t, cfg.InterpolateParams)
	assert.Equal(t, time.UTC, cfg.Loc)
	assert.Equal(t, "itsm", cfg.DBName)

	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	cfg, err = mysql.Config("app@tcp(db)/itsm?loc=Europe%2FBerlin&parseTime=false")
	require.NoError(t, err)
	assert.True(t, cfg.ParseTime, "the store needs it")
	assert.Equal(t, berlin.String(), cfg.Loc.String(), "a host's loc is kept: reads and writes agree on it")

	_, err = mysql.Config("not a dsn")
	assert.Error(t, err)
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv(sqltest.MySQLEnv)
	if dsn == "" {
		t.Skip(sqltest.MySQLEnv + " is not set")
	}
	ctx := t.Context()
	cfg, err := mysql.Config(dsn)
	require.NoError(t, err)
	connector, err := gomysql.NewConnector(cfg)
	require.NoError(t, err)
	admin := sql.OpenDB(connector)
	name := sqltest.UniqueName("itsm_test_")
	_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE "+name)
		_ = admin.Close()
	})

	cfg.DBName = name
	st, err := mysql.Open(ctx, cfg.FormatDSN(), mysql.Options{TablePrefix: "itsm_"})
	require.NoError(t, err)
	defer st.Close()
	assert.Equal(t, sqlstore.MySQL, st.Dialect())
	_, err = mysql.Open(ctx, cfg.FormatDSN(), mysql.Options{TablePrefix: "other_", NoMigrate: true})
	assert.ErrorIs(t, err, sqlstore.ErrSchemaOutdated)
}
