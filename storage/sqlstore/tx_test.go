package sqlstore_test

import (
	"context"
	"database/sql"
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
// journal entry that repeats another's index): the write leaves nothing behind in the
// host's transaction. SQLite and MySQL undo it with a savepoint and the host may
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

		repo := f.st.Incidents().WithTx(tx)
		bad := kept.Clone()
		bad.ID, bad.Number, bad.Title = itsm.NewID(), "INC9999999", "half written"
		ev := itsm.Event{ID: itsm.NewID(), Tenant: bad.Tenant, Kind: itsm.KindIncident, EntityID: bad.ID, Version: 1, Type: itsm.EventCreated, Actor: "ana", At: bad.CreatedAt}
		err = repo.Create(context.WithoutCancel(ctx), bad, []itsm.Event{ev, ev})
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
		assert.Equal(t, 1, f.journalRows(), "only the kept incident's entry")
	})
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
			Title: "Cut MTTR", Metric: csi.MetricMTTR, Direction: csi.LowerIsBetter, Priority: itsm.P2, State: csi.New}
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
