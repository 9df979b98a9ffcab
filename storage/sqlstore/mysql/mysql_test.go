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

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
	"github.com/itsmkit/itsmkit/storage/sqlstore/mysql"
)

func TestConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dsn string
		field     string // the parameter refused; "" when accepted
	}{
		{"defaults", "app:secret@tcp(db:3306)/itsm", ""},
		{"UTC said", "app@tcp(db)/itsm?loc=UTC&parseTime=true", ""},
		{"parseTime=1", "app@tcp(db)/itsm?parseTime=1", ""},
		{"parameter-like password", "app:p?parseTime=false&loc=Local@tcp(db)/itsm", ""},
		{"another zone", "app@tcp(db)/itsm?loc=Europe%2FBerlin", "loc"},
		{"the machine's zone", "app@tcp(db)/itsm?parseTime=true&loc=Local", "loc"},
		{"parseTime=false", "app@tcp(db)/itsm?parseTime=false", "parseTime"},
		{"parseTime=0", "app@tcp(db)/itsm?loc=UTC&parseTime=0", "parseTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := mysql.Config(tt.dsn)
			if tt.field != "" {
				require.ErrorIs(t, err, itsm.ErrInvalid)
				var ve *itsm.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tt.field, ve.Field)
				return
			}
			require.NoError(t, err)
			assert.True(t, cfg.ParseTime)
			assert.True(t, cfg.InterpolateParams)
			assert.Same(t, time.UTC, cfg.Loc)
			assert.Equal(t, "itsm", cfg.DBName)
		})
	}
	_, err := mysql.Config("not a dsn")
	assert.Error(t, err)
}

// TestNewRefusesPoolsThatMisreadTimes hands New pools that would read back another
// time than the store wrote (a DATETIME as text, or in a zone other than UTC): New
// refuses them before it creates anything.
func TestNewRefusesPoolsThatMisreadTimes(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv(sqltest.MySQLEnv)
	if dsn == "" {
		t.Skip(sqltest.MySQLEnv + " is not set")
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	tests := []struct {
		name  string
		setup func(*gomysql.Config)
		ok    bool
	}{
		{"parseTime and UTC", func(*gomysql.Config) {}, true},
		{"no parseTime", func(c *gomysql.Config) { c.ParseTime = false }, false},
		{"another zone", func(c *gomysql.Config) { c.Loc = berlin }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := mysql.Config(dsn)
			require.NoError(t, err)
			tt.setup(cfg)
			connector, err := gomysql.NewConnector(cfg)
			require.NoError(t, err)
			db := sql.OpenDB(connector)
			t.Cleanup(func() { _ = db.Close() })
			prefix := sqltest.UniqueName("t") + "_"
			st, err := mysql.New(t.Context(), db, mysql.Options{TablePrefix: prefix})
			if tt.ok {
				require.NoError(t, err)
				for _, table := range []string{"improvements", "journal", "sequences", "incidents", "schema_migrations"} {
					_, err := db.ExecContext(context.Background(), "DROP TABLE "+st.TablePrefix()+table)
					require.NoError(t, err)
				}
				return
			}
			require.ErrorIs(t, err, itsm.ErrInvalid)
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "db", ve.Field)
			var tables int
			require.NoError(t, db.QueryRowContext(t.Context(),
				"SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?", prefix+"%").Scan(&tables))
			assert.Zero(t, tables, "New created tables")
		})
	}
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
