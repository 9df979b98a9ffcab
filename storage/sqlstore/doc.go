// Package sqlstore is itsmkit's database/sql storage adapter: one code path for
// SQLite (the embedded default), PostgreSQL and MariaDB/MySQL. It imports no driver;
// the subpackages sqlite, postgres and mysql open a database with the driver and the
// settings the store needs, migrate it and return a ready store.
//
//	store, err := sqlite.Open(ctx, "itsm.db", sqlite.Options{})
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	incidents, err := incident.NewService(store.Incidents(), incident.Options{})
//
// A host that has its own *sql.DB builds the store on it and migrates explicitly:
//
//	store, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.PostgreSQL, TablePrefix: "itsm_"})
//	err = store.Migrate(ctx)
//
// # Schema
//
// One table per record kind (incidents, improvements) with typed, indexed columns for
// what List filters and orders by, tenant first in every index, and the rest of the
// record as a JSON object; one journal table for the events of every kind, whose seq
// column is the global feed order (Event.Seq); one table of per-tenant number
// sequences. Every write is one transaction: the versioned UPDATE … WHERE tenant, id
// and version match, and the journal rows. PostgreSQL does both in one statement.
//
// Seq values come from the database's sequence when a row is inserted. With one
// writer (SQLite) they also follow commit order; in PostgreSQL and MySQL a
// transaction that took a smaller seq may commit after one that took a larger, so a
// reader that follows the journal by seq must not skip past entries of transactions
// still in flight.
//
// Migrations are embedded, versioned and per dialect. Migrate applies them under a
// lock, so several processes may start at once; MigrationSQL exports them for hosts
// that run their own migration tool. A store refuses to work on an outdated schema
// with [ErrSchemaOutdated].
//
// # Host transactions
//
// WithTx (and the repositories' WithTx, which incident.Service.Tx and csi.Service.Tx
// use) binds a store to the host's *sql.Tx: the store's writes commit or roll back
// with the host's own rows. A deadlock or serialization failure there loses the
// host's whole transaction: its [*ConflictError] says so (RetryTx) and is not
// retryable for the call; the host rolls back and runs the transaction again.
//
// # Errors
//
// Driver errors keep their identity (errors.As reaches them) and gain a sentinel:
// unique violations match [itsm.ErrAlreadyExists]; serialization failures,
// deadlocks, lock timeouts and SQLite's SQLITE_BUSY and SQLITE_LOCKED match
// [itsm.ErrConflict] as a [*ConflictError] that [itsm.IsRetryable] reports, except
// in a host transaction the conflict ended (see ConflictError).
//
// # Times
//
// Times are stored in UTC at microsecond precision: timestamptz in PostgreSQL,
// DATETIME(6) in MySQL (through a driver set to parseTime=true and loc=UTC, which
// the mysql opener enforces), and in SQLite text "YYYY-MM-DD HH:MM:SS.ffffff" that
// sorts like the time and that SQLite's date functions read (julianday, strftime).
package sqlstore
