package memory

import (
	"fmt"
	"slices"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

// table holds the records of one kind. Its methods run under the Store's mutex and
// enforce the parts of the port contract every kind shares: copies in and out, unique
// IDs, numbers and idempotency keys per tenant, versions, journal atomicity.
type table[V any] struct {
	kind    itsm.Kind
	rows    map[key]*row[V]
	numbers map[tenantString]itsm.ID
	keys    map[tenantString]itsm.ID
	kindFuncs[V]
}

// kindFuncs is what a table needs to know of its kind of record.
type kindFuncs[V any] struct {
	// copy overwrites dst with a deep copy of src; meta returns a record's metadata;
	// idem its idempotency key.
	copy func(dst, src *V)
	meta func(*V) *itsm.Meta
	idem func(*V) string
	// check, when set, refuses a record the kind's port does not accept, beyond what
	// storage.CheckCreate, CheckUpdate and CheckImport check of every kind.
	check func(*V) error
	// inUTC sets every time of a stored copy to UTC: the ports return times in UTC,
	// whatever location the caller wrote them in.
	inUTC func(*V)
}

// row is a stored record, the store's private copy, with its journal entries in
// version order.
type row[V any] struct {
	rec     V
	entries []*itsm.Event
}

func newTable[V any](kind itsm.Kind, f kindFuncs[V]) table[V] {
	return table[V]{
		kind: kind, rows: map[key]*row[V]{}, numbers: map[tenantString]itsm.ID{}, keys: map[tenantString]itsm.ID{},
		kindFuncs: f,
	}
}

// checkKind runs the kind's own check, if it has one.
func (t *table[V]) checkKind(r *V) error {
	if t.check == nil {
		return nil
	}
	return t.check(r)
}

// store overwrites the stored copy dst with src.
func (t *table[V]) store(dst, src *V) {
	t.copy(dst, src)
	t.inUTC(dst)
}

// clone returns a new deep copy of r.
func (t *table[V]) clone(r *V) *V {
	c := new(V)
	t.copy(c, r)
	return c
}

// create stores r and its events. The caller holds the write lock.
func (t *table[V]) create(s *Store, r *V, events []itsm.Event) error {
	if r == nil {
		return t.isNil()
	}
	if err := storage.CheckCreate(*t.meta(r), t.kind, events); err != nil {
		return err
	}
	if err := t.checkKind(r); err != nil {
		return err
	}
	return t.insert(s, r, events)
}

// insert stores a checked record and its journal. The caller holds the write lock.
func (t *table[V]) insert(s *Store, r *V, events []itsm.Event) error {
	m := t.meta(r)
	k := key{m.Tenant, m.ID}
	if _, ok := t.rows[k]; ok {
		return fmt.Errorf("%s %s: %w", t.kind, m.ID, itsm.ErrAlreadyExists)
	}
	num := tenantString{m.Tenant, m.Number}
	if _, ok := t.numbers[num]; ok {
		return fmt.Errorf("%s number %s: %w", t.kind, m.Number, itsm.ErrAlreadyExists)
	}
	idem := tenantString{m.Tenant, t.idem(r)}
	if idem.s != "" {
		if _, ok := t.keys[idem]; ok {
			return fmt.Errorf("%s idempotency key %q: %w", t.kind, idem.s, itsm.ErrAlreadyExists)
		}
		t.keys[idem] = m.ID
	}
	t.numbers[num] = m.ID
	stored := &row[V]{entries: s.journal.append(nil, events)}
	t.store(&stored.rec, r)
	t.rows[k] = stored
	return nil
}

// remove takes back an insert: the record, its number, its key and its journal. The
// caller holds the write lock and rolls the journal back.
func (t *table[V]) remove(k key) {
	r := &t.rows[k].rec
	m := t.meta(r)
	delete(t.numbers, tenantString{m.Tenant, m.Number})
	if idem := t.idem(r); idem != "" {
		delete(t.keys, tenantString{m.Tenant, idem})
	}
	delete(t.rows, k)
}

// importBatch stores records with their whole journals, all or none. The caller
// holds the write lock.
func (t *table[V]) importBatch(s *Store, records []*V, journals [][]itsm.Event) error {
	for i, r := range records {
		if err := storage.CheckImport(*t.meta(r), t.kind, journals[i]); err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
		if err := t.checkKind(r); err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
	}
	at := s.journal.mark()
	added := make([]key, 0, len(records))
	for i, r := range records {
		if err := t.insert(s, r, journals[i]); err != nil {
			for _, k := range added {
				t.remove(k)
			}
			s.journal.rollback(at)
			for _, j := range journals {
				for k := range j {
					j[k].Seq = 0 // nothing of the batch was stored
				}
			}
			return fmt.Errorf("record %d: %w", i, err)
		}
		m := t.meta(r)
		added = append(added, key{m.Tenant, m.ID})
	}
	return nil
}

// get returns a copy of the record. The caller holds the read lock.
func (t *table[V]) get(tenant itsm.Tenant, id itsm.ID) (*V, error) {
	r, ok := t.rows[key{tenant, id}]
	if !ok {
		return nil, fmt.Errorf("%s %s: %w", t.kind, id, itsm.ErrNotFound)
	}
	return t.clone(&r.rec), nil
}

// findByKey returns a copy of the record opened with idempotency key idemKey.
func (t *table[V]) findByKey(tenant itsm.Tenant, idemKey string) (*V, error) {
	id, ok := t.keys[tenantString{tenant, idemKey}]
	if !ok || idemKey == "" {
		return nil, fmt.Errorf("%s with idempotency key %q: %w", t.kind, idemKey, itsm.ErrNotFound)
	}
	return t.clone(&t.rows[key{tenant, id}].rec), nil
}

// update overwrites the stored record, in place, if it is still at version expected.
// The caller holds the write lock.
func (t *table[V]) update(s *Store, r *V, expected int64, events []itsm.Event) error {
	if r == nil {
		return t.isNil()
	}
	m := t.meta(r)
	if err := storage.CheckUpdate(*m, expected, t.kind, events); err != nil {
		return err
	}
	if err := t.checkKind(r); err != nil {
		return err
	}
	k := key{m.Tenant, m.ID}
	stored, ok := t.rows[k]
	if !ok {
		return fmt.Errorf("%s %s: %w", t.kind, m.ID, itsm.ErrNotFound)
	}
	sm := t.meta(&stored.rec)
	if sm.Version != expected {
		return fmt.Errorf("%s %s: expected version %d, stored %d: %w", t.kind, sm.Number, expected, sm.Version, itsm.ErrConflict)
	}
	if m.Number != sm.Number || t.idem(r) != t.idem(&stored.rec) {
		return &itsm.ValidationError{Field: "number", Problem: "number and idempotency key cannot change"}
	}
	t.store(&stored.rec, r)
	stored.entries = s.journal.append(stored.entries, events)
	return nil
}

// list returns copies of the tenant's records that match, sorted by cmp, at most
// limit+1 of them (the extra one tells the caller there is a next page). The caller
// holds the read lock.
func (t *table[V]) list(tenant itsm.Tenant, match func(*V) bool, cmp func(a, b *V) int, limit int) []*V {
	var out []*V
	for k, r := range t.rows {
		if k.tenant == tenant && match(&r.rec) {
			out = append(out, &r.rec)
		}
	}
	slices.SortFunc(out, cmp)
	if len(out) > limit+1 {
		out = out[:limit+1]
	}
	for i, r := range out {
		out[i] = t.clone(r)
	}
	return out
}

// events returns a copy of the record's journal. The caller holds the read lock.
func (t *table[V]) events(s *Store, tenant itsm.Tenant, id itsm.ID) ([]itsm.Event, error) {
	r, ok := t.rows[key{tenant, id}]
	if !ok {
		return nil, fmt.Errorf("%s %s: %w", t.kind, id, itsm.ErrNotFound)
	}
	return copyEntries(r.entries), nil
}

// isNil refuses a nil record.
func (t *table[V]) isNil() error {
	return &itsm.ValidationError{Field: string(t.kind), Problem: "is nil"}
}
