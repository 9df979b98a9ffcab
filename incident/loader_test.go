package incident_test

import (
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
