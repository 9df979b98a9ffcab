package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/storage/sqlstore"
	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
)

// hostFixture is a store and a host table of its own in the same database.
type hostFixture struct {
	t     *testing.T
	st    *sqlstore.Store
	svc   *incident.Service
	audit string
}

func newHostFixture(t *testing.T, tg sqltest.Target) *hostFixture {
	st := tg.New(t)
	svc, err := incident.NewService(st.Incidents(), incident.Options{})
	require.NoError(t, err)
	f := &hostFixture{t: t, st: st, svc: svc, audit: st.TablePrefix() + "host_audit"}
	_, err = st.DB().ExecContext(t.Context(), "CREATE TABLE "+f.audit+" (note VARCHAR(100) NOT NULL)")
	require.NoError(t, err)
	return f
}

func (f *hostFixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	require.NoError(f.t, f.st.DB().QueryRowContext(f.t.Context(), query, args...).Scan(&n))
	return n
}

func (f *hostFixture) journalRows() int {
	return f.count("SELECT count(*) FROM " + f.st.TablePrefix() + "journal")
}

func (f *hostFixture) auditRows() int { return f.count("SELECT count(*) FROM " + f.audit) }

// work opens an incident, assigns it and writes a host row, all in tx.
func (f *hostFixture) work(tx *sql.Tx) *incident.Incident {
	f.t.Helper()
	ctx := f.t.Context()
	in, err := f.svc.Tx(tx)
	require.NoError(f.t, err)
	inc, err := in.Open(ctx, agent, incident.OpenInput{Title: "VPN down"})
	require.NoError(f.t, err)
	inc, err = in.Assign(ctx, agent, inc.Ref(), "Network", "ana")
	require.NoError(f.t, err)
	_, err = tx.ExecContext(ctx, "INSERT INTO "+f.audit+" (note) VALUES ('assigned "+inc.Number+"')")
	require.NoError(f.t, err)
	seen, err := in.Get(ctx, agent, inc.ID)
	require.NoError(f.t, err, "the transaction reads its own writes")
	assert.Equal(f.t, int64(2), seen.Version)
	return inc
}

func TestHostTransactionRollsBack(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		f := newHostFixture(t, tg)
		tx, err := f.st.DB().BeginTx(t.Context(), nil)
		require.NoError(t, err)
		inc := f.work(tx)
		require.NoError(t, tx.Rollback())

		_, err = f.svc.Get(t.Context(), agent, inc.ID)
		assert.ErrorIs(t, err, itsm.ErrNotFound)
		assert.Zero(t, f.journalRows(), "no journal row survives the rollback")
		assert.Zero(t, f.auditRows())
	})
}

func TestHostTransactionCommits(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		f := newHostFixture(t, tg)
		tx, err := f.st.DB().BeginTx(t.Context(), nil)
		require.NoError(t, err)
		inc := f.work(tx)
		require.NoError(t, tx.Commit())

		got, err := f.svc.Get(t.Context(), agent, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, incident.InProgress, got.State)
		history, err := f.svc.History(t.Context(), agent, inc.ID)
		require.NoError(t, err)
		assert.Len(t, history, 2)
		assert.Equal(t, 2, f.journalRows())
		assert.Equal(t, 1, f.auditRows())
	})
}

// TestFailedWriteInHostTransaction makes the second statement of a write fail (a
// journal entry that an earlier entry of the same ID holds already, the host having
// deleted that incident's row in its transaction): the write leaves nothing behind in
// the host's transaction. SQLite and MySQL undo it with a savepoint and the host may
// commit its other work; PostgreSQL writes in one statement, and a failed statement
// aborts the host's transaction.
func TestFailedWriteInHostTransaction(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		f := newHostFixture(t, tg)
		tx, err := f.st.DB().BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback()
		in, err := f.svc.Tx(tx)
		require.NoError(t, err)
		kept, err := in.Open(ctx, agent, incident.OpenInput{Title: "kept"})
		require.NoError(t, err)
		orphan, err := in.Open(ctx, agent, incident.OpenInput{Title: "its journal outlives it"})
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, "DELETE FROM "+f.st.TablePrefix()+"incidents WHERE number = '"+orphan.Number+"'")
		require.NoError(t, err)

		repo := f.st.Incidents().WithTx(tx)
		bad := kept.Clone()
		bad.ID, bad.Number, bad.Title = orphan.ID, "INC9999999", "half written"
		err = repo.Create(context.WithoutCancel(ctx), bad, journalEntries(bad, 1))
		require.ErrorIs(t, err, itsm.ErrAlreadyExists)

		if tg.Dialect == sqlstore.PostgreSQL {
			assert.Error(t, tx.Commit(), "PostgreSQL aborted the transaction")
			assert.Zero(t, f.journalRows())
			return
		}
		_, err = repo.Get(ctx, agent.Tenant, bad.ID)
		assert.ErrorIs(t, err, itsm.ErrNotFound, "the failed write left no row in the transaction")
		require.NoError(t, tx.Commit())
		_, err = f.svc.Get(ctx, agent, kept.ID)
		assert.NoError(t, err)
		_, err = f.svc.Get(ctx, agent, bad.ID)
		assert.ErrorIs(t, err, itsm.ErrNotFound)
		assert.Equal(t, 2, f.journalRows(), "the entries of the kept and the orphaned incident")
	})
}

// TestDeadlockInHostTransactions makes two host transactions assign two incidents in
// opposite orders, so that the database aborts one of them with a deadlock. The
// victim's error tells the host to run its whole transaction again (it matches
// ErrConflict, and is not retryable for the call), and nothing of the victim
// survives: MySQL has rolled its transaction back already, and a retry of the write
// inside it would run in autocommit and commit on its own.
func TestDeadlockInHostTransactions(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		if tg.Dialect == sqlstore.SQLite {
			t.Skip("SQLite runs one write transaction at a time: they cannot deadlock")
		}
		ctx := context.WithoutCancel(t.Context())
		f := newHostFixture(t, tg)
		x, err := f.svc.Open(ctx, agent, incident.OpenInput{Title: "x"})
		require.NoError(t, err)
		y, err := f.svc.Open(ctx, agent, incident.OpenInput{Title: "y"})
		require.NoError(t, err)

		type host struct {
			name          string
			first, second *incident.Incident
			tx            *sql.Tx
			svc           *incident.Service
			err           error
		}
		hosts := []*host{{name: "a", first: x, second: y}, {name: "b", first: y, second: x}}
		for _, h := range hosts { // each locks its first incident
			h.tx, err = f.st.DB().BeginTx(ctx, nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = h.tx.Rollback() })
			h.svc, err = f.svc.Tx(h.tx)
			require.NoError(t, err)
			_, err = h.tx.ExecContext(ctx, "INSERT INTO "+f.audit+" (note) VALUES ('"+h.name+"')")
			require.NoError(t, err)
			_, err = h.svc.Assign(ctx, agent, incident.Ref{ID: h.first.ID}, "first "+h.name, "")
			require.NoError(t, err)
		}
		var wg sync.WaitGroup
		for _, h := range hosts { // each waits for the other's
			wg.Go(func() {
				if _, h.err = h.svc.Assign(ctx, agent, incident.Ref{ID: h.second.ID}, "second "+h.name, ""); h.err != nil {
					_ = h.tx.Rollback()
					return
				}
				h.err = h.tx.Commit()
			})
		}
		wg.Wait()

		winner, victim := hosts[0], hosts[1]
		if winner.err != nil {
			winner, victim = victim, winner
		}
		require.NoError(t, winner.err)
		require.Error(t, victim.err, "one transaction is the deadlock's victim")

		var note string
		require.NoError(t, f.st.DB().QueryRowContext(ctx, "SELECT note FROM "+f.audit).Scan(&note))
		assert.Equal(t, winner.name, note, "only the winner's host row")
		for _, want := range []struct {
			inc   *incident.Incident
			group string
		}{{winner.first, "first " + winner.name}, {winner.second, "second " + winner.name}} {
			got, err := f.svc.Get(ctx, agent, want.inc.ID)
			require.NoError(t, err)
			assert.Equal(t, int64(2), got.Version, "%s: opened, then assigned by the winner alone", got.Number)
			assert.Equal(t, want.group, got.AssignmentGroup)
		}
		assert.Equal(t, 4, f.journalRows())

		// The error tells the host what to do.
		assert.ErrorIs(t, victim.err, itsm.ErrConflict)
		assert.False(t, itsm.IsRetryable(victim.err), "the call cannot be retried in the lost transaction")
		var conflict *sqlstore.ConflictError
		require.ErrorAs(t, victim.err, &conflict)
		assert.True(t, conflict.RetryTx, "the host must run its transaction again")
		assert.Equal(t, map[string]any{"postgres": "40P01", "mysql": 1213}[tg.Name], driverCode(t, tg.Name, victim.err))
	})
}

// cancelAfter is a context that is cancelled at its n-th look (a call of Done or
// Err), or never when n is 0, and counts the looks: stepping n from 1 cancels a call
// at every point where it looks.
type cancelAfter struct {
	context.Context
	mu    sync.Mutex
	n     int
	looks int
	done  chan struct{}
}

func newCancelAfter(n int) *cancelAfter {
	return &cancelAfter{Context: context.Background(), n: n, done: make(chan struct{})}
}

func (c *cancelAfter) look() (cancelled bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.looks++
	if c.looks == c.n {
		close(c.done)
	}
	return c.n > 0 && c.looks >= c.n
}

func (c *cancelAfter) Done() <-chan struct{} { c.look(); return c.done }

func (c *cancelAfter) Err() error {
	if c.look() {
		return context.Canceled
	}
	return nil
}

// Looks returns how many times the context was looked at.
func (c *cancelAfter) Looks() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.looks
}

// TestCancelledWriteInHostTransaction cancels a write in a host's transaction at
// every point where it looks at its context: a write that fails leaves nothing of
// itself for the host to commit, whatever it had done when cancelled, and never half
// of itself.
func TestCancelledWriteInHostTransaction(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		f := newHostFixture(t, tg)
		at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		cancelled, whole := 0, 0
		for n := 1; ; n++ {
			require.Less(t, n, 1000, "the write never succeeds")
			inc := &incident.Incident{
				Meta:  itsm.Meta{ID: itsm.NewID(), Tenant: "acme", Number: fmt.Sprintf("INC%07d", n), Version: 1, CreatedAt: at, UpdatedAt: at},
				Title: "t", Caller: "c", OpenedBy: "o", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyLow, Priority: itsm.P5,
				State: incident.New, OpenedAt: at,
			}
			tx, err := f.st.DB().BeginTx(ctx, nil)
			require.NoError(t, err)
			_, err = tx.ExecContext(ctx, "INSERT INTO "+f.audit+" (note) VALUES ('host')")
			require.NoError(t, err)
			err = f.st.Incidents().WithTx(tx).Create(newCancelAfter(n), inc, journalEntries(inc, 2))
			if err == nil {
				require.NoError(t, tx.Rollback())
				break
			}
			// The error is context.Canceled, or the driver's own (ncruces: interrupted).
			cancelled++
			_ = tx.Commit() // the host commits what it did: it fails where tx was lost
			incidents := f.count("SELECT count(*) FROM " + f.st.TablePrefix() + "incidents")
			if tg.Dialect == sqlstore.PostgreSQL && incidents == whole+1 && f.journalRows() == 2*(whole+1) {
				// PostgreSQL writes in one statement: cancelled as the statement
				// completes, the write reports the cancellation and is yet whole in tx.
				whole++
			}
			assert.Equal(t, whole, incidents, "look %d: the cancelled write's row was committed", n)
			assert.Equal(t, 2*whole, f.journalRows(), "look %d: the cancelled write's journal was committed", n)
		}
		assert.Positive(t, cancelled)
	})
}

// conflicting is an incident.TxRepository whose updates fail with err.
type conflicting struct {
	incident.Repository
	withTx  func(tx *sql.Tx) incident.Repository
	err     error
	updates *atomic.Int64
}

func (r conflicting) Update(context.Context, *incident.Incident, int64, []itsm.Event) error {
	r.updates.Add(1)
	return r.err
}

func (r conflicting) WithTx(tx *sql.Tx) incident.Repository {
	r.Repository = r.withTx(tx)
	return r
}

// conflictingRegister is a csi.Repository whose updates fail with err.
type conflictingRegister struct {
	csi.Repository
	withTx  func(tx *sql.Tx) csi.Repository
	err     error
	updates *atomic.Int64
}

func (r conflictingRegister) Update(context.Context, *csi.Item, int64, []itsm.Event) error {
	r.updates.Add(1)
	return r.err
}

func (r conflictingRegister) WithTx(tx *sql.Tx) csi.Repository {
	r.Repository = r.withTx(tx)
	return r
}

// TestServicesRetryOnlyWhatCanSucceed: a write that names no version is retried
// after a conflict, except in a host's transaction (the conflict may have ended it,
// and a retry would write outside it) and when the conflict says the call cannot
// succeed again.
func TestServicesRetryOnlyWhatCanSucceed(t *testing.T) {
	t.Parallel()
	stale := fmt.Errorf("stale version: %w", itsm.ErrConflict)
	busy := &sqlstore.ConflictError{Err: errors.New("database is locked")}
	lost := &sqlstore.ConflictError{Err: errors.New("deadlock"), RetryTx: true}
	tests := []struct {
		name     string
		err      error
		hostTx   bool
		attempts int64
	}{
		{"stale version", stale, false, 3},
		{"busy database", busy, false, 3},
		{"lost transaction", lost, false, 1},
		{"stale version in a host transaction", stale, true, 1},
		{"busy database in a host transaction", busy, true, 1},
		{"lost host transaction", lost, true, 1},
	}
	st := sqltest.SQLite("sqlite", "sqlite").New(t)
	ctx := t.Context()
	svc, err := incident.NewService(st.Incidents(), incident.Options{})
	require.NoError(t, err)
	inc, err := svc.Open(ctx, agent, incident.OpenInput{Title: "contended"})
	require.NoError(t, err)
	improvements, err := csi.NewService(st.Improvements(), csi.Options{})
	require.NoError(t, err)
	item, err := improvements.Register(ctx, agent, csi.RegisterInput{
		Title: "Cut MTTR", Service: "mail", Metric: csi.MetricMTTR, Unit: "h", Direction: csi.LowerIsBetter, Baseline: 8, Target: 4,
	})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run("incident: "+tt.name, func(t *testing.T) {
			updates := new(atomic.Int64)
			repo := conflicting{Repository: st.Incidents(), withTx: st.Incidents().WithTx, err: tt.err, updates: updates}
			svc, err := incident.NewService(repo, incident.Options{})
			require.NoError(t, err)
			if tt.hostTx {
				tx, err := st.DB().BeginTx(ctx, nil)
				require.NoError(t, err)
				svc, err = svc.Tx(tx)
				require.NoError(t, err)
				defer func() { require.NoError(t, tx.Rollback()) }()
			}
			_, err = svc.Assign(ctx, agent, incident.Ref{ID: inc.ID}, "Network", "")
			assert.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.attempts, updates.Load(), "incident updates")
		})
	}
	for _, tt := range tests {
		t.Run("improvement: "+tt.name, func(t *testing.T) {
			updates := new(atomic.Int64)
			improvements, err := csi.NewService(conflictingRegister{Repository: st.Improvements(), withTx: st.Improvements().WithTx, err: tt.err, updates: updates}, csi.Options{})
			require.NoError(t, err)
			if tt.hostTx {
				tx, err := st.DB().BeginTx(ctx, nil)
				require.NoError(t, err)
				improvements, err = improvements.Tx(tx)
				require.NoError(t, err)
				defer func() { require.NoError(t, tx.Rollback()) }()
			}
			_, err = improvements.Revise(ctx, agent, csi.Ref{ID: item.ID}, csi.ReviseInput{Title: new("Cut MTTR by half")})
			assert.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.attempts, updates.Load(), "improvement updates")
		})
	}
}

// TestImprovementsJoinHostTransactions: the CSI register shares the write path, so a
// host's rollback takes its items and their journal with it.
func TestImprovementsJoinHostTransactions(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg sqltest.Target) {
		ctx := t.Context()
		st := tg.New(t)
		tx, err := st.DB().BeginTx(ctx, nil)
		require.NoError(t, err)
		repo := st.Improvements().WithTx(tx)
		at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		it := &csi.Item{Meta: itsm.Meta{ID: itsm.NewID(), Tenant: "acme", Number: "CSI0000001", Version: 1, CreatedAt: at, UpdatedAt: at},
			Title: "Cut MTTR", Service: "mail", Metric: csi.MetricMTTR, Direction: csi.LowerIsBetter, Priority: itsm.P2, State: csi.New}
		ev := itsm.Event{ID: itsm.NewID(), Tenant: "acme", Kind: itsm.KindImprovement, EntityID: it.ID, Version: 1,
			Type: itsm.EventCreated, Actor: "ana", At: at, To: string(csi.New)}
		require.NoError(t, repo.Create(ctx, it, []itsm.Event{ev}))
		_, err = repo.Get(ctx, "acme", it.ID)
		require.NoError(t, err, "the transaction reads its own write")
		require.NoError(t, tx.Rollback())
		_, err = st.Improvements().Get(ctx, "acme", it.ID)
		assert.ErrorIs(t, err, itsm.ErrNotFound)
		_, err = st.Improvements().Events(ctx, "acme", it.ID)
		assert.ErrorIs(t, err, itsm.ErrNotFound)
	})
}

// scheduler is the actor of a host's scheduled jobs.
var scheduler = itsm.Actor{ID: "scheduler", Tenant: "acme", Roles: []itsm.Role{itsm.RoleSystem}}

// TestCloseResolvedInHostTransaction: CloseResolved reads an incident again after a
// conflict and tries once more, except in a host's transaction, where it returns the
// conflict for the host to run its transaction again.
func TestCloseResolvedInHostTransaction(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st := sqltest.SQLite("sqlite", "sqlite").New(t)
	at := time.Now().Add(-30 * 24 * time.Hour).UTC().Truncate(time.Microsecond)
	resolved := &incident.Incident{
		Meta:  itsm.Meta{ID: itsm.NewID(), Tenant: agent.Tenant, Number: "INC0000001", Version: 1, CreatedAt: at, UpdatedAt: at},
		Title: "t", Caller: "c", OpenedBy: "o", Impact: itsm.ImpactLow, Urgency: itsm.UrgencyLow, Priority: itsm.P5,
		State: incident.Resolved, OpenedAt: at, ResolvedAt: at, ResolutionCode: incident.SolvedPermanently, ResolutionNotes: "done",
	}
	require.NoError(t, st.Incidents().Create(ctx, resolved, journalEntries(resolved, 1)))
	for _, hostTx := range []bool{false, true} {
		updates := new(atomic.Int64)
		busy := &sqlstore.ConflictError{Err: errors.New("database is locked")}
		svc, err := incident.NewService(conflicting{Repository: st.Incidents(), withTx: st.Incidents().WithTx, err: busy, updates: updates}, incident.Options{})
		require.NoError(t, err)
		if hostTx {
			tx, err := st.DB().BeginTx(ctx, nil)
			require.NoError(t, err)
			defer tx.Rollback()
			svc, err = svc.Tx(tx)
			require.NoError(t, err)
		}
		closed, err := svc.CloseResolved(ctx, scheduler, 0)
		assert.Empty(t, closed)
		if hostTx {
			assert.ErrorIs(t, err, busy)
			assert.Equal(t, int64(1), updates.Load(), "in a host transaction")
		} else {
			assert.NoError(t, err, "an incident that keeps changing is skipped")
			assert.Equal(t, int64(3), updates.Load())
		}
	}
}
