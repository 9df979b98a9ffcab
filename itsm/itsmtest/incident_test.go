package itsmtest_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/lifecycle"
	"github.com/itsmkit/itsmkit/storage"
	"github.com/itsmkit/itsmkit/storage/memory"
)

func TestIncidentService(t *testing.T) {
	t.Parallel()
	clock := itsmtest.NewClock(start)
	svc := itsmtest.IncidentService(t, incident.Options{Clock: clock, NumberPrefix: "SUP"})
	inc, err := svc.Open(t.Context(), itsmtest.Agent, incident.OpenInput{Title: "VPN down"})
	require.NoError(t, err)
	assert.Equal(t, "SUP0000001", inc.Number, "the options reach the service")
	assert.Equal(t, start, inc.OpenedAt)

	other := itsmtest.IncidentService(t, incident.Options{})
	inc, err = other.Open(t.Context(), itsmtest.Agent, incident.OpenInput{Title: "VPN down"})
	require.NoError(t, err)
	assert.Equal(t, "INC0000001", inc.Number, "each service has a store of its own")
}

func TestIncidentServiceRejectsOptions(t *testing.T) {
	t.Parallel()
	def, err := lifecycle.NewBuilder[incident.State, incident.Trigger](itsm.KindProblem, incident.New).
		Final(incident.New, "New").
		Build()
	require.NoError(t, err)
	f := runTB(t, func(tb testing.TB) { itsmtest.IncidentService(tb, incident.Options{Lifecycle: def}) })
	requireFatal(t, f, "itsmtest: incident.NewService: invalid lifecycle")
}

func TestOpenIncident(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*incident.OpenInput)
		check  func(t *testing.T, inc *incident.Incident)
	}{
		{"Defaults", nil, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, "Printer on fire", inc.Title)
			assert.Equal(t, itsmtest.Caller.ID, inc.Caller)
			assert.Equal(t, itsmtest.Agent.ID, inc.OpenedBy)
			assert.Equal(t, incident.ChannelPhone, inc.Channel)
		}},
		{"Changed", func(in *incident.OpenInput) {
			in.Title, in.Impact, in.Urgency = "Mail down", itsm.ImpactHigh, itsm.UrgencyHigh
		}, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, "Mail down", inc.Title)
			assert.Equal(t, itsm.ImpactHigh, inc.Impact)
			assert.Equal(t, itsm.P1, inc.Priority)
			assert.Equal(t, itsmtest.Caller.ID, inc.Caller, "defaults the change left alone stay")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := itsmtest.NewClock(start)
			svc := itsmtest.IncidentService(t, incident.Options{Clock: clock})
			inc := itsmtest.OpenIncident(t, svc, tt.change)
			assert.Equal(t, itsmtest.Tenant, inc.Tenant)
			assert.Equal(t, "INC0000001", inc.Number)
			assert.Equal(t, int64(1), inc.Version)
			assert.Equal(t, incident.New, inc.State)
			assert.Equal(t, start, inc.OpenedAt)
			tt.check(t, inc)

			stored, err := svc.Get(t.Context(), itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			assert.Equal(t, inc, stored, "the incident returned is the one stored")
		})
	}
}

func TestOpenIncidentFails(t *testing.T) {
	t.Parallel()
	svc := itsmtest.IncidentService(t, incident.Options{})
	f := runTB(t, func(tb testing.TB) {
		itsmtest.OpenIncident(tb, svc, func(in *incident.OpenInput) { in.Title = "" })
	})
	requireFatal(t, f, "itsmtest: open incident: invalid title")
}

func TestIncidentIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state incident.State
		path  []string
	}{
		{incident.New, nil},
		{incident.InProgress, []string{"new→in_progress"}},
		{incident.OnHold, []string{"new→in_progress", "in_progress→on_hold"}},
		{incident.Resolved, []string{"new→in_progress", "in_progress→resolved"}},
		{incident.Closed, []string{"new→in_progress", "in_progress→resolved", "resolved→closed"}},
		{incident.Canceled, []string{"new→canceled"}},
	}
	require.ElementsMatch(t, incident.States(), func() []incident.State {
		var s []incident.State
		for _, tt := range tests {
			s = append(s, tt.state)
		}
		return s
	}(), "every state of the default lifecycle has a case")
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			t.Parallel()
			svc := itsmtest.IncidentService(t, incident.Options{})
			inc := itsmtest.IncidentIn(t, svc, tt.state)
			assert.Equal(t, tt.state, inc.State)
			assert.Equal(t, int64(len(tt.path)+1), inc.Version, "one write per step")

			journal, err := svc.History(t.Context(), itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			assert.Equal(t, tt.path, itsmtest.Transitions(journal))
			stored, err := svc.Get(t.Context(), itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			assert.Equal(t, inc, stored, "the incident returned is the last version stored")
		})
	}
}

func TestIncidentInFails(t *testing.T) {
	t.Parallel()
	refuseHold := func(ctx context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
		if op == incident.Operation(incident.TriggerHold) {
			return incident.Forbidden(actor, op)
		}
		return incident.DefaultAuthorizer(ctx, actor, op, inc)
	}
	tests := []struct {
		name  string
		opts  incident.Options
		state incident.State
		fatal string
	}{
		{"UnknownState", incident.Options{}, "escalated", `itsmtest: IncidentIn: no path to state "escalated"`},
		{"RefusedStep", incident.Options{Authorize: refuseHold}, incident.OnHold, "itsmtest: driving INC0000001 to on_hold: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := itsmtest.IncidentService(t, tt.opts)
			f := runTB(t, func(tb testing.TB) { itsmtest.IncidentIn(tb, svc, tt.state) })
			requireFatal(t, f, tt.fatal)
		})
	}
}

func TestIncidentsNew(t *testing.T) {
	t.Parallel()
	clock := itsmtest.NewClock(start)
	lowLow, err := itsm.DefaultPriorityMatrix().Priority(itsm.ImpactLow, itsm.UrgencyLow)
	require.NoError(t, err)
	tests := []struct {
		name    string
		builder *itsmtest.Incidents
		change  func(*incident.Incident)
		tenant  itsm.Tenant
		numbers []string
		at      time.Time // zero: the system clock, checked loosely
		check   func(t *testing.T, inc *incident.Incident)
	}{
		{"ZeroValue", &itsmtest.Incidents{}, nil, itsmtest.Tenant, []string{"INC0000001", "INC0000002", "INC0000003"}, time.Time{}, nil},
		{"Configured", &itsmtest.Incidents{Tenant: "acme", Clock: clock, NumberPrefix: "TST"}, nil,
			"acme", []string{"TST0000001", "TST0000002"}, start, nil},
		{"Changed", &itsmtest.Incidents{Clock: clock}, func(i *incident.Incident) {
			i.Title, i.Major, i.AssignedTo = "Mail down", true, "ana"
		}, itsmtest.Tenant, []string{"INC0000001"}, start, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, "Mail down", inc.Title)
			assert.True(t, inc.Major)
			assert.Equal(t, "ana", inc.AssignedTo)
			assert.Equal(t, itsmtest.Caller.ID, inc.Caller, "defaults the change left alone stay")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := time.Now().Add(-time.Second)
			var ids []itsm.ID
			for _, number := range tt.numbers {
				inc := tt.builder.New(tt.change)
				require.NotNil(t, inc)
				assert.False(t, inc.ID.IsZero(), "ID")
				assert.NotContains(t, ids, inc.ID, "IDs are distinct")
				ids = append(ids, inc.ID)
				assert.Equal(t, tt.tenant, inc.Tenant)
				assert.Equal(t, number, inc.Number)
				assert.Equal(t, int64(1), inc.Version)
				if tt.at.IsZero() {
					assert.WithinRange(t, inc.CreatedAt, before, time.Now().Add(time.Second))
					assert.Equal(t, time.UTC, inc.CreatedAt.Location())
				} else {
					assert.Equal(t, tt.at, inc.CreatedAt)
				}
				assert.Equal(t, inc.CreatedAt, inc.UpdatedAt)
				assert.Equal(t, inc.CreatedAt, inc.OpenedAt)
				assert.Equal(t, incident.New, inc.State)
				assert.Equal(t, itsm.ImpactLow, inc.Impact)
				assert.Equal(t, itsm.UrgencyLow, inc.Urgency)
				assert.Equal(t, lowLow, inc.Priority)
				assert.Equal(t, itsmtest.Agent.ID, inc.OpenedBy)
				assert.Equal(t, incident.ChannelPhone, inc.Channel)
				if tt.check != nil {
					tt.check(t, inc)
				} else {
					assert.Equal(t, "Printer on fire", inc.Title)
					assert.Equal(t, itsmtest.Caller.ID, inc.Caller)
				}
			}
		})
	}
}

// TestIncidentsNewMatchesService checks that a bare incident is what a service stores
// when OpenIncident opens one at the same time: every field but the ID.
func TestIncidentsNewMatchesService(t *testing.T) {
	t.Parallel()
	clock := itsmtest.NewClock(start)
	opened := itsmtest.OpenIncident(t, itsmtest.IncidentService(t, incident.Options{Clock: clock}), nil)
	built := (&itsmtest.Incidents{Clock: clock}).New(nil)
	built.ID = opened.ID
	assert.Equal(t, opened, built)
}

func TestIncidentsNewConcurrent(t *testing.T) {
	t.Parallel()
	const goroutines, each = 8, 50
	var b itsmtest.Incidents
	var mu sync.Mutex
	numbers := map[string]bool{}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				inc := b.New(nil)
				mu.Lock()
				numbers[inc.Number] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, numbers, goroutines*each, "numbers are distinct")
	assert.True(t, numbers[itsm.FormatNumber("INC", goroutines*each)], "and run without a gap")
}

// richIncident sets every field of inc that a bare incident leaves empty.
func richIncident(inc *incident.Incident) {
	at := inc.OpenedAt
	inc.Description = "line one\nline two"
	inc.Channel = incident.ChannelEmail
	inc.Service, inc.ConfigurationItem = "svc-mail", "ci-exchange-01"
	inc.Category, inc.Subcategory = "network", "dns"
	inc.Impact, inc.Urgency, inc.Priority = itsm.ImpactHigh, itsm.UrgencyHigh, itsm.P1
	inc.PriorityOverride = "board meeting"
	inc.AssignmentGroup, inc.AssignedTo = "Network Ops", "ana"
	inc.State, inc.OnHoldReason = incident.OnHold, incident.AwaitingVendor
	inc.ResolutionCode, inc.ResolutionNotes = incident.SolvedWorkaround, "rebooted"
	inc.FirstAssignedAt = at.Add(time.Minute)
	inc.AcknowledgedAt = at.Add(2 * time.Minute)
	inc.ResolvedAt = at.Add(3 * time.Minute)
	inc.ClosedAt = at.Add(4 * time.Minute)
	inc.ReopenedAt = at.Add(5*time.Minute + 123456*time.Nanosecond)
	inc.ReopenCount, inc.ReassignmentCount = 2, 3
	inc.Parent, inc.Problem = itsm.NewID(), itsm.NewID()
	inc.Major = true
	inc.Changes = []itsm.ID{itsm.NewID(), itsm.NewID()}
	inc.IdempotencyKey = "mail-42"
	inc.Custom = map[string]any{"cost": 12.5, "vip": true, "tags": []any{"a", 3.0}, "nested": map[string]any{"k": nil}}
}

func TestCreatedJournal(t *testing.T) {
	t.Parallel()
	clock := itsmtest.NewClock(start)
	tests := []struct {
		name   string
		change func(*incident.Incident)
	}{
		{"Default", nil},
		{"EveryField", richIncident},
		{"OtherOpener", func(i *incident.Incident) { i.OpenedBy, i.Caller = "bob", "bob" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := itsmtest.Incidents{Tenant: "acme", Clock: clock}
			inc := b.New(tt.change)
			want := inc.Clone()
			journal := itsmtest.CreatedJournal(inc)
			require.Len(t, journal, 1)
			ev := journal[0]
			assert.False(t, ev.ID.IsZero(), "ID")
			assert.Equal(t, int64(0), ev.Seq, "Seq is the store's to set")
			assert.Equal(t, inc.Tenant, ev.Tenant)
			assert.Equal(t, itsm.KindIncident, ev.Kind)
			assert.Equal(t, inc.ID, ev.EntityID)
			assert.Equal(t, int64(1), ev.Version)
			assert.Equal(t, 0, ev.Index)
			assert.Equal(t, itsm.EventCreated, ev.Type)
			assert.Equal(t, inc.OpenedBy, ev.Actor)
			assert.Equal(t, inc.CreatedAt, ev.At)
			assert.Equal(t, string(inc.State), ev.To)
			assert.Empty(t, ev.From+ev.Trigger+ev.Reason)

			var data map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(ev.Data, &data))
			for _, k := range []string{"id", "tenant", "version", "created_at", "updated_at", "state"} {
				assert.NotContains(t, data, k, "the entry carries it")
			}
			assert.JSONEq(t, `"`+inc.Number+`"`, string(data["number"]))

			folded, err := incident.Fold(journal)
			require.NoError(t, err)
			assert.Equal(t, want, folded, "Fold gives the incident back")
			assert.Equal(t, want, inc, "CreatedJournal leaves inc alone")

			require.NoError(t, storage.CheckCreate(inc.Meta, itsm.KindIncident, journal))
			require.NoError(t, storage.CheckImport(inc.Meta, itsm.KindIncident, journal))
			require.NoError(t, storage.CheckIncident(inc))
		})
	}
}

// TestCreatedJournalMatchesService checks the journal against the one a service
// writes: both fold to the same incident.
func TestCreatedJournalMatchesService(t *testing.T) {
	t.Parallel()
	clock := itsmtest.NewClock(start)
	svc := itsmtest.IncidentService(t, incident.Options{Clock: clock})
	inc := itsmtest.OpenIncident(t, svc, func(in *incident.OpenInput) {
		in.Description, in.AssignmentGroup, in.Major = "since 9", "Network Ops", true
		in.Custom = map[string]any{"cost": 3}
	})
	written, err := svc.History(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	built := itsmtest.CreatedJournal(inc)
	require.Len(t, written, 1)

	fromService, err := incident.Fold(written)
	require.NoError(t, err)
	fromBuilt, err := incident.Fold(built)
	require.NoError(t, err)
	assert.Equal(t, fromService, fromBuilt)

	w, b := written[0], built[0]
	w.ID, w.Seq, w.Data, b.ID, b.Data = itsm.ID{}, 0, nil, itsm.ID{}, nil
	assert.Equal(t, w, b, "every field of the entry but its ID, Seq and Data's encoding")
}

// TestIncidentsStore stores bare incidents in a real adapter, next to a service's.
func TestIncidentsStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := memory.New()
	b := itsmtest.Incidents{NumberPrefix: "TST"}
	var made []*incident.Incident
	for range 3 {
		inc := b.New(nil)
		require.NoError(t, store.Create(ctx, inc, itsmtest.CreatedJournal(inc)))
		made = append(made, inc)
	}
	svc, err := incident.NewService(store, incident.Options{})
	require.NoError(t, err)
	opened := itsmtest.OpenIncident(t, svc, nil)
	assert.Equal(t, "INC0000001", opened.Number, "another prefix keeps clear of the service's numbers")

	for _, inc := range made {
		got, err := svc.Get(ctx, itsmtest.Agent, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, inc, got)
		got, err = svc.Assign(ctx, itsmtest.Agent, inc.Ref(), "Service Desk", itsmtest.Agent.ID)
		require.NoError(t, err, "a service works a bare incident like its own")
		journal, err := svc.History(ctx, itsmtest.Agent, inc.ID)
		require.NoError(t, err)
		itsmtest.RequireTransition(t, journal, incident.New, incident.InProgress)
		assert.Equal(t, incident.InProgress, got.State)
	}

	dup := b.New(func(i *incident.Incident) { i.Number = made[0].Number })
	itsmtest.RequireRefused(t, store.Create(ctx, dup, itsmtest.CreatedJournal(dup)), itsm.ErrAlreadyExists)
}

func TestCreatedJournalPanicsOnBadCustom(t *testing.T) {
	t.Parallel()
	inc := (&itsmtest.Incidents{}).New(func(i *incident.Incident) { i.Custom = map[string]any{"f": func() {}} })
	assert.PanicsWithValue(t, "itsmtest: CreatedJournal: json: unsupported type: func()", func() { itsmtest.CreatedJournal(inc) })
}
