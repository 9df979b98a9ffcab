package incident

import (
	"context"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

// The IDs of the default SLA definitions.
const (
	ResponseSLA   = "incident-response"
	ResolutionSLA = "incident-resolution"
)

// DefaultSLAs returns the two SLAs every incident gets unless a host sets its own
// (Options.SLAs), counted in cal's working time (nil is 24×7), for a lifecycle in
// which Closed is final, as in DefaultLifecycle:
//
//   - Response (time to own): runs while the incident is New and stops when it
//     leaves New (assigned or started). Targets P1 15 min, P2 1 h, P3 4 h, P4 1 d,
//     P5 2 d.
//   - Resolution: runs from opening until the incident is closed. It pauses while the
//     incident waits for the caller (On Hold, awaiting caller: the clock is not the
//     service desk's to run) and while it is Resolved, so that a reopening resumes
//     the same clock instead of starting a new one. Targets P1 4 h, P2 8 h, P3 3 d,
//     P4 5 d, P5 10 d.
//
// Both attach by the incident's priority, and a priority change retargets them.
// Cancelling the incident cancels them. The targets are a reasonable start, not a
// standard: agree your own with your customers. For a lifecycle that can reopen a
// closed incident, use [DefaultSLAsFor].
func DefaultSLAs(cal *calendar.Calendar) []*sla.Definition { return defaultSLAs(cal, false) }

// DefaultSLAsFor returns [DefaultSLAs] fitted to the lifecycle def, as a service with
// no Options.SLAs uses them. When def lets a closed incident go back to work (a
// transition from Closed to New, In Progress or On Hold, such as the reopen that
// LifecycleOptions.ReopenClosed permits), reopening a closed incident attaches a new
// resolution clock: closing decided the first one, met or breached, as it does for
// every closed incident, and the reopened work has a target of its own. (Reopening a
// resolved incident resumes its clock instead: Resolved only pauses it.) Otherwise
// they are DefaultSLAs.
func DefaultSLAsFor(def *Definition, cal *calendar.Calendar) []*sla.Definition {
	return defaultSLAs(cal, reopensClosed(def))
}

// reopensClosed reports whether def has a way from Closed back to work.
func reopensClosed(def *Definition) bool {
	for _, t := range def.Transitions() {
		if t.From == Closed && t.To.IsOpen() {
			return true
		}
	}
	return false
}

func defaultSLAs(cal *calendar.Calendar, reopenClosed bool) []*sla.Definition {
	day := 24 * time.Hour
	response, err := sla.New(sla.Spec{
		ID:       ResponseSLA,
		Name:     "Incident response",
		Metric:   sla.MetricResponse,
		Targets:  map[itsm.Priority]time.Duration{itsm.P1: 15 * time.Minute, itsm.P2: time.Hour, itsm.P3: 4 * time.Hour, itsm.P4: day, itsm.P5: 2 * day},
		Calendar: cal,
		Start:    sla.StateIn(string(New)),
		Stop:     sla.StateIn(string(InProgress), string(OnHold), string(Resolved), string(Closed)),
		Cancel:   sla.StateIn(string(Canceled)),
	})
	if err != nil {
		panic(err) // constant definitions: a failure is a bug the tests catch
	}
	// Resolved pauses the clock: a reopening resumes it. Closed stops it, met or
	// breached; when a closed incident can be reopened, its reopening (the reopen that
	// clears closed_at) attaches a new clock.
	var reset sla.Condition
	if reopenClosed {
		reset = sla.And(sla.Triggered(string(TriggerReopen)), sla.FieldChanged("closed_at"))
	}
	resolution, err := sla.New(sla.Spec{
		ID:       ResolutionSLA,
		Name:     "Incident resolution",
		Metric:   sla.MetricResolution,
		Targets:  map[itsm.Priority]time.Duration{itsm.P1: 4 * time.Hour, itsm.P2: 8 * time.Hour, itsm.P3: 3 * day, itsm.P4: 5 * day, itsm.P5: 10 * day},
		Calendar: cal,
		Start:    sla.StateIn(string(New), string(InProgress), string(OnHold), string(Resolved)),
		Pause: sla.Or(
			sla.And(sla.StateIn(string(OnHold)), sla.FieldEquals("on_hold_reason", string(AwaitingCaller))),
			sla.StateIn(string(Resolved)),
		),
		Stop:   sla.StateIn(string(Closed)),
		Reset:  reset,
		Cancel: sla.StateIn(string(Canceled)),
	})
	if err != nil {
		panic(err)
	}
	return []*sla.Definition{response, resolution}
}

// SLAs returns the incident's SLA clocks as of now, one per SLA definition, in the
// order of Options.SLAs. A clock is computed from the incident's journal, so it never
// drifts: after a definition or calendar change the same call is the repair.
//
// It fails as Get does when actor may not read the incident. The clocks are computed
// from the whole journal, work notes included, so every actor who may read the
// incident sees the same clocks, whatever History shows them.
func (s *Service) SLAs(ctx context.Context, actor itsm.Actor, id itsm.ID) ([]sla.Clock, error) {
	inc, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	journal, err := s.repo.Events(ctx, actor.Tenant, id)
	if err != nil {
		return nil, storeError("SLAs", id, inc.Number, err)
	}
	return s.clocks(journal, s.clock.Now())
}

func (s *Service) clocks(journal []itsm.Event, now time.Time) ([]sla.Clock, error) {
	out := make([]sla.Clock, 0, len(s.slas))
	for _, def := range s.slas {
		c, err := def.Evaluate(journal, now)
		if err != nil {
			return nil, fmt.Errorf("incident %s: SLA %s: %w", journal[0].EntityID, def.ID(), err)
		}
		out = append(out, c)
	}
	return out, nil
}

// SLAAlert is an incident SLA clock that crossed thresholds (warnings or the breach)
// in the period a DueSLAs call looked at.
type SLAAlert struct {
	// Clock is the clock as of now.
	Clock sla.Clock
	// Crossed lists the thresholds crossed since the last look, in increasing order;
	// sla.Breach is the breach.
	Crossed []sla.Threshold
}

// DueSLAs returns the SLA clocks of the tenant's incidents that crossed a warning
// threshold or breached after since and by now. The library runs no timer: a host's
// scheduler calls DueSLAs with the time of its previous call, acts on what it returns
// (notify, escalate through the service's guarded methods such as Assign or
// OverridePriority), and remembers now for the next call. A zero since reports every
// threshold crossed so far. Because clocks are computed from journals, a missed run
// loses nothing: the next call with the same since reports it, including the
// breaches of incidents closed or canceled in between.
//
// It reads the journals of every unclosed incident (New, In Progress, On Hold or
// Resolved) and of every incident written at or after since, whatever its state: a
// clock can only cross a threshold while it runs, and it runs on without writes only
// in those states. Call it from a scheduler, not per request.
func (s *Service) DueSLAs(ctx context.Context, actor itsm.Actor, since time.Time) ([]SLAAlert, error) {
	now := s.clock.Now()
	var alerts []SLAAlert
	check := func(inc *Incident) error {
		journal, err := s.repo.Events(ctx, actor.Tenant, inc.ID)
		if err != nil {
			return storeError("SLAs", inc.ID, inc.Number, err)
		}
		before, err := s.clocks(journal, since)
		if err != nil {
			return err
		}
		current, err := s.clocks(journal, now)
		if err != nil {
			return err
		}
		for i, def := range s.slas {
			if crossed := def.Crossed(before[i], current[i]); len(crossed) > 0 {
				alerts = append(alerts, SLAAlert{Clock: current[i], Crossed: crossed})
			}
		}
		return nil
	}
	// First the unclosed incidents, whose clocks may have run on without a write; then
	// every incident written at or after since that the first pass did not see. In
	// this order an incident closed between the two passes is still seen: by the
	// second, since closing it wrote it.
	seen := make(map[itsm.ID]bool)
	err := s.each(ctx, actor, Filter{States: []State{New, InProgress, OnHold, Resolved}}, ByPriority, func(inc *Incident) (bool, error) {
		seen[inc.ID] = true
		return true, check(inc)
	})
	if err != nil {
		return alerts, err
	}
	err = s.each(ctx, actor, Filter{}, ByUpdated, func(inc *Incident) (bool, error) {
		if inc.UpdatedAt.Before(since) {
			return false, nil
		}
		if seen[inc.ID] {
			return true, nil
		}
		return true, check(inc)
	})
	return alerts, err
}

// each calls fn with every incident of the actor's tenant matching filter, in order,
// until fn returns false or an error.
func (s *Service) each(ctx context.Context, actor itsm.Actor, filter Filter, order Order, fn func(*Incident) (bool, error)) error {
	page := Page{Limit: MaxLimit, Order: order}
	for {
		batch, next, err := s.List(ctx, actor, filter, page)
		if err != nil {
			return err
		}
		for _, inc := range batch {
			if more, err := fn(inc); err != nil || !more {
				return err
			}
		}
		if next == "" {
			return nil
		}
		page.Cursor = next
	}
}
