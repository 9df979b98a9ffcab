package csi_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

var (
	agent   = itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	manager = itsm.Actor{ID: "max", Tenant: "acme", Roles: []itsm.Role{itsm.RoleManager}}
)

func exampleService() *csi.Service {
	clock := itsmtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	svc, err := csi.NewService(memory.New().Improvements(), csi.Options{Clock: clock})
	if err != nil {
		panic(err)
	}
	return svc
}

func ExampleService_Register() {
	svc := exampleService()
	it, err := svc.Register(context.Background(), agent, csi.RegisterInput{
		Title:     "Raise the gold SLA's attainment",
		Service:   "mail",
		Metric:    csi.SLAAttainment("gold"),
		Unit:      "%",
		Direction: csi.HigherIsBetter,
		Baseline:  92.5,
		Target:    98,
		Priority:  itsm.P2,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(it.Number, it.State, it.Metric.Name(), it.Metric.Qualifier())
	// Output: CSI0000001 new sla_attainment gold
}

func ExampleService_Register_refused() {
	svc := exampleService()
	_, err := svc.Register(context.Background(), agent, csi.RegisterInput{
		Title:     "Faster resets",
		Metric:    "MTTR",
		Direction: csi.LowerIsBetter,
		Baseline:  4,
		Target:    6,
	})
	fmt.Println(errors.Is(err, itsm.ErrInvalid))
	var refusal *itsm.PolicyError
	if errors.As(err, &refusal) {
		for _, r := range refusal.Reasons {
			fmt.Println("-", r.Message)
		}
	}
	// Output:
	// true
	// - invalid service: is required
	// - invalid metric: name "MTTR" is not lower-case snake case (a letter, then a-z, 0-9 or _)
	// - invalid target: 6 does not improve on the baseline 4 (lower_is_better)
}

func ExampleService_Close() {
	ctx, svc := context.Background(), exampleService()
	it, _ := svc.Register(ctx, agent, csi.RegisterInput{
		Title: "Self-service password reset", Service: "service-desk",
		Metric: csi.MetricMTTR, Unit: "h", Direction: csi.LowerIsBetter, Baseline: 8, Target: 2,
	})
	it, _ = svc.Accept(ctx, agent, it.Ref())
	it, _ = svc.Assess(ctx, agent, it.Ref())
	it, _ = svc.Approve(ctx, manager, it.Ref(), "ana")
	it, _ = svc.Start(ctx, agent, it.Ref())

	_, err := svc.SubmitForReview(ctx, agent, it.Ref())
	var refusal *itsm.PolicyError
	if errors.As(err, &refusal) {
		fmt.Println(refusal.Codes(), refusal.Reasons[0].Message)
	}

	it, _ = svc.RecordMeasurement(ctx, agent, it.Ref(), 3)
	it, _ = svc.SubmitForReview(ctx, agent, it.Ref())
	it, err = svc.Close(ctx, manager, it.Ref(), "Resets are self-service; MTTR 8 h → 3 h")
	fmt.Println(it.State, it.Outcome, err)
	// Output:
	// [required] invalid measured: is required
	// closed improved <nil>
}

func ExampleService_Revise() {
	ctx, svc := context.Background(), exampleService()
	it, _ := svc.Register(ctx, agent, csi.RegisterInput{
		Title: "Faster VPN fixes", Service: "vpn",
		Metric: csi.MetricMTTR, Unit: "h", Direction: csi.LowerIsBetter, Baseline: 8, Target: 2,
	})
	it, _ = svc.Accept(ctx, agent, it.Ref())
	it, _ = svc.Assess(ctx, agent, it.Ref())

	// The assessment measures the baseline over a quarter, and settles on a target.
	baseline, target := 11.5, 6.0
	it, err := svc.Revise(ctx, agent, it.Ref(), csi.ReviseInput{
		Baseline: &baseline, Target: &target, Reason: "baseline measured over Q1",
	})
	fmt.Println(it.Version, it.Baseline, it.Target, err)

	journal, _ := svc.History(ctx, agent, it.ID)
	last := journal[len(journal)-1]
	fmt.Println(last.Type, string(last.Data), last.Reason)

	// A target that does not improve on the baseline is refused, as Register refuses it.
	worse := 12.0
	_, err = svc.Revise(ctx, agent, it.Ref(), csi.ReviseInput{Target: &worse})
	fmt.Println(err)

	// Once approved, the plan is what the manager approved.
	it, _ = svc.Approve(ctx, manager, it.Ref(), "ana")
	better := 5.0
	_, err = svc.Revise(ctx, agent, it.Ref(), csi.ReviseInput{Target: &better})
	fmt.Println(errors.Is(err, itsm.ErrTransitionNotAllowed))
	// Output:
	// 4 11.5 6 <nil>
	// updated {"baseline":11.5,"target":6} baseline measured over Q1
	// improvement CSI0000001: "revise" refused: invalid target: 12 does not improve on the baseline 11.5 (lower_is_better)
	// true
}

func ExampleService_History() {
	ctx, svc := context.Background(), exampleService()
	it, _ := svc.Register(ctx, agent, csi.RegisterInput{
		Title: "Fewer reopened incidents", Service: "desk",
		Metric: csi.MetricReopenRate, Unit: "%", Direction: csi.LowerIsBetter, Baseline: 12, Target: 5,
	})
	it, _ = svc.Accept(ctx, agent, it.Ref())
	it, _ = svc.Reject(ctx, manager, it.Ref(), "covered by CSI0000007")

	journal, _ := svc.History(ctx, agent, it.ID)
	for _, e := range journal {
		fmt.Printf("v%d %-12s %-6s %s → %s", e.Version, e.Type, e.Trigger, e.From, e.To)
		if e.Reason != "" {
			fmt.Printf(" (%s)", e.Reason)
		}
		fmt.Println()
	}
	// Output:
	// v1 created              → new
	// v2 transitioned accept new → accepted
	// v3 transitioned reject accepted → rejected (covered by CSI0000007)
}

func ExampleDefaultLifecycle() {
	fmt.Print(csi.DefaultLifecycle().Mermaid())
	// Output:
	// stateDiagram-v2
	//     state "New" as new
	//     state "Accepted" as accepted
	//     state "Assess" as assess
	//     state "Approved" as approved
	//     state "In Progress" as in_progress
	//     state "On Hold" as on_hold
	//     state "Review" as review
	//     state "Closed" as closed
	//     state "Rejected" as rejected
	//     state "Canceled" as canceled
	//     [*] --> new
	//     new --> accepted : Accept
	//     accepted --> assess : Assess
	//     assess --> approved : Approve
	//     approved --> in_progress : Start
	//     in_progress --> on_hold : Put on hold
	//     on_hold --> in_progress : Resume
	//     in_progress --> review : Submit for review
	//     review --> in_progress : Rework
	//     review --> closed : Close
	//     new --> rejected : Reject
	//     accepted --> rejected : Reject
	//     assess --> rejected : Reject
	//     new --> canceled : Cancel
	//     accepted --> canceled : Cancel
	//     assess --> canceled : Cancel
	//     approved --> canceled : Cancel
	//     in_progress --> canceled : Cancel
	//     on_hold --> canceled : Cancel
	//     review --> canceled : Cancel
	//     closed --> [*]
	//     rejected --> [*]
	//     canceled --> [*]
}

func ExampleItem_Evaluate() {
	it := &csi.Item{Direction: csi.HigherIsBetter, Baseline: 92.5, Target: 98}
	fmt.Printf("%q\n", it.Evaluate())
	for _, measured := range []float64{99, 95, 90} {
		it.Measured, it.MeasuredAt = measured, time.Now()
		fmt.Println(measured, it.Evaluate())
	}
	// Output:
	// ""
	// 99 achieved
	// 95 improved
	// 90 not_improved
}
