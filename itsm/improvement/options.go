package improvement

import (
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Calendar measures business time: the working time between two instants. The
// business calendars of itsm/calendar satisfy it.
type Calendar interface {
	// Elapsed returns the working time in [start, end).
	Elapsed(start, end time.Time) time.Duration
}

// Stamps names journal fields that hold a record's milestone times as RFC 3339
// strings, as the incident practice writes them ("opened_at", "first_assigned_at",
// "resolved_at", "closed_at"). Each empty name means "derive the milestone from the
// journal" (see [Record]: transitions for the states, the assignment fields for the
// first assignment).
//
// When a name is set, the milestone is read from that field only: its latest value in
// the events at or before AsOf (null clears it), and the milestone counts as reached
// only when that value is not after AsOf. The journal is then not consulted for it, so
// a log whose source system stamped milestones by its own rules (the UCI ServiceNow
// log stamps resolved_at on the last write while resolved, and never on incidents
// created already resolved) gives the figures that system reports. The Opened field
// is the one exception: a record whose journal lacks it was opened when it was
// created.
type Stamps struct {
	Opened   string
	Assigned string
	Resolved string
	Closed   string
}

// Options selects the records and the moment the metrics describe. The zero value
// measures every record over its whole journal in wall time.
type Options struct {
	// AsOf is the moment the metrics describe: only the events at or before it count
	// (see [ReadRecord]). Zero means every event.
	AsOf time.Time
	// From and To bound the reporting period [From, To); a zero bound is open. A
	// duration sample belongs to the period in which it ends; a rate's population is
	// the records opened in the period. The backlog ignores the period.
	From, To time.Time
	// Calendar, when set, adds business time to every duration.
	Calendar Calendar
	// Stamps names the journal fields that stamp milestones.
	Stamps Stamps
}

func (o Options) validate() error {
	if !o.From.IsZero() && !o.To.IsZero() && !o.From.Before(o.To) {
		return &itsm.ValidationError{Field: "to", Problem: fmt.Sprintf("%s is not after from (%s)", o.To.Format(time.RFC3339), o.From.Format(time.RFC3339))}
	}
	if !o.AsOf.IsZero() && !o.From.IsZero() && o.AsOf.Before(o.From) {
		return &itsm.ValidationError{Field: "as_of", Problem: fmt.Sprintf("%s is before the period begins (%s)", o.AsOf.Format(time.RFC3339), o.From.Format(time.RFC3339))}
	}
	return nil
}

// inPeriod reports whether t lies in [From, To).
func (o Options) inPeriod(t time.Time) bool {
	return (o.From.IsZero() || !t.Before(o.From)) && (o.To.IsZero() || t.Before(o.To))
}
