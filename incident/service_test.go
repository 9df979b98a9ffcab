package incident_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/itsm/sla"
	"github.com/itsmkit/itsmkit/storage/memory"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

type harness struct {
	svc   *incident.Service
	store *memory.Store
	clock *itsmtest.Clock
}

func newHarness(t *testing.T, opts incident.Options) harness {
	t.Helper()
	h := harness{store: memory.New(), clock: itsmtest.NewClock(start)}
	if opts.Clock == nil {
		opts.Clock = h.clock
	}
	svc, err := incident.NewService(h.store, opts)
	require.NoError(t, err)
	h.svc = svc
	return h
}

func TestFullLifeIsJournaled(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx, agent := t.Context(), itsmtest.Agent

	inc, err := h.svc.Open(ctx, agent, incident.OpenInput{Title: "VPN down", Caller: "bob", Impact: itsm.ImpactHigh, Urgency: itsm.UrgencyHigh})
	require.NoError(t, err)
	assert.Equal(t, "INC0000001", inc.Number)
	assert.Equal(t, itsm.P1, inc.Priority)
	assert.Equal(t, incident.New, inc.State)
	assert.Equal(t, int64(1), inc.Version)

	h.clock.Advance(10 * time.Minute)
	inc, err = h.svc.Assign(ctx, agent, inc.Ref(), "Network", "ana")
	require.NoError(t, err)
	assert.Equal(t, incident.InProgress, inc.State)
	assert.Equal(t, start.Add(10*time.Minute), inc.FirstAssignedAt)

	inc, err = h.svc.Hold(ctx, agent, inc.Ref(), incident.AwaitingVendor)
	require.NoError(t, err)
	assert.Equal(t, incident.AwaitingVendor, inc.OnHoldReason)
	inc, err = h.svc.Resume(ctx, agent, inc.Ref())
	require.NoError(t, err)
	assert.Empty(t, inc.OnHoldReason)

	h.clock.Advance(time.Hour)
	inc, err = h.svc.Resolve(ctx, agent, inc.Ref(), incident.SolvedPermanently, "replaced the router")
	require.NoError(t, err)
	assert.Equal(t, start.Add(70*time.Minute), inc.ResolvedAt)
	inc, err = h.svc.Close(ctx, agent, inc.Ref())
	require.NoError(t, err)
	assert.Equal(t, incident.Closed, inc.State)
	assert.Equal(t, int64(6), inc.Version)

	journal, err := h.svc.History(ctx, agent, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"new→in_progress", "in_progress→on_hold", "on_hold→in_progress", "in_progress→resolved", "resolved→closed"}, itsmtest.Transitions(journal))
	for i, e := range journal {
		assert.Equal(t, int64(i+1), e.Version, "entry %d", i)
		assert.Equal(t, inc.ID, e.EntityID)
		assert.Equal(t, agent.ID, e.Actor)
	}
	assert.Equal(t, itsm.EventCreated, journal[0].Type)
	assert.JSONEq(t, `{"assignment_group":"Network","assigned_to":"ana","first_assigned_at":"2026-03-02T09:10:00Z","acknowledged_at":"2026-03-02T09:10:00Z"}`, string(journal[1].Data))
	assert.Equal(t, "awaiting_vendor", journal[2].Reason)
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	tests := []struct {
		name     string
		state    incident.State
		do       func(inc *incident.Incident) error
		sentinel error
		codes    []string
		field    string
	}{
		{"close a new incident", incident.New, func(inc *incident.Incident) error {
			_, err := h.svc.Close(ctx, itsmtest.Agent, inc.Ref())
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"hold without a reason", incident.InProgress, func(inc *incident.Incident) error {
			_, err := h.svc.Hold(ctx, itsmtest.Agent, inc.Ref(), "")
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "on_hold_reason"},
		{"hold with an unknown reason", incident.InProgress, func(inc *incident.Incident) error {
			_, err := h.svc.Hold(ctx, itsmtest.Agent, inc.Ref(), "awaiting_godot")
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "on_hold_reason"},
		{"resolve without code", incident.InProgress, func(inc *incident.Incident) error {
			_, err := h.svc.Resolve(ctx, itsmtest.Agent, inc.Ref(), "", "notes")
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "resolution_code"},
		{"resolve without notes", incident.InProgress, func(inc *incident.Incident) error {
			_, err := h.svc.Resolve(ctx, itsmtest.Agent, inc.Ref(), incident.SolvedRemotely, "")
			return err
		}, itsm.ErrInvalid, []string{"invalid"}, "resolution_notes"},
		{"a caller resolves", incident.InProgress, func(inc *incident.Incident) error {
			_, err := h.svc.Resolve(ctx, itsmtest.Caller, inc.Ref(), incident.SolvedRemotely, "done")
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"an agent overrides priority", incident.InProgress, func(inc *incident.Incident) error {
			_, err := h.svc.OverridePriority(ctx, itsmtest.Agent, inc.Ref(), itsm.P1, "CEO")
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"a caller writes a work note", incident.New, func(inc *incident.Incident) error {
			_, err := h.svc.Comment(ctx, itsmtest.Caller, inc.Ref(), "psst", incident.WorkNote)
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"update a closed incident", incident.Closed, func(inc *incident.Incident) error {
			_, err := h.svc.SetImpactUrgency(ctx, itsmtest.Agent, inc.Ref(), itsm.ImpactHigh, itsm.UrgencyHigh)
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"edit a closed incident", incident.Closed, func(inc *incident.Incident) error {
			_, err := h.svc.Update(ctx, itsmtest.Agent, inc.Ref(), incident.UpdateInput{Title: new("too late")})
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"link a canceled incident", incident.Canceled, func(inc *incident.Incident) error {
			_, err := h.svc.Link(ctx, itsmtest.Agent, inc.Ref(), incident.LinkInput{Problem: new(itsm.NewID())})
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"a caller edits their own incident", incident.New, func(inc *incident.Incident) error {
			_, err := h.svc.Update(ctx, itsmtest.Caller, inc.Ref(), incident.UpdateInput{Title: new("mine")})
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"a caller links their own incident", incident.New, func(inc *incident.Incident) error {
			_, err := h.svc.Link(ctx, itsmtest.Caller, inc.Ref(), incident.LinkInput{Major: new(true)})
			return err
		}, itsm.ErrForbidden, []string{"forbidden"}, ""},
		{"assign a resolved incident", incident.Resolved, func(inc *incident.Incident) error {
			_, err := h.svc.Assign(ctx, itsmtest.Agent, inc.Ref(), "Network", "")
			return err
		}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"stale version", incident.InProgress, func(inc *incident.Incident) error {
			ref := inc.Ref()
			ref.Version--
			_, err := h.svc.Hold(ctx, itsmtest.Agent, ref, incident.AwaitingCaller)
			return err
		}, itsm.ErrConflict, nil, ""},
		{"another tenant's incident", incident.New, func(inc *incident.Incident) error {
			other := itsm.Actor{ID: "eve", Tenant: "other", Roles: []itsm.Role{itsm.RoleManager}}
			_, err := h.svc.Start(ctx, other, inc.Ref())
			return err
		}, itsm.ErrNotFound, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := itsmtest.IncidentIn(t, h.svc, tt.state)
			before, err := h.store.Events(ctx, inc.Tenant, inc.ID)
			require.NoError(t, err)

			err = tt.do(inc)
			itsmtest.RequireRefused(t, err, tt.sentinel, tt.codes...)
			if tt.field != "" {
				itsmtest.RequireInvalidField(t, err, tt.field)
			}
			after, err := h.store.Events(ctx, inc.Tenant, inc.ID)
			require.NoError(t, err)
			assert.Len(t, after, len(before), "a refused operation must not write")
			stored, err := h.store.Get(ctx, inc.Tenant, inc.ID)
			require.NoError(t, err)
			assert.Equal(t, inc, stored, "a refused operation must not change the record")
		})
	}
}

func TestRefusalListsEveryReason(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)

	// The incident's own caller may read it but not resolve it: the refusal lists
	// that and both missing inputs. (A stranger, who may not even read it, gets only
	// that refusal: see TestWritesRefuseWhoMayNotRead.)
	_, err := h.svc.Resolve(t.Context(), itsmtest.Caller, inc.Ref(), "", "")

	var pe *itsm.PolicyError
	require.ErrorAs(t, err, &pe)
	assert.ElementsMatch(t, []string{"invalid", "invalid", "forbidden"}, pe.Codes())
	assert.ErrorIs(t, err, itsm.ErrForbidden)
	assert.ErrorIs(t, err, itsm.ErrInvalid)
}

// TestRefusalsNameTheIncidentByNumber: a refusal given to an actor who may read the
// incident carries its number and names it by that number, whether the lifecycle or
// the service refuses.
func TestRefusalsNameTheIncidentByNumber(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	tests := []struct {
		name  string
		state incident.State
		do    func(ref incident.Ref) error
	}{
		{"close a new incident", incident.New, func(ref incident.Ref) error {
			_, err := h.svc.Close(ctx, itsmtest.Agent, ref)
			return err
		}},
		{"resolve without code", incident.InProgress, func(ref incident.Ref) error {
			_, err := h.svc.Resolve(ctx, itsmtest.Agent, ref, "", "notes")
			return err
		}},
		{"its caller resolves", incident.InProgress, func(ref incident.Ref) error {
			_, err := h.svc.Resolve(ctx, itsmtest.Caller, ref, incident.SolvedRemotely, "done")
			return err
		}},
		{"update a closed incident", incident.Closed, func(ref incident.Ref) error {
			_, err := h.svc.SetImpactUrgency(ctx, itsmtest.Agent, ref, itsm.ImpactHigh, itsm.UrgencyHigh)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inc := itsmtest.IncidentIn(t, h.svc, tt.state)
			require.NotEmpty(t, inc.Number)

			itsmtest.RequireRefusalNames(t, tt.do(inc.Ref()), itsm.KindIncident, inc.Meta)
		})
	}
}

func TestCallerPermissions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx, caller := t.Context(), itsmtest.Caller

	own, err := h.svc.Open(ctx, caller, incident.OpenInput{Title: "My laptop is slow"})
	require.NoError(t, err)
	assert.Equal(t, caller.ID, own.Caller)
	_, err = h.svc.Open(ctx, caller, incident.OpenInput{Title: "for someone else", Caller: "mallory"})
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden)

	_, err = h.svc.Comment(ctx, caller, own.Ref(), "any news?", incident.Public)
	require.NoError(t, err)
	theirs := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) { in.Caller = "mallory" })
	_, err = h.svc.Get(ctx, caller, theirs.ID)
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden)

	resolved := itsmtest.IncidentIn(t, h.svc, incident.Resolved) // opened for itsmtest.Caller
	reopened, err := h.svc.Reopen(ctx, caller, resolved.Ref(), "still broken")
	require.NoError(t, err)
	assert.Equal(t, incident.InProgress, reopened.State)
	assert.Equal(t, 1, reopened.ReopenCount)
	assert.Empty(t, reopened.ResolutionCode)
	assert.True(t, reopened.ResolvedAt.IsZero())

	mine, _, err := h.svc.List(ctx, caller, incident.Filter{Caller: caller.ID}, incident.Page{})
	require.NoError(t, err)
	for _, inc := range mine {
		assert.Equal(t, caller.ID, inc.Caller)
	}
	_, _, err = h.svc.List(ctx, caller, incident.Filter{}, incident.Page{})
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
}

func TestReassignmentCount(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx, agent := t.Context(), itsmtest.Agent
	inc := itsmtest.OpenIncident(t, h.svc, nil)
	steps := []struct {
		group, assignee string
		want            int
	}{
		{"Service Desk", "", 0}, // first assignment
		{"Service Desk", "ana", 1},
		{"", "ana", 1}, // nothing changes: group kept, same assignee
		{"Network", "bo", 2},
		{"Network", "", 3},
	}
	for _, s := range steps {
		var err error
		inc, err = h.svc.Assign(ctx, agent, inc.Ref(), s.group, s.assignee)
		require.NoError(t, err)
		assert.Equal(t, s.want, inc.ReassignmentCount, "after assigning %q/%q", s.group, s.assignee)
	}
	assert.Equal(t, incident.InProgress, inc.State)
	_, err := h.svc.Assign(ctx, agent, inc.Ref(), "", "")
	itsmtest.RequireInvalidField(t, err, "assignment_group")
}

func TestPriorityIsDerivedAndJournaled(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{Matrix: itsm.ITopPriorityMatrix()})
	ctx := t.Context()
	inc := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) { in.Impact, in.Urgency = itsm.ImpactLow, itsm.UrgencyCritical })
	assert.Equal(t, itsm.P2, inc.Priority)

	inc, err := h.svc.SetImpactUrgency(ctx, itsmtest.Agent, inc.Ref(), itsm.ImpactHigh, itsm.UrgencyCritical)
	require.NoError(t, err)
	assert.Equal(t, itsm.P1, inc.Priority)
	inc, err = h.svc.OverridePriority(ctx, itsmtest.Manager, inc.Ref(), itsm.P4, "the customer agreed to wait")
	require.NoError(t, err)
	assert.Equal(t, itsm.P4, inc.Priority)
	assert.Equal(t, "the customer agreed to wait", inc.PriorityOverride)
	inc, err = h.svc.SetImpactUrgency(ctx, itsmtest.Agent, inc.Ref(), itsm.ImpactMedium, itsm.UrgencyLow)
	require.NoError(t, err)
	assert.Equal(t, itsm.P4, inc.Priority)
	assert.Empty(t, inc.PriorityOverride, "a new assessment replaces the override")

	journal, err := h.svc.History(ctx, itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	require.Len(t, journal, 4)
	assert.JSONEq(t, `{"impact":"high","priority":"P1"}`, string(journal[1].Data))
	assert.JSONEq(t, `{"priority":"P4","priority_override":"the customer agreed to wait"}`, string(journal[2].Data))

	_, err = h.svc.SetImpactUrgency(ctx, itsmtest.Agent, inc.Ref(), itsm.ImpactHigh, 9)
	itsmtest.RequireInvalidField(t, err, "urgency")
}

func TestOpenRejectsBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	tests := []struct {
		name  string
		in    incident.OpenInput
		field string
	}{
		{"empty title", incident.OpenInput{}, "title"},
		{"blank title", incident.OpenInput{Title: "  \t "}, "title"},
		{"1 MB title", incident.OpenInput{Title: strings.Repeat("x", 1<<20)}, "title"},
		{"invalid UTF-8", incident.OpenInput{Title: "bad \xff byte"}, "title"},
		{"NUL byte", incident.OpenInput{Title: "nul\x00byte"}, "title"},
		{"NUL in description", incident.OpenInput{Title: "ok", Description: "a\x00b"}, "description"},
		{"newline in title", incident.OpenInput{Title: "two\nlines"}, "title"},
		{"unknown channel", incident.OpenInput{Title: "ok", Channel: "pigeon"}, "channel"},
		{"unknown impact", incident.OpenInput{Title: "ok", Impact: 7}, "impact"},
		{"urgency outside the matrix", incident.OpenInput{Title: "ok", Urgency: itsm.UrgencyCritical}, "urgency"},
		{"custom field not JSON", incident.OpenInput{Title: "ok", Custom: map[string]any{"f": func() {}}}, "custom"},
		{"custom field too large", incident.OpenInput{Title: "ok", Custom: map[string]any{"blob": strings.Repeat("x", incident.MaxCustomFieldsBytes)}}, "custom"},
		{"custom key empty", incident.OpenInput{Title: "ok", Custom: map[string]any{"": 1}}, "custom"},
		{"long caller", incident.OpenInput{Title: "ok", Caller: strings.Repeat("c", 500)}, "caller"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.Open(ctx, itsmtest.Agent, tt.in)
			itsmtest.RequireInvalidField(t, err, tt.field)
		})
	}
	_, err := h.svc.Open(ctx, itsm.Actor{ID: "x"}, incident.OpenInput{Title: "no tenant"})
	itsmtest.RequireInvalidField(t, err, "actor.tenant")
	_, err = h.svc.Open(ctx, itsmtest.Agent, incident.OpenInput{Title: "child", Parent: itsm.NewID()})
	assert.ErrorIs(t, err, itsm.ErrNotFound)

	all, _, err := h.svc.List(ctx, itsmtest.Agent, incident.Filter{}, incident.Page{})
	require.NoError(t, err)
	assert.Empty(t, all, "bad input must store nothing")
}

func TestCustomFieldsRoundTripAsJSON(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	inc := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) {
		in.Custom = map[string]any{"cost": 12, "tags": []string{"a", "b"}, "vip": true}
	})
	got, err := h.svc.Get(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"cost": 12.0, "tags": []any{"a", "b"}, "vip": true}, got.Custom)
}

func TestIdempotencyKeyReturnsTheFirstIncident(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	in := incident.OpenInput{Title: "disk full on db-7", Channel: incident.ChannelMonitoring, IdempotencyKey: "alert-991"}

	const callers = 8
	got := make([]*incident.Incident, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			inc, err := h.svc.Open(ctx, itsmtest.System, in)
			assert.NoError(t, err)
			got[i] = inc
		})
	}
	wg.Wait()
	for _, inc := range got {
		require.NotNil(t, inc)
		assert.Equal(t, got[0].ID, inc.ID)
	}
	all, _, err := h.svc.List(ctx, itsmtest.Agent, incident.Filter{}, incident.Page{})
	require.NoError(t, err)
	assert.Len(t, all, 1)
}

func TestVersionZeroReadsAndRetries(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
	const writers = 3 // at most autoRetries writers can all succeed
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			_, err := h.svc.Comment(t.Context(), itsmtest.Agent, incident.Ref{ID: inc.ID}, "+1", incident.WorkNote)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	got, err := h.svc.Get(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, inc.Version+writers, got.Version)
}

func TestCloseResolved(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	old := itsmtest.IncidentIn(t, h.svc, incident.Resolved)
	h.clock.Advance(3 * 24 * time.Hour)
	recent := itsmtest.IncidentIn(t, h.svc, incident.Resolved)
	open := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
	h.clock.Advance(2*24*time.Hour + time.Minute)

	closed, err := h.svc.CloseResolved(ctx, itsmtest.System, 0)
	require.NoError(t, err)
	require.Len(t, closed, 1)
	assert.Equal(t, old.ID, closed[0].ID)
	assert.Equal(t, incident.Closed, closed[0].State)
	for _, inc := range []*incident.Incident{recent, open} {
		got, err := h.svc.Get(ctx, itsmtest.Agent, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, inc.State, got.State, inc.Number)
	}
	again, err := h.svc.CloseResolved(ctx, itsmtest.System, 0)
	require.NoError(t, err)
	assert.Empty(t, again)
	_, err = h.svc.CloseResolved(ctx, itsmtest.Caller, 0)
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden) // see TestCloseResolvedRefusesWhoMayNotClose
	_, err = h.svc.CloseResolved(ctx, itsmtest.System, -time.Hour)
	itsmtest.RequireInvalidField(t, err, "older_than")
}

func TestCloseResolvedFromManyProcessesClosesEachOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	const n = 120 // more than one page
	for range n {
		itsmtest.IncidentIn(t, h.svc, incident.Resolved)
	}
	h.clock.Advance(6 * 24 * time.Hour)

	const processes = 4
	var wg sync.WaitGroup
	counts := make([]int, processes)
	for p := range processes {
		// Each "process" has its own service on the shared store.
		svc, err := incident.NewService(h.store, incident.Options{Clock: h.clock})
		require.NoError(t, err)
		wg.Go(func() {
			closed, err := svc.CloseResolved(t.Context(), itsmtest.System, 0)
			assert.NoError(t, err)
			counts[p] = len(closed)
		})
	}
	wg.Wait()
	total := 0
	for _, c := range counts {
		total += c
	}
	assert.Equal(t, n, total, "every incident closed exactly once across processes: %v", counts)
	all, _, err := h.svc.List(t.Context(), itsmtest.Agent, incident.Filter{States: []incident.State{incident.Closed}}, incident.Page{Limit: incident.MaxLimit})
	require.NoError(t, err)
	assert.Len(t, all, n)
	for _, inc := range all {
		assert.Equal(t, int64(4), inc.Version, "%s closed more than once", inc.Number)
	}
}

func TestAfterCommitHooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []itsm.EventType
	h := newHarness(t, incident.Options{AfterCommit: []incident.Hook{func(_ context.Context, events []itsm.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range events {
			seen = append(seen, e.Type)
		}
	}}})
	inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
	_, err := h.svc.Close(t.Context(), itsmtest.Agent, inc.Ref())
	require.Error(t, err)
	assert.Equal(t, []itsm.EventType{itsm.EventCreated, itsm.EventTransitioned}, seen, "hooks see committed writes only")
}

func TestLifecycleOptions(t *testing.T) {
	t.Parallel()
	def, err := incident.NewLifecycle(incident.LifecycleOptions{ResolveFromNew: true, ReopenClosed: true})
	require.NoError(t, err)
	h := newHarness(t, incident.Options{Lifecycle: def})
	ctx := t.Context()

	inc := itsmtest.OpenIncident(t, h.svc, nil)
	inc, err = h.svc.Resolve(ctx, itsmtest.Agent, inc.Ref(), incident.SolvedRemotely, "first contact")
	require.NoError(t, err)
	inc, err = h.svc.Close(ctx, itsmtest.Agent, inc.Ref())
	require.NoError(t, err)
	inc, err = h.svc.Reopen(ctx, itsmtest.Agent, inc.Ref(), "it came back")
	require.NoError(t, err)
	assert.Equal(t, incident.InProgress, inc.State)
	assert.True(t, inc.ClosedAt.IsZero())

	strict := newHarness(t, incident.Options{})
	closed := itsmtest.IncidentIn(t, strict.svc, incident.Closed)
	_, err = strict.svc.Reopen(ctx, itsmtest.Agent, closed.Ref(), "")
	itsmtest.RequireRefused(t, err, itsm.ErrTransitionNotAllowed)
	fresh := itsmtest.OpenIncident(t, strict.svc, nil)
	_, err = strict.svc.Resolve(ctx, itsmtest.Agent, fresh.Ref(), incident.SolvedRemotely, "x")
	itsmtest.RequireRefused(t, err, itsm.ErrTransitionNotAllowed)
}

func TestCustomAuthorizer(t *testing.T) {
	t.Parallel()
	onlyNetwork := func(_ context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
		if op == incident.Operation(incident.TriggerResolve) && inc.AssignmentGroup != "Network" {
			return incident.Forbidden(actor, op)
		}
		return nil
	}
	h := newHarness(t, incident.Options{Authorize: onlyNetwork})
	inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress) // assigned to Service Desk
	_, err := h.svc.Resolve(t.Context(), itsmtest.Caller, inc.Ref(), incident.SolvedRemotely, "x")
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden, "forbidden")
}

func TestNewServiceRejectsBadOptions(t *testing.T) {
	t.Parallel()
	_, err := incident.NewService(nil, incident.Options{})
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	_, err = incident.NewService(memory.New(), incident.Options{Lifecycle: nil})
	assert.NoError(t, err)
}

func TestTxNeedsATransactionalRepository(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	_, err := h.svc.Tx(nil)
	assert.True(t, errors.Is(err, itsm.ErrInvalid), "memory cannot join a SQL transaction: %v", err)
}

// racedKey is a repository on which an Open's first idempotency-key lookup misses, as
// when another Open with the same key commits between that lookup and the create.
type racedKey struct {
	incident.Repository
	lookups atomic.Int32
}

func (r *racedKey) FindByIdempotencyKey(ctx context.Context, tenant itsm.Tenant, key string) (*incident.Incident, error) {
	if r.lookups.Add(1) == 1 {
		return nil, itsm.ErrNotFound
	}
	return r.Repository.FindByIdempotencyKey(ctx, tenant, key)
}

func TestIdempotencyKeyReturnsOnlyAnIncidentTheActorMayRead(t *testing.T) {
	t.Parallel()
	alice := itsm.Actor{ID: "alice", Tenant: itsmtest.Tenant, Roles: []itsm.Role{itsm.RoleCaller}}
	bob := itsm.Actor{ID: "bob", Tenant: itsmtest.Tenant, Roles: []itsm.Role{itsm.RoleCaller}}
	tests := []struct {
		name     string
		actor    itsm.Actor
		raced    bool  // the retry's lookup misses and its create collides
		sentinel error // nil: the retry gets alice's incident
	}{
		{"alice retries", alice, false, nil},
		{"another caller reuses the key", bob, false, itsm.ErrForbidden},
		{"an agent reuses the key", itsmtest.Agent, false, nil},
		{"another caller reuses the key in a race", bob, true, itsm.ErrForbidden},
		{"an agent reuses the key in a race", itsmtest.Agent, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			h := newHarness(t, incident.Options{})
			first, err := h.svc.Open(ctx, alice, incident.OpenInput{Title: "my mail is gone", IdempotencyKey: "k"})
			require.NoError(t, err)
			svc := h.svc
			if tt.raced {
				svc, err = incident.NewService(&racedKey{Repository: h.store}, incident.Options{Clock: h.clock})
				require.NoError(t, err)
			}

			got, err := svc.Open(ctx, tt.actor, incident.OpenInput{Title: "mine now", IdempotencyKey: "k"})

			if tt.sentinel != nil {
				itsmtest.RequireRefused(t, err, tt.sentinel)
				assert.Nil(t, got)
			} else {
				require.NoError(t, err)
				assert.Equal(t, first, got)
			}
			all, _, err := h.store.List(ctx, itsmtest.Tenant, incident.Filter{}, incident.Page{})
			require.NoError(t, err)
			require.Len(t, all, 1, "a retry must store nothing")
			assert.Equal(t, first, all[0])
		})
	}
}

func TestHistoryShowsWorkNotesOnlyToThoseWhoMaySeeThem(t *testing.T) {
	t.Parallel()
	managersOnly := func(ctx context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
		if op == incident.OpReadWorkNotes && !actor.HasRole(itsm.RoleManager) {
			return incident.Forbidden(actor, op)
		}
		return incident.DefaultAuthorizer(ctx, actor, op, inc)
	}
	tests := []struct {
		name      string
		authorize incident.Authorizer
		actor     itsm.Actor
		want      []string // comment bodies, in order
	}{
		{"the caller", nil, itsmtest.Caller, []string{"we are on it", "any news?"}},
		{"an agent", nil, itsmtest.Agent, []string{"we are on it", "vendor ticket 42", "any news?"}},
		{"a manager", nil, itsmtest.Manager, []string{"we are on it", "vendor ticket 42", "any news?"}},
		{"an agent, when the host shows work notes to managers only", managersOnly, itsmtest.Agent, []string{"we are on it", "any news?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			h := newHarness(t, incident.Options{Authorize: tt.authorize})
			inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress) // opened for itsmtest.Caller
			inc, err := h.svc.Comment(ctx, itsmtest.Agent, inc.Ref(), "we are on it", incident.Public)
			require.NoError(t, err)
			inc, err = h.svc.Comment(ctx, itsmtest.Agent, inc.Ref(), "vendor ticket 42", incident.WorkNote)
			require.NoError(t, err)
			_, err = h.svc.Comment(ctx, itsmtest.Caller, inc.Ref(), "any news?", incident.Public)
			require.NoError(t, err)

			journal, err := h.svc.History(ctx, tt.actor, inc.ID)
			require.NoError(t, err)

			var bodies []string
			for _, e := range journal {
				if e.Type != itsm.EventCommented {
					continue
				}
				var c struct{ Body string }
				require.NoError(t, json.Unmarshal(e.Data, &c))
				bodies = append(bodies, c.Body)
			}
			assert.Equal(t, tt.want, bodies)
			assert.Equal(t, []string{"new→in_progress"}, itsmtest.Transitions(journal), "only comments are left out")
		})
	}
}

func TestOpenRefusesCustomTextThatJSONWouldChange(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	tests := []struct {
		name   string
		custom map[string]any
		field  string
	}{
		{"invalid UTF-8 in a value", map[string]any{"a": "bad \xff"}, "custom.a"},
		{"NUL in a value", map[string]any{"a": "nul\x00byte"}, "custom.a"},
		{"invalid UTF-8 in a nested key", map[string]any{"a": map[string]any{"b\xfe": 1}}, "custom.a"},
		{"NUL in a nested key", map[string]any{"a": map[string]any{"b": map[string]any{"c\x00": true}}}, "custom.a.b"},
		{"invalid UTF-8 in a nested value", map[string]any{"a": map[string]any{"b": "\xc3"}}, "custom.a.b"},
		{"invalid UTF-8 in a list", map[string]any{"list": []any{"x", 2, "\xed\xa0\x80"}}, "custom.list[2]"},
		{"NUL in a list in a list", map[string]any{"m": []any{[]any{"ok", "a\x00"}}}, "custom.m[0][1]"},
		{"invalid UTF-8 in a typed slice", map[string]any{"tags": []string{"ok", "\xff"}}, "custom.tags[1]"},
		{"invalid UTF-8 in a typed map key", map[string]any{"m": map[string]int{"\xff": 1}}, "custom.m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.Open(t.Context(), itsmtest.Agent, incident.OpenInput{Title: "ok", Custom: tt.custom})
			itsmtest.RequireInvalidField(t, err, tt.field)
		})
	}
	all, _, err := h.store.List(t.Context(), itsmtest.Tenant, incident.Filter{}, incident.Page{})
	require.NoError(t, err)
	assert.Empty(t, all, "refused custom fields must store nothing")

	valid := map[string]any{
		"name":   "Zoë 日本 🚀",
		"ключ":   map[string]any{"emoji 🙂": []any{"ü", "\ufffd is a character too", `\u0000 stays text`}},
		"spaces": "tab\tand\nnewline",
	}
	inc, err := h.svc.Open(t.Context(), itsmtest.Agent, incident.OpenInput{Title: "ok", Custom: valid})
	require.NoError(t, err)
	got, err := h.svc.Get(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, valid, got.Custom)
}

func TestUpdatesThatChangeNothingStoreNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		do       func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error)
		changed  bool
		sentinel error
	}{
		{"same impact and urgency", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.SetImpactUrgency(ctx, itsmtest.Agent, ref, itsm.ImpactLow, itsm.UrgencyLow)
		}, false, nil},
		{"same group and assignee", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Assign(ctx, itsmtest.Agent, ref, "Service Desk", itsmtest.Agent.ID)
		}, false, nil},
		{"same assignee, group kept", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Assign(ctx, itsmtest.Agent, ref, "", itsmtest.Agent.ID)
		}, false, nil},
		{"same values at a stale version", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			ref.Version--
			return svc.SetImpactUrgency(ctx, itsmtest.Agent, ref, itsm.ImpactLow, itsm.UrgencyLow)
		}, false, itsm.ErrConflict},
		{"same values by an actor who may not update", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.SetImpactUrgency(ctx, itsmtest.Caller, ref, itsm.ImpactLow, itsm.UrgencyLow)
		}, false, itsm.ErrForbidden},
		{"same title and channel", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Update(ctx, itsmtest.Agent, ref, incident.UpdateInput{Title: new("Printer on fire"), Channel: new(incident.ChannelPhone)})
		}, false, nil},
		{"an empty update", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Update(ctx, itsmtest.Agent, ref, incident.UpdateInput{})
		}, false, nil},
		{"same links", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Link(ctx, itsmtest.Agent, ref, incident.LinkInput{Problem: new(itsm.ID{}), Parent: new(itsm.ID{}), Major: new(false)})
		}, false, nil},
		{"removing a change not linked", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Link(ctx, itsmtest.Agent, ref, incident.LinkInput{RemoveChanges: []itsm.ID{itsm.NewID()}})
		}, false, nil},
		{"same title by an actor who may not update", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Update(ctx, itsmtest.Caller, ref, incident.UpdateInput{Title: new("Printer on fire")})
		}, false, itsm.ErrForbidden},
		{"new title", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Update(ctx, itsmtest.Agent, ref, incident.UpdateInput{Title: new("Printer on fire, floor 3")})
		}, true, nil},
		{"new change", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Link(ctx, itsmtest.Agent, ref, incident.LinkInput{AddChanges: []itsm.ID{itsm.NewID()}})
		}, true, nil},
		{"new impact", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.SetImpactUrgency(ctx, itsmtest.Agent, ref, itsm.ImpactHigh, itsm.UrgencyLow)
		}, true, nil},
		{"new assignee", func(ctx context.Context, svc *incident.Service, ref incident.Ref) (*incident.Incident, error) {
			return svc.Assign(ctx, itsmtest.Agent, ref, "", "ana")
		}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hooked atomic.Int32
			h := newHarness(t, incident.Options{AfterCommit: []incident.Hook{func(context.Context, []itsm.Event) { hooked.Add(1) }}})
			inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress) // low impact and urgency, Service Desk / agent
			before, err := h.svc.History(t.Context(), itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			hooked.Store(0)
			h.clock.Advance(time.Minute)

			got, err := tt.do(t.Context(), h.svc, inc.Ref())

			want := inc.Version
			if tt.changed {
				want++
			}
			if tt.sentinel != nil {
				itsmtest.RequireRefused(t, err, tt.sentinel)
			} else {
				require.NoError(t, err)
				assert.Equal(t, want, got.Version)
				if !tt.changed {
					assert.Equal(t, inc, got, "returns the incident as stored")
				}
			}
			after, err := h.svc.History(t.Context(), itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			assert.Len(t, after, len(before)+int(want-inc.Version))
			stored, err := h.store.Get(t.Context(), inc.Tenant, inc.ID)
			require.NoError(t, err)
			assert.Equal(t, want, stored.Version)
			assert.Equal(t, int32(want-inc.Version), hooked.Load(), "hooks run for stored writes only")
		})
	}
}

func TestWritesRefuseWhoMayNotRead(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	eve := itsm.Actor{ID: "eve", Tenant: itsmtest.Tenant, Roles: []itsm.Role{itsm.RoleCaller}}
	bobs := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) { in.Caller = "bob" })
	bobs, err := h.svc.Assign(ctx, itsmtest.Agent, bobs.Ref(), "Service Desk", "ana")
	require.NoError(t, err)
	bobs, err = h.svc.Resolve(ctx, itsmtest.Agent, bobs.Ref(), incident.SolvedRemotely, "done")
	require.NoError(t, err)
	require.Equal(t, int64(3), bobs.Version)
	_, err = h.svc.Get(ctx, eve, bobs.ID)
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden)

	writes := map[string]func(ref incident.Ref) error{
		"start": func(ref incident.Ref) error {
			_, err := h.svc.Start(ctx, eve, ref)
			return err
		},
		"comment": func(ref incident.Ref) error {
			_, err := h.svc.Comment(ctx, eve, ref, "what is this?", incident.Public)
			return err
		},
		"assign": func(ref incident.Ref) error {
			_, err := h.svc.Assign(ctx, eve, ref, "Network", "eve")
			return err
		},
		"set impact and urgency": func(ref incident.Ref) error {
			_, err := h.svc.SetImpactUrgency(ctx, eve, ref, itsm.ImpactHigh, itsm.UrgencyHigh)
			return err
		},
		"update": func(ref incident.Ref) error {
			_, err := h.svc.Update(ctx, eve, ref, incident.UpdateInput{Title: new("mine now")})
			return err
		},
		"link": func(ref incident.Ref) error {
			_, err := h.svc.Link(ctx, eve, ref, incident.LinkInput{Parent: new(itsm.NewID())})
			return err
		},
	}
	versions := map[string]int64{"a stale version": 1, "the current version": bobs.Version, "version zero": 0}
	for op, write := range writes {
		for at, version := range versions {
			t.Run(op+" at "+at, func(t *testing.T) {
				err := write(incident.Ref{ID: bobs.ID, Version: version})
				itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
				assert.NotErrorIs(t, err, itsm.ErrConflict)
				assert.NotErrorIs(t, err, itsm.ErrTransitionNotAllowed)
				for _, secret := range []string{string(incident.Resolved), bobs.Number, "version", "allowed", "stored"} {
					assert.NotContains(t, err.Error(), secret, "the refusal discloses the incident")
				}
			})
		}
	}
	stored, err := h.store.Get(ctx, bobs.Tenant, bobs.ID)
	require.NoError(t, err)
	assert.Equal(t, bobs, stored, "a refused write must not change the record")
}

func TestNewServiceRejectsOptionsItCannotHonour(t *testing.T) {
	t.Parallel()
	longest := strings.Repeat("P", incident.MaxReferenceLength)
	tests := []struct {
		name  string
		opts  incident.Options
		field string // "" for options that must be accepted
	}{
		{"prefix too long", incident.Options{NumberPrefix: longest + "P"}, "number_prefix"},
		{"prefix on two lines", incident.Options{NumberPrefix: "INC\nX"}, "number_prefix"},
		{"prefix with NUL", incident.Options{NumberPrefix: "INC\x00"}, "number_prefix"},
		{"prefix not UTF-8", incident.Options{NumberPrefix: "INC\xff"}, "number_prefix"},
		{"negative auto-close age", incident.Options{AutoCloseAfter: -time.Hour}, "auto_close_after"},
		{"nil SLA", incident.Options{SLAs: append(incident.DefaultSLAs(nil), nil)}, "slas[2]"},
		{"longest prefix", incident.Options{NumberPrefix: longest}, ""},
		{"unicode prefix", incident.Options{NumberPrefix: "ÄRENDE-"}, ""},
		{"no SLAs", incident.Options{SLAs: []*sla.Definition{}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, err := incident.NewService(memory.New(), tt.opts)
			if tt.field != "" {
				itsmtest.RequireInvalidField(t, err, tt.field)
				assert.Nil(t, svc)
				return
			}
			require.NoError(t, err)
			inc := itsmtest.OpenIncident(t, svc, nil)
			assert.True(t, strings.HasPrefix(inc.Number, tt.opts.NumberPrefix), inc.Number)
		})
	}
}

// bareErrors is a Repository whose reads of a missing incident answer the bare
// sentinel, naming nothing, as an adapter outside this module may.
type bareErrors struct{ incident.Repository }

func (r bareErrors) Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (*incident.Incident, error) {
	inc, err := r.Repository.Get(ctx, tenant, id)
	if errors.Is(err, itsm.ErrNotFound) {
		return nil, itsm.ErrNotFound
	}
	return inc, err
}

func TestStoreErrorsNameTheIncidentOnce(t *testing.T) {
	t.Parallel()
	missing := itsm.NewID()
	ops := map[string]func(svc *incident.Service) error{
		"get": func(svc *incident.Service) error {
			_, err := svc.Get(t.Context(), itsmtest.Agent, missing)
			return err
		},
		"start": func(svc *incident.Service) error {
			_, err := svc.Start(t.Context(), itsmtest.Agent, incident.Ref{ID: missing})
			return err
		},
		"comment at a version": func(svc *incident.Service) error {
			_, err := svc.Comment(t.Context(), itsmtest.Agent, incident.Ref{ID: missing, Version: 2}, "hello", incident.Public)
			return err
		},
		"open with a missing parent": func(svc *incident.Service) error {
			_, err := svc.Open(t.Context(), itsmtest.Agent, incident.OpenInput{Title: "child", Parent: missing})
			return err
		},
		"history": func(svc *incident.Service) error {
			_, err := svc.History(t.Context(), itsmtest.Agent, missing)
			return err
		},
	}
	stores := map[string]func() incident.Repository{
		"memory":      func() incident.Repository { return memory.New() },
		"bare errors": func() incident.Repository { return bareErrors{memory.New()} },
	}
	for storeName, newStore := range stores {
		svc, err := incident.NewService(newStore(), incident.Options{})
		require.NoError(t, err)
		for opName, op := range ops {
			t.Run(storeName+"/"+opName, func(t *testing.T) {
				err := op(svc)
				require.ErrorIs(t, err, itsm.ErrNotFound)
				assert.Equal(t, 1, strings.Count(err.Error(), missing.String()), "the message names the incident once: %v", err)
			})
		}
	}
}

func TestListStatesOfAnExtendedLifecycle(t *testing.T) {
	t.Parallel()
	const (
		triage   incident.State   = "triage"
		triageIt incident.Trigger = "triage"
	)
	def, err := incident.DefaultLifecycle().Extend().
		State(triage, "Triage").
		Trigger(triageIt, "Triage").
		Permit(incident.New, triageIt, triage).
		Permit(triage, incident.TriggerStart, incident.InProgress).
		Build()
	require.NoError(t, err)
	h := newHarness(t, incident.Options{Lifecycle: def})
	ctx := t.Context()

	// Incidents in triage, stored as a host that fires its own trigger stores them,
	// between incidents in the default states.
	builder := &itsmtest.Incidents{Clock: h.clock, NumberPrefix: "TRI"}
	var triaged []itsm.ID
	for i := range 5 {
		itsmtest.IncidentIn(t, h.svc, incident.InProgress)
		inc := builder.New(func(inc *incident.Incident) { inc.State = triage })
		require.NoError(t, h.store.Create(ctx, inc, itsmtest.CreatedJournal(inc)))
		if i%2 == 0 {
			itsmtest.OpenIncident(t, h.svc, nil)
		}
		triaged = append(triaged, inc.ID)
		h.clock.Advance(time.Minute)
	}

	tests := []struct {
		name   string
		filter incident.Filter
		want   int
	}{
		{"the host's state", incident.Filter{States: []incident.State{triage}}, 5},
		{"the host's state and a default one", incident.Filter{States: []incident.State{triage, incident.New}}, 8},
		{"a default state", incident.Filter{States: []incident.State{incident.InProgress}}, 5},
		{"the host's state and another field", incident.Filter{States: []incident.State{triage}, Caller: "nobody"}, 0},
	}
	for _, tt := range tests {
		for _, order := range []incident.Order{incident.ByPriority, incident.ByUpdated} {
			t.Run(fmt.Sprintf("%s, order %d", tt.name, order), func(t *testing.T) {
				var got []*incident.Incident
				page := incident.Page{Limit: 2, Order: order}
				for pages := 0; ; pages++ {
					require.Less(t, pages, 10, "the listing does not end")
					items, next, err := h.svc.List(ctx, itsmtest.Agent, tt.filter, page)
					require.NoError(t, err)
					assert.LessOrEqual(t, len(items), 2)
					got = append(got, items...)
					if next == "" {
						break
					}
					require.NotEmpty(t, items, "a cursor leads to an empty page")
					page.Cursor = next
				}
				require.Len(t, got, tt.want)
				seen := map[itsm.ID]bool{}
				for i, inc := range got {
					assert.True(t, tt.filter.Match(inc), "%s in %s does not match", inc.Number, inc.State)
					assert.False(t, seen[inc.ID], "%s listed twice", inc.Number)
					seen[inc.ID] = true
					if i > 0 {
						assert.True(t, incident.Less(order, incident.KeyOf(got[i-1], order), incident.KeyOf(inc, order)), "out of order at %d", i)
					}
				}
				if tt.name == "the host's state" {
					assert.ElementsMatch(t, triaged, ids(got))
				}
			})
		}
	}

	_, _, err = h.svc.List(ctx, itsmtest.Agent, incident.Filter{States: []incident.State{"limbo"}}, incident.Page{})
	itsmtest.RequireInvalidField(t, err, "filter.states")
	assert.ErrorIs(t, incident.Filter{States: []incident.State{triage}}.Validate(), itsm.ErrInvalid,
		"adapters validate against the default lifecycle")
}

func TestCallersOpenWithoutDeciding(t *testing.T) {
	t.Parallel()
	parent := itsm.NewID() // never looked up: the refusal comes first
	tests := []struct {
		name   string
		actor  itsm.Actor
		in     incident.OpenInput
		fields []string // each named by one refusal reason; none when Open must succeed
	}{
		{"a caller marks it major", itsmtest.Caller, incident.OpenInput{Major: true}, []string{"major"}},
		{"a caller picks a group", itsmtest.Caller, incident.OpenInput{AssignmentGroup: "Network"}, []string{"assignment_group"}},
		{"a caller picks an assignee", itsmtest.Caller, incident.OpenInput{AssignedTo: "ana"}, []string{"assigned_to"}},
		{"a caller names a parent", itsmtest.Caller, incident.OpenInput{Parent: parent}, []string{"parent"}},
		{"a caller sets them all", itsmtest.Caller, incident.OpenInput{Major: true, AssignmentGroup: "Network", AssignedTo: "ana", Parent: parent},
			[]string{"major", "assignment_group", "assigned_to", "parent"}},
		{"a caller describes and assesses", itsmtest.Caller, incident.OpenInput{
			Description: "since 9", Category: "network", Subcategory: "vpn", Service: "vpn", ConfigurationItem: "gw-1",
			Channel: incident.ChannelSelfService, Impact: itsm.ImpactHigh, Urgency: itsm.UrgencyHigh,
		}, nil},
		{"an agent sets them all", itsmtest.Agent, incident.OpenInput{Major: true, AssignmentGroup: "Network", AssignedTo: "ana"}, nil},
		{"a manager sets them all", itsmtest.Manager, incident.OpenInput{Major: true, AssignmentGroup: "Network", AssignedTo: "ana"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, incident.Options{})
			tt.in.Title = "VPN down"
			inc, err := h.svc.Open(t.Context(), tt.actor, tt.in)
			all, _, lerr := h.store.List(t.Context(), itsmtest.Tenant, incident.Filter{}, incident.Page{})
			require.NoError(t, lerr)
			if len(tt.fields) == 0 {
				require.NoError(t, err)
				assert.Equal(t, tt.in.Major, inc.Major)
				assert.Len(t, all, 1)
				return
			}
			itsmtest.RequireRefused(t, err, itsm.ErrForbidden, "forbidden")
			var pe *itsm.PolicyError
			require.ErrorAs(t, err, &pe)
			require.Len(t, pe.Reasons, len(tt.fields), "one reason per field: %v", err)
			for i, field := range tt.fields {
				assert.Contains(t, pe.Reasons[i].Message, " "+field+" ", "reason %d", i)
				assert.ErrorIs(t, pe.Reasons[i].Err, itsm.ErrForbidden)
			}
			assert.Empty(t, all, "a refused open stores nothing")
		})
	}
}

func TestListShowsOnlyWhatTheActorMayRead(t *testing.T) {
	t.Parallel()
	// A host where agents read only their group's incidents. The probe of a whole
	// listing (zero ID) passes; each incident listed is asked about on its own.
	networkOnly := func(ctx context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
		if op == incident.OpRead && !inc.ID.IsZero() && inc.AssignmentGroup != "Network" {
			return incident.Forbidden(actor, op)
		}
		return incident.DefaultAuthorizer(ctx, actor, op, inc)
	}
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	impacts := []itsm.Impact{itsm.ImpactHigh, itsm.ImpactMedium, itsm.ImpactLow}
	groups := []string{"Network", "Service Desk", "Database", "", "Network", "Database", "Service Desk"}
	var network []itsm.ID
	for i := range 21 {
		inc := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) { in.Impact = impacts[i%len(impacts)] })
		if g := groups[i%len(groups)]; g != "" {
			var err error
			inc, err = h.svc.Assign(ctx, itsmtest.Agent, inc.Ref(), g, "")
			require.NoError(t, err)
			if g == "Network" {
				network = append(network, inc.ID)
			}
		}
		h.clock.Advance(time.Minute)
	}
	require.Len(t, network, 6)
	svc, err := incident.NewService(h.store, incident.Options{Clock: h.clock, Authorize: networkOnly})
	require.NoError(t, err)

	tests := []struct {
		name   string
		filter incident.Filter
		want   int
	}{
		{"every incident", incident.Filter{}, 6},
		{"open ones", incident.Filter{States: []incident.State{incident.New, incident.InProgress}}, 6},
		{"another group's", incident.Filter{AssignmentGroup: "Database"}, 0},
	}
	for _, tt := range tests {
		for _, order := range []incident.Order{incident.ByPriority, incident.ByUpdated} {
			t.Run(fmt.Sprintf("%s, order %d", tt.name, order), func(t *testing.T) {
				var got []*incident.Incident
				short := false
				page := incident.Page{Limit: 3, Order: order}
				for pages := 0; ; pages++ {
					require.Less(t, pages, 20, "the listing does not end")
					items, next, err := svc.List(ctx, itsmtest.Agent, tt.filter, page)
					require.NoError(t, err)
					assert.LessOrEqual(t, len(items), 3)
					got = append(got, items...)
					if next == "" {
						break
					}
					short = short || len(items) < 3
					page.Cursor = next
				}
				assert.True(t, short, "some page lost rows to the authorizer")
				require.Len(t, got, tt.want)
				seen := map[itsm.ID]bool{}
				for i, inc := range got {
					assert.Equal(t, "Network", inc.AssignmentGroup, inc.Number)
					assert.False(t, seen[inc.ID], "%s listed twice", inc.Number)
					seen[inc.ID] = true
					if i > 0 {
						assert.True(t, incident.Less(order, incident.KeyOf(got[i-1], order), incident.KeyOf(inc, order)), "out of order at %d", i)
					}
				}
				if tt.want > 0 {
					assert.ElementsMatch(t, network, ids(got))
				}
			})
		}
	}

	t.Run("an authorizer that fails", func(t *testing.T) {
		down := errors.New("directory down")
		failing, err := incident.NewService(h.store, incident.Options{Authorize: func(_ context.Context, _ itsm.Actor, _ incident.Operation, inc *incident.Incident) error {
			if !inc.ID.IsZero() {
				return down
			}
			return nil
		}})
		require.NoError(t, err)
		items, _, err := failing.List(ctx, itsmtest.Agent, incident.Filter{}, incident.Page{})
		require.ErrorIs(t, err, down, "a failure is not a refusal")
		assert.Nil(t, items)
	})
}
