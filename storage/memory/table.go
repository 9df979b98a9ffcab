package memory

import (
	"fmt"
	"maps"
	"slices"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

// table holds the records of one kind. Its methods run under the Store's mutex and
// enforce the parts of the port contract every kind shares: copies in and out,
// unique IDs, numbers and idempotency keys per tenant, versions, journal atomicity.
type table[R any] struct {
	kind    itsm.Kind
	rows    map[key]R
	numbers map[tenantString]itsm.ID
	keys    map[tenantString]itsm.ID
	// clone deep-copies a record; meta returns its metadata; idem its idempotency key.
	clone func(R) R
	meta  func(R) itsm.Meta
	idem  func(R) string
}

func newTable[R any](kind itsm.Kind, clone func(R) R, meta func(R) itsm.Meta, idem func(R) string) table[R] {
	return table[R]{
		kind: kind, rows: map[key]R{}, numbers: map[tenantString]itsm.ID{}, keys: map[tenantString]itsm.ID{},
		clone: clone, meta: meta, idem: idem,
	}
}

// create stores r and its events. The caller holds the write lock.
func (t *table[R]) create(s *Store, r R, events []itsm.Event) error {
	if err := storage.CheckCreate(t.meta(r), t.kind, events); err != nil {
		return err
	}
	return t.insert(s, r, events)
}

// insert stores a checked record and its journal. The caller holds the write lock.
func (t *table[R]) insert(s *Store, r R, events []itsm.Event) error {
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
	t.rows[k] = t.clone(r)
	s.journal[k] = s.appendEvents(nil, events)
	return nil
}

// importBatch stores records with their whole journals, all or none. The caller
// holds the write lock.
func (t *table[R]) importBatch(s *Store, records []R, journals [][]itsm.Event) error {
	for i, r := range records {
		if err := storage.CheckImport(t.meta(r), t.kind, journals[i]); err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
	}
	// Insert on a scratch copy of the indexes so a duplicate in the middle of the
	// batch leaves the table as it was.
	scratch := *t
	scratch.rows, scratch.numbers, scratch.keys = maps.Clone(t.rows), maps.Clone(t.numbers), maps.Clone(t.keys)
	seq, journal := s.seq, maps.Clone(s.journal)
	for i, r := range records {
		if err := scratch.insert(s, r, journals[i]); err != nil {
			s.seq, s.journal = seq, journal
			for _, j := range journals {
				for k := range j {
					j[k].Seq = 0 // nothing of the batch was stored
				}
			}
			return fmt.Errorf("record %d: %w", i, err)
		}
	}
	*t = scratch
	return nil
}

// get returns a copy of the record. The caller holds the read lock.
func (t *table[R]) get(tenant itsm.Tenant, id itsm.ID) (R, error) {
	r, ok := t.rows[key{tenant, id}]
	if !ok {
		var zero R
		return zero, fmt.Errorf("%s %s: %w", t.kind, id, itsm.ErrNotFound)
	}
	return t.clone(r), nil
}

// findByKey returns a copy of the record opened with idempotency key idemKey.
func (t *table[R]) findByKey(tenant itsm.Tenant, idemKey string) (R, error) {
	id, ok := t.keys[tenantString{tenant, idemKey}]
	if !ok || idemKey == "" {
		var zero R
		return zero, fmt.Errorf("%s with idempotency key %q: %w", t.kind, idemKey, itsm.ErrNotFound)
	}
	return t.clone(t.rows[key{tenant, id}]), nil
}

// update replaces the record if it is still at version expected. The caller holds
// the write lock.
func (t *table[R]) update(s *Store, r R, expected int64, events []itsm.Event) error {
	m := t.meta(r)
	if err := storage.CheckUpdate(m, expected, t.kind, events); err != nil {
		return err
	}
	k := key{m.Tenant, m.ID}
	stored, ok := t.rows[k]
	if !ok {
		return fmt.Errorf("%s %s: %w", t.kind, m.ID, itsm.ErrNotFound)
	}
	sm := t.meta(stored)
	if sm.Version != expected {
		return fmt.Errorf("%s %s: expected version %d, stored %d: %w", t.kind, sm.Number, expected, sm.Version, itsm.ErrConflict)
	}
	if m.Number != sm.Number || t.idem(r) != t.idem(stored) {
		return &itsm.ValidationError{Field: "number", Problem: "number and idempotency key cannot change"}
	}
	t.rows[k] = t.clone(r)
	s.journal[k] = s.appendEvents(s.journal[k], events)
	return nil
}

// list returns copies of the tenant's records that match, sorted by cmp, at most
// limit+1 of them (the extra one tells the caller there is a next page). The caller
// holds the read lock.
func (t *table[R]) list(tenant itsm.Tenant, match func(R) bool, cmp func(a, b R) int, limit int) []R {
	var out []R
	for k, r := range t.rows {
		if k.tenant == tenant && match(r) {
			out = append(out, r)
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
func (t *table[R]) events(s *Store, tenant itsm.Tenant, id itsm.ID) ([]itsm.Event, error) {
	k := key{tenant, id}
	if _, ok := t.rows[k]; !ok {
		return nil, fmt.Errorf("%s %s: %w", t.kind, id, itsm.ErrNotFound)
	}
	return cloneEvents(s.journal[k]), nil
}
