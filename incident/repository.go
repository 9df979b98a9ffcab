package incident

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/itsmkit/itsmkit/internal/textcheck"
	"github.com/itsmkit/itsmkit/itsm"
)

// Repository is the storage port of the incident practice. Storage adapters implement
// it; storage/storagetest checks that an implementation honours every sentence below.
//
// Every method is scoped by tenant: a record of another tenant is invisible, and
// asking for it answers [itsm.ErrNotFound]. A record is identified by its tenant and
// ID together: two tenants may each hold a record with the same ID, and they are two
// records that never affect each other. Records go in and come out as copies: the
// caller may change what it passed or received without changing what is stored.
// Implementations are safe for concurrent use.
//
// Times come back as the instants written, in UTC whatever location they were written
// in, at the precision the adapter documents (storing may drop what is finer). A zero
// time means "not yet" and comes back zero.
//
// A write that the port refuses as given returns [itsm.ErrInvalid] (an
// [*itsm.ValidationError] naming the field) and stores nothing: rather than store
// something other than what it was given, an adapter refuses what it cannot hold
// exactly (text a column cannot carry, a time outside its range, a custom value JSON
// does not carry as is). Errors other than [itsm.ErrInvalid] and the sentinels named
// below are the store's own failures (or the context's error), wrapped with %w.
type Repository interface {
	// Create stores inc as a new incident and appends events to its journal, all or
	// nothing; on success it sets each event's Seq in events.
	//
	// inc must be non-nil, Version 1 of a valid tenant, with an ID, CreatedAt,
	// UpdatedAt and OpenedAt; every event must carry inc's tenant, kind ([itsm.KindIncident]), ID
	// and version. Otherwise, or when inc or an event cannot be stored as given,
	// Create returns [itsm.ErrInvalid]. It returns [itsm.ErrAlreadyExists] when the
	// tenant already has an incident with the same ID, Number, or non-empty
	// IdempotencyKey; records of other tenants do not count.
	Create(ctx context.Context, inc *Incident, events []itsm.Event) error

	// Get returns the incident with id in tenant, or [itsm.ErrNotFound].
	Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (*Incident, error)

	// FindByIdempotencyKey returns the tenant's incident opened with key, or
	// [itsm.ErrNotFound] (always for the empty key).
	FindByIdempotencyKey(ctx context.Context, tenant itsm.Tenant, key string) (*Incident, error)

	// Update replaces the stored incident with inc, every field as given (a field set
	// to its zero value is cleared), and appends events to its journal, all or
	// nothing, provided the stored version is still expected. On success it sets each
	// event's Seq in events.
	//
	// inc.Version must be expected+1, inc must hold what Create requires, and events
	// must carry inc's tenant, kind, ID and new version; otherwise, or when inc or an
	// event cannot be stored as given, Update returns [itsm.ErrInvalid]. A missing
	// incident (or one of another tenant) returns [itsm.ErrNotFound]; a stale
	// expected version returns [itsm.ErrConflict]. Number and IdempotencyKey never
	// change: an update that changes either (including setting or clearing the key)
	// returns [itsm.ErrInvalid]. When several writers update the same version
	// concurrently, exactly one succeeds and the others get [itsm.ErrConflict].
	Update(ctx context.Context, inc *Incident, expected int64, events []itsm.Event) error

	// List returns one page of the tenant's incidents that match filter, in
	// page.Order, and the cursor of the next page ("" after the last page). Pages are
	// keyset pages: a record that existed when the first page was read appears exactly
	// once across the pages as long as its sort key does not change, whatever is
	// inserted meanwhile. A malformed filter, limit, order or cursor returns
	// [itsm.ErrInvalid].
	List(ctx context.Context, tenant itsm.Tenant, filter Filter, page Page) ([]*Incident, string, error)

	// Events returns the incident's journal in (Version, Index) order, or
	// [itsm.ErrNotFound] when the tenant has no such incident. Entries come back as
	// they were written, Data as the same JSON value (a store may reformat it), each
	// with the Seq it was given when stored: Seq increases along the journal.
	Events(ctx context.Context, tenant itsm.Tenant, id itsm.ID) ([]itsm.Event, error)

	// NextNumber returns the next value of the tenant's sequence for kind: 1, 2, 3 …
	// without gaps in a single process and never twice, even under concurrency.
	NextNumber(ctx context.Context, tenant itsm.Tenant, kind itsm.Kind) (int64, error)
}

// Filter selects incidents. Empty fields do not filter; set fields combine with AND,
// and the values of one slice field with OR.
type Filter struct {
	States            []State
	Priorities        []itsm.Priority
	AssignmentGroup   string
	AssignedTo        string
	Caller            string
	Service           string
	ConfigurationItem string
	Problem           itsm.ID
	// OpenedFrom and OpenedTo bound OpenedAt: From ≤ OpenedAt < To.
	OpenedFrom time.Time
	OpenedTo   time.Time
	// ResolvedBefore keeps incidents resolved strictly before it.
	ResolvedBefore time.Time
}

// Validate returns an [*itsm.ValidationError] for a state outside the default
// lifecycle, an unknown priority, or an empty opened-at range. Adapters call it in
// Repository.List: the service never asks a repository for other states (for the
// states a host's lifecycle adds, Service.List filters by itself, and validates the
// filter against its own lifecycle instead).
func (f Filter) Validate() error { return f.validate(State.Valid) }

// validate is Validate with known deciding which states are valid.
func (f Filter) validate(known func(State) bool) error {
	for _, s := range f.States {
		if !known(s) {
			return &itsm.ValidationError{Field: "filter.states", Problem: textcheck.Unknown(s)}
		}
	}
	for _, p := range f.Priorities {
		if !p.Valid() {
			return &itsm.ValidationError{Field: "filter.priorities", Problem: fmt.Sprintf("unknown value %d", uint8(p))}
		}
	}
	if !f.OpenedFrom.IsZero() && !f.OpenedTo.IsZero() && !f.OpenedFrom.Before(f.OpenedTo) {
		return &itsm.ValidationError{Field: "filter.opened_to", Problem: "must be after opened_from"}
	}
	return nil
}

// Match reports whether inc satisfies the filter. Adapters that cannot push a filter
// into their query use it; the conformance suite uses it as the reference.
func (f Filter) Match(inc *Incident) bool {
	switch {
	case len(f.States) > 0 && !slices.Contains(f.States, inc.State),
		len(f.Priorities) > 0 && !slices.Contains(f.Priorities, inc.Priority),
		f.AssignmentGroup != "" && f.AssignmentGroup != inc.AssignmentGroup,
		f.AssignedTo != "" && f.AssignedTo != inc.AssignedTo,
		f.Caller != "" && f.Caller != inc.Caller,
		f.Service != "" && f.Service != inc.Service,
		f.ConfigurationItem != "" && f.ConfigurationItem != inc.ConfigurationItem,
		!f.Problem.IsZero() && f.Problem != inc.Problem,
		!f.OpenedFrom.IsZero() && inc.OpenedAt.Before(f.OpenedFrom),
		!f.OpenedTo.IsZero() && !inc.OpenedAt.Before(f.OpenedTo),
		!f.ResolvedBefore.IsZero() && (inc.ResolvedAt.IsZero() || !inc.ResolvedAt.Before(f.ResolvedBefore)):
		return false
	}
	return true
}

// Order is the sort order of a List.
type Order uint8

// List orders.
const (
	// ByPriority sorts by priority (P1 first), then OpenedAt (oldest first), then ID:
	// the work queue.
	ByPriority Order = iota
	// ByUpdated sorts by UpdatedAt (newest first), then ID (descending): the activity
	// feed.
	ByUpdated
)

// DefaultLimit and MaxLimit bound a page's size.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// Page asks for one page of a List.
type Page struct {
	// Limit is the page size: 0 means DefaultLimit; more than MaxLimit is invalid.
	Limit int
	// Order is the sort order; every page of one listing must use the same.
	Order Order
	// Cursor is "" for the first page, then the cursor List returned.
	Cursor string
}

// Size returns the effective limit, or an error for a negative or too large limit
// or an unknown order.
func (p Page) Size() (int, error) {
	switch {
	case p.Order > ByUpdated:
		return 0, &itsm.ValidationError{Field: "page.order", Problem: fmt.Sprintf("unknown value %d", p.Order)}
	case p.Limit == 0:
		return DefaultLimit, nil
	case p.Limit < 0 || p.Limit > MaxLimit:
		return 0, &itsm.ValidationError{Field: "page.limit", Problem: fmt.Sprintf("%d is outside 1…%d", p.Limit, MaxLimit)}
	}
	return p.Limit, nil
}

// Cursor is the sort key of the last incident of a page. Adapters encode it with
// String and decode it with ParseCursor, so cursors look alike across adapters.
type Cursor struct {
	Order     Order         `json:"o"`
	Priority  itsm.Priority `json:"p,omitempty"`
	OpenedAt  time.Time     `json:"t,omitzero"`
	UpdatedAt time.Time     `json:"u,omitzero"`
	ID        itsm.ID       `json:"i"`
}

// CursorAfter returns the cursor that continues a listing in order after inc.
func CursorAfter(inc *Incident, order Order) Cursor {
	c := Cursor{Order: order, ID: inc.ID}
	if order == ByPriority {
		c.Priority, c.OpenedAt = inc.Priority, inc.OpenedAt
	} else {
		c.UpdatedAt = inc.UpdatedAt
	}
	return c
}

// String encodes the cursor as an opaque URL-safe string.
func (c Cursor) String() string {
	b, _ := json.Marshal(c) // a struct of plain fields: Marshal cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor decodes a cursor made by String for a listing in order. A cursor that
// is malformed or was made for another order returns [itsm.ErrInvalid].
func ParseCursor(s string, order Order) (Cursor, error) {
	bad := func(problem string) (Cursor, error) {
		return Cursor{}, &itsm.ValidationError{Field: "page.cursor", Problem: problem}
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad("is not a cursor returned by List")
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID.IsZero() {
		return bad("is not a cursor returned by List")
	}
	if c.Order != order {
		return bad("was returned by a listing in another order")
	}
	if order == ByPriority && !c.Priority.Valid() {
		return bad("has no valid priority")
	}
	return c, nil
}

// After reports whether inc sorts strictly after the cursor in the cursor's order.
func (c Cursor) After(inc *Incident) bool {
	return Less(c.Order, c.key(), keyOf(inc, c.Order))
}

// Less reports whether a sorts before b in order. It is the one definition of the
// list orders; adapters translate it into SQL or sort with it.
func Less(order Order, a, b SortKey) bool {
	if order == ByPriority {
		if a.Priority != b.Priority {
			return a.Priority < b.Priority
		}
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return a.ID.Compare(b.ID) < 0
	}
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	return a.ID.Compare(b.ID) > 0
}

// SortKey is what a List order compares: Priority and At (OpenedAt) for ByPriority,
// At (UpdatedAt) for ByUpdated, and ID last.
type SortKey struct {
	Priority itsm.Priority
	At       time.Time
	ID       itsm.ID
}

// KeyOf returns inc's sort key in order.
func KeyOf(inc *Incident, order Order) SortKey { return keyOf(inc, order) }

func keyOf(inc *Incident, order Order) SortKey {
	if order == ByPriority {
		return SortKey{Priority: inc.Priority, At: inc.OpenedAt, ID: inc.ID}
	}
	return SortKey{At: inc.UpdatedAt, ID: inc.ID}
}

func (c Cursor) key() SortKey {
	if c.Order == ByPriority {
		return SortKey{Priority: c.Priority, At: c.OpenedAt, ID: c.ID}
	}
	return SortKey{At: c.UpdatedAt, ID: c.ID}
}

// Record is an incident with its whole journal, as an import writes it.
type Record struct {
	Incident *Incident
	Journal  []itsm.Event
}

// BatchRepository is implemented by adapters that can store many new incidents in one
// transaction, which imports of real event logs need to be fast.
type BatchRepository interface {
	Repository

	// CreateBatch stores every record and its journal, or none of them. Each record
	// is checked as Create checks it, except that its journal may hold several
	// versions: it must be non-empty, hold only the incident's own entries, start at
	// version 1, never go back a version, and end at the incident's Version. A nil
	// Incident, a journal that breaks these rules, or a record that Create would
	// refuse as invalid returns [itsm.ErrInvalid]; a record that collides with a
	// stored one or with another of the batch returns [itsm.ErrAlreadyExists] like
	// Create. CreateBatch need not set the entries' Seq in records: Events returns
	// them.
	CreateBatch(ctx context.Context, records []Record) error
}
