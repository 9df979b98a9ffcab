package csi_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
)

func TestRevise(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	ctx := t.Context()
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name  string
		state csi.State
		// prepare, when set, writes to the item before the revision.
		prepare func(t *testing.T, it *csi.Item) *csi.Item
		actor   itsm.Actor
		in      csi.ReviseInput
		check   func(t *testing.T, it *csi.Item)
		data    string
	}{
		{
			name: "baseline and target during the assessment", state: csi.Assess, actor: itsmtest.Agent,
			in: csi.ReviseInput{Baseline: ptr(9.5), Target: ptr(5.0), Reason: "baseline re-measured over 90 days"},
			check: func(t *testing.T, it *csi.Item) {
				assert.Equal(t, 9.5, it.Baseline)
				assert.Equal(t, 5.0, it.Target)
			},
			data: `{"baseline":9.5,"target":5}`,
		},
		{
			name: "the words, owner, priority and due date of a new item", state: csi.New, actor: itsmtest.Manager,
			in: csi.ReviseInput{
				Title: ptr("Cut mail MTTR"), Description: ptr("Mostly quota incidents.\nSee the problem record."),
				Owner: ptr("bo"), Priority: ptr(itsm.P2), Due: ptr(time.Date(2026, 9, 30, 18, 0, 0, 999, paris)),
			},
			check: func(t *testing.T, it *csi.Item) {
				assert.Equal(t, "Cut mail MTTR", it.Title)
				assert.Equal(t, "bo", it.Owner)
				assert.Equal(t, itsm.P2, it.Priority)
				assert.Equal(t, time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC), it.Due, "in UTC, to the microsecond")
			},
			data: `{"title":"Cut mail MTTR","description":"Mostly quota incidents.\nSee the problem record.","owner":"bo",
				"priority":"P2","due":"2026-09-30T17:00:00Z"}`,
		},
		{
			name: "the whole metric of an accepted item", state: csi.Accepted, actor: itsmtest.Agent,
			in: csi.ReviseInput{
				Service: ptr("mail-gold"), Metric: ptr(csi.SLAAttainment("gold")), Unit: ptr("%"),
				Direction: ptr(csi.HigherIsBetter), Baseline: ptr(92.5), Target: ptr(98.0),
			},
			check: func(t *testing.T, it *csi.Item) {
				assert.Equal(t, csi.SLAAttainment("gold"), it.Metric)
				assert.Equal(t, csi.HigherIsBetter, it.Direction)
			},
			data: `{"service":"mail-gold","metric":"sla_attainment:gold","unit":"%","direction":"higher_is_better",
				"baseline":92.5,"target":98}`,
		},
		{
			name: "the unit discards the measurement, which measured something else", state: csi.New, actor: itsmtest.Agent,
			prepare: func(t *testing.T, it *csi.Item) *csi.Item {
				it, err := h.svc.RecordMeasurement(ctx, itsmtest.Agent, it.Ref(), 7)
				require.NoError(t, err)
				return it
			},
			in: csi.ReviseInput{Unit: ptr("min"), Baseline: ptr(480.0), Target: ptr(240.0)},
			check: func(t *testing.T, it *csi.Item) {
				assert.False(t, it.IsMeasured())
				assert.Zero(t, it.Measured)
			},
			data: `{"unit":"min","baseline":480,"target":240,"measured":0,"measured_at":null}`,
		},
		{
			name: "the target alone keeps the measurement", state: csi.New, actor: itsmtest.Agent,
			prepare: func(t *testing.T, it *csi.Item) *csi.Item {
				it, err := h.svc.RecordMeasurement(ctx, itsmtest.Agent, it.Ref(), 7)
				require.NoError(t, err)
				return it
			},
			in: csi.ReviseInput{Target: ptr(3.0)},
			check: func(t *testing.T, it *csi.Item) {
				assert.True(t, it.IsMeasured())
				assert.Equal(t, 7.0, it.Measured)
			},
			data: `{"target":3}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := h.itemIn(t, tt.state)
			if tt.prepare != nil {
				it = tt.prepare(t, it)
			}
			at := h.clock.Advance(time.Minute)

			got, err := h.svc.Revise(ctx, tt.actor, it.Ref(), tt.in)
			require.NoError(t, err)

			tt.check(t, got)
			assert.Equal(t, tt.state, got.State)
			assert.Equal(t, it.Version+1, got.Version)
			assert.Equal(t, at, got.UpdatedAt)
			stored, err := h.repo.Get(ctx, it.Tenant, it.ID)
			require.NoError(t, err)
			assert.Equal(t, got, stored)
			journal, err := h.svc.History(ctx, tt.actor, it.ID)
			require.NoError(t, err)
			last := journal[len(journal)-1]
			assert.Equal(t, got.Version, last.Version)
			assert.Equal(t, itsm.EventUpdated, last.Type)
			assert.Equal(t, tt.actor.ID, last.Actor)
			assert.Equal(t, tt.in.Reason, last.Reason)
			assert.Empty(t, last.Trigger+last.From+last.To, "a revision is no transition")
			assert.JSONEq(t, tt.data, string(last.Data))
		})
	}
}

func TestReviseThatChangesNothingStoresNothing(t *testing.T) {
	t.Parallel()
	var hooked atomic.Int32
	h := newHarness(t, csi.Options{AfterCommit: []csi.Hook{func(context.Context, []itsm.Event) { hooked.Add(1) }}})
	ctx := t.Context()
	it := h.register(t, func(in *csi.RegisterInput) { in.Due = time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC) })
	it, err := h.svc.Accept(ctx, itsmtest.Agent, it.Ref())
	require.NoError(t, err)
	journal, err := h.repo.Events(ctx, it.Tenant, it.ID)
	require.NoError(t, err)
	hooks := hooked.Load()

	tests := map[string]csi.ReviseInput{
		"nothing":                           {},
		"a reason alone":                    {Reason: "looked again: the plan stands"},
		"the same values":                   {Title: ptr(it.Title), Metric: ptr(it.Metric), Baseline: ptr(it.Baseline), Target: ptr(it.Target), Owner: ptr(it.Owner), Priority: ptr(it.Priority)},
		"the same due date in another zone": {Due: ptr(it.Due.In(time.FixedZone("CET", 3600)))},
	}
	for name, in := range tests {
		h.clock.Advance(time.Minute)
		got, err := h.svc.Revise(ctx, itsmtest.Agent, it.Ref(), in)
		require.NoError(t, err, name)
		assert.Equal(t, it, got, "%s: the item as stored", name)
		got, err = h.svc.Revise(ctx, itsmtest.Agent, csi.Ref{ID: it.ID}, in)
		require.NoError(t, err, name)
		assert.Equal(t, it, got, "%s, without a version", name)
	}

	stored, err := h.repo.Get(ctx, it.Tenant, it.ID)
	require.NoError(t, err)
	assert.Equal(t, it, stored, "no new version")
	after, err := h.repo.Events(ctx, it.Tenant, it.ID)
	require.NoError(t, err)
	assert.Equal(t, journal, after, "no journal entry")
	assert.Equal(t, hooks, hooked.Load(), "no hook")

	_, err = h.svc.Revise(ctx, itsmtest.Agent, it.Ref(), csi.ReviseInput{Target: ptr(3.0)})
	require.NoError(t, err)
	assert.Equal(t, hooks+1, hooked.Load(), "a revision that changes something is committed")
}

func TestReviseListsEveryProblem(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	it := h.itemIn(t, csi.Assess)

	_, err := h.svc.Revise(t.Context(), itsmtest.Agent, it.Ref(), csi.ReviseInput{
		Title: ptr(""), Unit: ptr("a\nb"), Baseline: ptr(2.0), Priority: ptr(itsm.Priority(9)),
	})

	var pe *itsm.PolicyError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, string(csi.OpRevise), pe.Trigger)
	for _, field := range []string{"title", "unit", "target", "priority"} {
		itsmtest.RequireInvalidField(t, err, field)
	}
	assert.Len(t, pe.Reasons, 4, "one reason per problem: %v", err)
}
