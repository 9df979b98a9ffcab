package incident_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// conflictingRepo is a Repository whose Update fails with itsm.ErrConflict for the
// incidents given a plan, as when another process wins the race for them. Everything
// else reaches the wrapped store.
type conflictingRepo struct {
	incident.Repository
	mu    sync.Mutex
	plans map[itsm.ID]*conflictPlan
}

// conflictPlan says how the Updates of one incident fail.
type conflictPlan struct {
	// conflicts is how many more Updates fail; a negative count fails every one.
	conflicts int
	// meanwhile, if set, runs before each injected conflict: it plays the other
	// writer, straight on the store.
	meanwhile func(ctx context.Context)
	// getErr, if set, is what Get answers once a conflict has been injected.
	getErr error
	// updates counts the Updates attempted; injected is how many of them failed.
	updates, injected int
}

// maxPlannedUpdates stops a CloseResolved that never gives up: past it, Update fails
// with errRunaway and the test sees the error instead of hanging.
const maxPlannedUpdates = 50

var (
	errRunaway = errors.New("CloseResolved kept retrying one incident")
	errDisk    = errors.New("disk on fire")
)

func (r *conflictingRepo) plan(id itsm.ID, p *conflictPlan) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.plans == nil {
		r.plans = map[itsm.ID]*conflictPlan{}
	}
	r.plans[id] = p
}

// stats returns how many Updates of id were attempted and how many conflicted.
func (r *conflictingRepo) stats(id itsm.ID) (updates, injected int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p := r.plans[id]; p != nil {
		return p.updates, p.injected
	}
	return 0, 0
}

func (r *conflictingRepo) Update(ctx context.Context, inc *incident.Incident, expected int64, events []itsm.Event) error {
	r.mu.Lock()
	p := r.plans[inc.ID]
	var inject bool
	var meanwhile func(context.Context)
	if p != nil {
		p.updates++
		if p.updates > maxPlannedUpdates {
			r.mu.Unlock()
			return errRunaway
		}
		if inject = p.conflicts != 0; inject {
			p.injected++
			if p.conflicts > 0 {
				p.conflicts--
			}
			meanwhile = p.meanwhile
		}
	}
	r.mu.Unlock()
	if !inject {
		return r.Repository.Update(ctx, inc, expected, events)
	}
	if meanwhile != nil {
		meanwhile(ctx)
	}
	return fmt.Errorf("incident %s: expected version %d, another writer was first: %w", inc.Number, expected, itsm.ErrConflict)
}

func (r *conflictingRepo) Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (*incident.Incident, error) {
	r.mu.Lock()
	p := r.plans[id]
	var err error
	if p != nil && p.injected > 0 {
		err = p.getErr
	}
	r.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("incident %s: %w", id, err)
	}
	return r.Repository.Get(ctx, tenant, id)
}

// autoCloseFixture is a store holding resolved incidents old enough to be closed, a
// service under test on a conflictingRepo over it, and another "process" writing to
// the store directly.
type autoCloseFixture struct {
	store *memory.Store
	repo  *conflictingRepo
	clock *itsmtest.Clock
	svc   *incident.Service
	other *incident.Service
	// due are the resolved incidents, in the order CloseResolved lists them.
	due []*incident.Incident
}

func newAutoCloseFixture(t *testing.T, n int) *autoCloseFixture {
	t.Helper()
	fx := &autoCloseFixture{store: memory.New(), clock: itsmtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	fx.repo = &conflictingRepo{Repository: fx.store}
	var err error
	fx.svc, err = incident.NewService(fx.repo, incident.Options{Clock: fx.clock})
	require.NoError(t, err)
	fx.other, err = incident.NewService(fx.store, incident.Options{Clock: fx.clock})
	require.NoError(t, err)
	for range n {
		// Same priority, later OpenedAt: the work-queue order is the opening order.
		fx.due = append(fx.due, itsmtest.IncidentIn(t, fx.other, incident.Resolved))
		fx.clock.Advance(time.Minute)
	}
	fx.clock.Advance(6 * 24 * time.Hour)
	return fx
}

// closers returns the actors of the incident's close transitions, in journal order.
func (fx *autoCloseFixture) closers(t *testing.T, id itsm.ID) []string {
	t.Helper()
	journal, err := fx.store.Events(t.Context(), itsmtest.Tenant, id)
	require.NoError(t, err)
	var out []string
	for _, e := range journal {
		if e.Type == itsm.EventTransitioned && e.To == string(incident.Closed) {
			out = append(out, e.Actor)
		}
	}
	return out
}

func (fx *autoCloseFixture) state(t *testing.T, id itsm.ID) incident.State {
	t.Helper()
	inc, err := fx.store.Get(t.Context(), itsmtest.Tenant, id)
	require.NoError(t, err)
	return inc.State
}

func ids(incs []*incident.Incident) []itsm.ID {
	out := make([]itsm.ID, len(incs))
	for i, inc := range incs {
		out[i] = inc.ID
	}
	return out
}

// TestCloseResolvedAfterAConflict makes the close of the middle incident conflict
// once, with each kind of write another process could have made first, and checks
// the promise of CloseResolved's doc: it reads the incident again, closes it only if
// it is still resolved and old enough, and never closes it twice.
func TestCloseResolvedAfterAConflict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// meanwhile is the other writer's change, made before the conflict.
		meanwhile func(t *testing.T, fx *autoCloseFixture, target *incident.Incident)
		// reported says whether this call closes the incident and returns it.
		reported    bool
		wantState   incident.State
		wantClosers []string
	}{
		{
			name:        "nothing changed: a retry closes it",
			reported:    true,
			wantState:   incident.Closed,
			wantClosers: []string{itsmtest.System.ID},
		},
		{
			name: "commented: still resolved and old, a retry closes it",
			meanwhile: func(t *testing.T, fx *autoCloseFixture, target *incident.Incident) {
				_, err := fx.other.Comment(t.Context(), itsmtest.Agent, incident.Ref{ID: target.ID}, "any news?", incident.Public)
				assert.NoError(t, err)
			},
			reported:    true,
			wantState:   incident.Closed,
			wantClosers: []string{itsmtest.System.ID},
		},
		{
			name: "closed by another process: not closed twice, not reported",
			meanwhile: func(t *testing.T, fx *autoCloseFixture, target *incident.Incident) {
				_, err := fx.other.Close(t.Context(), itsmtest.Agent, incident.Ref{ID: target.ID})
				assert.NoError(t, err)
			},
			wantState:   incident.Closed,
			wantClosers: []string{itsmtest.Agent.ID},
		},
		{
			name: "reopened: no longer resolved, left open",
			meanwhile: func(t *testing.T, fx *autoCloseFixture, target *incident.Incident) {
				_, err := fx.other.Reopen(t.Context(), itsmtest.Agent, incident.Ref{ID: target.ID}, "still broken")
				assert.NoError(t, err)
			},
			wantState: incident.InProgress,
		},
		{
			name: "reopened and resolved again: no longer old enough, left resolved",
			meanwhile: func(t *testing.T, fx *autoCloseFixture, target *incident.Incident) {
				inc, err := fx.other.Reopen(t.Context(), itsmtest.Agent, incident.Ref{ID: target.ID}, "still broken")
				assert.NoError(t, err)
				_, err = fx.other.Resolve(t.Context(), itsmtest.Agent, inc.Ref(), incident.SolvedPermanently, "fixed for real")
				assert.NoError(t, err)
			},
			wantState: incident.Resolved,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fx := newAutoCloseFixture(t, 3)
			target := fx.due[1]
			p := &conflictPlan{conflicts: 1}
			if tt.meanwhile != nil {
				p.meanwhile = func(context.Context) { tt.meanwhile(t, fx, target) }
			}
			fx.repo.plan(target.ID, p)

			closed, err := fx.svc.CloseResolved(t.Context(), itsmtest.System, 0)
			require.NoError(t, err)

			want := []itsm.ID{fx.due[0].ID, fx.due[2].ID}
			if tt.reported {
				want = ids(fx.due)
			}
			assert.Equal(t, want, ids(closed), "CloseResolved returns exactly the incidents it closed, once each")
			for _, inc := range closed {
				assert.Equal(t, incident.Closed, inc.State, inc.Number)
			}
			assert.Equal(t, tt.wantState, fx.state(t, target.ID))
			assert.Equal(t, tt.wantClosers, fx.closers(t, target.ID), "close transitions of the conflicted incident")
			for _, inc := range []*incident.Incident{fx.due[0], fx.due[2]} {
				assert.Equal(t, []string{itsmtest.System.ID}, fx.closers(t, inc.ID), inc.Number)
			}
			_, injected := fx.repo.stats(target.ID)
			assert.Equal(t, 1, injected, "the conflict was injected")
		})
	}
}

// TestCloseResolvedGivesUpOnAnIncidentThatKeepsConflicting checks that an incident
// whose every close conflicts is retried a bounded number of times, then skipped
// without failing the call or the other incidents, and is closed by a later run.
func TestCloseResolvedGivesUpOnAnIncidentThatKeepsConflicting(t *testing.T) {
	t.Parallel()
	for _, busy := range []bool{false, true} {
		t.Run(fmt.Sprintf("commented meanwhile=%v", busy), func(t *testing.T) {
			t.Parallel()
			fx := newAutoCloseFixture(t, 3)
			target := fx.due[1]
			p := &conflictPlan{conflicts: -1}
			if busy { // a busy incident: every re-read finds a new version, still due
				p.meanwhile = func(ctx context.Context) {
					_, err := fx.other.Comment(ctx, itsmtest.Agent, incident.Ref{ID: target.ID}, "+1", incident.WorkNote)
					assert.NoError(t, err)
				}
			}
			fx.repo.plan(target.ID, p)

			closed, err := fx.svc.CloseResolved(t.Context(), itsmtest.System, 0)
			require.NoError(t, err, "giving up on one incident is no failure")
			assert.Equal(t, []itsm.ID{fx.due[0].ID, fx.due[2].ID}, ids(closed))
			assert.Equal(t, incident.Resolved, fx.state(t, target.ID))
			assert.Empty(t, fx.closers(t, target.ID))
			updates, injected := fx.repo.stats(target.ID)
			assert.Equal(t, updates, injected, "every close of the incident conflicted")
			assert.Greater(t, updates, 1, "CloseResolved retries after a conflict")
			assert.Less(t, updates, maxPlannedUpdates, "CloseResolved gives up after a bounded number of retries")

			fx.repo.plan(target.ID, &conflictPlan{}) // the storm is over
			closed, err = fx.svc.CloseResolved(t.Context(), itsmtest.System, 0)
			require.NoError(t, err)
			assert.Equal(t, []itsm.ID{target.ID}, ids(closed), "the next run closes what the last one skipped")
		})
	}
}

// TestCloseResolvedStopsAtAStorageError checks the doc's "It stops at the first
// storage error ... returning what it closed so far with the error", here for a
// failure to read an incident again after a conflict.
func TestCloseResolvedStopsAtAStorageError(t *testing.T) {
	t.Parallel()
	fx := newAutoCloseFixture(t, 3)
	target := fx.due[1]
	fx.repo.plan(target.ID, &conflictPlan{conflicts: 1, getErr: errDisk})

	closed, err := fx.svc.CloseResolved(t.Context(), itsmtest.System, 0)
	require.ErrorIs(t, err, errDisk)
	assert.Equal(t, []itsm.ID{fx.due[0].ID}, ids(closed), "what it closed before the error")
	for _, inc := range fx.due[1:] {
		assert.Equal(t, incident.Resolved, fx.state(t, inc.ID), inc.Number)
	}
}

// TestCloseResolvedStopsWhenContextIsDone cancels the context while an incident's
// close conflicts: CloseResolved returns the context's error with what it closed.
func TestCloseResolvedStopsWhenContextIsDone(t *testing.T) {
	t.Parallel()
	fx := newAutoCloseFixture(t, 3)
	target := fx.due[1]
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	fx.repo.plan(target.ID, &conflictPlan{conflicts: -1, meanwhile: func(context.Context) { cancel() }})

	closed, err := fx.svc.CloseResolved(ctx, itsmtest.System, 0)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []itsm.ID{fx.due[0].ID}, ids(closed))
	for _, inc := range fx.due[1:] {
		assert.Equal(t, incident.Resolved, fx.state(t, inc.ID), inc.Number)
	}
	updates, _ := fx.repo.stats(target.ID)
	assert.Equal(t, 1, updates, "no retry after the context is done")
}

func TestCloseResolvedRefusesWhoMayNotClose(t *testing.T) {
	t.Parallel()
	noClosing := func(ctx context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
		if op == incident.Operation(incident.TriggerClose) {
			return incident.Forbidden(actor, op)
		}
		return incident.DefaultAuthorizer(ctx, actor, op, inc)
	}
	notNetwork := func(ctx context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
		if op == incident.Operation(incident.TriggerClose) && inc.AssignmentGroup == "Network" {
			return incident.Forbidden(actor, op)
		}
		return incident.DefaultAuthorizer(ctx, actor, op, inc)
	}
	tests := []struct {
		name      string
		authorize incident.Authorizer
		actor     itsm.Actor
		refused   bool
		closed    int
	}{
		{"a caller", nil, itsmtest.Caller, true, 0},
		{"an agent", nil, itsmtest.Agent, false, 2},
		{"the system, where nobody may close", noClosing, itsmtest.System, true, 0},
		// A refusal of one incident is no refusal of the run: it is skipped.
		{"the system, where Network's incidents stay open", notNetwork, itsmtest.System, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, incident.Options{Authorize: tt.authorize})
			desk := itsmtest.IncidentIn(t, h.svc, incident.Resolved)
			network := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
			network, err := h.svc.Assign(t.Context(), itsmtest.Agent, network.Ref(), "Network", "")
			require.NoError(t, err)
			_, err = h.svc.Resolve(t.Context(), itsmtest.Agent, network.Ref(), incident.SolvedRemotely, "done")
			require.NoError(t, err)
			h.clock.Advance(6 * 24 * time.Hour)

			closed, err := h.svc.CloseResolved(t.Context(), tt.actor, 0)
			if tt.refused {
				itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
			} else {
				require.NoError(t, err)
			}
			assert.Len(t, closed, tt.closed)
			for _, inc := range []*incident.Incident{desk, network} {
				got, err := h.store.Get(t.Context(), inc.Tenant, inc.ID)
				require.NoError(t, err)
				assert.Equal(t, slices.ContainsFunc(closed, func(c *incident.Incident) bool { return c.ID == inc.ID }), got.State == incident.Closed, inc.Number)
			}
		})
	}
}
