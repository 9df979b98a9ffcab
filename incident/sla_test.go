package incident_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

// officeHours is Monday to Friday, 09:00 to 17:00 UTC.
func officeHours(t *testing.T) *calendar.Calendar {
	t.Helper()
	week, err := calendar.ParseWeek("Mon-Fri 09:00-17:00")
	require.NoError(t, err)
	cal, err := calendar.New(calendar.Spec{Name: "office", Location: "UTC", Week: week})
	require.NoError(t, err)
	return cal
}

func clockOf(t *testing.T, clocks []sla.Clock, id string) sla.Clock {
	t.Helper()
	for _, c := range clocks {
		if c.Definition == id {
			return c
		}
	}
	t.Fatalf("no %s clock in %v", id, clocks)
	return sla.Clock{}
}

func TestSLAScenarios(t *testing.T) {
	t.Parallel()
	p3 := func(in *incident.OpenInput) { in.Impact, in.Urgency = itsm.ImpactMedium, itsm.UrgencyMedium }
	tests := []struct {
		name string
		// calendar is nil for 24×7.
		office bool
		run    func(t *testing.T, h harness) *incident.Incident
		slaID  string
		stage  sla.Stage
		// elapsed and paused are the working time counted and paused as of the end.
		elapsed, paused time.Duration
	}{
		{
			name: "response met when assigned within the target", slaID: incident.ResponseSLA,
			run: func(t *testing.T, h harness) *incident.Incident {
				inc := itsmtest.OpenIncident(t, h.svc, p3)
				h.clock.Advance(3 * time.Hour)
				inc, err := h.svc.Assign(t.Context(), itsmtest.Agent, inc.Ref(), "Desk", "ana")
				require.NoError(t, err)
				h.clock.Advance(time.Hour)
				return inc
			},
			stage: sla.StageMet, elapsed: 3 * time.Hour,
		},
		{
			name: "response breached when nobody takes it", slaID: incident.ResponseSLA,
			run: func(t *testing.T, h harness) *incident.Incident {
				inc := itsmtest.OpenIncident(t, h.svc, p3)
				h.clock.Advance(5 * time.Hour)
				return inc
			},
			stage: sla.StageBreached, elapsed: 5 * time.Hour,
		},
		{
			name: "awaiting the caller pauses resolution over a weekend", slaID: incident.ResolutionSLA, office: true,
			run: func(t *testing.T, h harness) *incident.Incident {
				h.clock.Set(time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC)) // Friday 15:00
				inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
				h.clock.Advance(time.Hour) // Friday 16:00: 1 working hour
				inc, err := h.svc.Hold(t.Context(), itsmtest.Agent, inc.Ref(), incident.AwaitingCaller)
				require.NoError(t, err)
				h.clock.Set(time.Date(2026, 3, 9, 11, 0, 0, 0, time.UTC)) // Monday 11:00
				inc, err = h.svc.Resume(t.Context(), itsmtest.Agent, inc.Ref())
				require.NoError(t, err)
				h.clock.Advance(2 * time.Hour) // Monday 13:00
				return inc
			},
			// Friday 15–16 and Monday 11–13 count; Friday 16–17 and Monday 9–11 are paused.
			stage: sla.StageRunning, elapsed: 3 * time.Hour, paused: 3 * time.Hour,
		},
		{
			name: "awaiting a vendor does not pause resolution", slaID: incident.ResolutionSLA,
			run: func(t *testing.T, h harness) *incident.Incident {
				inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
				inc, err := h.svc.Hold(t.Context(), itsmtest.Agent, inc.Ref(), incident.AwaitingVendor)
				require.NoError(t, err)
				h.clock.Advance(6 * time.Hour)
				return inc
			},
			stage: sla.StageRunning, elapsed: 6 * time.Hour,
		},
		{
			name: "raising the priority mid-flight retargets and breaches", slaID: incident.ResolutionSLA,
			run: func(t *testing.T, h harness) *incident.Incident {
				inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress) // P5: 10 days
				h.clock.Advance(5 * time.Hour)
				inc, err := h.svc.SetImpactUrgency(t.Context(), itsmtest.Agent, inc.Ref(), itsm.ImpactHigh, itsm.UrgencyHigh) // P1: 4 h
				require.NoError(t, err)
				return inc
			},
			stage: sla.StageBreached, elapsed: 5 * time.Hour,
		},
		{
			name: "reopening resumes the same resolution clock", slaID: incident.ResolutionSLA,
			run: func(t *testing.T, h harness) *incident.Incident {
				inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
				h.clock.Advance(2 * time.Hour)
				inc, err := h.svc.Resolve(t.Context(), itsmtest.Agent, inc.Ref(), incident.SolvedRemotely, "done")
				require.NoError(t, err)
				h.clock.Advance(24 * time.Hour)
				inc, err = h.svc.Reopen(t.Context(), itsmtest.Caller, inc.Ref(), "it is back")
				require.NoError(t, err)
				h.clock.Advance(time.Hour)
				return inc
			},
			stage: sla.StageRunning, elapsed: 3 * time.Hour, paused: 24 * time.Hour,
		},
		{
			name: "closing completes resolution", slaID: incident.ResolutionSLA,
			run: func(t *testing.T, h harness) *incident.Incident {
				inc := itsmtest.IncidentIn(t, h.svc, incident.Resolved)
				h.clock.Advance(48 * time.Hour)
				inc, err := h.svc.Close(t.Context(), itsmtest.Agent, inc.Ref())
				require.NoError(t, err)
				return inc
			},
			stage: sla.StageMet, paused: 48 * time.Hour,
		},
		{
			name: "cancelling cancels", slaID: incident.ResolutionSLA,
			run: func(t *testing.T, h harness) *incident.Incident {
				inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
				h.clock.Advance(time.Hour)
				inc, err := h.svc.Cancel(t.Context(), itsmtest.Agent, inc.Ref(), "duplicate")
				require.NoError(t, err)
				return inc
			},
			stage: sla.StageCancelled, elapsed: time.Hour,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts incident.Options
			if tt.office {
				opts.SLAs = incident.DefaultSLAs(officeHours(t))
			}
			h := newHarness(t, opts)
			inc := tt.run(t, h)
			clocks, err := h.svc.SLAs(t.Context(), itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			require.Len(t, clocks, 2)
			c := clockOf(t, clocks, tt.slaID)
			assert.Equal(t, tt.stage, c.Stage)
			assert.Equal(t, tt.elapsed, c.Elapsed, "elapsed")
			assert.Equal(t, tt.paused, c.PausedFor, "paused")
			assert.Equal(t, inc.ID, c.Record)
		})
	}
}

func TestDueSLAsReportsCrossedThresholds(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	opened := h.clock.Now()
	urgent := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) { in.Impact, in.Urgency = itsm.ImpactHigh, itsm.UrgencyHigh })
	calm := itsmtest.OpenIncident(t, h.svc, nil) // P5: response target 2 days
	itsmtest.IncidentIn(t, h.svc, incident.Closed)

	h.clock.Advance(10 * time.Minute) // P1 response target 15 min: 50% at 7.5 min
	alerts, err := h.svc.DueSLAs(ctx, itsmtest.Agent, opened)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	assert.Equal(t, urgent.ID, alerts[0].Clock.Record)
	assert.Equal(t, incident.ResponseSLA, alerts[0].Clock.Definition)
	assert.Equal(t, []sla.Threshold{50}, alerts[0].Crossed)

	// The next look, 10 minutes later: the P1 response crossed 75%, 90% and breached;
	// its resolution clock (4 h) crossed nothing yet.
	last := h.clock.Now()
	h.clock.Advance(10 * time.Minute)
	alerts, err = h.svc.DueSLAs(ctx, itsmtest.Agent, last)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	assert.Equal(t, []sla.Threshold{75, 90, sla.Breach}, alerts[0].Crossed)
	assert.Equal(t, sla.StageBreached, alerts[0].Clock.Stage)

	// A day later: the P5 response clock (2 days) passes 50%.
	last = h.clock.Now()
	h.clock.Advance(24 * time.Hour)
	alerts, err = h.svc.DueSLAs(ctx, itsmtest.Agent, last)
	require.NoError(t, err)
	var calmAlerted bool
	for _, a := range alerts {
		calmAlerted = calmAlerted || (a.Clock.Record == calm.ID && a.Clock.Definition == incident.ResponseSLA)
	}
	assert.True(t, calmAlerted, "the P5 response clock is past 50%% after a day: %+v", alerts)

	_, err = h.svc.DueSLAs(ctx, itsmtest.Caller, last)
	itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
}

func TestSLARepairAfterDefinitionChange(t *testing.T) {
	t.Parallel()
	store := newHarness(t, incident.Options{})
	inc := itsmtest.IncidentIn(t, store.svc, incident.InProgress)
	store.clock.Advance(30 * time.Hour) // a weekend-free 24×7 day and a quarter

	before, err := store.svc.SLAs(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	// The same store, measured against office hours: same journal, new definition.
	office, err := incident.NewService(store.store, incident.Options{Clock: store.clock, SLAs: incident.DefaultSLAs(officeHours(t))})
	require.NoError(t, err)
	after, err := office.SLAs(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, 30*time.Hour, clockOf(t, before, incident.ResolutionSLA).Elapsed)
	// Mon 09:00 → Tue 15:00: 8 working hours Monday, 6 on Tuesday.
	assert.Equal(t, 14*time.Hour, clockOf(t, after, incident.ResolutionSLA).Elapsed)

	none, err := incident.NewService(store.store, incident.Options{SLAs: []*sla.Definition{}})
	require.NoError(t, err)
	clocks, err := none.SLAs(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	assert.Empty(t, clocks)
}

// TestReopeningKeepsAResolutionSLA: with ReopenClosed, a reopened incident is held to
// a resolution target whether it was resolved or closed. Reopening a resolved incident
// resumes its clock; closing decides the clock (met here), and reopening a closed one
// attaches a new clock, which breaches and is reported.
func TestReopeningKeepsAResolutionSLA(t *testing.T) {
	t.Parallel()
	p1 := func(in *incident.OpenInput) { in.Impact, in.Urgency = itsm.ImpactHigh, itsm.UrgencyHigh }
	for _, closeFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("closed first %v", closeFirst), func(t *testing.T) {
			t.Parallel()
			def, err := incident.NewLifecycle(incident.LifecycleOptions{ReopenClosed: true})
			require.NoError(t, err)
			h := newHarness(t, incident.Options{Lifecycle: def})
			ctx, agent := t.Context(), itsmtest.Agent
			opened := h.clock.Now()

			inc := itsmtest.OpenIncident(t, h.svc, p1) // resolution target 4 h
			inc, err = h.svc.Start(ctx, agent, inc.Ref())
			require.NoError(t, err)
			h.clock.Advance(time.Hour)
			inc, err = h.svc.Resolve(ctx, agent, inc.Ref(), incident.SolvedRemotely, "rebooted")
			require.NoError(t, err)
			h.clock.Advance(time.Hour)
			if closeFirst {
				inc, err = h.svc.Close(ctx, agent, inc.Ref())
				require.NoError(t, err)
				clocks, err := h.svc.SLAs(ctx, agent, inc.ID)
				require.NoError(t, err)
				assert.Equal(t, sla.StageMet, clockOf(t, clocks, incident.ResolutionSLA).Stage, "closing decides the clock")
			}
			h.clock.Advance(time.Hour)
			inc, err = h.svc.Reopen(ctx, agent, inc.Ref(), "it is back")
			require.NoError(t, err)
			reopened := h.clock.Now()
			h.clock.Advance(10 * time.Hour)

			clocks, err := h.svc.SLAs(ctx, agent, inc.ID)
			require.NoError(t, err)
			last := clockOf(t, clocks, incident.ResolutionSLA) // the latest clock
			assert.Equal(t, sla.StageBreached, last.Stage)
			if closeFirst {
				assert.Equal(t, 2, last.Cycle, "a new clock for the reopened work")
				assert.Equal(t, 10*time.Hour, last.Elapsed)
				assert.Equal(t, reopened.Add(4*time.Hour), last.BreachedAt)
			} else {
				assert.Equal(t, 1, last.Cycle, "the same clock resumes")
				assert.Equal(t, 11*time.Hour, last.Elapsed, "1 h before the resolution, 10 h after the reopening")
				assert.Equal(t, 2*time.Hour, last.PausedFor, "resolved time does not count")
				assert.Equal(t, opened.Add(6*time.Hour), last.BreachedAt, "1 h counted, 2 h paused, 3 h more")
			}

			alerts, err := h.svc.DueSLAs(ctx, agent, opened)
			require.NoError(t, err)
			var breached bool
			for _, a := range alerts {
				breached = breached || a.Clock.Record == inc.ID && a.Clock.Definition == incident.ResolutionSLA && slices.Contains(a.Crossed, sla.Breach)
			}
			assert.True(t, breached, "DueSLAs reports the resolution breach: %+v", alerts)
		})
	}
}

func TestDueSLAsReportsBreachesOfIncidentsSettledSince(t *testing.T) {
	t.Parallel()
	p1 := func(in *incident.OpenInput) { in.Impact, in.Urgency = itsm.ImpactHigh, itsm.UrgencyHigh }
	tests := []struct {
		name string
		// settle ends the incident after its breach, 5 h after opening.
		settle func(t *testing.T, h harness, inc *incident.Incident)
		// since is how long after opening the scheduler last looked.
		since time.Duration
		// want is whether the resolution breach is reported.
		want bool
	}{
		{
			name: "resolved and closed after since", since: 0, want: true,
			settle: func(t *testing.T, h harness, inc *incident.Incident) {
				inc, err := h.svc.Resolve(t.Context(), itsmtest.Agent, inc.Ref(), incident.SolvedRemotely, "late")
				require.NoError(t, err)
				h.clock.Advance(time.Hour)
				_, err = h.svc.Close(t.Context(), itsmtest.Agent, inc.Ref())
				require.NoError(t, err)
			},
		},
		{
			name: "resolved after since", since: 0, want: true,
			settle: func(t *testing.T, h harness, inc *incident.Incident) {
				_, err := h.svc.Resolve(t.Context(), itsmtest.Agent, inc.Ref(), incident.SolvedRemotely, "late")
				require.NoError(t, err)
			},
		},
		{
			name: "canceled after since", since: 0, want: false, // a cancelled clock reaches no threshold
			settle: func(t *testing.T, h harness, inc *incident.Incident) {
				_, err := h.svc.Cancel(t.Context(), itsmtest.Agent, inc.Ref(), "duplicate")
				require.NoError(t, err)
			},
		},
		{
			name: "closed, breach reported by the previous look", since: 4*time.Hour + time.Minute, want: false,
			settle: func(t *testing.T, h harness, inc *incident.Incident) {
				inc, err := h.svc.Resolve(t.Context(), itsmtest.Agent, inc.Ref(), incident.SolvedRemotely, "late")
				require.NoError(t, err)
				h.clock.Advance(time.Hour)
				_, err = h.svc.Close(t.Context(), itsmtest.Agent, inc.Ref())
				require.NoError(t, err)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, incident.Options{})
			opened := h.clock.Now()
			inc := itsmtest.OpenIncident(t, h.svc, p1) // resolution target 4 h
			inc, err := h.svc.Start(t.Context(), itsmtest.Agent, inc.Ref())
			require.NoError(t, err)
			h.clock.Advance(5 * time.Hour) // breached at 4 h
			tt.settle(t, h, inc)
			h.clock.Advance(time.Hour)

			alerts, err := h.svc.DueSLAs(t.Context(), itsmtest.Agent, opened.Add(tt.since))
			require.NoError(t, err)
			var got []sla.Threshold
			for _, a := range alerts {
				if a.Clock.Record == inc.ID && a.Clock.Definition == incident.ResolutionSLA {
					got = append(got, a.Crossed...)
				}
			}
			if tt.want {
				assert.Equal(t, []sla.Threshold{50, 75, 90, sla.Breach}, got)
			} else {
				assert.Empty(t, got)
			}
		})
	}
}

// TestSLAsAreTheSameForEveryReader: the clocks come from the whole journal, work
// notes included, whoever asks; History hides the notes from callers, SLAs does not.
func TestSLAsAreTheSameForEveryReader(t *testing.T) {
	t.Parallel()
	noted, err := sla.New(sla.Spec{
		ID: "note-within-1h", Metric: sla.MetricResponse,
		Targets: map[itsm.Priority]time.Duration{itsm.P1: time.Hour, itsm.P2: time.Hour, itsm.P3: time.Hour, itsm.P4: time.Hour, itsm.P5: time.Hour},
		Start:   sla.StateIn(string(incident.New), string(incident.InProgress)),
		Stop:    sla.FieldEquals("visibility", string(incident.WorkNote)),
	})
	require.NoError(t, err)
	h := newHarness(t, incident.Options{SLAs: []*sla.Definition{noted}})
	inc := itsmtest.OpenIncident(t, h.svc, nil)
	h.clock.Advance(10 * time.Minute)
	_, err = h.svc.Comment(t.Context(), itsmtest.Agent, inc.Ref(), "looking", incident.WorkNote)
	require.NoError(t, err)
	h.clock.Advance(3 * time.Hour)

	byAgent, err := h.svc.SLAs(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	byCaller, err := h.svc.SLAs(t.Context(), itsmtest.Caller, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, sla.StageMet, byAgent[0].Stage)
	assert.Equal(t, byAgent, byCaller)
}

// closingRepo closes an incident, through another service on the same store, when
// DueSLAs starts its second listing: the moment a scheduler's run can race a close.
type closingRepo struct {
	incident.Repository
	lists *int
	close func()
}

func (r closingRepo) List(ctx context.Context, tenant itsm.Tenant, f incident.Filter, p incident.Page) ([]*incident.Incident, string, error) {
	if *r.lists++; *r.lists == 2 && p.Cursor == "" {
		r.close()
	}
	return r.Repository.List(ctx, tenant, f, p)
}

// TestDueSLAsSeesABreachClosedDuringTheRun: an incident that breached without a write
// since the last run and is closed while DueSLAs runs is still reported, by one pass
// or the other, so the next run (which starts after the breach) need not.
func TestDueSLAsSeesABreachClosedDuringTheRun(t *testing.T) {
	t.Parallel()
	p1 := func(in *incident.OpenInput) { in.Impact, in.Urgency = itsm.ImpactHigh, itsm.UrgencyHigh }
	h := newHarness(t, incident.Options{})
	ctx := t.Context()
	inc := itsmtest.OpenIncident(t, h.svc, p1)
	inc, err := h.svc.Start(ctx, itsmtest.Agent, inc.Ref())
	require.NoError(t, err)
	since := h.clock.Now().Add(time.Hour)
	h.clock.Advance(5 * time.Hour) // the 4 h resolution target passes after since

	lists := 0
	repo := closingRepo{Repository: h.store, lists: &lists, close: func() {
		done, err := h.svc.Resolve(ctx, itsmtest.Agent, inc.Ref(), incident.SolvedRemotely, "late")
		require.NoError(t, err)
		_, err = h.svc.Close(ctx, itsmtest.Agent, done.Ref())
		require.NoError(t, err)
	}}
	racing, err := incident.NewService(repo, incident.Options{Clock: h.clock})
	require.NoError(t, err)
	alerts, err := racing.DueSLAs(ctx, itsmtest.Agent, since)
	require.NoError(t, err)
	require.GreaterOrEqual(t, lists, 2, "two listings")
	var breached bool
	for _, a := range alerts {
		breached = breached || a.Clock.Record == inc.ID && a.Clock.Definition == incident.ResolutionSLA && slices.Contains(a.Crossed, sla.Breach)
	}
	assert.True(t, breached, "the breach is reported: %+v", alerts)
}
