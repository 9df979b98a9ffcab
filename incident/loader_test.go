package incident_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// TestLoaderCopiesAStore replays every journal of one store into another through the
// batch path: the second store ends up with the same records and journals.
func TestLoaderCopiesAStore(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	var ids []itsm.ID
	for _, s := range []incident.State{incident.New, incident.OnHold, incident.Closed, incident.Canceled, incident.Resolved} {
		ids = append(ids, itsmtest.IncidentIn(t, h.svc, s).ID)
	}
	target := memory.New()
	loader, err := incident.NewLoader(target, 2)
	require.NoError(t, err)
	for _, id := range ids {
		journal, err := h.store.Events(t.Context(), itsmtest.Tenant, id)
		require.NoError(t, err)
		require.NoError(t, loader.Add(t.Context(), "", journal))
	}
	require.NoError(t, loader.Flush(t.Context()))
	assert.Equal(t, len(ids), loader.Loaded())
	for _, id := range ids {
		want, err := h.store.Get(t.Context(), itsmtest.Tenant, id)
		require.NoError(t, err)
		got, err := target.Get(t.Context(), itsmtest.Tenant, id)
		require.NoError(t, err)
		assert.Equal(t, mustJSON(t, want), mustJSON(t, got))
	}

	// Loading the same journals again is refused: the records exist.
	again, _ := incident.NewLoader(target, 10)
	journal, _ := h.store.Events(t.Context(), itsmtest.Tenant, ids[0])
	require.NoError(t, again.Add(t.Context(), "", journal))
	assert.ErrorIs(t, again.Flush(t.Context()), itsm.ErrAlreadyExists)
	assert.ErrorIs(t, again.Add(t.Context(), "", nil), itsm.ErrInvalid)
}

// TestLoaderIsolatesRefusedRecords: a record the store refuses costs only itself:
// the rest of its batch is stored, the refusal is reported by number, and later
// batches are not held back by it.
func TestLoaderIsolatesRefusedRecords(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	var journals [][]itsm.Event
	for range 5 {
		inc := itsmtest.IncidentIn(t, h.svc, incident.Resolved)
		journal, err := h.store.Events(t.Context(), itsmtest.Tenant, inc.ID)
		require.NoError(t, err)
		journals = append(journals, journal)
	}
	target := memory.New()
	first, _ := incident.NewLoader(target, 0)
	require.NoError(t, first.Add(t.Context(), "", journals[1]))
	require.NoError(t, first.Flush(t.Context()))

	loader, err := incident.NewLoader(target, 3)
	require.NoError(t, err)
	require.NoError(t, loader.Add(t.Context(), "", journals[0]))
	require.NoError(t, loader.Add(t.Context(), "", journals[1])) // stored already
	err = loader.Add(t.Context(), "", journals[2])               // fills the batch
	var refusedErr *incident.RefusedError
	require.ErrorAs(t, err, &refusedErr)
	assert.ErrorIs(t, err, itsm.ErrAlreadyExists)
	require.Len(t, refusedErr.Refused, 1)
	stored, err := incident.Fold(journals[1])
	require.NoError(t, err)
	assert.Equal(t, stored.Number, refusedErr.Refused[0].Number, "the refused record is named")
	assert.Equal(t, 2, loader.Loaded(), "the rest of the batch is stored")

	require.NoError(t, loader.Add(t.Context(), "", journals[3]))
	require.NoError(t, loader.Add(t.Context(), "", journals[4]))
	require.NoError(t, loader.Flush(t.Context()), "the refused record is not retried")
	assert.Equal(t, 4, loader.Loaded())
	for _, j := range journals {
		_, err := target.Get(t.Context(), itsmtest.Tenant, j[0].EntityID)
		assert.NoError(t, err)
	}
}

// failingBatches fails its first CreateBatch calls as a store that is down would.
type failingBatches struct {
	incident.BatchRepository
	failures int
}

func (f *failingBatches) CreateBatch(ctx context.Context, records []incident.Record) error {
	if f.failures > 0 {
		f.failures--
		return errors.New("connection reset")
	}
	return f.BatchRepository.CreateBatch(ctx, records)
}

// TestLoaderKeepsTheBatchWhenTheStoreFails: an error that is not a refusal keeps the
// batch queued, so Flush can be retried.
func TestLoaderKeepsTheBatchWhenTheStoreFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	inc := itsmtest.IncidentIn(t, h.svc, incident.New)
	journal, err := h.store.Events(t.Context(), itsmtest.Tenant, inc.ID)
	require.NoError(t, err)
	target := &failingBatches{BatchRepository: memory.New(), failures: 1}
	loader, err := incident.NewLoader(target, 0)
	require.NoError(t, err)
	require.NoError(t, loader.Add(t.Context(), "", journal))
	err = loader.Flush(t.Context())
	require.Error(t, err)
	var refusedErr *incident.RefusedError
	assert.False(t, errors.As(err, &refusedErr), "a failing store refuses nothing")
	assert.Zero(t, loader.Loaded())
	require.NoError(t, loader.Flush(t.Context()))
	assert.Equal(t, 1, loader.Loaded())
}

// pickyBatches refuses batches of more than one record as invalid, and fails the
// single-record batch of the incident numbered failOn as a store that went down.
type pickyBatches struct {
	incident.BatchRepository
	failOn string
}

func (p pickyBatches) CreateBatch(ctx context.Context, records []incident.Record) error {
	switch {
	case len(records) > 1:
		return &itsm.ValidationError{Field: "records", Problem: "too many at once"}
	case records[0].Incident.Number == p.failOn:
		return errors.New("store down")
	}
	return p.BatchRepository.CreateBatch(ctx, records)
}

// TestLoaderFallbackReportsEveryRefusal: when the record-by-record fallback meets a
// store failure, the refusals found before it come back with it; and a batch the
// repository refuses only as a whole is stored without any refusal reported.
func TestLoaderFallbackReportsEveryRefusal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	var journals [][]itsm.Event
	var numbers []string
	for range 3 {
		inc := itsmtest.IncidentIn(t, h.svc, incident.New)
		journal, err := h.store.Events(t.Context(), itsmtest.Tenant, inc.ID)
		require.NoError(t, err)
		journals, numbers = append(journals, journal), append(numbers, inc.Number)
	}

	whole := memory.New()
	loader, err := incident.NewLoader(pickyBatches{BatchRepository: whole}, 3)
	require.NoError(t, err)
	for _, j := range journals {
		require.NoError(t, loader.Add(t.Context(), "", j), "refused together, stored one by one")
	}
	assert.Equal(t, 3, loader.Loaded())

	target := memory.New()
	first, _ := incident.NewLoader(target, 0)
	require.NoError(t, first.Add(t.Context(), "", journals[0]))
	require.NoError(t, first.Flush(t.Context()))
	loader, err = incident.NewLoader(pickyBatches{BatchRepository: target, failOn: numbers[2]}, 3)
	require.NoError(t, err)
	require.NoError(t, loader.Add(t.Context(), "", journals[0])) // stored already: refused
	require.NoError(t, loader.Add(t.Context(), "", journals[1]))
	err = loader.Add(t.Context(), "", journals[2]) // its write fails: the store is down
	require.Error(t, err)
	var refusedErr *incident.RefusedError
	require.ErrorAs(t, err, &refusedErr, "the refusal found before the failure: %v", err)
	require.Len(t, refusedErr.Refused, 1)
	assert.Equal(t, numbers[0], refusedErr.Refused[0].Number)
	assert.Contains(t, err.Error(), "store down")
	assert.Equal(t, 1, loader.Loaded())
	assert.NotEmpty(t, (&incident.RefusedError{}).Error(), "no panic without refusals")
}
