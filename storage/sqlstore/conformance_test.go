package sqlstore_test

import (
	"testing"
	"time"

	_ "github.com/ncruces/go-sqlite3/driver" // a second SQLite driver: the adapter is driver-agnostic

	"github.com/itsmkit/itsmkit/storage/sqlstore/internal/sqltest"
	"github.com/itsmkit/itsmkit/storage/storagetest"
)

// targets are the databases every test runs against: SQLite through modernc.org/sqlite
// and through ncruces/go-sqlite3, and PostgreSQL and MariaDB when configured.
func targets(t *testing.T) []sqltest.Target {
	t.Helper()
	return append(sqltest.Targets(t), sqltest.SQLite("sqlite-ncruces", "sqlite3"))
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, tg := range targets(t) {
		t.Run(tg.Name, func(t *testing.T) {
			t.Parallel()
			storagetest.Run(t, func(t *testing.T) storagetest.Store {
				st := tg.New(t)
				return storagetest.Store{Incidents: st.Incidents(), Improvements: st.Improvements(), TimePrecision: time.Microsecond}
			})
		})
	}
}
