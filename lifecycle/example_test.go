package lifecycle_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

// A record that moves through a lifecycle implements lifecycle.Subject.
type Order struct {
	State  string
	Reason string
}

func (o *Order) LifecycleState() string     { return o.State }
func (o *Order) SetLifecycleState(s string) { o.State = s }

// Service is a catalog entry moving through the ITIL service lifecycle.
type Service struct{ State lifecycle.ServiceState }

func (s *Service) LifecycleState() lifecycle.ServiceState      { return s.State }
func (s *Service) SetLifecycleState(st lifecycle.ServiceState) { s.State = st }

func ExampleNewBuilder() {
	def, err := lifecycle.NewBuilder[string, string]("order", "draft").
		State("draft", "Draft").
		State("submitted", "Submitted").
		Final("approved", "Approved").
		Final("rejected", "Rejected").
		Trigger("submit", "Submit").
		Trigger("approve", "Approve").
		Trigger("reject", "Reject").
		Permit("draft", "submit", "submitted").
		Permit("submitted", "approve", "approved").
		Permit("submitted", "reject", "rejected").
		Policy(lifecycle.Permissions[string](map[string][]itsm.Role{
			"submit":  {itsm.RoleCaller},
			"approve": {itsm.RoleManager},
			"reject":  {itsm.RoleManager},
		})).
		TriggerPolicy("reject", lifecycle.Require("reason", func(req lifecycle.Request[string, string]) bool {
			return req.Args != ""
		})).
		Action("reject", func(_ context.Context, req lifecycle.Request[string, string]) error {
			req.Subject.(*Order).Reason = req.Args.(string)
			return nil
		}).
		Build()
	if err != nil {
		panic(err)
	}

	ctx := context.Background()
	alice := itsm.Actor{ID: "alice", Tenant: "acme", Roles: []itsm.Role{itsm.RoleCaller}}
	boss := itsm.Actor{ID: "boss", Tenant: "acme", Roles: []itsm.Role{itsm.RoleManager}}
	order := &Order{State: def.Initial()}

	tr, err := def.Fire(ctx, alice, order, "submit", "")
	fmt.Println(tr.From, "->", tr.To, err)
	fmt.Println(def.Permitted(ctx, boss, order, ""))
	tr, err = def.Fire(ctx, boss, order, "reject", "too expensive")
	fmt.Println(tr.From, "->", tr.To, err, order.Reason)
	// Output:
	// draft -> submitted <nil>
	// [approve]
	// submitted -> rejected <nil> too expensive
}

func ExampleDefinition_Fire() {
	b := lifecycle.ServiceLifecycle().Extend().
		TriggerPolicy(lifecycle.ServiceRelease, lifecycle.RequireRole[lifecycle.ServiceState, lifecycle.ServiceTrigger](itsm.RoleManager)).
		TriggerPolicy(lifecycle.ServiceRelease, func(_ context.Context, req lifecycle.Request[lifecycle.ServiceState, lifecycle.ServiceTrigger]) error {
			if req.Args == nil {
				return lifecycle.Invalid("release_plan", "is required")
			}
			return nil
		})
	services, err := b.Build()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	agent := itsm.Actor{ID: "alice", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	svc := &Service{State: lifecycle.ServiceTransition}

	_, err = services.Fire(ctx, agent, svc, lifecycle.ServiceRetire, nil)
	fmt.Println(errors.Is(err, itsm.ErrTransitionNotAllowed), err)

	_, err = services.Fire(ctx, agent, svc, lifecycle.ServiceRelease, nil)
	var refusal *itsm.PolicyError
	if errors.As(err, &refusal) {
		fmt.Println(errors.Is(err, itsm.ErrForbidden), errors.Is(err, itsm.ErrInvalid), refusal.Codes())
	}
	fmt.Println(err)
	fmt.Println(svc.State)
	// Output:
	// true service: "retire" is not allowed in state "transition" (allowed: cancel, release, rework)
	// true true [role invalid]
	// service: "release" refused: alice may not release: needs role manager; invalid release_plan: is required
	// transition
}

// A service that reads a record, fires a copy and stores the copy only on success
// has nothing to restore: FireCopy spares the snapshot.
func ExampleDefinition_FireCopy() {
	services := lifecycle.ServiceLifecycle()
	stored := Service{State: lifecycle.ServiceTransition} // what the repository holds

	working := stored // the write's private copy
	owner := itsm.Actor{ID: "sam", Tenant: "acme", Roles: []itsm.Role{itsm.RoleManager}}
	tr, err := services.FireCopy(context.Background(), owner, &working, lifecycle.ServiceRelease, nil)
	if err == nil {
		stored = working // the repository's Update
	}
	fmt.Println(tr.From, "->", tr.To, err)
	fmt.Println(stored.State)
	// Output:
	// transition -> operation <nil>
	// operation
}

func ExampleDefinition_Mermaid() {
	fmt.Print(lifecycle.ServiceLifecycle().Mermaid())
	// Output:
	// stateDiagram-v2
	//     state "Pipeline" as pipeline
	//     state "Design" as design
	//     state "Transition" as transition
	//     state "Operation" as operation
	//     state "Retired" as retired
	//     [*] --> pipeline
	//     pipeline --> design : Approve
	//     pipeline --> retired : Reject
	//     design --> transition : Build
	//     design --> retired : Cancel
	//     transition --> operation : Release
	//     transition --> design : Rework
	//     transition --> retired : Cancel
	//     operation --> design : Improve
	//     operation --> retired : Retire
	//     retired --> [*]
}

func ExampleCheck() {
	// State sequences of three services, as an event log recorded them.
	log := [][]lifecycle.ServiceState{
		{"pipeline", "design", "design", "transition", "operation", "retired"},
		{"pipeline", "design", "operation"},
		{"design", "transition", "operation", "design"},
	}
	report := lifecycle.Check(lifecycle.ServiceLifecycle(), log)
	fmt.Printf("%d of %d transitions allowed (fitness %.2f), %d repeat collapsed\n",
		report.Allowed, report.Transitions, report.Fitness, report.Repeats)
	for _, d := range report.Disallowed {
		fmt.Printf("not allowed: %s -> %s (%d)\n", d.From, d.To, d.Count)
	}
	fmt.Println("not starting in the pipeline:", report.WrongStart)
	// Output:
	// 8 of 9 transitions allowed (fitness 0.89), 1 repeat collapsed
	// not allowed: design -> operation (1)
	// not starting in the pipeline: [2]
}
