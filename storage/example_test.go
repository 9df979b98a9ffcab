package storage_test

import (
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

// An adapter runs the shared checks before it stores anything, so that every
// adapter refuses the same writes with the same errors.
func ExampleCheckCreate() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := itsm.Meta{ID: itsm.NewID(), Tenant: "acme", Version: 1, CreatedAt: now, UpdatedAt: now}
	created := itsm.Event{Tenant: "acme", Kind: itsm.KindIncident, EntityID: m.ID, Version: 1, Type: itsm.EventCreated, At: now}
	fmt.Println(storage.CheckCreate(m, itsm.KindIncident, []itsm.Event{created}))

	m.Version = 2
	fmt.Println(storage.CheckCreate(m, itsm.KindIncident, nil))
	// Output:
	// <nil>
	// invalid version: a new record is version 1, not 2
}
