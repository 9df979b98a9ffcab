package eventlog

import (
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// LineError reports a malformed event log: bad CSV quoting, a row with the wrong
// number of columns, a row longer than [MaxRowSize], a header without a column the
// mapping names or naming such a column twice, a missing header, or a case whose rows
// are not contiguous under the Contiguous rule. For bad CSV, Line is where the row
// starts, and the wrapped [*encoding/csv.ParseError] names the line and column where
// the fault was found, such as the end of the log for a quote left open. It matches
// [itsm.ErrInvalid]; Unwrap returns the underlying error when there is one.
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
