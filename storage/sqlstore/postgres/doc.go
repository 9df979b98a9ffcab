// Package postgres opens itsmkit's SQL store on PostgreSQL through pgx's database/sql
// driver (github.com/jackc/pgx/v5/stdlib).
//
//	store, err := postgres.Open(ctx, "postgres://app@db/itsm?search_path=itsm", postgres.Options{})
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	svc, err := incident.NewService(store.Incidents(), incident.Options{})
//
// A host that already has a *pgxpool.Pool shares it through FromPool:
//
//	st, err := postgres.New(ctx, postgres.FromPool(pool), postgres.Options{TablePrefix: "itsm_"})
//
// PostgreSQL writes a record and its journal entries in one statement (a data-
// modifying CTE), one round trip per write.
package postgres
