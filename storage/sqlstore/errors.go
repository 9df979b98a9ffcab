package sqlstore

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/itsmkit/itsmkit/itsm"
)

// ErrSchemaOutdated reports a database whose schema is older than this version of the
// package expects (or missing): run Migrate, or the SQL of MigrationSQL. It matches
// none of the itsm sentinels: it is a deployment problem, not a problem with a
// request.
var ErrSchemaOutdated = errors.New("sqlstore: database schema is outdated: run Migrate")

// ConflictError reports a transaction the database aborted because of a concurrent
// one: a serialization failure, a deadlock, a lock wait that timed out, SQLite's
// SQLITE_BUSY or SQLITE_LOCKED. It matches [itsm.ErrConflict] and unwraps to the
// driver's error.
//
// What may be tried again depends on whose transaction it was:
//
//   - On a store that runs its own transactions, the database undid the whole write,
//     and the same call may succeed when made again: RetryTx is false, and Retryable
//     (hence [itsm.IsRetryable]) reports true.
//   - On a store bound to a host's transaction (Store.WithTx), RetryTx reports that
//     the conflict ended or spoilt the host's transaction itself: any conflict in
//     PostgreSQL (a deadlock, a serialization failure, a lock not available: any
//     failed statement aborts the transaction); a deadlock in MySQL and MariaDB
//     (InnoDB rolls the whole transaction back, and any further statement of tx
//     runs on its own, in autocommit), and a lock wait timeout there when it rolls
//     the transaction back too (innodb_rollback_on_timeout); SQLITE_BUSY_SNAPSHOT
//     (the transaction reads a snapshot it can no longer write from). The host's
//     earlier work in tx is lost or unusable too: the host must roll tx back and run
//     the whole transaction again, from BEGIN. Retrying this call alone, in tx,
//     cannot succeed: Retryable reports false, so that retry loops that ask
//     [itsm.IsRetryable] stop. Other conflicts leave the host's transaction as it
//     was before the call (RetryTx false, Retryable true).
type ConflictError struct {
	// Err is the driver's error.
	Err error
	// RetryTx reports that the host's transaction is lost: roll it back and run it
	// again. It is never set on a store that runs its own transactions.
	RetryTx bool
}

func (e *ConflictError) Error() string {
	if e.RetryTx {
		return "sqlstore: concurrent transaction aborted the host's transaction: roll it back and run it again: " + e.Err.Error()
	}
	return "sqlstore: concurrent transaction, retry: " + e.Err.Error()
}

// Is reports whether target is [itsm.ErrConflict].
func (e *ConflictError) Is(target error) bool { return target == itsm.ErrConflict }

// Unwrap returns the driver's error.
func (e *ConflictError) Unwrap() error { return e.Err }

// Retryable reports whether the same call may succeed when made again: true unless
// RetryTx, when only the host's whole transaction can be run again.
func (e *ConflictError) Retryable() bool { return !e.RetryTx }

// errorClass is what a driver error means to the adapter.
type errorClass uint8

const (
	classOther     errorClass = iota
	classDuplicate            // a unique constraint refused the row
	classConflict             // a concurrent transaction won: retry
)

// driverCode is what the package can read of a driver error without importing the
// driver: a SQLSTATE (pgx, lib/pq), or a numeric code (SQLite's extended result code,
// MySQL's error number).
type driverCode struct {
	sqlState string
	number   int64
}

// mapError turns a driver error into one that matches the itsm sentinels while
// keeping the driver's error reachable with errors.As. Other errors come back as
// they are.
func (d *dialect) mapError(err error) error {
	if err == nil {
		return nil
	}
	code, ok := findDriverCode(err)
	if !ok {
		return err
	}
	switch d.classify(code) {
	case classDuplicate:
		return fmt.Errorf("%w: %w", itsm.ErrAlreadyExists, err)
	case classConflict:
		return &ConflictError{Err: err, RetryTx: d.hostTx && d.abortsTx(code)}
	}
	return err
}

// SQLite result codes (https://sqlite.org/rescode.html).
const (
	sqliteBusy                 = 5
	sqliteLocked               = 6
	sqliteBusySnapshot         = 517
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

func classifySQLite(c driverCode) errorClass {
	switch {
	case c.number == sqliteConstraintUnique || c.number == sqliteConstraintPrimaryKey:
		return classDuplicate
	case c.number&0xff == sqliteBusy || c.number&0xff == sqliteLocked:
		return classConflict
	}
	return classOther
}

// sqliteAbortsTx: a transaction that hit SQLITE_BUSY_SNAPSHOT reads a snapshot older
// than the last commit, and can never write.
func sqliteAbortsTx(c driverCode) bool { return c.number == sqliteBusySnapshot }

func classifyPostgreSQL(c driverCode) errorClass {
	switch c.sqlState {
	case "23505": // unique_violation
		return classDuplicate
	case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
		return classConflict
	}
	return classOther
}

// MySQL and MariaDB error numbers.
const (
	mysqlDupEntry         = 1062
	mysqlDupEntryWithKey  = 1586
	mysqlLockWaitTimeout  = 1205
	mysqlDeadlock         = 1213
	mariadbRecordChanged  = 1020 // snapshot isolation: the row changed since read
	mysqlLockNowaitFailed = 3572
)

// postgresAbortsTx: any failed statement aborts a PostgreSQL transaction.
func postgresAbortsTx(driverCode) bool { return true }

// mysqlAbortsTx: InnoDB rolls back the whole transaction of a deadlock's victim. (A
// lock wait timeout does too with innodb_rollback_on_timeout: Store.undoWrite finds
// out.)
func mysqlAbortsTx(c driverCode) bool { return c.number == mysqlDeadlock }

func classifyMySQL(c driverCode) errorClass {
	switch c.number {
	case mysqlDupEntry, mysqlDupEntryWithKey:
		return classDuplicate
	case mysqlLockWaitTimeout, mysqlDeadlock, mariadbRecordChanged, mysqlLockNowaitFailed:
		return classConflict
	}
	return classOther
}

// findDriverCode looks through err's chain for a driver error it can read. The package
// imports no driver, so it recognises their errors by shape:
//   - a SQLState() string method: pgx's *pgconn.PgError, lib/pq's *pq.Error;
//   - an ExtendedCode() or Code() method returning an integer: modernc.org/sqlite's
//     *sqlite.Error (Code is the extended code), ncruces' *sqlite3.Error;
//   - a Number, ExtendedCode or Code integer field: go-sql-driver's *mysql.MySQLError,
//     mattn's sqlite3.Error.
func findDriverCode(err error) (driverCode, bool) {
	for e := range chain(err) {
		if s, ok := e.(interface{ SQLState() string }); ok {
			return driverCode{sqlState: s.SQLState()}, true
		}
		if n, ok := integerCode(e); ok {
			return driverCode{number: n}, true
		}
	}
	return driverCode{}, false
}

// chain yields err and every error it wraps, depth first.
func chain(err error) func(yield func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, inner := range u.Unwrap() {
					if !walk(inner) {
						return false
					}
				}
			}
			return true
		}
		walk(err)
	}
}

func integerCode(e error) (int64, bool) {
	v := reflect.ValueOf(e)
	for _, name := range []string{"ExtendedCode", "Code"} {
		if m := v.MethodByName(name); m.IsValid() && m.Type().NumIn() == 0 && m.Type().NumOut() == 1 {
			if n, ok := integer(m.Call(nil)[0]); ok {
				return n, true
			}
		}
	}
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	for _, name := range []string{"Number", "ExtendedCode", "Code"} {
		if f := v.FieldByName(name); f.IsValid() {
			if n, ok := integer(f); ok {
				return n, true
			}
		}
	}
	return 0, false
}

func integer(v reflect.Value) (int64, bool) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(v.Uint()), true
	}
	return 0, false
}
