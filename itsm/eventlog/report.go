package eventlog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Reason says why a row could not be mapped.
type Reason string

// The reasons a row is skipped.
const (
	// Missing: a value the row needs (case, time, state or activity) is missing.
	Missing Reason = "missing value"
	// BadTime: a timestamp does not parse with its layout.
	BadTime Reason = "unparsable time"
	// BadZone: a timestamp names a zone abbreviation (such as "EST") that Go does not
	// resolve in the column's zone: read as offset 0, it would shift the time.
	BadZone Reason = "unresolved zone abbreviation"
	// Unmapped: a value is not listed in its value map (a state, an activity or a
	// field value).
	Unmapped Reason = "unmapped value"
	// BadNumber: a value of a number column is not an integer.
	BadNumber Reason = "not an integer"
)

// maxExamples bounds the line numbers and values a Skip keeps.
const maxExamples = 5

// Skip counts the rows skipped for one reason in one column.
type Skip struct {
	Reason Reason
	// Column is the column at fault.
	Column string
	// Count is how many rows were skipped.
	Count int
	// Lines holds the first few line numbers, in log order.
	Lines []int
	// Values holds the first few distinct offending values.
	Values []string
}

// Pair is two consecutive raw values of the state (or activity) column within one
// case, in case order.
type Pair struct{ From, To string }

// Report accounts for every row of an import: Rows = Events + Ignored + Pending + the
// Count of every Skip.
type Report struct {
	// Mapping is the name of the mapping used.
	Mapping string
	// Rows counts the data rows read (the header excluded).
	Rows int
	// Events counts the rows that became journal events.
	Events int
	// Ignored counts the rows the mapping ignores on purpose (Activities.Ignore).
	Ignored int
	// Skipped lists the rows that could not be mapped, by reason and column.
	Skipped []Skip
	// Pending counts the rows an import read but had not yet built into a case when
	// it failed: the rows of the cases it held (but for those Skipped counts already)
	// and the row it was placing when the failure came, if any. It is 0 after a
	// successful import.
	Pending int
	// Cases counts the cases yielded; EmptyCases those none of whose rows became an
	// event, which are not yielded.
	Cases      int
	EmptyCases int
	// Pairs counts the consecutive raw values of the state or activity column within
	// each case, in case order, self-loops included: a statistic of the raw log
	// before mapping. Rows skipped for their case id or time take no part; rows
	// skipped for other reasons and ignored rows do.
	Pairs map[Pair]int
}

// SkippedRows returns the number of rows skipped for any reason.
func (r *Report) SkippedRows() int {
	n := 0
	for _, s := range r.Skipped {
		n += s.Count
	}
	return n
}

// String summarises the report on one line.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d rows, %d events in %d cases, %d ignored, %d skipped",
		r.Mapping, r.Rows, r.Events, r.Cases, r.Ignored, r.SkippedRows())
	if r.Pending > 0 {
		fmt.Fprintf(&b, ", %d pending", r.Pending)
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "; %s in %s x%d (lines %v, values %q)", s.Reason, s.Column, s.Count, s.Lines, s.Values)
	}
	return b.String()
}

// skip records one skipped row.
func (r *Report) skip(reason Reason, column string, line int, value string) {
	i := slices.IndexFunc(r.Skipped, func(s Skip) bool { return s.Reason == reason && s.Column == column })
	if i < 0 {
		r.Skipped = append(r.Skipped, Skip{Reason: reason, Column: column})
		slices.SortFunc(r.Skipped, func(a, b Skip) int {
			return cmp.Or(cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.Column, b.Column))
		})
		i = slices.IndexFunc(r.Skipped, func(s Skip) bool { return s.Reason == reason && s.Column == column })
	}
	s := &r.Skipped[i]
	s.Count++
	if len(s.Lines) < maxExamples {
		s.Lines = append(s.Lines, line)
	}
	if len(s.Values) < maxExamples && !slices.Contains(s.Values, value) {
		s.Values = append(s.Values, truncate(value))
	}
}
