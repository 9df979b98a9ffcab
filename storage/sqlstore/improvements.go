package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
)

// Improvements is a Store's CSI register. It implements csi.Repository and
// csi.TxRepository, on the improvements table and the shared journal and number
// sequences.
type Improvements struct {
	records[*csi.Item]
}

var _ csi.TxRepository = (*Improvements)(nil)

// WithTx returns the register of s.WithTx(tx).
func (r *Improvements) WithTx(tx *sql.Tx) csi.Repository { return r.s.WithTx(tx).Improvements() }

// Create implements csi.Repository (see Incidents.Create).
func (r *Improvements) Create(ctx context.Context, it *csi.Item, events []itsm.Event) error {
	if it == nil {
		return &itsm.ValidationError{Field: "improvement", Problem: "is nil"}
	}
	return r.create(ctx, it, events)
}

// Update implements csi.Repository (see Incidents.Update).
func (r *Improvements) Update(ctx context.Context, it *csi.Item, expected int64, events []itsm.Event) error {
	if it == nil {
		return &itsm.ValidationError{Field: "improvement", Problem: "is nil"}
	}
	return r.update(ctx, it, expected, events)
}

// Get implements csi.Repository.
func (r *Improvements) Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (*csi.Item, error) {
	return r.get(ctx, tenant, id)
}

// Events implements csi.Repository.
func (r *Improvements) Events(ctx context.Context, tenant itsm.Tenant, id itsm.ID) ([]itsm.Event, error) {
	return r.events(ctx, tenant, id)
}

// NextNumber implements csi.Repository.
func (r *Improvements) NextNumber(ctx context.Context, tenant itsm.Tenant, kind itsm.Kind) (int64, error) {
	return r.s.nextNumber(ctx, tenant, kind)
}

// List implements csi.Repository with one keyset query in csi.SortKey order
// (priority, created_at, id), on the index of that order.
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
		if t := k.CreatedAt; !t.Equal(t.Truncate(time.Microsecond)) || t.Before(r.s.d.minTime) || t.After(r.s.d.maxTime) {
			return nil, "", &itsm.ValidationError{Field: "page.cursor", Problem: "is not a cursor returned by List"}
		}
		after = &k
	}
	d := r.s.d
	l := &listBuilder{d: d}
	l.sql("SELECT " + r.q.columns + " FROM " + r.s.prefix + "improvements WHERE tenant = ").arg(string(tenant))
	if len(filter.States) > 0 {
		var set []string
		for _, st := range csi.States() { // validated: declared states, no quotes
			if slices.Contains(filter.States, st) {
				set = append(set, "'"+string(st)+"'")
			}
		}
		l.sql(" AND state IN (" + strings.Join(set, ", ") + ")")
	}
	for _, eq := range []struct{ col, v string }{{"service", filter.Service}, {"metric", string(filter.Metric)}, {"owner", filter.Owner}} {
		if eq.v != "" {
			l.sql(" AND " + eq.col + " = ").arg(eq.v)
		}
	}
	if after != nil {
		l.sql(" AND (priority, created_at, id) > (").arg(int64(after.Priority)).sql(", ").
			arg(d.timeArg(after.CreatedAt)).sql(", ").arg(d.idArg(after.ID)).sql(")")
	}
	l.sql(" ORDER BY priority, created_at, id LIMIT ").sql(strconv.Itoa(limit + 1))
	items, err := r.list(ctx, l.b.String(), l.args)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = csi.KeyOf(items[limit-1]).String()
	}
	return items, next, nil
}
