package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

// Store holds records and their journal in memory. The zero value is not usable; call
// New.
type Store struct {
	mu        sync.RWMutex
	incidents map[key]*incident.Incident
	byKey     map[tenantString]itsm.ID // idempotency keys
	byNumber  map[tenantString]itsm.ID
	journal   map[key][]itsm.Event
	seq       int64 // last journal sequence
	numbers   map[tenantKind]int64
}

type key struct {
	tenant itsm.Tenant
	id     itsm.ID
}

type tenantString struct {
	tenant itsm.Tenant
	s      string
}

type tenantKind struct {
	tenant itsm.Tenant
	kind   itsm.Kind
}

// New returns an empty store.
func New() *Store {
	return &Store{
		incidents: map[key]*incident.Incident{},
		byKey:     map[tenantString]itsm.ID{},
		byNumber:  map[tenantString]itsm.ID{},
		journal:   map[key][]itsm.Event{},
		numbers:   map[tenantKind]int64{},
	}
}

var _ incident.Repository = (*Store)(nil)

// Create implements incident.Repository.
func (s *Store) Create(ctx context.Context, inc *incident.Incident, events []itsm.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckCreate(inc.Meta, itsm.KindIncident, events); err != nil {
		return err
	}
	k := key{inc.Tenant, inc.ID}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.incidents[k]; ok {
		return fmt.Errorf("incident %s: %w", inc.ID, itsm.ErrAlreadyExists)
	}
	num := tenantString{inc.Tenant, inc.Number}
	if _, ok := s.byNumber[num]; ok {
		return fmt.Errorf("incident number %s: %w", inc.Number, itsm.ErrAlreadyExists)
	}
	idem := tenantString{inc.Tenant, inc.IdempotencyKey}
	if inc.IdempotencyKey != "" {
		if _, ok := s.byKey[idem]; ok {
			return fmt.Errorf("incident idempotency key %q: %w", inc.IdempotencyKey, itsm.ErrAlreadyExists)
		}
		s.byKey[idem] = inc.ID
	}
	s.byNumber[num] = inc.ID
	s.incidents[k] = inc.Clone()
	s.journal[k] = s.appendEvents(nil, events)
	return nil
}

// Get implements incident.Repository.
func (s *Store) Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (*incident.Incident, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	inc, ok := s.incidents[key{tenant, id}]
	if !ok {
		return nil, fmt.Errorf("incident %s: %w", id, itsm.ErrNotFound)
	}
	return inc.Clone(), nil
}

// FindByIdempotencyKey implements incident.Repository.
func (s *Store) FindByIdempotencyKey(ctx context.Context, tenant itsm.Tenant, idemKey string) (*incident.Incident, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byKey[tenantString{tenant, idemKey}]
	if !ok || idemKey == "" {
		return nil, fmt.Errorf("incident with idempotency key %q: %w", idemKey, itsm.ErrNotFound)
	}
	return s.incidents[key{tenant, id}].Clone(), nil
}

// Update implements incident.Repository.
func (s *Store) Update(ctx context.Context, inc *incident.Incident, expected int64, events []itsm.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.CheckUpdate(inc.Meta, expected, itsm.KindIncident, events); err != nil {
		return err
	}
	k := key{inc.Tenant, inc.ID}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.incidents[k]
	if !ok {
		return fmt.Errorf("incident %s: %w", inc.ID, itsm.ErrNotFound)
	}
	if stored.Version != expected {
		return fmt.Errorf("incident %s: expected version %d, stored %d: %w", stored.Number, expected, stored.Version, itsm.ErrConflict)
	}
	if inc.Number != stored.Number || inc.IdempotencyKey != stored.IdempotencyKey {
		return &itsm.ValidationError{Field: "number", Problem: "number and idempotency key cannot change"}
	}
	s.incidents[k] = inc.Clone()
	s.journal[k] = s.appendEvents(s.journal[k], events)
	return nil
}

// List implements incident.Repository.
func (s *Store) List(ctx context.Context, tenant itsm.Tenant, filter incident.Filter, page incident.Page) ([]*incident.Incident, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if err := filter.Validate(); err != nil {
		return nil, "", err
	}
	limit, err := page.Size()
	if err != nil {
		return nil, "", err
	}
	var after *incident.Cursor
	if page.Cursor != "" {
		c, err := incident.ParseCursor(page.Cursor, page.Order)
		if err != nil {
			return nil, "", err
		}
		after = &c
	}
	s.mu.RLock()
	var matched []*incident.Incident
	for k, inc := range s.incidents {
		if k.tenant == tenant && filter.Match(inc) && (after == nil || after.After(inc)) {
			matched = append(matched, inc)
		}
	}
	slices.SortFunc(matched, func(a, b *incident.Incident) int {
		ka, kb := incident.KeyOf(a, page.Order), incident.KeyOf(b, page.Order)
		switch {
		case incident.Less(page.Order, ka, kb):
			return -1
		case incident.Less(page.Order, kb, ka):
			return 1
		}
		return 0
	})
	next := ""
	if len(matched) > limit {
		matched = matched[:limit]
		next = incident.CursorAfter(matched[limit-1], page.Order).String()
	}
	out := make([]*incident.Incident, len(matched))
	for i, inc := range matched {
		out[i] = inc.Clone()
	}
	s.mu.RUnlock()
	return out, next, nil
}

// Events implements incident.Repository.
func (s *Store) Events(ctx context.Context, tenant itsm.Tenant, id itsm.ID) ([]itsm.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := key{tenant, id}
	if _, ok := s.incidents[k]; !ok {
		return nil, fmt.Errorf("incident %s: %w", id, itsm.ErrNotFound)
	}
	return cloneEvents(s.journal[k]), nil
}

// NextNumber implements incident.Repository.
func (s *Store) NextNumber(ctx context.Context, tenant itsm.Tenant, kind itsm.Kind) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := tenantKind{tenant, kind}
	s.numbers[k]++
	return s.numbers[k], nil
}

// appendEvents copies events onto journal, assigning each the next sequence number.
// The caller holds s.mu.
func (s *Store) appendEvents(journal []itsm.Event, events []itsm.Event) []itsm.Event {
	for _, e := range events {
		s.seq++
		e.Seq = s.seq
		e.Data = slices.Clone(e.Data)
		journal = append(journal, e)
	}
	return journal
}

func cloneEvents(events []itsm.Event) []itsm.Event {
	out := slices.Clone(events)
	for i := range out {
		out[i].Data = slices.Clone(out[i].Data)
	}
	return out
}
