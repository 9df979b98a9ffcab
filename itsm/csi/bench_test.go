package csi_test

import (
	"context"
	"testing"
	"time"

	"github.com/qmuntal/stateless"

	"github.com/itsmkit/itsmkit/internal/benchcmp"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// bareItem is what the baseline stores: the fields a hand-rolled register would
// change in one life, with the state next to them.
type bareItem struct {
	id                                 itsm.ID
	state                              csi.State
	owner                              string
	measured                           float64
	accepted, assessed, approved       time.Time
	started, submitted, measuredAt, at time.Time
	notes                              string
	outcome                            csi.Outcome
	version                            int64
}

type bareKey struct{}

// bareMachine is bare stateless on one shared machine configured once from the
// default lifecycle, whose external storage reads the item from the context.
func bareMachine() *stateless.StateMachine {
	sm := stateless.NewStateMachineWithExternalStorage(
		func(ctx context.Context) (stateless.State, error) { return ctx.Value(bareKey{}).(*bareItem).state, nil },
		func(ctx context.Context, s stateless.State) error {
			ctx.Value(bareKey{}).(*bareItem).state = s.(csi.State)
			return nil
		},
		stateless.FiringImmediate)
	for _, tr := range csi.DefaultLifecycle().Transitions() {
		sm.Configure(tr.From).Permit(tr.Trigger, tr.To)
	}
	return sm
}

// BenchmarkImprovementLife runs a full life (register, accept, assess, approve,
// start, measure, submit, close: 8 writes) through csi.Service on the memory store,
// and the same fires and field changes on bare stateless with a map as store,
// interleaved in one run. It reports the ratio as x-stateless-map.
func BenchmarkImprovementLife(b *testing.B) {
	ctx := context.Background()
	agent := itsm.Actor{ID: "ana", Tenant: "bench", Roles: []itsm.Role{itsm.RoleManager}} // approves and closes too
	svc, err := csi.NewService(memory.New().Improvements(), csi.Options{})
	if err != nil {
		b.Fatal(err)
	}
	in := csi.RegisterInput{
		Title: "Cut MTTR", Service: "mail", Metric: csi.MetricMTTR, Unit: "h",
		Direction: csi.LowerIsBetter, Baseline: 8, Target: 4,
	}
	serviceLife := func() {
		it, err := svc.Register(ctx, agent, in)
		if err != nil {
			b.Fatal(err)
		}
		for _, step := range []func() (*csi.Item, error){
			func() (*csi.Item, error) { return svc.Accept(ctx, agent, it.Ref()) },
			func() (*csi.Item, error) { return svc.Assess(ctx, agent, it.Ref()) },
			func() (*csi.Item, error) { return svc.Approve(ctx, agent, it.Ref(), "ana") },
			func() (*csi.Item, error) { return svc.Start(ctx, agent, it.Ref()) },
			func() (*csi.Item, error) { return svc.RecordMeasurement(ctx, agent, it.Ref(), 3.5) },
			func() (*csi.Item, error) { return svc.SubmitForReview(ctx, agent, it.Ref()) },
			func() (*csi.Item, error) { return svc.Close(ctx, agent, it.Ref(), "done") },
		} {
			if it, err = step(); err != nil {
				b.Fatal(err)
			}
		}
	}

	sm := bareMachine()
	store := map[itsm.ID]bareItem{}
	bareLife := func() {
		it := &bareItem{id: itsm.NewID(), state: csi.New, version: 1, at: time.Now()}
		store[it.id] = *it
		rctx := context.WithValue(ctx, bareKey{}, it)
		for _, step := range []struct {
			t     csi.Trigger
			apply func()
		}{
			{csi.TriggerAccept, func() { it.accepted = time.Now() }},
			{csi.TriggerAssess, func() { it.assessed = time.Now() }},
			{csi.TriggerApprove, func() { it.owner, it.approved = "ana", time.Now() }},
			{csi.TriggerStart, func() { it.started = time.Now() }},
			{"", func() { it.measured, it.measuredAt = 3.5, time.Now() }},
			{csi.TriggerSubmit, func() { it.submitted = time.Now() }},
			{csi.TriggerClose, func() { it.notes, it.outcome = "done", csi.Achieved }},
		} {
			if step.t != "" {
				if err := sm.FireCtx(rctx, step.t); err != nil {
					b.Fatal(err)
				}
			}
			step.apply()
			it.version++
			store[it.id] = *it
		}
	}

	benchcmp.Report(b, "x-stateless-map", serviceLife, bareLife)
}
