package csi

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
)

// RegisterInput is what Register needs. Title, Service, Metric, Direction, Baseline and
// Target are required; the rest is optional.
type RegisterInput struct {
	Title       string
	Description string
	// Service is the service (or process) to improve, by the host's identifier.
	Service string
	// Metric, Unit and Direction say what is measured and which way is better.
	Metric    Metric
	Unit      string
	Direction Direction
	// Baseline is the metric's value today; Target is the value to reach, which must
	// improve on Baseline in Direction.
	Baseline float64
	Target   float64
	Owner    string
	// Priority defaults to P3 (moderate).
	Priority itsm.Priority
	// Due is kept in UTC, to the microsecond (the precision every store keeps).
	Due time.Time
}

// Register records a new item in state New, numbered from the tenant's sequence.
//
// Bad input returns an *itsm.PolicyError matching [itsm.ErrInvalid] that lists every
// field at fault (errors.As reaches each *itsm.ValidationError); nothing is stored.
// It returns [itsm.ErrForbidden] when the authorizer refuses.
func (s *Service) Register(ctx context.Context, actor itsm.Actor, in RegisterInput) (*Item, error) {
	if err := actor.Validate(); err != nil {
		return nil, err
	}
	it, err := s.newItem(actor, in)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, actor, OpRegister, it); err != nil {
		return nil, err
	}
	seq, err := s.repo.NextNumber(ctx, actor.Tenant, itsm.KindImprovement)
	if err != nil {
		return nil, fmt.Errorf("improvement: register: number: %w", err)
	}
	it.Number = itsm.FormatNumber(s.prefix, seq)
	ev := s.event(actor, it, itsm.EventCreated)
	ev.To = string(it.State)
	if ev.Data, err = changes(&Item{}, it); err != nil {
		return nil, err
	}
	events := []itsm.Event{ev}
	if err := s.repo.Create(ctx, it, events); err != nil {
		return nil, fmt.Errorf("improvement: register: %w", err)
	}
	if s.log.Enabled(ctx, slog.LevelDebug) { // spares boxing the attributes on every write
		s.log.DebugContext(ctx, "improvement registered", "tenant", it.Tenant, "number", it.Number, "id", it.ID, "metric", it.Metric)
	}
	s.committed(ctx, events)
	return it, nil
}

// newItem validates in and returns the item it describes, not yet numbered.
func (s *Service) newItem(actor itsm.Actor, in RegisterInput) (*Item, error) {
	if in.Priority == 0 {
		in.Priority = itsm.P3
	}
	if err := in.check(OpRegister); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	it := &Item{
		Meta:         itsm.Meta{ID: itsm.NewID(), Tenant: actor.Tenant, Version: 1, CreatedAt: now, UpdatedAt: now},
		RegisteredBy: actor.ID,
		State:        s.def.Initial(),
	}
	it.setPlan(in)
	return it, nil
}

// check returns nil, or the refusal of op listing every problem of in: the rules of
// an item's plan, which Register and Revise share.
func (in RegisterInput) check(op Operation) error {
	var p problems
	p.add(
		textcheck.First(textcheck.Required("title", in.Title), textcheck.Line("title", in.Title, MaxTitleLength)),
		textcheck.Text("description", in.Description, MaxTextLength),
		textcheck.First(textcheck.Required("service", in.Service), textcheck.Line("service", in.Service, MaxReferenceLength)),
		in.Metric.Validate(),
		textcheck.Line("unit", in.Unit, MaxUnitLength),
		textcheck.Line("owner", in.Owner, MaxReferenceLength),
		checkValue("baseline", in.Baseline),
		checkValue("target", in.Target),
	)
	switch {
	case in.Direction == "":
		p.add(invalid("direction", "is required"))
	case !in.Direction.Valid():
		p.add(invalid("direction", textcheck.Unknown(in.Direction)))
	case finite(in.Baseline) && finite(in.Target) && !in.Direction.Improves(in.Target, in.Baseline):
		p.add(invalid("target", fmt.Sprintf("%v does not improve on the baseline %v (%s)", in.Target, in.Baseline, in.Direction)))
	}
	if !in.Priority.Valid() {
		p.add(invalid("priority", fmt.Sprintf("unknown value %d", uint8(in.Priority))))
	}
	if y := in.Due.UTC().Year(); !in.Due.IsZero() && (y < 1 || y > 9999) {
		p.add(invalid("due", fmt.Sprintf("year %d is outside 1…9999", y)))
	}
	return p.err(op)
}

// setPlan sets the fields of it that in describes, Due in UTC to the microsecond.
func (it *Item) setPlan(in RegisterInput) {
	it.Title, it.Description = in.Title, in.Description
	it.Service, it.Metric, it.Unit, it.Direction = in.Service, in.Metric, in.Unit, in.Direction
	it.Baseline, it.Target = in.Baseline, in.Target
	it.Owner, it.Priority = in.Owner, in.Priority
	it.Due = in.Due.UTC().Truncate(time.Microsecond)
}

// planOf returns the plan it holds, as setPlan would take it.
func planOf(it *Item) RegisterInput {
	return RegisterInput{
		Title: it.Title, Description: it.Description,
		Service: it.Service, Metric: it.Metric, Unit: it.Unit, Direction: it.Direction,
		Baseline: it.Baseline, Target: it.Target,
		Owner: it.Owner, Priority: it.Priority, Due: it.Due,
	}
}
