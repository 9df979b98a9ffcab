package incident_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

var agent = itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}

func exampleService() *incident.Service {
	clock := itsmtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, err := incident.NewService(memory.New(), incident.Options{Clock: clock})
	if err != nil {
		panic(err)
	}
	return svc
}

func ExampleService_Open() {
	svc := exampleService()
	inc, err := svc.Open(context.Background(), agent, incident.OpenInput{
		Title:   "Email is down for the whole finance department",
		Impact:  itsm.ImpactHigh,
		Urgency: itsm.UrgencyMedium,
		Channel: incident.ChannelPhone,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(inc.Number, inc.State, inc.Priority)
	// Output: INC0000001 new P2 High
}

func ExampleService_Resolve() {
	ctx, svc := context.Background(), exampleService()
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Printer jam"})
	inc, _ = svc.Assign(ctx, agent, inc.Ref(), "Service Desk", "ana")

	_, err := svc.Resolve(ctx, agent, inc.Ref(), "", "")
	fmt.Println(errors.Is(err, itsm.ErrInvalid))
	var refusal *itsm.PolicyError
	if errors.As(err, &refusal) {
		for _, r := range refusal.Reasons {
			fmt.Println("-", r.Message)
		}
	}

	inc, err = svc.Resolve(ctx, agent, inc.Ref(), incident.SolvedPermanently, "Removed the jammed sheet")
	fmt.Println(inc.State, err)
	// Output:
	// true
	// - invalid resolution_code: is required
	// - invalid resolution_notes: is required
	// resolved <nil>
}

func ExampleService_History() {
	ctx, svc := context.Background(), exampleService()
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "VPN drops every hour"})
	inc, _ = svc.Assign(ctx, agent, inc.Ref(), "Network", "")
	inc, _ = svc.Hold(ctx, agent, inc.Ref(), incident.AwaitingVendor)
	inc, _ = svc.Resume(ctx, agent, inc.Ref())
	inc, _ = svc.Resolve(ctx, agent, inc.Ref(), incident.SolvedWorkaround, "Pinned the old firmware")
	inc, _ = svc.Close(ctx, agent, inc.Ref())

	journal, _ := svc.History(ctx, agent, inc.ID)
	for _, e := range journal {
		fmt.Printf("v%d %-12s %-8s %s → %s\n", e.Version, e.Type, e.Trigger, e.From, e.To)
	}
	// Output:
	// v1 created                → new
	// v2 transitioned assign   new → in_progress
	// v3 transitioned hold     in_progress → on_hold
	// v4 transitioned resume   on_hold → in_progress
	// v5 transitioned resolve  in_progress → resolved
	// v6 transitioned close    resolved → closed
}

func ExampleService_CloseResolved() {
	ctx := context.Background()
	clock := itsmtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, _ := incident.NewService(memory.New(), incident.Options{Clock: clock})
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Password reset"})
	inc, _ = svc.Start(ctx, agent, inc.Ref())
	_, _ = svc.Resolve(ctx, agent, inc.Ref(), incident.SolvedRemotely, "Reset by phone")

	clock.Advance(5*24*time.Hour + time.Minute) // a host's scheduler runs daily
	closed, err := svc.CloseResolved(ctx, itsm.SystemActor("acme"), 0)
	fmt.Println(len(closed), closed[0].State, err)
	// Output: 1 closed <nil>
}

func ExampleNewLifecycle() {
	def, err := incident.NewLifecycle(incident.LifecycleOptions{ResolveFromNew: true})
	if err != nil {
		panic(err)
	}
	to, ok := def.Target(incident.New, incident.TriggerResolve)
	fmt.Println(to, ok)
	// Output: resolved true
}

func ExampleService_SLAs() {
	ctx := context.Background()
	clock := itsmtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, _ := incident.NewService(memory.New(), incident.Options{Clock: clock})
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Payroll run fails", Impact: itsm.ImpactHigh, Urgency: itsm.UrgencyMedium})
	clock.Advance(20 * time.Minute)
	inc, _ = svc.Assign(ctx, agent, inc.Ref(), "Payroll", "ana")
	clock.Advance(7 * time.Hour)

	clocks, _ := svc.SLAs(ctx, agent, inc.ID)
	for _, c := range clocks {
		fmt.Printf("%-20s %-8s %v of %v (%.0f%%)\n", c.Definition, c.Stage, c.Elapsed, c.Target, c.Percent)
	}
	// Output:
	// incident-response    met      20m0s of 1h0m0s (33%)
	// incident-resolution  running  7h20m0s of 8h0m0s (92%)
}
