package incident_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
)

func TestFoldRebuildsEveryVersion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx, agent := t.Context(), itsmtest.Agent
	inc := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) {
		in.Custom = map[string]any{"cost": 3.5}
		in.Service = "mail"
	})
	versions := []*incident.Incident{inc}
	step := func(next *incident.Incident, err error) {
		t.Helper()
		require.NoError(t, err)
		versions = append(versions, next)
	}
	step(h.svc.Assign(ctx, agent, versions[len(versions)-1].Ref(), "Network", "ana"))
	step(h.svc.Hold(ctx, agent, versions[len(versions)-1].Ref(), incident.AwaitingCaller))
	step(h.svc.Resume(ctx, agent, versions[len(versions)-1].Ref()))
	step(h.svc.Resolve(ctx, agent, versions[len(versions)-1].Ref(), incident.SolvedWorkaround, "restarted"))
	step(h.svc.Reopen(ctx, itsmtest.Caller, versions[len(versions)-1].Ref(), "again"))
	step(h.svc.SetImpactUrgency(ctx, agent, versions[len(versions)-1].Ref(), itsm.ImpactHigh, itsm.UrgencyHigh))
	step(h.svc.Comment(ctx, agent, versions[len(versions)-1].Ref(), "looking", incident.WorkNote))
	step(h.svc.Assign(ctx, agent, versions[len(versions)-1].Ref(), "Messaging", "bo"))

	journal, err := h.svc.History(ctx, agent, inc.ID)
	require.NoError(t, err)
	for i, want := range versions {
		got, err := incident.Fold(journal[:i+1])
		require.NoError(t, err)
		assert.Equal(t, mustJSON(t, want), mustJSON(t, got), "version %d", want.Version)
	}
}

func TestFoldRejectsBadJournals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	a := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
	b := itsmtest.IncidentIn(t, h.svc, incident.New)
	ja, _ := h.svc.History(t.Context(), itsmtest.Agent, a.ID)
	jb, _ := h.svc.History(t.Context(), itsmtest.Agent, b.ID)
	bad := ja[0]
	bad.Data = []byte(`{"impact":"enormous"}`)
	for name, journal := range map[string][]itsm.Event{
		"empty":           nil,
		"no created":      ja[1:],
		"two records":     append(ja[:1:1], jb[0]),
		"bad field value": {bad},
		"out of order":    {ja[0], ja[1], ja[0]},
	} {
		_, err := incident.Fold(journal)
		assert.ErrorIs(t, err, itsm.ErrInvalid, name)
	}
}

// TestFoldOpensAtCreationWithoutStamp: a log that does not stamp opened_at (BPIC
// 2014) gives an incident opened when its created entry happened; a stamp wins.
func TestFoldOpensAtCreationWithoutStamp(t *testing.T) {
	t.Parallel()
	id := itsm.NewID()
	created := time.Date(2014, 1, 7, 9, 30, 0, 0, time.UTC)
	journal := []itsm.Event{
		{Tenant: "acme", Kind: itsm.KindIncident, EntityID: id, Version: 1, Type: itsm.EventCreated, To: "new", At: created,
			Data: []byte(`{"title":"printer"}`)},
		{Tenant: "acme", Kind: itsm.KindIncident, EntityID: id, Version: 2, Type: itsm.EventTransitioned, From: "new", To: "resolved", At: created.Add(time.Hour)},
	}
	inc, err := incident.Fold(journal)
	require.NoError(t, err)
	assert.Equal(t, created, inc.OpenedAt)
	assert.Equal(t, created.Add(time.Hour), inc.UpdatedAt)

	stamped := created.Add(-time.Hour)
	journal[0].Data = []byte(`{"title":"printer","opened_at":"` + stamped.Format(time.RFC3339) + `"}`)
	inc, err = incident.Fold(journal)
	require.NoError(t, err)
	assert.Equal(t, stamped, inc.OpenedAt.UTC())
}
