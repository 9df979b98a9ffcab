package memory

import (
	"context"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
)

func newImprovementTable() table[csi.Item] {
	return newTable(itsm.KindImprovement, kindFuncs[csi.Item]{
		copy:  func(dst, src *csi.Item) { *dst = *src }, // an Item holds no slices or maps
		meta:  func(it *csi.Item) *itsm.Meta { return &it.Meta },
		idem:  func(*csi.Item) string { return "" }, // items have no idempotency key
		inUTC: itemInUTC,
	})
}

func itemInUTC(it *csi.Item) {
	for _, t := range []*time.Time{
		&it.CreatedAt, &it.UpdatedAt, &it.MeasuredAt, &it.Due, &it.AcceptedAt, &it.AssessedAt,
		&it.ApprovedAt, &it.StartedAt, &it.SubmittedAt, &it.ClosedAt,
	} {
		*t = t.UTC()
	}
}

// Improvements is a Store's CSI register: it implements csi.Repository on the store's
// maps, lock and journal.
type Improvements struct{ s *Store }

var _ csi.Repository = (*Improvements)(nil)

// Improvements returns the store's csi.Repository.
func (s *Store) Improvements() *Improvements { return &Improvements{s} }

// Create implements csi.Repository.
func (r *Improvements) Create(ctx context.Context, it *csi.Item, events []itsm.Event) error {
	return r.s.write(ctx, func() error { return r.s.improvements.create(r.s, it, events) })
}

// Get implements csi.Repository.
func (r *Improvements) Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (it *csi.Item, err error) {
	err = r.s.read(ctx, func() error { it, err = r.s.improvements.get(tenant, id); return err })
	return it, err
}

// Update implements csi.Repository.
func (r *Improvements) Update(ctx context.Context, it *csi.Item, expected int64, events []itsm.Event) error {
	return r.s.write(ctx, func() error { return r.s.improvements.update(r.s, it, expected, events) })
}

// Events implements csi.Repository.
func (r *Improvements) Events(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (events []itsm.Event, err error) {
	err = r.s.read(ctx, func() error { events, err = r.s.improvements.events(r.s, tenant, id); return err })
	return events, err
}

// NextNumber implements csi.Repository.
func (r *Improvements) NextNumber(ctx context.Context, tenant itsm.Tenant, kind itsm.Kind) (int64, error) {
	return r.s.NextNumber(ctx, tenant, kind)
}

// List implements csi.Repository.
func (r *Improvements) List(ctx context.Context, tenant itsm.Tenant, filter csi.Filter, page csi.Page) ([]*csi.Item, string, error) {
	if err := filter.Validate(); err != nil {
		return nil, "", err
	}
	limit, err := page.Size()
	if err != nil {
		return nil, "", err
	}
	var after *csi.SortKey
	if page.Cursor != "" {
		k, err := csi.ParseCursor(page.Cursor)
		if err != nil {
			return nil, "", err
		}
		after = &k
	}
	match := func(it *csi.Item) bool {
		return filter.Match(it) && (after == nil || after.Compare(csi.KeyOf(it)) < 0)
	}
	cmp := func(a, b *csi.Item) int { return csi.KeyOf(a).Compare(csi.KeyOf(b)) }
	var items []*csi.Item
	if err := r.s.read(ctx, func() error { items = r.s.improvements.list(tenant, match, cmp, limit); return nil }); err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = csi.KeyOf(items[limit-1]).String()
	}
	return items, next, nil
}
