package csi

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// autoRetries bounds the attempts of a write whose Ref names no version.
const autoRetries = 3

// change modifies the item (a private copy) at time at and returns the type, and for
// a transition the From, To, Trigger and Reason, of the journal entry that describes
// the write; tryWrite fills in the rest.
type change func(it *Item, at time.Time) (itsm.Event, error)

// write loads the item at ref, applies change to a copy and stores the new version
// with its journal entry. An [itsm.EventUpdated] change that changes no field stores
// nothing and returns the item as stored. With ref.Version zero it retries a few times
// when another writer wins the race, unless the service is bound to a host's
// transaction (a retry would read the same snapshot, or run outside a transaction the
// database aborted) or the conflict says that retrying cannot succeed (Retryable()
// false).
func (s *Service) write(ctx context.Context, actor itsm.Actor, ref Ref, c change) (*Item, error) {
	if err := actor.Validate(); err != nil {
		return nil, err
	}
	if ref.ID.IsZero() {
		return nil, invalid("id", "is required")
	}
	if ref.Version < 0 {
		return nil, invalid("version", "is negative")
	}
	for attempt := 1; ; attempt++ {
		it, events, err := s.tryWrite(ctx, actor, ref, c)
		if err == nil {
			s.committed(ctx, events)
			return it, nil
		}
		if ref.Version != 0 || s.inTx || attempt == autoRetries || !itsm.IsRetryableConflict(err) {
			return nil, err
		}
		s.log.DebugContext(ctx, "improvement write conflict, retrying", "id", ref.ID, "attempt", attempt)
	}
}

func (s *Service) tryWrite(ctx context.Context, actor itsm.Actor, ref Ref, c change) (*Item, []itsm.Event, error) {
	it, err := s.repo.Get(ctx, actor.Tenant, ref.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("improvement %s: %w", ref.ID, err)
	}
	// Before anything that depends on the item (its version, its state, the
	// lifecycle's answer, each of which may name it by number), make sure the actor
	// may see it at all.
	if err := s.authorize(ctx, actor, OpRead, it); err != nil {
		return nil, nil, err
	}
	if ref.Version != 0 && it.Version != ref.Version {
		return nil, nil, fmt.Errorf("improvement %s: read version %d, stored version is %d: %w", it.Number, ref.Version, it.Version, itsm.ErrConflict)
	}
	// The repository handed us a copy of its own: change it in place and keep the
	// stored version to describe the change.
	before := *it
	at := s.clock.Now()
	ev, err := c(it, at)
	if err != nil {
		return nil, nil, err
	}
	data, err := changes(&before, it)
	if err != nil {
		return nil, nil, err
	}
	if data == nil && ev.Type == itsm.EventUpdated {
		return it, nil, nil // a field update that changes no field: nothing to store
	}
	it.Version, it.UpdatedAt = before.Version+1, at
	full := s.event(actor, it, ev.Type)
	full.From, full.To, full.Trigger, full.Reason = ev.From, ev.To, ev.Trigger, ev.Reason
	full.Data = data
	events := []itsm.Event{full}
	if err := s.repo.Update(ctx, it, before.Version, events); err != nil {
		return nil, nil, fmt.Errorf("improvement %s: %w", it.Number, err)
	}
	if s.log.Enabled(ctx, slog.LevelDebug) { // spares boxing the attributes on every write
		s.log.DebugContext(ctx, "improvement updated", "tenant", it.Tenant, "number", it.Number, "type", full.Type, "trigger", full.Trigger, "version", it.Version)
	}
	return it, events, nil
}

// event returns the journal entry of its current version, without the details.
func (s *Service) event(actor itsm.Actor, it *Item, t itsm.EventType) itsm.Event {
	return itsm.Event{
		ID:       itsm.NewIDAt(it.UpdatedAt),
		Tenant:   it.Tenant,
		Kind:     itsm.KindImprovement,
		EntityID: it.ID,
		Version:  it.Version,
		Type:     t,
		Actor:    actor.ID,
		At:       it.UpdatedAt,
	}
}

func (s *Service) committed(ctx context.Context, events []itsm.Event) {
	if len(events) == 0 { // a write that changed nothing committed nothing
		return
	}
	for _, h := range s.hooks {
		h(ctx, events)
	}
}
