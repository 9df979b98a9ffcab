package csi_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

// step is the last step to a state: the state it comes from, and the use case that
// leaves it there.
type step struct {
	from csi.State
	do   func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error)
}

type harness struct {
	svc   *csi.Service
	repo  *memory.Improvements
	clock *itsmtest.Clock
}

func newHarness(t *testing.T, opts csi.Options) harness {
	t.Helper()
	h := harness{repo: memory.New().Improvements(), clock: itsmtest.NewClock(start)}
	if opts.Clock == nil {
		opts.Clock = h.clock
	}
	svc, err := csi.NewService(h.repo, opts)
	require.NoError(t, err)
	h.svc = svc
	return h
}

// mttrInput is a valid registration: bring MTTR of the mail service from 8 h to 4 h.
func mttrInput() csi.RegisterInput {
	return csi.RegisterInput{
		Title: "Cut mail incident MTTR", Service: "mail",
		Metric: csi.MetricMTTR, Unit: "h", Direction: csi.LowerIsBetter, Baseline: 8, Target: 4,
	}
}

func (h harness) register(t testing.TB, change func(*csi.RegisterInput)) *csi.Item {
	t.Helper()
	in := mttrInput()
	if change != nil {
		change(&in)
	}
	it, err := h.svc.Register(t.Context(), itsmtest.Agent, in)
	require.NoError(t, err)
	return it
}

// steps drive a new item to each state through the service's guarded path.
func steps() map[csi.State]step {
	return map[csi.State]step{
		csi.Accepted: {csi.New, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			return svc.Accept(ctx, itsmtest.Agent, ref)
		}},
		csi.Assess: {csi.Accepted, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			return svc.Assess(ctx, itsmtest.Agent, ref)
		}},
		csi.Approved: {csi.Assess, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			return svc.Approve(ctx, itsmtest.Manager, ref, "ana")
		}},
		csi.InProgress: {csi.Approved, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			return svc.Start(ctx, itsmtest.Agent, ref)
		}},
		csi.OnHold: {csi.InProgress, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			return svc.Hold(ctx, itsmtest.Agent, ref, "waiting for budget")
		}},
		csi.Review: {csi.InProgress, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			it, err := svc.RecordMeasurement(ctx, itsmtest.Agent, ref, 3.5)
			if err != nil {
				return nil, err
			}
			return svc.SubmitForReview(ctx, itsmtest.Agent, it.Ref())
		}},
		csi.Closed: {csi.Review, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			return svc.Close(ctx, itsmtest.Manager, ref, "MTTR is down to 3.5 h")
		}},
		csi.Rejected: {csi.New, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			return svc.Reject(ctx, itsmtest.Manager, ref, "not a priority this year")
		}},
		csi.Canceled: {csi.New, func(ctx context.Context, svc *csi.Service, ref csi.Ref) (*csi.Item, error) {
			return svc.Cancel(ctx, itsmtest.Manager, ref, "duplicate of CSI0000001")
		}},
	}
}

// itemIn registers an item and drives it to state.
func (h harness) itemIn(t testing.TB, state csi.State) *csi.Item {
	t.Helper()
	if state == csi.New {
		return h.register(t, nil)
	}
	last, ok := steps()[state]
	require.True(t, ok, "no step leads to %s", state)
	it := h.itemIn(t, last.from)
	it, err := last.do(t.Context(), h.svc, it.Ref())
	require.NoError(t, err, "driving to %s", state)
	require.Equal(t, state, it.State)
	return it
}

var otherTenant = itsm.Actor{ID: "eve", Tenant: "other", Roles: []itsm.Role{itsm.RoleManager}}

func nan() float64 { return math.NaN() }

func inf() float64 { return math.Inf(1) }

// ptr returns a pointer to v: the fields of a csi.ReviseInput.
func ptr[T any](v T) *T { return &v }

// or returns *v, or def when v is nil.
func or[T any](v *T, def T) T {
	if v == nil {
		return def
	}
	return *v
}
