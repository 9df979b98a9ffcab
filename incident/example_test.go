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

func ExampleService_Assign() {
	ctx, svc := context.Background(), exampleService()
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Laptop will not boot"})
	fmt.Println(inc.State, inc.Version)

	// Assigning a new incident starts work on it.
	inc, _ = svc.Assign(ctx, agent, inc.Ref(), "Service Desk", "ana")
	fmt.Println(inc.State, inc.Version, inc.AssignmentGroup, inc.AssignedTo, inc.ReassignmentCount)

	// Handing it on later is a reassignment: the state stays, the count rises.
	inc, _ = svc.Assign(ctx, agent, inc.Ref(), "Desktop Support", "bo")
	fmt.Println(inc.State, inc.Version, inc.AssignmentGroup, inc.AssignedTo, inc.ReassignmentCount)
	// Output:
	// new 1
	// in_progress 2 Service Desk ana 0
	// in_progress 3 Desktop Support bo 1
}

func ExampleService_Hold() {
	ctx, svc := context.Background(), exampleService()
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Invoice PDF is garbled"})
	inc, _ = svc.Assign(ctx, agent, inc.Ref(), "Finance Apps", "ana")

	inc, err := svc.Hold(ctx, agent, inc.Ref(), incident.AwaitingCaller)
	fmt.Println(inc.State, inc.OnHoldReason, err)

	// Resume takes it off hold and clears the reason.
	inc, err = svc.Resume(ctx, agent, inc.Ref())
	fmt.Printf("%s %q %v\n", inc.State, inc.OnHoldReason, err)

	// Resuming again is refused: it is no longer on hold.
	_, err = svc.Resume(ctx, agent, inc.Ref())
	fmt.Println(errors.Is(err, itsm.ErrTransitionNotAllowed))
	// Output:
	// on_hold awaiting_caller <nil>
	// in_progress "" <nil>
	// true
}

func ExampleService_Reopen() {
	ctx, svc := context.Background(), exampleService()
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Shared drive unreachable"})
	inc, _ = svc.Assign(ctx, agent, inc.Ref(), "Storage", "ana")
	inc, _ = svc.Resolve(ctx, agent, inc.Ref(), incident.SolvedRemotely, "Remounted the share")

	inc, err := svc.Reopen(ctx, agent, inc.Ref(), "Gone again after the reboot")
	fmt.Println(inc.State, inc.ReopenCount, inc.ResolvedAt.IsZero(), err)
	// Output: in_progress 1 true <nil>
}

func ExampleService_Cancel() {
	ctx, svc := context.Background(), exampleService()
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Email down (duplicate of INC0000001)"})

	inc, err := svc.Cancel(ctx, agent, inc.Ref(), "Duplicate")
	fmt.Println(inc.State, inc.Version, err)

	// Canceled is final: nothing moves it any more.
	_, err = svc.Assign(ctx, agent, inc.Ref(), "Messaging", "")
	fmt.Println(errors.Is(err, itsm.ErrTransitionNotAllowed))
	// Output:
	// canceled 2 <nil>
	// true
}

func ExampleService_Comment() {
	ctx, svc := context.Background(), exampleService()
	bob := itsm.Actor{ID: "bob", Tenant: "acme", Roles: []itsm.Role{itsm.RoleCaller}}
	inc, _ := svc.Open(ctx, bob, incident.OpenInput{Title: "Cannot print to floor 3"})

	inc, _ = svc.Comment(ctx, bob, inc.Ref(), "It worked yesterday", incident.Public)
	inc, _ = svc.Comment(ctx, agent, inc.Ref(), "Driver update last night", incident.WorkNote)
	fmt.Println(inc.State, inc.Version)

	// Work notes are for agents only.
	_, err := svc.Comment(ctx, bob, inc.Ref(), "Any news?", incident.WorkNote)
	fmt.Println(errors.Is(err, itsm.ErrForbidden))

	journal, _ := svc.History(ctx, agent, inc.ID)
	for _, e := range journal {
		fmt.Println(e.Version, e.Type, e.Actor)
	}
	// Output:
	// new 3
	// true
	// 1 created bob
	// 2 commented bob
	// 3 commented ana
}

func ExampleService_Get() {
	ctx, svc := context.Background(), exampleService()
	opened, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Badge reader offline", Impact: itsm.ImpactMedium, Urgency: itsm.UrgencyMedium})

	inc, err := svc.Get(ctx, agent, opened.ID)
	fmt.Println(inc.Number, inc.Title, inc.Priority, err)

	// Another tenant's actor cannot see it.
	other := itsm.Actor{ID: "eve", Tenant: "globex", Roles: []itsm.Role{itsm.RoleAgent}}
	_, err = svc.Get(ctx, other, opened.ID)
	fmt.Println(errors.Is(err, itsm.ErrNotFound))
	// Output:
	// INC0000001 Badge reader offline P3 Moderate <nil>
	// true
}

func ExampleService_List() {
	ctx, svc := context.Background(), exampleService()
	for _, in := range []incident.OpenInput{
		{Title: "Wi-Fi slow in lobby", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyMedium},
		{Title: "ERP down", Impact: itsm.ImpactHigh, Urgency: itsm.UrgencyHigh},
		{Title: "New starter needs a laptop"},
		{Title: "VPN fails for sales", Impact: itsm.ImpactMedium, Urgency: itsm.UrgencyHigh},
	} {
		inc, _ := svc.Open(ctx, agent, in)
		if in.Title == "ERP down" {
			_, _ = svc.Cancel(ctx, agent, inc.Ref(), "Planned outage")
		}
	}

	// The open work queue, most urgent first, two at a time.
	filter := incident.Filter{States: []incident.State{incident.New, incident.InProgress, incident.OnHold}}
	page := incident.Page{Limit: 2, Order: incident.ByPriority}
	for n := 1; ; n++ {
		incs, next, err := svc.List(ctx, agent, filter, page)
		if err != nil {
			panic(err)
		}
		for _, inc := range incs {
			fmt.Println("page", n, inc.Number, inc.Priority, inc.Title)
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	// Output:
	// page 1 INC0000004 P2 High VPN fails for sales
	// page 1 INC0000001 P4 Low Wi-Fi slow in lobby
	// page 2 INC0000003 P5 Planning New starter needs a laptop
}

func ExampleService_SetImpactUrgency() {
	ctx, svc := context.Background(), exampleService()
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Checkout page errors"})
	fmt.Println(inc.Impact, inc.Urgency, inc.Priority)

	// It turns out every customer is affected.
	inc, err := svc.SetImpactUrgency(ctx, agent, inc.Ref(), itsm.ImpactHigh, itsm.UrgencyHigh)
	fmt.Println(inc.Impact, inc.Urgency, inc.Priority, inc.Version, err)
	// Output:
	// low low P5 Planning
	// high high P1 Critical 2 <nil>
}

func ExampleService_OverridePriority() {
	ctx, svc := context.Background(), exampleService()
	manager := itsm.Actor{ID: "max", Tenant: "acme", Roles: []itsm.Role{itsm.RoleManager}}
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "CEO's phone cannot sync mail"})

	// Agents may not override the matrix; managers may.
	_, err := svc.OverridePriority(ctx, agent, inc.Ref(), itsm.P2, "VIP")
	fmt.Println(errors.Is(err, itsm.ErrForbidden))
	inc, err = svc.OverridePriority(ctx, manager, inc.Ref(), itsm.P2, "VIP")
	fmt.Printf("%s %q %v\n", inc.Priority, inc.PriorityOverride, err)

	// A new assessment replaces the override.
	inc, _ = svc.SetImpactUrgency(ctx, agent, inc.Ref(), itsm.ImpactLow, itsm.UrgencyHigh)
	fmt.Printf("%s %q\n", inc.Priority, inc.PriorityOverride)
	// Output:
	// true
	// P2 High "VIP" <nil>
	// P3 Moderate ""
}

func ExampleService_Update() {
	ctx, svc := context.Background(), exampleService()
	inc, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Outlook crashes", Category: "software"})

	// Triage finds the real fault: the record is corrected, and the journal says how.
	title, service := "Mail server rejects logins after the certificate renewal", "email"
	inc, err := svc.Update(ctx, agent, inc.Ref(), incident.UpdateInput{Title: &title, Service: &service})
	fmt.Println(inc.Version, inc.Title, inc.Category, inc.Service, err)
	journal, _ := svc.History(ctx, agent, inc.ID)
	last := journal[len(journal)-1]
	fmt.Println(last.Type, string(last.Data))

	// The same values again change nothing and store nothing.
	inc, _ = svc.Update(ctx, agent, inc.Ref(), incident.UpdateInput{Title: &title})
	fmt.Println(inc.Version)

	// Each field follows the rule Open applies to it.
	empty := ""
	_, err = svc.Update(ctx, agent, inc.Ref(), incident.UpdateInput{Title: &empty})
	fmt.Println(err)
	// Output:
	// 2 Mail server rejects logins after the certificate renewal software email <nil>
	// updated {"title":"Mail server rejects logins after the certificate renewal","service":"email"}
	// 2
	// invalid title: is required
}

func ExampleService_Link() {
	ctx, svc := context.Background(), exampleService()
	outage, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Payments API down"})
	report, _ := svc.Open(ctx, agent, incident.OpenInput{Title: "Checkout fails for a customer"})

	// The outage becomes a major incident, and the customer's report one of its
	// children.
	major := true
	outage, _ = svc.Link(ctx, agent, outage.Ref(), incident.LinkInput{Major: &major})
	report, err := svc.Link(ctx, agent, report.Ref(), incident.LinkInput{Parent: &outage.ID})
	fmt.Println(outage.Major, report.Parent == outage.ID, err)

	// The emergency change that fixed it, then the problem opened to find the cause.
	change, problem := itsm.NewID(), itsm.NewID()
	outage, _ = svc.Link(ctx, agent, outage.Ref(), incident.LinkInput{AddChanges: []itsm.ID{change}})
	outage, _ = svc.Link(ctx, agent, outage.Ref(), incident.LinkInput{Problem: &problem})
	fmt.Println(outage.Version, len(outage.Changes), outage.Problem == problem)

	// The outage cannot become a child of its own child.
	_, err = svc.Link(ctx, agent, outage.Ref(), incident.LinkInput{Parent: &report.ID})
	fmt.Println(err)
	// Output:
	// true true <nil>
	// 4 1 true
	// invalid parent: INC0000002 descends from INC0000001: the link would make a cycle
}
