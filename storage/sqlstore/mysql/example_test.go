package mysql_test

import (
	"context"
	"os"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/storage/sqlstore/mysql"
)

func ExampleOpen() {
	ctx := context.Background()
	store, err := mysql.Open(ctx, os.Getenv("ITSM_MYSQL_DSN"), mysql.Options{TablePrefix: "itsm_"})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	svc, err := incident.NewService(store.Incidents(), incident.Options{})
	_, _ = svc, err
}
