package csi

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
)

// Repository is the storage port of the CSI register. Storage adapters implement it;
// storage/storagetest checks that an implementation honours every sentence below.
//
// Every method is scoped by tenant: a record of another tenant is invisible, and
// asking for it answers [itsm.ErrNotFound]. Records go in and come out as copies: the
// caller may change what it passed or received without changing what is stored.
// Implementations are safe for concurrent use.
//
// A write that cannot be stored as given returns [itsm.ErrInvalid] (a
// [*itsm.ValidationError] naming the field) and stores nothing. Errors other than
// [itsm.ErrInvalid] and the sentinels named below are the store's own failures,
// wrapped with %w.
type Repository interface {
	// Create stores a new item and appends events, all or nothing, and assigns the
	// events' Seq. it must be non-nil, Version 1 of a valid tenant, with an ID,
	// CreatedAt and UpdatedAt, and every event must carry its tenant, kind
	// ([itsm.KindImprovement]), ID and version; otherwise Create returns
	// [itsm.ErrInvalid]. It returns [itsm.ErrAlreadyExists] when the tenant already
	// has an item with the same ID or Number.
	Create(ctx context.Context, it *Item, events []itsm.Event) error

	// Get returns the item with id in tenant, or [itsm.ErrNotFound].
	Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (*Item, error)

	// Update replaces the stored item with it and appends events, all or nothing,
	// provided the stored version is still expected. it.Version must be expected+1,
	// it must hold what Create requires, and the events must carry its new version;
	// otherwise Update returns [itsm.ErrInvalid]. A stale expected version returns
	// [itsm.ErrConflict]; a missing item (or one of another tenant) returns
	// [itsm.ErrNotFound]. When several writers update the same version concurrently,
	// exactly one succeeds.
	Update(ctx context.Context, it *Item, expected int64, events []itsm.Event) error

	// List returns one page of the tenant's items that match filter, in [SortKey]
	// order, and the cursor of the next page ("" after the last page). Pages are
	// keyset pages: an item that existed when the first page was read appears exactly
	// once across the pages as long as its sort key does not change, whatever is
	// inserted meanwhile. A malformed filter, limit or cursor returns [itsm.ErrInvalid].
	List(ctx context.Context, tenant itsm.Tenant, filter Filter, page Page) ([]*Item, string, error)

	// Events returns the item's journal in (Version, Index) order, or
	// [itsm.ErrNotFound] when the tenant has no such item.
	Events(ctx context.Context, tenant itsm.Tenant, id itsm.ID) ([]itsm.Event, error)

	// NextNumber returns the next value of the tenant's sequence for kind: 1, 2, 3 …
	// without gaps in a single process and never twice, even under concurrency.
	NextNumber(ctx context.Context, tenant itsm.Tenant, kind itsm.Kind) (int64, error)
}

// Filter selects items. Empty fields do not filter; set fields combine with AND, and
// the values of States with OR.
type Filter struct {
	States  []State
	Service string
	Metric  Metric
	Owner   string
}

// Validate returns an [*itsm.ValidationError] for an unknown state or a malformed
// metric.
func (f Filter) Validate() error {
	for _, s := range f.States {
		if !s.Valid() {
			return invalid("filter.states", textcheck.Unknown(s))
		}
	}
	if f.Metric != "" {
		if err := f.Metric.Validate(); err != nil {
			return invalid("filter.metric", err.(*itsm.ValidationError).Problem)
		}
	}
	return nil
}

// Match reports whether it satisfies the filter. Adapters that cannot push a filter
// into their query use it; the conformance suite uses it as the reference.
func (f Filter) Match(it *Item) bool {
	return (len(f.States) == 0 || slices.Contains(f.States, it.State)) &&
		(f.Service == "" || f.Service == it.Service) &&
		(f.Metric == "" || f.Metric == it.Metric) &&
		(f.Owner == "" || f.Owner == it.Owner)
}

// DefaultLimit and MaxLimit bound a page's size.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// Page asks for one page of a List.
type Page struct {
	// Limit is the page size: 0 means DefaultLimit; more than MaxLimit is invalid.
	Limit int
	// Cursor is "" for the first page, then the cursor List returned.
	Cursor string
}

// Size returns the effective limit, or an error for a negative or too large one.
func (p Page) Size() (int, error) {
	switch {
	case p.Limit == 0:
		return DefaultLimit, nil
	case p.Limit < 0 || p.Limit > MaxLimit:
		return 0, invalid("page.limit", fmt.Sprintf("%d is outside 1…%d", p.Limit, MaxLimit))
	}
	return p.Limit, nil
}

// SortKey is the order of a List, the register's work queue: Priority (P1 first),
// then CreatedAt (oldest first), then ID. A page's cursor is the SortKey of its last
// item.
type SortKey struct {
	Priority  itsm.Priority
	CreatedAt time.Time
	ID        itsm.ID
}

// KeyOf returns the sort key of it.
func KeyOf(it *Item) SortKey {
	return SortKey{Priority: it.Priority, CreatedAt: it.CreatedAt, ID: it.ID}
}

// Compare returns -1, 0 or +1 as k sorts before, with or after o. It is the one
// definition of the list order; adapters translate it into SQL or sort with it.
func (k SortKey) Compare(o SortKey) int {
	if c := cmp.Compare(k.Priority, o.Priority); c != 0 {
		return c
	}
	if c := k.CreatedAt.Compare(o.CreatedAt); c != 0 {
		return c
	}
	return k.ID.Compare(o.ID)
}

// String encodes the key as a cursor: an opaque, printable string without spaces that
// ParseCursor decodes, the same whichever adapter made it.
func (k SortKey) String() string {
	p, _ := k.Priority.MarshalText()
	return string(p) + "_" + k.CreatedAt.UTC().Format(time.RFC3339Nano) + "_" + k.ID.String()
}

// ParseCursor decodes a cursor made by SortKey.String. A malformed cursor returns
// [itsm.ErrInvalid].
func ParseCursor(s string) (SortKey, error) {
	bad := func() (SortKey, error) {
		return SortKey{}, invalid("page.cursor", fmt.Sprintf("%q is not a cursor returned by List", textcheck.Truncate(s)))
	}
	parts := strings.Split(s, "_")
	if len(parts) != 3 {
		return bad()
	}
	var k SortKey
	if err := k.Priority.UnmarshalText([]byte(parts[0])); err != nil || !k.Priority.Valid() {
		return bad()
	}
	at, err := time.Parse(time.RFC3339Nano, parts[1])
	if err != nil {
		return bad()
	}
	k.CreatedAt = at.UTC()
	if k.ID, err = itsm.ParseID(parts[2]); err != nil {
		return bad()
	}
	return k, nil
}
