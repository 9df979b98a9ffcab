package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

func newIncidentTable() table[incident.Incident] {
	return newTable(itsm.KindIncident, kindFuncs[incident.Incident]{
		copy:  func(dst, src *incident.Incident) { src.CopyTo(dst) },
		meta:  func(i *incident.Incident) *itsm.Meta { return &i.Meta },
		idem:  func(i *incident.Incident) string { return i.IdempotencyKey },
		check: storage.CheckIncident,
		inUTC: incidentInUTC,
	})
}

func incidentInUTC(i *incident.Incident) {
	for _, t := range []*time.Time{
		&i.CreatedAt, &i.UpdatedAt, &i.OpenedAt, &i.FirstAssignedAt, &i.AcknowledgedAt,
		&i.ResolvedAt, &i.ClosedAt, &i.ReopenedAt,
	} {
		*t = t.UTC()
	}
}

var _ incident.BatchRepository = (*Store)(nil)

// CreateBatch implements incident.BatchRepository.
func (s *Store) CreateBatch(ctx context.Context, records []incident.Record) error {
	incs := make([]*incident.Incident, len(records))
	journals := make([][]itsm.Event, len(records))
	for i, r := range records {
		if r.Incident == nil {
			return &itsm.ValidationError{Field: fmt.Sprintf("records[%d].incident", i), Problem: "is nil"}
		}
		incs[i], journals[i] = r.Incident, r.Journal
	}
	return s.write(ctx, func() error { return s.incidents.importBatch(s, incs, journals) })
}

// Create implements incident.Repository.
func (s *Store) Create(ctx context.Context, inc *incident.Incident, events []itsm.Event) error {
	return s.write(ctx, func() error { return s.incidents.create(s, inc, events) })
}

// Get implements incident.Repository.
func (s *Store) Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (inc *incident.Incident, err error) {
	err = s.read(ctx, func() error { inc, err = s.incidents.get(tenant, id); return err })
	return inc, err
}

// FindByIdempotencyKey implements incident.Repository.
func (s *Store) FindByIdempotencyKey(ctx context.Context, tenant itsm.Tenant, idemKey string) (inc *incident.Incident, err error) {
	err = s.read(ctx, func() error { inc, err = s.incidents.findByKey(tenant, idemKey); return err })
	return inc, err
}

// Update implements incident.Repository.
func (s *Store) Update(ctx context.Context, inc *incident.Incident, expected int64, events []itsm.Event) error {
	return s.write(ctx, func() error { return s.incidents.update(s, inc, expected, events) })
}

// Events implements incident.Repository.
func (s *Store) Events(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (events []itsm.Event, err error) {
	err = s.read(ctx, func() error { events, err = s.incidents.events(s, tenant, id); return err })
	return events, err
}

// List implements incident.Repository.
func (s *Store) List(ctx context.Context, tenant itsm.Tenant, filter incident.Filter, page incident.Page) ([]*incident.Incident, string, error) {
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
	match := func(inc *incident.Incident) bool { return filter.Match(inc) && (after == nil || after.After(inc)) }
	cmp := func(a, b *incident.Incident) int {
		ka, kb := incident.KeyOf(a, page.Order), incident.KeyOf(b, page.Order)
		switch {
		case incident.Less(page.Order, ka, kb):
			return -1
		case incident.Less(page.Order, kb, ka):
			return 1
		}
		return 0
	}
	var items []*incident.Incident
	if err := s.read(ctx, func() error { items = s.incidents.list(tenant, match, cmp, limit); return nil }); err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = incident.CursorAfter(items[limit-1], page.Order).String()
	}
	return items, next, nil
}
