package improvement_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/improvement"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

// ticket writes a journal: created at t0 with priority P3, then a state per step.
func ticket(t0 time.Time, steps ...struct {
	after time.Duration
	state string
}) []itsm.Event {
	id := itsm.NewID()
	events := []itsm.Event{{ID: itsm.NewID(), Tenant: "t", Kind: itsm.KindIncident, EntityID: id, Version: 1,
		Type: itsm.EventCreated, At: t0, To: "new", Data: json.RawMessage(`{"priority":"P3"}`)}}
	prev := "new"
	for i, s := range steps {
		events = append(events, itsm.Event{ID: itsm.NewID(), Tenant: "t", Kind: itsm.KindIncident, EntityID: id,
			Version: int64(i + 2), Type: itsm.EventTransitioned, At: t0.Add(s.after), From: prev, To: s.state})
		prev = s.state
	}
	return events
}

func TestSLAAttainment(t *testing.T) {
	t.Parallel()
	resolve, err := sla.New(sla.Spec{
		ID: "resolve-in-4h", Metric: sla.MetricResolution,
		Targets: map[itsm.Priority]time.Duration{itsm.P3: 4 * time.Hour},
		Start:   sla.StateIn("new", "in_progress"),
		Stop:    sla.StateIn("resolved"),
		Cancel:  sla.StateIn("canceled"),
	})
	require.NoError(t, err)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	type step = struct {
		after time.Duration
		state string
	}
	journals := [][]itsm.Event{
		ticket(t0, step{time.Hour, "in_progress"}, step{3 * time.Hour, "resolved"}),  // met
		ticket(t0, step{time.Hour, "in_progress"}, step{5 * time.Hour, "resolved"}),  // breached
		ticket(t0, step{time.Hour, "in_progress"}, step{2 * time.Hour, "canceled"}),  // cancelled
		ticket(t0.Add(6*time.Hour), step{time.Hour, "in_progress"}),                  // open at asOf
		ticket(t0, step{time.Hour, "in_progress"}, step{10 * time.Hour, "resolved"}), // breached before asOf, still running then
	}
	asOf := t0.Add(8 * time.Hour)
	got, err := improvement.SLAAttainment(slices.Values(journals), []*sla.Definition{resolve}, improvement.Options{AsOf: asOf})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, improvement.Attainment{Definition: "resolve-in-4h", Met: 1, Breached: 2, Open: 1, Cancelled: 1}, got[0])
	assert.InDelta(t, 33.33, got[0].Rate().Percent(), 0.01)

	// As of the start nothing is decided yet; as of the end every clock is.
	early, err := improvement.SLAAttainment(slices.Values(journals), []*sla.Definition{resolve}, improvement.Options{AsOf: t0.Add(30 * time.Minute)})
	require.NoError(t, err)
	assert.Equal(t, 0, early[0].Met+early[0].Breached)
	assert.Equal(t, 4, early[0].Open)

	// A reporting period keeps the records opened in it: the one opened at t0+6h.
	later, err := improvement.SLAAttainment(slices.Values(journals), []*sla.Definition{resolve},
		improvement.Options{AsOf: asOf, From: t0.Add(time.Hour), To: t0.Add(24 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, improvement.Attainment{Definition: "resolve-in-4h", Open: 1}, later[0])
	first, err := improvement.SLAAttainment(slices.Values(journals), []*sla.Definition{resolve},
		improvement.Options{AsOf: asOf, To: t0.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, improvement.Attainment{Definition: "resolve-in-4h", Met: 1, Breached: 2, Cancelled: 1}, first[0])

	_, err = improvement.SLAAttainment(slices.Values(journals), []*sla.Definition{resolve},
		improvement.Options{From: t0, To: t0})
	assert.ErrorIs(t, err, itsm.ErrInvalid, "an empty period")
}
