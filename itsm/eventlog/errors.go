package eventlog

import (
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// LineError reports a malformed event log: bad CSV quoting, a row with the wrong
// number of columns, a header without a column the mapping names, a missing header,
// or a case whose rows are not contiguous under the Contiguous rule. It matches
// [itsm.ErrInvalid]; Unwrap returns the underlying error (such as a
// [*encoding/csv.ParseError]) when there is one.
//
// Rows that are well formed but cannot be mapped are not errors: Import skips them and
// counts them in its [Report].
type LineError struct {
	// Line is the 1-based line of the log where the problem was found.
	Line int
	// Problem says what is wrong.
	Problem string
	// Err is the underlying error, or nil.
	Err error
}

// Error returns "eventlog: line N: problem", with the underlying error when there is one.
func (e *LineError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("eventlog: line %d: %s: %v", e.Line, e.Problem, e.Err)
	}
	return fmt.Sprintf("eventlog: line %d: %s", e.Line, e.Problem)
}

// Is reports whether target is [itsm.ErrInvalid].
func (e *LineError) Is(target error) bool { return target == itsm.ErrInvalid }

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }
