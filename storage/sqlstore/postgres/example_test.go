package postgres_test

import (
	"context"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/storage/sqlstore/postgres"
)

func ExampleOpen() {
	ctx := context.Background()
	store, err := postgres.Open(ctx, os.Getenv("ITSM_POSTGRES_DSN"), postgres.Options{TablePrefix: "itsm_"})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	svc, err := incident.NewService(store.Incidents(), incident.Options{})
	_, _ = svc, err
}

// A host that already has a pgx pool shares it with the store.
func ExampleFromPool() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("ITSM_POSTGRES_DSN"))
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	db := postgres.FromPool(pool)
	defer db.Close()
	store, err := postgres.New(ctx, db, postgres.Options{TablePrefix: "itsm_"})
	if err != nil {
		panic(err)
	}
	svc, err := incident.NewService(store.Incidents(), incident.Options{})
	_, _ = svc, err
}
