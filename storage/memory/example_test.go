package memory_test

import (
	"context"
	"fmt"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// The memory store serves every port of the library in one process: here the
// incident practice's. What it hands out is a copy: changing it changes nothing
// stored.
func Example() {
	ctx := context.Background()
	store := memory.New()
	svc, err := incident.NewService(store, incident.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	agent := itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	inc, err := svc.Open(ctx, agent, incident.OpenInput{Title: "VPN down"})
	if err != nil {
		fmt.Println(err)
		return
	}
	inc.Title = "changed by the caller only"

	stored, err := store.Get(ctx, "acme", inc.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(stored.Number, stored.Title, stored.Version)
	journal, _ := store.Events(ctx, "acme", inc.ID)
	fmt.Println(len(journal), journal[0].Type)
	_, err = store.Get(ctx, "globex", inc.ID)
	fmt.Println(err != nil, "for another tenant")
	// Output:
	// INC0000001 VPN down 1
	// 1 created
	// true for another tenant
}
