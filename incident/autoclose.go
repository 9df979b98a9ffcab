package incident

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// closePage is how many resolved incidents CloseResolved reads at a time.
const closePage = 100

// CloseResolved closes every incident of the actor's tenant that was resolved before
// now − olderThan (zero means Options.AutoCloseAfter, 5 days by default) through the
// normal guarded close transition, page by page, and returns the incidents it closed.
//
// The library runs no daemon: a host calls it from its own scheduler. It is safe to
// call from several processes at once: when another writer changed an incident first,
// CloseResolved reads it again and closes it only if it is still resolved and old
// enough, so no incident is closed twice. (A service bound to a host's transaction,
// see Tx, does not: it returns the conflict, for the host to retry its transaction.)
//
// It first asks the authorizer whether actor may close the tenant's resolved
// incidents at all, with a probe incident that holds only the tenant and the state
// Resolved (as List asks with a probe), and returns that refusal, matching
// [itsm.ErrForbidden], before reading anything. Past that, an incident that changes
// under it at each of 3 attempts is left resolved for the next call, as are incidents
// a policy refuses to close one by one; both are skipped, logged at Debug, and not
// reported. It stops at the first storage error or when ctx is done, returning what
// it closed so far with the error.
func (s *Service) CloseResolved(ctx context.Context, actor itsm.Actor, olderThan time.Duration) ([]*Incident, error) {
	if err := actor.Validate(); err != nil {
		return nil, err
	}
	if olderThan < 0 {
		return nil, &itsm.ValidationError{Field: "older_than", Problem: "is negative"}
	}
	if olderThan == 0 {
		olderThan = s.autoClose
	}
	probe := &Incident{Meta: itsm.Meta{Tenant: actor.Tenant}, State: Resolved}
	if err := s.authorize(ctx, actor, Operation(TriggerClose), probe); err != nil {
		return nil, err
	}
	cutoff := s.clock.Now().Add(-olderThan)
	filter := Filter{States: []State{Resolved}, ResolvedBefore: cutoff}
	var closed []*Incident
	page := Page{Limit: closePage, Order: ByPriority}
	for {
		batch, next, err := s.repo.List(ctx, actor.Tenant, filter, page)
		if err != nil {
			return closed, fmt.Errorf("incident: close resolved: %w", err)
		}
		for _, inc := range batch {
			done, err := s.closeIfDue(ctx, actor, inc, filter)
			if err != nil {
				return closed, err
			}
			if done != nil {
				closed = append(closed, done)
			}
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	s.log.DebugContext(ctx, "incidents auto-closed", "tenant", actor.Tenant, "count", len(closed), "resolved_before", cutoff)
	return closed, nil
}

// closeIfDue closes inc if it still matches filter, re-reading it after a conflict.
// It returns nil, nil for an incident it skipped.
func (s *Service) closeIfDue(ctx context.Context, actor itsm.Actor, inc *Incident, filter Filter) (*Incident, error) {
	for attempt := 1; attempt <= autoRetries; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !filter.Match(inc) {
			return nil, nil // another writer closed or reopened it
		}
		done, err := s.Close(ctx, actor, inc.Ref())
		switch {
		case err == nil:
			return done, nil
		case !s.inTx && itsm.IsRetryableConflict(err): // in a host's transaction, the host retries
			fresh, err := s.repo.Get(ctx, actor.Tenant, inc.ID)
			if errors.Is(err, itsm.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, storeError("close resolved", inc.ID, inc.Number, err)
			}
			inc = fresh
		case errors.Is(err, itsm.ErrForbidden), errors.Is(err, itsm.ErrInvalid), errors.Is(err, itsm.ErrTransitionNotAllowed):
			s.log.DebugContext(ctx, "incident not auto-closed", "number", inc.Number, "reason", err)
			return nil, nil
		default:
			return nil, err
		}
	}
	s.log.DebugContext(ctx, "incident not auto-closed: kept changing", "number", inc.Number)
	return nil, nil
}
