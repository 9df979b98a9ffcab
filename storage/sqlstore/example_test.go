package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

// clock is a fixed clock, for output that does not change between runs.
var clock = itsm.ClockFunc(func() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) })

func Example() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Options{})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	svc, err := incident.NewService(store.Incidents(), incident.Options{Clock: clock})
	if err != nil {
		panic(err)
	}
	ana := itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	inc, err := svc.Open(ctx, ana, incident.OpenInput{Title: "Printer jammed", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyHigh})
	if err != nil {
		panic(err)
	}
	if _, err := svc.Assign(ctx, ana, inc.Ref(), "Service Desk", "ana"); err != nil {
		panic(err)
	}
	history, err := svc.History(ctx, ana, inc.ID)
	if err != nil {
		panic(err)
	}
	for _, e := range history {
		fmt.Println(e.Seq, inc.Number, e.Version, e.Type, e.Trigger, e.To)
	}
	// Output:
	// 1 INC0000001 1 created  new
	// 2 INC0000001 2 transitioned assign in_progress
}

// A host's transaction carries the incident's writes: when the host rolls back, the
// incident and its journal are gone with the host's own rows.
func ExampleStore_WithTx() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Options{})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	svc, err := incident.NewService(store.Incidents(), incident.Options{Clock: clock})
	if err != nil {
		panic(err)
	}
	ana := itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}

	tx, err := store.DB().BeginTx(ctx, nil)
	if err != nil {
		panic(err)
	}
	inTx, err := svc.Tx(tx) // uses store.Incidents().WithTx(tx)
	if err != nil {
		panic(err)
	}
	inc, err := inTx.Open(ctx, ana, incident.OpenInput{Title: "Order 1042 stuck"})
	if err != nil {
		panic(err)
	}
	// … the host's own writes in tx fail …
	if err := tx.Rollback(); err != nil {
		panic(err)
	}
	_, err = svc.Get(ctx, ana, inc.ID)
	fmt.Println(errors.Is(err, itsm.ErrNotFound))
	// Output: true
}

// A host with its own database handle builds the store on it and migrates.
func ExampleNew() {
	ctx := context.Background()
	db, err := sql.Open("sqlite", sqlite.DSN("file:example?mode=memory", sqlite.Options{}, false))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the in-memory database lives on its one connection

	store, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.SQLite, TablePrefix: "itsm_"})
	if err != nil {
		panic(err)
	}
	fmt.Println(errors.Is(store.CheckSchema(ctx), sqlstore.ErrSchemaOutdated))
	if err := store.Migrate(ctx); err != nil {
		panic(err)
	}
	fmt.Println(store.CheckSchema(ctx))
	// Output:
	// true
	// <nil>
}

// MigrationSQL hands the schema to a host's own migration tool, statement by
// statement.
func ExampleMigrationSQL() {
	migrations, err := sqlstore.MigrationSQL(sqlstore.PostgreSQL, "itsm_")
	if err != nil {
		panic(err)
	}
	for _, m := range migrations {
		stmts := m.Statements()
		fmt.Println(m.Version, m.Name)
		fmt.Println(stmts[len(stmts)-1])
	}
	// Output:
	// 1 init
	// INSERT INTO itsm_schema_migrations (version, name) VALUES (1, 'init')
	// 2 improvements
	// INSERT INTO itsm_schema_migrations (version, name) VALUES (2, 'improvements')
}
