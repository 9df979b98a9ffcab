// Package storagetest is the conformance suite of itsmkit's storage adapters: one
// function, Run, that checks everything a Repository port promises. The memory and SQL
// adapters pass it; an integrator's adapter is correct when it passes it too.
//
// The suite imports only the standard library and itsmkit, so running it adds no
// dependency to an adapter's module.
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storagetest.Store {
//			s := myadapter.New(freshDatabase(t))
//			return storagetest.Store{Incidents: s, TimePrecision: time.Microsecond}
//		})
//	}
package storagetest

import (
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm/csi"
)

// Store is what an adapter hands the suite. Its capabilities are what the suite
// checks, and the suite skips exactly what the adapter does not claim, naming it:
//
//   - A practice port: a non-nil Incidents or Improvements field. A nil port is not
//     checked (its tests are skipped), which lets an adapter grow one port at a time.
//   - Batch import: Incidents also implements [incident.BatchRepository]. The suite
//     finds out by type assertion, as callers do; an adapter that wraps its repository
//     must keep the method visible or lose the batch tests.
//   - Time precision: TimePrecision (zero means microseconds). It turns nothing off:
//     the suite writes only times the adapter can hold and expects them back exactly.
//
// Everything else the ports promise (sentinel errors, atomicity, concurrency, tenant
// isolation, paging, invalid input) every adapter must honour; nothing turns it off.
type Store struct {
	// Incidents is the adapter's incident.Repository.
	Incidents incident.Repository
	// Improvements is the adapter's csi.Repository (the CSI register).
	Improvements csi.Repository
	// TimePrecision is the precision at which the adapter stores times: the suite
	// writes times truncated to it and expects them back equal, in UTC. Zero means
	// time.Microsecond.
	TimePrecision time.Duration
}

// Run checks the adapter. newStore is called once per sub-test and must return an
// empty store that no other sub-test uses (a fresh database, schema or table prefix);
// sub-tests run in parallel.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	t.Helper()
	t.Run("Incidents", func(t *testing.T) {
		t.Parallel()
		runIncidents(t, newStore)
	})
	t.Run("Improvements", func(t *testing.T) {
		t.Parallel()
		runImprovements(t, newStore)
	})
}
