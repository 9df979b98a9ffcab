package csi_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/lifecycle"
)

func TestFullLifeIsJournaled(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	ctx, agent, manager := t.Context(), itsmtest.Agent, itsmtest.Manager
	at := func(d time.Duration) time.Time { return start.Add(d) }

	it := h.register(t, nil)
	assert.Equal(t, "CSI0000001", it.Number)
	assert.Equal(t, csi.New, it.State)
	assert.Equal(t, itsm.P3, it.Priority, "the default priority")
	assert.Equal(t, agent.ID, it.RegisteredBy)

	var err error
	life := []struct {
		name string
		do   func() (*csi.Item, error)
	}{
		{"accept", func() (*csi.Item, error) { return h.svc.Accept(ctx, agent, it.Ref()) }},
		{"assess", func() (*csi.Item, error) { return h.svc.Assess(ctx, agent, it.Ref()) }},
		{"approve", func() (*csi.Item, error) { return h.svc.Approve(ctx, manager, it.Ref(), "ana") }},
		{"start", func() (*csi.Item, error) { return h.svc.Start(ctx, agent, it.Ref()) }},
		{"hold", func() (*csi.Item, error) { return h.svc.Hold(ctx, agent, it.Ref(), "waiting for budget") }},
		{"resume", func() (*csi.Item, error) { return h.svc.Resume(ctx, agent, it.Ref()) }},
		{"measure", func() (*csi.Item, error) { return h.svc.RecordMeasurement(ctx, agent, it.Ref(), 6) }},
		{"submit", func() (*csi.Item, error) { return h.svc.SubmitForReview(ctx, agent, it.Ref()) }},
		{"rework", func() (*csi.Item, error) { return h.svc.Rework(ctx, manager, it.Ref(), "6 h is not 4 h") }},
		{"measure again", func() (*csi.Item, error) { return h.svc.RecordMeasurement(ctx, agent, it.Ref(), 3.5) }},
		{"submit again", func() (*csi.Item, error) { return h.svc.SubmitForReview(ctx, agent, it.Ref()) }},
		{"close", func() (*csi.Item, error) { return h.svc.Close(ctx, manager, it.Ref(), "self-service reset went live") }},
	}
	for i, step := range life {
		h.clock.Set(at(time.Duration(i+1) * time.Hour))
		it, err = step.do()
		require.NoError(t, err, step.name)
	}

	assert.Equal(t, csi.Closed, it.State)
	assert.Equal(t, int64(len(life)+1), it.Version)
	assert.Equal(t, "ana", it.Owner)
	assert.Empty(t, it.OnHoldReason)
	assert.Equal(t, 3.5, it.Measured)
	assert.Equal(t, at(10*time.Hour), it.MeasuredAt)
	assert.Equal(t, csi.Achieved, it.Outcome)
	assert.Equal(t, "self-service reset went live", it.ReviewNotes)
	assert.Equal(t, []time.Time{at(time.Hour), at(2 * time.Hour), at(3 * time.Hour), at(4 * time.Hour), at(11 * time.Hour), at(12 * time.Hour)},
		[]time.Time{it.AcceptedAt, it.AssessedAt, it.ApprovedAt, it.StartedAt, it.SubmittedAt, it.ClosedAt})

	journal, err := h.svc.History(ctx, agent, it.ID)
	require.NoError(t, err)
	require.Len(t, journal, len(life)+1)
	assert.Equal(t, []string{
		"new→accepted", "accepted→assess", "assess→approved", "approved→in_progress", "in_progress→on_hold",
		"on_hold→in_progress", "in_progress→review", "review→in_progress", "in_progress→review", "review→closed",
	}, itsmtest.Transitions(journal))
	for i, e := range journal {
		assert.Equal(t, int64(i+1), e.Version, "entry %d", i)
		assert.Equal(t, itsm.KindImprovement, e.Kind)
		assert.Equal(t, it.ID, e.EntityID)
	}
	assert.Equal(t, itsm.EventCreated, journal[0].Type)
	assert.Equal(t, "new", journal[0].To)
	assert.JSONEq(t, `{"title":"Cut mail incident MTTR","registered_by":"agent","service":"mail","metric":"mttr","unit":"h",
		"direction":"lower_is_better","baseline":8,"target":4,"priority":"P3","state":"new"}`, string(journal[0].Data))
	assert.JSONEq(t, `{"owner":"ana","approved_at":"2026-03-02T12:00:00Z","state":"approved"}`, string(journal[3].Data))
	assert.Equal(t, "waiting for budget", journal[5].Reason)
	assert.JSONEq(t, `{"on_hold_reason":"","state":"in_progress"}`, string(journal[6].Data))
	assert.Equal(t, csi.EventMeasured, journal[7].Type)
	assert.JSONEq(t, `{"measured":6,"measured_at":"2026-03-02T16:00:00Z"}`, string(journal[7].Data))
	assert.JSONEq(t, `{"measured":0,"measured_at":null,"submitted_at":null,"state":"in_progress"}`, string(journal[9].Data),
		"rework discards the measurement the review did not accept")
	assert.JSONEq(t, `{"review_notes":"self-service reset went live","outcome":"achieved","closed_at":"2026-03-02T21:00:00Z","state":"closed"}`, string(journal[12].Data))
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	ctx, agent, manager := t.Context(), itsmtest.Agent, itsmtest.Manager
	tests := []struct {
		name     string
		state    csi.State
		do       func(ref csi.Ref) error
		sentinel error
		codes    []string
		field    string
	}{
		{"close a new item", csi.New, func(ref csi.Ref) error {
			_, err := h.svc.Close(ctx, manager, ref, "notes")
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"reject an approved item", csi.Approved, func(ref csi.Ref) error {
			_, err := h.svc.Reject(ctx, manager, ref, "too late")
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"cancel a closed item", csi.Closed, func(ref csi.Ref) error {
			_, err := h.svc.Cancel(ctx, manager, ref, "oops")
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"approve without an owner", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Approve(ctx, manager, ref, " ")
			return err
		}, itsm.ErrInvalid, []string{"required"}, "owner"},
		{"hold without a reason", csi.InProgress, func(ref csi.Ref) error {
			_, err := h.svc.Hold(ctx, agent, ref, "")
			return err
		}, itsm.ErrInvalid, []string{"required"}, "on_hold_reason"},
		{"hold with a NUL in the reason", csi.InProgress, func(ref csi.Ref) error {
			_, err := h.svc.Hold(ctx, agent, ref, "budget\x00")
			return err
		}, itsm.ErrInvalid, nil, "on_hold_reason"},
		{"submit before measuring", csi.InProgress, func(ref csi.Ref) error {
			_, err := h.svc.SubmitForReview(ctx, agent, ref)
			return err
		}, itsm.ErrInvalid, []string{"required"}, "measured"},
		{"rework without a reason", csi.Review, func(ref csi.Ref) error {
			_, err := h.svc.Rework(ctx, manager, ref, "")
			return err
		}, itsm.ErrInvalid, []string{"required"}, "reason"},
		{"close without review notes", csi.Review, func(ref csi.Ref) error {
			_, err := h.svc.Close(ctx, manager, ref, "\n")
			return err
		}, itsm.ErrInvalid, []string{"required"}, "review_notes"},
		{"reject without a reason", csi.Accepted, func(ref csi.Ref) error {
			_, err := h.svc.Reject(ctx, manager, ref, "")
			return err
		}, itsm.ErrInvalid, []string{"required"}, "rejection_reason"},
		{"cancel without a reason", csi.OnHold, func(ref csi.Ref) error {
			_, err := h.svc.Cancel(ctx, manager, ref, "")
			return err
		}, itsm.ErrInvalid, []string{"required"}, "cancel_reason"},
		{"an agent approves", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Approve(ctx, agent, ref, "ana")
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"an agent closes", csi.Review, func(ref csi.Ref) error {
			_, err := h.svc.Close(ctx, agent, ref, "done")
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"a caller accepts", csi.New, func(ref csi.Ref) error {
			_, err := h.svc.Accept(ctx, itsmtest.Caller, ref)
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"a caller measures", csi.InProgress, func(ref csi.Ref) error {
			_, err := h.svc.RecordMeasurement(ctx, itsmtest.Caller, ref, 1)
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"measure a closed item", csi.Closed, func(ref csi.Ref) error {
			_, err := h.svc.RecordMeasurement(ctx, agent, ref, 1)
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"measure NaN", csi.InProgress, func(ref csi.Ref) error {
			_, err := h.svc.RecordMeasurement(ctx, agent, ref, nan())
			return err
		}, itsm.ErrInvalid, nil, "measured"},
		{"revise an approved item", csi.Approved, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, manager, ref, csi.ReviseInput{Target: ptr(3.0)})
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"revise an item in progress", csi.InProgress, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Baseline: ptr(9.0)})
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"revise a rejected item", csi.Rejected, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, manager, ref, csi.ReviseInput{Title: ptr("Reconsidered")})
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"a caller revises, even to no change", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, itsmtest.Caller, ref, csi.ReviseInput{})
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"revise the target to no improvement", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Target: ptr(8.0)})
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "target"},
		{"revise the baseline past the target", csi.New, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Baseline: ptr(3.0)})
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "target"},
		{"revise the direction alone", csi.Accepted, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Direction: ptr(csi.HigherIsBetter)})
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "target"},
		{"revise the title to blank", csi.New, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Title: ptr(" ")})
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "title"},
		{"revise the metric to a malformed one", csi.New, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Metric: ptr[csi.Metric]("Mean Time")})
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "metric"},
		{"revise the baseline to NaN", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Baseline: ptr(nan())})
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "baseline"},
		{"revise the priority to zero", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Priority: ptr(itsm.Priority(0))})
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "priority"},
		{"revise with a NUL in the reason", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Target: ptr(3.0), Reason: "agreed\x00"})
			return err
		}, itsm.ErrInvalid, nil, "reason"},
		{"revise a stale version", csi.Assess, func(ref csi.Ref) error {
			ref.Version--
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Target: ptr(3.0)})
			return err
		}, itsm.ErrConflict, nil, ""},
		{"stale version", csi.InProgress, func(ref csi.Ref) error {
			ref.Version--
			_, err := h.svc.Hold(ctx, agent, ref, "budget")
			return err
		}, itsm.ErrConflict, nil, ""},
		{"another tenant's item", csi.New, func(ref csi.Ref) error {
			_, err := h.svc.Accept(ctx, otherTenant, ref)
			return err
		}, itsm.ErrNotFound, nil, ""},
		{"no ID", csi.New, func(csi.Ref) error {
			_, err := h.svc.Accept(ctx, agent, csi.Ref{})
			return err
		}, itsm.ErrInvalid, nil, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := h.itemIn(t, tt.state)
			before, err := h.repo.Events(ctx, it.Tenant, it.ID)
			require.NoError(t, err)

			err = tt.do(it.Ref())
			itsmtest.RequireRefused(t, err, tt.sentinel, tt.codes...)
			if tt.field != "" {
				itsmtest.RequireInvalidField(t, err, tt.field)
			}
			after, err := h.repo.Events(ctx, it.Tenant, it.ID)
			require.NoError(t, err)
			assert.Len(t, after, len(before), "a refused operation must not write")
			stored, err := h.repo.Get(ctx, it.Tenant, it.ID)
			require.NoError(t, err)
			assert.Equal(t, it, stored, "a refused operation must not change the item")
		})
	}
}

func TestRefusalListsEveryReason(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	it := h.itemIn(t, csi.Assess)

	_, err := h.svc.Reject(t.Context(), itsmtest.Agent, it.Ref(), "")

	var pe *itsm.PolicyError
	require.ErrorAs(t, err, &pe)
	assert.ElementsMatch(t, []string{"forbidden", "required"}, pe.Codes())
	assert.ErrorIs(t, err, itsm.ErrForbidden)
	assert.ErrorIs(t, err, itsm.ErrInvalid)
}

// TestRefusalsNameTheItemByNumber: a refusal given to an actor who may read the item
// carries its number and names it by that number, whether the lifecycle or the
// service refuses.
func TestRefusalsNameTheItemByNumber(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	ctx, agent, manager := t.Context(), itsmtest.Agent, itsmtest.Manager
	tests := []struct {
		name  string
		state csi.State
		do    func(ref csi.Ref) error
	}{
		{"close a new item", csi.New, func(ref csi.Ref) error {
			_, err := h.svc.Close(ctx, manager, ref, "notes")
			return err
		}},
		{"an agent rejects", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Reject(ctx, agent, ref, "")
			return err
		}},
		{"measure a closed item", csi.Closed, func(ref csi.Ref) error {
			_, err := h.svc.RecordMeasurement(ctx, agent, ref, 3)
			return err
		}},
		{"revise an approved item", csi.Approved, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Target: ptr(5.0)})
			return err
		}},
		{"revise to a worse target", csi.Assess, func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, agent, ref, csi.ReviseInput{Target: ptr(9.0)})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			it := h.itemIn(t, tt.state)
			require.NotEmpty(t, it.Number)

			itsmtest.RequireRefusalNames(t, tt.do(it.Ref()), itsm.KindImprovement, it.Meta)
		})
	}
}

// TestWritesRefuseWhoMayNotRead: an actor who may not read an item gets the
// authorizer's refusal from every write, whatever the version given or the item's
// state, and learns nothing of the item from it.
func TestWritesRefuseWhoMayNotRead(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	ctx := t.Context()
	nobody := itsm.Actor{ID: "nobody", Tenant: itsmtest.Tenant}
	it := h.itemIn(t, csi.Review)
	_, err := h.svc.Get(ctx, nobody, it.ID)
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden)

	writes := map[string]func(ref csi.Ref) error{
		"approve, not defined in review": func(ref csi.Ref) error {
			_, err := h.svc.Approve(ctx, nobody, ref, "nobody")
			return err
		},
		"cancel": func(ref csi.Ref) error {
			_, err := h.svc.Cancel(ctx, nobody, ref, "mine now")
			return err
		},
		"record a measurement": func(ref csi.Ref) error {
			_, err := h.svc.RecordMeasurement(ctx, nobody, ref, 1)
			return err
		},
		"revise": func(ref csi.Ref) error {
			_, err := h.svc.Revise(ctx, nobody, ref, csi.ReviseInput{Target: ptr(1.0)})
			return err
		},
	}
	versions := map[string]int64{"a stale version": 1, "the current version": it.Version, "version zero": 0}
	for op, write := range writes {
		for at, version := range versions {
			t.Run(op+" at "+at, func(t *testing.T) {
				t.Parallel()
				err := write(csi.Ref{ID: it.ID, Version: version})
				itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
				assert.NotErrorIs(t, err, itsm.ErrConflict)
				assert.NotErrorIs(t, err, itsm.ErrTransitionNotAllowed)
				for _, secret := range []string{string(csi.Review), it.Number, "version", "allowed", "stored"} {
					assert.NotContains(t, err.Error(), secret, "the refusal discloses the item")
				}
			})
		}
	}
	stored, err := h.repo.Get(ctx, it.Tenant, it.ID)
	require.NoError(t, err)
	assert.Equal(t, it, stored, "a refused write must not change the item")
}

func TestRegisterRejectsBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	ctx := t.Context()
	tests := []struct {
		name   string
		change func(*csi.RegisterInput)
		field  string
	}{
		{"no title", func(in *csi.RegisterInput) { in.Title = "" }, "title"},
		{"blank title", func(in *csi.RegisterInput) { in.Title = " \u00a0 " }, "title"},
		{"1 MB title", func(in *csi.RegisterInput) { in.Title = strings.Repeat("x", 1<<20) }, "title"},
		{"newline in title", func(in *csi.RegisterInput) { in.Title = "two\nlines" }, "title"},
		{"invalid UTF-8 in description", func(in *csi.RegisterInput) { in.Description = "bad \xff byte" }, "description"},
		{"no service", func(in *csi.RegisterInput) { in.Service = "" }, "service"},
		{"long service", func(in *csi.RegisterInput) { in.Service = strings.Repeat("s", csi.MaxReferenceLength+1) }, "service"},
		{"no metric", func(in *csi.RegisterInput) { in.Metric = "" }, "metric"},
		{"malformed metric", func(in *csi.RegisterInput) { in.Metric = "Mean Time" }, "metric"},
		{"long unit", func(in *csi.RegisterInput) { in.Unit = strings.Repeat("u", csi.MaxUnitLength+1) }, "unit"},
		{"no direction", func(in *csi.RegisterInput) { in.Direction = "" }, "direction"},
		{"unknown direction", func(in *csi.RegisterInput) { in.Direction = "sideways" }, "direction"},
		{"target worse than baseline", func(in *csi.RegisterInput) { in.Target = 9 }, "target"},
		{"target equal to baseline", func(in *csi.RegisterInput) { in.Target = in.Baseline }, "target"},
		{"target below baseline for higher is better", func(in *csi.RegisterInput) { in.Direction = csi.HigherIsBetter }, "target"},
		{"infinite baseline", func(in *csi.RegisterInput) { in.Baseline = inf() }, "baseline"},
		{"NaN target", func(in *csi.RegisterInput) { in.Target = nan() }, "target"},
		{"unknown priority", func(in *csi.RegisterInput) { in.Priority = 7 }, "priority"},
		{"owner with a tab", func(in *csi.RegisterInput) { in.Owner = "a\tb" }, "owner"},
		{"due after year 9999", func(in *csi.RegisterInput) { in.Due = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "due"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mttrInput()
			tt.change(&in)
			_, err := h.svc.Register(ctx, itsmtest.Agent, in)
			itsmtest.RequireInvalidField(t, err, tt.field)
			var pe *itsm.PolicyError
			require.ErrorAs(t, err, &pe)
			assert.Len(t, pe.Reasons, 1, "one problem, one reason: %v", err)
		})
	}

	_, err := h.svc.Register(ctx, itsmtest.Agent, csi.RegisterInput{Baseline: nan()})
	var pe *itsm.PolicyError
	require.ErrorAs(t, err, &pe)
	var fields []string
	for _, r := range pe.Reasons {
		var ve *itsm.ValidationError
		require.ErrorAs(t, r.Err, &ve)
		fields = append(fields, ve.Field)
	}
	assert.Equal(t, []string{"title", "service", "metric", "baseline", "direction"}, fields, "every problem is listed")

	_, err = h.svc.Register(ctx, itsm.Actor{ID: "x"}, mttrInput())
	itsmtest.RequireInvalidField(t, err, "actor.tenant")
	_, err = h.svc.Register(ctx, itsmtest.Caller, mttrInput())
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden, "forbidden")

	all, _, err := h.svc.List(ctx, itsmtest.Agent, csi.Filter{}, csi.Page{})
	require.NoError(t, err)
	assert.Empty(t, all, "refused input must store nothing")
}

func TestRegisterNormalisesDue(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	paris := time.FixedZone("CET", 3600)
	it := h.register(t, func(in *csi.RegisterInput) {
		in.Due = time.Date(2026, 6, 30, 18, 0, 0, 123456789, paris)
		in.Priority = itsm.P1
	})
	assert.Equal(t, time.Date(2026, 6, 30, 17, 0, 0, 123456000, time.UTC), it.Due)
	assert.Equal(t, time.UTC, it.Due.Location())
	assert.Equal(t, itsm.P1, it.Priority)
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		direction                  csi.Direction
		baseline, target, measured float64
		want                       csi.Outcome
	}{
		{csi.LowerIsBetter, 8, 4, 3.5, csi.Achieved},
		{csi.LowerIsBetter, 8, 4, 4, csi.Achieved},
		{csi.LowerIsBetter, 8, 4, 6, csi.Improved},
		{csi.LowerIsBetter, 8, 4, 8, csi.NotImproved},
		{csi.LowerIsBetter, 8, 4, 12, csi.NotImproved},
		{csi.HigherIsBetter, 92, 98, 99, csi.Achieved},
		{csi.HigherIsBetter, 92, 98, 98, csi.Achieved},
		{csi.HigherIsBetter, 92, 98, 95, csi.Improved},
		{csi.HigherIsBetter, 92, 98, 92, csi.NotImproved},
		{csi.HigherIsBetter, -5, 0, -7, csi.NotImproved},
	}
	for _, tt := range tests {
		it := &csi.Item{Direction: tt.direction, Baseline: tt.baseline, Target: tt.target, Measured: tt.measured, MeasuredAt: start}
		assert.Equal(t, tt.want, it.Evaluate(), "%s from %v to %v, measured %v", tt.direction, tt.baseline, tt.target, tt.measured)
	}
	assert.Empty(t, (&csi.Item{Direction: csi.LowerIsBetter, Baseline: 8, Target: 4}).Evaluate(), "nothing measured")
	assert.Empty(t, (&csi.Item{Baseline: 8, Target: 4, MeasuredAt: start}).Evaluate(), "no direction")
	assert.False(t, csi.Direction("").Improves(1, 2))
}

func TestCancelFromEveryStateThatIsNotFinal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	def := h.svc.Lifecycle()
	for _, state := range csi.States() {
		_, cancelable := def.Target(state, csi.TriggerCancel)
		assert.Equal(t, !def.IsFinal(state), cancelable, state)
		if !cancelable {
			continue
		}
		it := h.itemIn(t, state)
		h.clock.Advance(time.Minute)
		it, err := h.svc.Cancel(t.Context(), itsmtest.Manager, it.Ref(), "superseded")
		require.NoError(t, err, state)
		assert.Equal(t, csi.Canceled, it.State)
		assert.Equal(t, "superseded", it.CancelReason)
		assert.Empty(t, it.OnHoldReason)
		assert.Equal(t, h.clock.Now(), it.ClosedAt)
	}
}

func TestApproveKeepsAnOwnerGivenAtRegistration(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	it := h.register(t, func(in *csi.RegisterInput) { in.Owner = "bo" })
	it, err := h.svc.Accept(t.Context(), itsmtest.Agent, it.Ref())
	require.NoError(t, err)
	it, err = h.svc.Assess(t.Context(), itsmtest.Agent, it.Ref())
	require.NoError(t, err)
	it, err = h.svc.Approve(t.Context(), itsmtest.Manager, it.Ref(), "")
	require.NoError(t, err)
	assert.Equal(t, "bo", it.Owner)
}

func TestListThroughTheService(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	ctx := t.Context()
	for k := range 7 {
		h.register(t, func(in *csi.RegisterInput) {
			in.Priority = itsm.Priority(1 + k%2)
			in.Owner = []string{"ana", "bo"}[k%2]
			if k%3 == 0 {
				in.Metric, in.Direction, in.Baseline, in.Target = csi.SLAAttainment("gold"), csi.HigherIsBetter, 91, 95
			}
		})
		h.clock.Advance(time.Minute)
	}
	var numbers []string
	page := csi.Page{Limit: 2}
	for {
		items, next, err := h.svc.List(ctx, itsmtest.Caller, csi.Filter{Owner: "ana"}, page)
		require.NoError(t, err)
		for _, it := range items {
			numbers = append(numbers, it.Number)
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	assert.Equal(t, []string{"CSI0000001", "CSI0000003", "CSI0000005", "CSI0000007"}, numbers, "P1 items, oldest first")

	sla, _, err := h.svc.List(ctx, itsmtest.Agent, csi.Filter{Metric: csi.SLAAttainment("gold")}, csi.Page{})
	require.NoError(t, err)
	assert.Len(t, sla, 3)

	_, _, err = h.svc.List(ctx, itsmtest.Agent, csi.Filter{}, csi.Page{Cursor: "P1_yesterday_x"})
	itsmtest.RequireInvalidField(t, err, "page.cursor")
	_, _, err = h.svc.List(ctx, itsmtest.Agent, csi.Filter{States: []csi.State{"limbo"}}, csi.Page{})
	itsmtest.RequireInvalidField(t, err, "filter.states")
	_, _, err = h.svc.List(ctx, itsmtest.Agent, csi.Filter{Metric: "sla_attainment:"}, csi.Page{})
	itsmtest.RequireInvalidField(t, err, "filter.metric")
	_, _, err = h.svc.List(ctx, itsmtest.Agent, csi.Filter{}, csi.Page{Limit: csi.MaxLimit + 1})
	itsmtest.RequireInvalidField(t, err, "page.limit")
	_, _, err = h.svc.List(ctx, itsm.Actor{ID: "nobody", Tenant: itsmtest.Tenant}, csi.Filter{}, csi.Page{})
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
}

func TestReadsAreScopedAndAuthorized(t *testing.T) {
	t.Parallel()
	h := newHarness(t, csi.Options{})
	ctx := t.Context()
	it := h.register(t, nil)

	got, err := h.svc.Get(ctx, itsmtest.Caller, it.ID)
	require.NoError(t, err)
	assert.Equal(t, it, got)
	_, err = h.svc.Get(ctx, otherTenant, it.ID)
	assert.ErrorIs(t, err, itsm.ErrNotFound)
	_, err = h.svc.History(ctx, otherTenant, it.ID)
	assert.ErrorIs(t, err, itsm.ErrNotFound)
	_, err = h.svc.History(ctx, itsm.Actor{ID: "nobody", Tenant: itsmtest.Tenant}, it.ID)
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
}

// racingRepo lets another writer commit between the service's read and its write, the
// next races times: each Update first stores a competing version of the item.
type racingRepo struct {
	csi.Repository
	races   int
	updates int
}

func (r *racingRepo) Update(ctx context.Context, it *csi.Item, expected int64, events []itsm.Event) error {
	r.updates++
	if r.races > 0 {
		r.races--
		rival := it.Clone()
		rival.Title = "changed by a rival"
		evs := slices.Clone(events)
		evs[0].ID = itsm.NewID()
		if err := r.Repository.Update(ctx, rival, expected, evs); err != nil {
			return err
		}
	}
	return r.Repository.Update(ctx, it, expected, events)
}

func TestWriteRetriesOnlyWithoutAVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		races        int
		explicit     bool
		wantErr      error
		wantAttempts int
	}{
		{"no version, one rival", 1, false, nil, 2},
		{"no version, a rival every time", 3, false, itsm.ErrConflict, 3},
		{"explicit version, one rival", 1, true, itsm.ErrConflict, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, csi.Options{})
			it := h.itemIn(t, csi.InProgress)
			repo := &racingRepo{Repository: h.repo, races: tt.races}
			svc, err := csi.NewService(repo, csi.Options{Clock: h.clock})
			require.NoError(t, err)
			ref := csi.Ref{ID: it.ID}
			if tt.explicit {
				ref = it.Ref()
			}

			got, err := svc.RecordMeasurement(t.Context(), itsmtest.Agent, ref, 5)

			assert.Equal(t, tt.wantAttempts, repo.updates)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, it.Version+2, got.Version, "the rival's version, then ours")
			assert.Equal(t, "changed by a rival", got.Title, "the retry starts from what the rival stored")
			assert.Equal(t, 5.0, got.Measured)
		})
	}
}

func TestSortKeyOrderAndCursor(t *testing.T) {
	t.Parallel()
	low, high := itsm.MustParseID("01890a5d-ac96-774b-bcce-b302099a8057"), itsm.MustParseID("01890a5d-ac96-774b-bcce-b302099a8058")
	key := func(p itsm.Priority, minutes int, id itsm.ID) csi.SortKey {
		return csi.SortKey{Priority: p, CreatedAt: start.Add(time.Duration(minutes) * time.Minute), ID: id}
	}
	tests := []struct {
		name string
		a, b csi.SortKey
	}{
		{"P1 before P2, however young", key(itsm.P1, 60, high), key(itsm.P2, 0, low)},
		{"older first within a priority", key(itsm.P3, 0, high), key(itsm.P3, 1, low)},
		{"lower ID first at the same time", key(itsm.P3, 0, low), key(itsm.P3, 0, high)},
	}
	for _, tt := range tests {
		assert.Equal(t, -1, tt.a.Compare(tt.b), tt.name)
		assert.Equal(t, 1, tt.b.Compare(tt.a), tt.name)
		assert.Equal(t, 0, tt.a.Compare(tt.a), tt.name)
	}

	k := csi.SortKey{Priority: itsm.P2, CreatedAt: time.Date(2026, 3, 2, 10, 0, 0, 123, time.FixedZone("CET", 3600)), ID: high}
	parsed, err := csi.ParseCursor(k.String())
	require.NoError(t, err)
	assert.Equal(t, 0, parsed.Compare(k))
	assert.Equal(t, time.UTC, parsed.CreatedAt.Location())
	for _, bad := range []string{"", "P2", "P0_2026-03-02T09:00:00Z_" + high.String(), "P2_yesterday_" + high.String(),
		"P2_2026-03-02T09:00:00Z_00000000-0000-0000-0000-000000000000", "P2_2026-03-02T09:00:00Z_" + high.String() + "_x"} {
		_, err := csi.ParseCursor(bad)
		itsmtest.RequireInvalidField(t, err, "page.cursor")
	}
}

func TestAfterCommitHooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []itsm.EventType
	h := newHarness(t, csi.Options{AfterCommit: []csi.Hook{func(_ context.Context, events []itsm.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range events {
			seen = append(seen, e.Type)
		}
	}}})
	it := h.register(t, nil)
	_, err := h.svc.Close(t.Context(), itsmtest.Manager, it.Ref(), "too early")
	require.Error(t, err)
	_, err = h.svc.RecordMeasurement(t.Context(), itsmtest.Agent, it.Ref(), 7)
	require.NoError(t, err)
	assert.Equal(t, []itsm.EventType{itsm.EventCreated, csi.EventMeasured}, seen, "hooks see committed writes only")
}

func TestCustomAuthorizerAndLifecycle(t *testing.T) {
	t.Parallel()
	// A host requires a due date before approval, and lets only the owner close.
	def, err := csi.DefaultLifecycle().Extend().
		TriggerPolicy(csi.TriggerApprove, lifecycle.Require("due", func(req csi.Request) bool {
			return !req.Subject.(*csi.Item).Due.IsZero()
		})).
		Build()
	require.NoError(t, err)
	ownerCloses := func(ctx context.Context, actor itsm.Actor, op csi.Operation, it *csi.Item) error {
		if op == csi.Operation(csi.TriggerClose) && it.Owner != actor.ID {
			return csi.Forbidden(actor, op)
		}
		return csi.DefaultAuthorizer(ctx, actor, op, it)
	}
	h := newHarness(t, csi.Options{Lifecycle: def, Authorize: ownerCloses})

	assessed := h.itemIn(t, csi.Assess)
	_, err = h.svc.Approve(t.Context(), itsmtest.Manager, assessed.Ref(), "ana")
	itsmtest.RequireInvalidField(t, err, "due")

	h2 := newHarness(t, csi.Options{Authorize: ownerCloses})
	review := h2.itemIn(t, csi.Review) // owned by ana
	_, err = h2.svc.Close(t.Context(), itsmtest.Manager, review.Ref(), "done")
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden, "forbidden")
}

func TestNewServiceRejectsBadOptions(t *testing.T) {
	t.Parallel()
	_, err := csi.NewService(nil, csi.Options{})
	itsmtest.RequireInvalidField(t, err, "repo")

	wrongKind, err := lifecycle.NewBuilder[csi.State, csi.Trigger](itsm.KindIncident, csi.New).
		State(csi.New, "").Final(csi.Closed, "").Trigger(csi.TriggerClose, "").
		Permit(csi.New, csi.TriggerClose, csi.Closed).Build()
	require.NoError(t, err)
	_, err = csi.NewService(newHarness(t, csi.Options{}).repo, csi.Options{Lifecycle: wrongKind})
	itsmtest.RequireInvalidField(t, err, "lifecycle")

	h := newHarness(t, csi.Options{})
	_, err = h.svc.Tx(nil)
	assert.True(t, errors.Is(err, itsm.ErrInvalid), "memory cannot join a SQL transaction: %v", err)
}

func TestSubmitAndCloseCountOnlyAMeasurementOfTheWork(t *testing.T) {
	t.Parallel()
	ctx, agent, manager := t.Context(), itsmtest.Agent, itsmtest.Manager
	refusedForNoMeasurement := func(t *testing.T, err error) {
		t.Helper()
		itsmtest.RequireRefused(t, err, itsm.ErrInvalid, "required")
		itsmtest.RequireInvalidField(t, err, "measured")
	}

	t.Run("measured before work started", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, csi.Options{})
		it := h.register(t, nil)
		it, err := h.svc.RecordMeasurement(ctx, agent, it.Ref(), 3)
		require.NoError(t, err)
		for _, state := range []csi.State{csi.Accepted, csi.Assess, csi.Approved, csi.InProgress} {
			h.clock.Advance(time.Hour)
			it, err = steps()[state].do(ctx, h.svc, it.Ref())
			require.NoError(t, err, state)
		}
		assert.False(t, it.IsMeasured(), "start discards the measurement")

		_, err = h.svc.SubmitForReview(ctx, agent, it.Ref())
		refusedForNoMeasurement(t, err)

		h.clock.Advance(time.Hour)
		it, err = h.svc.RecordMeasurement(ctx, agent, it.Ref(), 3)
		require.NoError(t, err)
		it, err = h.svc.SubmitForReview(ctx, agent, it.Ref())
		require.NoError(t, err)
		it, err = h.svc.Close(ctx, manager, it.Ref(), "MTTR is down to 3 h")
		require.NoError(t, err)
		assert.Equal(t, csi.Achieved, it.Outcome)
		assert.True(t, it.MeasuredAt.After(it.StartedAt))
	})

	t.Run("the measurement a review sent back", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, csi.Options{})
		it := h.itemIn(t, csi.Review)
		rejected := it.Measured
		h.clock.Advance(time.Hour)
		it, err := h.svc.Rework(ctx, manager, it.Ref(), "one good week is not a trend")
		require.NoError(t, err)
		assert.False(t, it.IsMeasured(), "rework discards the measurement")

		_, err = h.svc.SubmitForReview(ctx, agent, it.Ref())
		refusedForNoMeasurement(t, err)

		h.clock.Advance(time.Hour)
		it, err = h.svc.RecordMeasurement(ctx, agent, it.Ref(), rejected)
		require.NoError(t, err)
		it, err = h.svc.SubmitForReview(ctx, agent, it.Ref())
		require.NoError(t, err, "the same value, measured again, may be submitted")
		assert.Equal(t, h.clock.Now(), it.MeasuredAt)
	})

	// A host firing the lifecycle directly (or an item stored before start discarded
	// measurements) may hold a measurement older than the start: the policy refuses it
	// too. One taken at the very instant of the start counts.
	def := csi.DefaultLifecycle()
	item := func(state csi.State, measuredAt time.Time) *csi.Item {
		return &csi.Item{
			State: state, Direction: csi.LowerIsBetter, Baseline: 8, Target: 4,
			Measured: 3, MeasuredAt: measuredAt, StartedAt: start, SubmittedAt: start.Add(time.Hour),
		}
	}
	tests := []struct {
		name       string
		state      csi.State
		trigger    csi.Trigger
		measuredAt time.Time
		allowed    bool
	}{
		{"submit, measured before the start", csi.InProgress, csi.TriggerSubmit, start.Add(-time.Second), false},
		{"close, measured before the start", csi.Review, csi.TriggerClose, start.Add(-time.Hour), false},
		{"submit, measured at the start", csi.InProgress, csi.TriggerSubmit, start, true},
		{"close, measured after the start", csi.Review, csi.TriggerClose, start.Add(time.Minute), true},
	}
	for _, tt := range tests {
		it := item(tt.state, tt.measuredAt)
		_, err := def.Fire(ctx, manager, it, tt.trigger, csi.Args{At: start.Add(2 * time.Hour), Notes: "reviewed"})
		if !tt.allowed {
			refusedForNoMeasurement(t, err)
			assert.Equal(t, tt.state, it.State, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.NotEqual(t, tt.state, it.State, tt.name)
	}
}
