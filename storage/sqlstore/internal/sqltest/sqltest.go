// Package sqltest gives the SQL store's tests their databases: a fresh SQLite file,
// or a PostgreSQL schema or MariaDB database of the test's own, created on the
// servers named by ITSM_POSTGRES_DSN and ITSM_MYSQL_DSN and dropped when the test
// ends. Without the variable, the server's tests are skipped.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/mysql"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

// The environment variables naming the servers.
const (
	PostgresEnv = "ITSM_POSTGRES_DSN"
	MySQLEnv    = "ITSM_MYSQL_DSN"
)

// Target is a database the tests run against.
type Target struct {
	// Name names the target in sub-test names: "sqlite", "postgres", "mysql".
	Name    string
	Dialect sqlstore.Dialect
	// Fresh returns an empty database of the test's own: a new SQLite file, or a
	// fresh table prefix in the target's schema or database.
	Fresh func(t testing.TB) Database
	// New returns an empty, migrated store of the test's own, closed when t ends.
	New func(t testing.TB) *sqlstore.Store
}

// Database is an empty database, or an empty part of one, for one test.
type Database struct {
	// Prefix is the table prefix the test's stores must use.
	Prefix string
	// Open returns a new connection pool on the database, closed when t ends: a test
	// opens several to play several processes.
	Open func(t testing.TB) *sql.DB
}

// SQLite returns the target of SQLite files opened with the database/sql driver
// registered as driver ("sqlite" for modernc.org/sqlite). Its stores come from the
// opener, sqlite.Open, with a writer connection and a read pool.
func SQLite(name, driver string) Target {
	return Target{
		Name:    name,
		Dialect: sqlstore.SQLite,
		Fresh: func(t testing.TB) Database {
			path := filepath.Join(t.TempDir(), "itsm.db")
			return Database{Open: func(t testing.TB) *sql.DB {
				t.Helper()
				db, err := sql.Open(driver, sqlite.DSN(path, sqlite.Options{}, false))
				if err != nil {
					t.Fatal(err)
				}
				db.SetMaxOpenConns(1)
				t.Cleanup(func() { _ = db.Close() })
				return db
			}}
		},
		New: func(t testing.TB) *sqlstore.Store {
			t.Helper()
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "itsm.db"), sqlite.Options{Driver: driver})
			if err != nil {
				t.Fatalf("open SQLite: %v", err)
			}
			t.Cleanup(func() { _ = st.Close() })
			return st.Store
		},
	}
}

// Postgres returns the target of a schema of t's own on the server named by
// ITSM_POSTGRES_DSN, and false when the variable is not set.
func Postgres(t testing.TB) (Target, bool) {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		return Target{}, false
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	admin := stdlib.OpenDB(*cfg)
	schema := UniqueName("itsm_test_")
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		_ = admin.Close()
		t.Fatalf("PostgreSQL: create schema: %v", err)
	}
	cfg.RuntimeParams["search_path"] = schema
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	t.Cleanup(func() {
		_ = db.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("PostgreSQL: drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	open := func(t testing.TB) *sql.DB {
		db := stdlib.OpenDB(*cfg)
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	return prefixed("postgres", sqlstore.PostgreSQL, db, open), true
}

// MySQL returns the target of a database of t's own on the server named by
// ITSM_MYSQL_DSN, and false when the variable is not set.
func MySQL(t testing.TB) (Target, bool) {
	t.Helper()
	dsn := os.Getenv(MySQLEnv)
	if dsn == "" {
		return Target{}, false
	}
	cfg, err := mysql.Config(dsn)
	if err != nil {
		t.Fatalf("%s: %v", MySQLEnv, err)
	}
	admin := openMySQL(t, cfg)
	name := UniqueName("itsm_test_")
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		t.Fatalf("MySQL: create database: %v", err)
	}
	cfg = cfg.Clone()
	cfg.DBName = name
	db := openMySQL(t, cfg)
	db.SetMaxOpenConns(16)
	t.Cleanup(func() {
		_ = db.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("MySQL: drop database %s: %v", name, err)
		}
		_ = admin.Close()
	})
	open := func(t testing.TB) *sql.DB {
		db := openMySQL(t, cfg)
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	return prefixed("mysql", sqlstore.MySQL, db, open), true
}

func openMySQL(t testing.TB, cfg *gomysql.Config) *sql.DB {
	t.Helper()
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		t.Fatalf("MySQL: %v", err)
	}
	return sql.OpenDB(c)
}

// prefixed is the target of fresh table prefixes in db, a schema or database of the
// test's own; open opens more pools on it.
func prefixed(name string, d sqlstore.Dialect, db *sql.DB, open func(testing.TB) *sql.DB) Target {
	tg := Target{Name: name, Dialect: d}
	tg.Fresh = func(testing.TB) Database {
		return Database{Prefix: UniqueName("t") + "_", Open: open}
	}
	tg.New = func(t testing.TB) *sqlstore.Store {
		t.Helper()
		st, err := sqlstore.New(db, sqlstore.Options{Dialect: d, TablePrefix: UniqueName("t") + "_"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	return tg
}

// Targets returns SQLite (modernc.org/sqlite), then PostgreSQL and MySQL when their
// servers are configured.
func Targets(t testing.TB) []Target {
	t.Helper()
	out := []Target{SQLite("sqlite", "sqlite")}
	if tg, ok := Postgres(t); ok {
		out = append(out, tg)
	}
	if tg, ok := MySQL(t); ok {
		out = append(out, tg)
	}
	return out
}

// UniqueName returns prefix followed by ten random lower-case letters and digits.
func UniqueName(prefix string) string {
	return prefix + strings.ToLower(rand.Text()[:10])
}
