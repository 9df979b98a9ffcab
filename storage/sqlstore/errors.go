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
// SQLITE_BUSY or SQLITE_LOCKED. It matches [itsm.ErrConflict], says it is retryable
// ([itsm.IsRetryable]), and unwraps to the driver's error.
type ConflictError struct {
	// Err is the driver's error.
	Err error
}

func (e *ConflictError) Error() string {
	return "sqlstore: concurrent transaction, retry: " + e.Err.Error()
}

// Is reports whether target is [itsm.ErrConflict].
func (e *ConflictError) Is(target error) bool { return target == itsm.ErrConflict }

// Unwrap returns the driver's error.
func (e *ConflictError) Unwrap() error { return e.Err }

// Retryable reports true: the same operation may succeed when tried again.
func (e *ConflictError) Retryable() bool { return true }

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
		return &ConflictError{Err: err}
	}
	return err
}

// SQLite result codes (https://sqlite.org/rescode.html).
const (
	sqliteBusy                 = 5
	sqliteLocked               = 6
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
