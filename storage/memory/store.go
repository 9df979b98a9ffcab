package memory

import (
	"context"
	"sync"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
)

// Store holds records and their journal in memory. The zero value is not usable; call
// New.
type Store struct {
	mu           sync.RWMutex
	incidents    table[incident.Incident]
	improvements table[csi.Item]
	journal      journal
	numbers      map[tenantKind]int64
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
		incidents:    newIncidentTable(),
		improvements: newImprovementTable(),
		numbers:      map[tenantKind]int64{},
	}
}

// NextNumber implements the NextNumber method of every practice's Repository.
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

// read runs f under the read lock after checking ctx.
func (s *Store) read(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return f()
}

// write runs f under the write lock after checking ctx.
func (s *Store) write(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return f()
}
