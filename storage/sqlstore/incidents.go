package sqlstore

import (
	"context"
	"database/sql"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

// Incidents is a Store's incident repository. It implements incident.Repository,
// incident.TxRepository (so incident.Service.Tx can join a host's transaction) and
// incident.BatchRepository (for imports).
type Incidents struct {
	records[*incident.Incident]
}

var (
	_ incident.TxRepository    = (*Incidents)(nil)
	_ incident.BatchRepository = (*Incidents)(nil)
)

// WithTx returns the repository of s.WithTx(tx).
func (r *Incidents) WithTx(tx *sql.Tx) incident.Repository { return r.s.WithTx(tx).Incidents() }

// Create implements incident.Repository: one transaction (one statement in
// PostgreSQL) inserts the row and its journal entries. On success it sets the
// entries' Seq in events.
func (r *Incidents) Create(ctx context.Context, inc *incident.Incident, events []itsm.Event) error {
	if inc == nil {
		return &itsm.ValidationError{Field: "incident", Problem: "is nil"}
	}
	return r.create(ctx, inc, events)
}

// Update implements incident.Repository: one transaction (one statement in
// PostgreSQL) runs the versioned UPDATE … WHERE tenant, id and version match, and
// inserts the journal entries. When no row matched, a second read tells a missing
// incident (ErrNotFound) from a stale version (ErrConflict). On success it sets the
// entries' Seq in events. The number and the idempotency key cannot change
// (ErrInvalid).
func (r *Incidents) Update(ctx context.Context, inc *incident.Incident, expected int64, events []itsm.Event) error {
	if inc == nil {
		return &itsm.ValidationError{Field: "incident", Problem: "is nil"}
	}
	return r.update(ctx, inc, expected, events)
}

// Get implements incident.Repository.
func (r *Incidents) Get(ctx context.Context, tenant itsm.Tenant, id itsm.ID) (*incident.Incident, error) {
	return r.get(ctx, tenant, id)
}

// FindByIdempotencyKey implements incident.Repository.
func (r *Incidents) FindByIdempotencyKey(ctx context.Context, tenant itsm.Tenant, key string) (*incident.Incident, error) {
	return r.findByKey(ctx, tenant, key)
}

// Events implements incident.Repository.
func (r *Incidents) Events(ctx context.Context, tenant itsm.Tenant, id itsm.ID) ([]itsm.Event, error) {
	return r.events(ctx, tenant, id)
}

// NextNumber implements incident.Repository with one upsert of the tenant's sequence
// row; the row lock it takes orders concurrent callers.
func (r *Incidents) NextNumber(ctx context.Context, tenant itsm.Tenant, kind itsm.Kind) (int64, error) {
	return r.s.nextNumber(ctx, tenant, kind)
}
