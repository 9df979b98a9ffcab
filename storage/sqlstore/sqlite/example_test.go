package sqlite_test

import (
	"context"
	"fmt"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

func ExampleOpen() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Options{}) // or a file name
	if err != nil {
		panic(err)
	}
	defer store.Close()
	svc, err := incident.NewService(store.Incidents(), incident.Options{})
	if err != nil {
		panic(err)
	}
	ana := itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	inc, err := svc.Open(ctx, ana, incident.OpenInput{Title: "Printer jammed"})
	if err != nil {
		panic(err)
	}
	fmt.Println(inc.Number, inc.State, inc.Priority)
	// Output: INC0000001 new P5 Planning
}
