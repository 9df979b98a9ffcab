package eventlog

import "github.com/itsmkit/itsmkit/itsm"

// Mapping declares how a CSV event log becomes journals: which column names the case,
// which one dates each row, how rows move the state and which columns become journal
// fields or case attributes. It is plain data: build one in Go, or load one from JSON
// with [LoadMapping]. Call [Mapping.Validate] (Import and LoadMapping do) before use.
//
// Each data row of the log is one write to the record its case names. The first row of
// a case that maps becomes an [itsm.EventCreated] event whose Data holds every field
// the row has a value for; each later row becomes an [itsm.EventTransitioned] event
// when it moves the state and an [itsm.EventUpdated] event otherwise, with Data holding
// the fields whose value differs from the previous event's (null when a value went
// missing).
//
// A journal field is filled from exactly one source: a column (Fields), a state value
// or activity that implies it (States.Set, Activities.Set), an activity that counts
// it (Activities.Counts) or an activity whose first occurrence stamps it with the
// row's time (Activities.Stamps).
type Mapping struct {
	// Name identifies the mapping in reports and errors.
	Name string `json:"name"`
	// Kind is the kind of record each case becomes, such as "incident".
	Kind itsm.Kind `json:"kind"`
	// Comma is the field delimiter, one character other than NUL, the quote ("), a
	// line break and U+FFFD; empty means ",".
	Comma string `json:"comma,omitempty"`
	// Missing lists the cell values that mean "no value", such as "?". An empty cell
	// always means no value.
	Missing []string `json:"missing,omitempty"`
	// Case is the column that names the case (the record) a row belongs to.
	Case string `json:"case"`
	// Time is the column that dates each row: the time of its event.
	Time Time `json:"time"`
	// Opened, when set, is a case-level column holding when the record was opened;
	// its value on the case's first row dates the created event instead of Time.
	Opened *Time `json:"opened,omitempty"`
	// Actor, when set, is the column naming who made each write; without it every
	// event carries [Options.Actor].
	Actor string `json:"actor,omitempty"`
	// Order says how the rows of a case are found and ordered.
	Order Order `json:"order"`
	// State maps a column of state values to states. Exactly one of State and
	// Activity is set.
	State *States `json:"state,omitempty"`
	// Activity maps a column of activities (actions, not states) to state changes and
	// updates.
	Activity *Activities `json:"activity,omitempty"`
	// Fields maps journal field names (snake_case, such as "priority") to the columns
	// that hold them. A row's fields are compared with the previous event's to find
	// what the write changed.
	Fields map[string]Column `json:"fields,omitempty"`
	// Attributes maps case attribute names to columns that hold a value for the whole
	// case (such as a final resolution time). A case's attributes are read from its
	// last mapped row and never enter the journal.
	Attributes map[string]Column `json:"attributes,omitempty"`
}

// Time is a timestamp column with its layout.
type Time struct {
	// Column names the column.
	Column string `json:"column"`
	// Layout is a Go time layout, such as "2/1/2006 15:04".
	//
	// A layout with a zone abbreviation (MST) and no numeric offset (-0700) reads an
	// abbreviation only when Go resolves it: "UTC", "GMT" (or "GMT+h"), or one the
	// Zone location uses at that date, such as "EST" or "EDT" in "America/New_York".
	// Go reads any other as offset 0 (see time.Parse); Import skips such a row
	// instead and reports it with reason [BadZone].
	Layout string `json:"layout"`
	// Zone is the IANA name of the zone the values are written in, for layouts
	// without a zone; empty means UTC. It also resolves zone abbreviations (see
	// Layout).
	Zone string `json:"zone,omitempty"`
}

// OrderRule names how the rows of a case appear in the log.
type OrderRule string

// The order rules.
const (
	// Contiguous: the rows of a case are next to each other, in the order they were
	// written (unless Order.By sorts them). Import streams: it holds one case at a
	// time. A case whose rows are interrupted by another case's is a malformed log.
	Contiguous OrderRule = "contiguous"
	// Sorted: rows of all cases are interleaved in any order. Import buffers the whole
	// log, then sorts each case's rows by Order.By (the Time column when By is empty).
	// Cases are yielded in the order of their first row.
	Sorted OrderRule = "sorted"
)

// Order says how the rows of a case are found and ordered.
type Order struct {
	// Rule is Contiguous or Sorted.
	Rule OrderRule `json:"rule"`
	// By lists the columns that order a case's rows, compared in turn: the Time
	// column by its parsed value, other columns as integers when both values are
	// integers and as strings otherwise. The sort is stable, so rows that compare
	// equal keep their order in the log.
	By []string `json:"by,omitempty"`
}

// States maps a column of state values (one state per row) to states.
type States struct {
	// Column names the column.
	Column string `json:"column"`
	// Values maps each raw value to a state, such as "Active" to "in_progress". A row
	// whose value is not listed is skipped and reported.
	Values map[string]string `json:"values"`
	// Set lists, per raw value, fields the value implies, such as "Awaiting Vendor"
	// setting "on_hold_reason" to "awaiting_vendor". They hold while the record stays
	// in the state the value maps to and are cleared when the state changes.
	Set map[string]map[string]string `json:"set,omitempty"`
}

// Activities maps a column of activities (one action per row) to journal events.
// Every activity must be listed in exactly one of States, Updates and Ignore; a row
// with an unlisted activity is skipped and reported.
type Activities struct {
	// Column names the column.
	Column string `json:"column"`
	// Initial is the state of a record whose first mapped row does not move the
	// state (its opening happened before the log begins).
	Initial string `json:"initial"`
	// States maps the activities that move the record to the state they move it to.
	// An activity that leads to the state the record is already in is an update.
	States map[string]string `json:"states,omitempty"`
	// Updates lists the activities that become updated events.
	Updates []string `json:"updates,omitempty"`
	// Ignore lists the activities that become no event at all; Report.Ignored counts
	// them.
	Ignore []string `json:"ignore,omitempty"`
	// Counts maps activities to number fields that count them: each occurrence adds
	// one, such as "Reassignment" counting "reassignment_count". A counted activity
	// must be listed in States or Updates. Counts start at 0 on the created event.
	Counts map[string]string `json:"counts,omitempty"`
	// Stamps maps activities to time fields that stamp when the activity first
	// happens: the first mapped row of a case with the activity sets the field to the
	// row's Time (not Opened), written as an RFC 3339 string in UTC, such as
	// "Assignment" stamping "first_assigned_at"; later rows leave the field as it is.
	// Several activities may stamp one field: the first row with any of them sets it.
	// A stamped activity must be listed in States or Updates, and its field may not be
	// filled from a column, a count or a Set.
	Stamps map[string]string `json:"stamps,omitempty"`
	// Set lists, per activity of States, fields the activity implies; they hold while
	// the record stays in the state it moved to (see States.Set).
	Set map[string]map[string]string `json:"set,omitempty"`
}

// ValueType says how a column's values are written into the journal.
type ValueType string

// The value types.
const (
	// String values are written as JSON strings (the default).
	String ValueType = "string"
	// Number values must be integers and are written as JSON numbers.
	Number ValueType = "number"
	// Timestamp values are parsed with Column.Layout and written as RFC 3339 strings
	// in UTC.
	Timestamp ValueType = "time"
)

// Column maps one column to a journal field or a case attribute.
type Column struct {
	// Column names the column.
	Column string `json:"column"`
	// Type is how the value is written; empty means String.
	Type ValueType `json:"type,omitempty"`
	// Layout and Zone parse Timestamp values (see Time).
	Layout string `json:"layout,omitempty"`
	Zone   string `json:"zone,omitempty"`
	// Values, when set, maps raw values to journal values before typing, such as
	// "2 - Medium" to "medium". A value not listed makes the row unmappable: it is
	// skipped and reported.
	Values map[string]string `json:"values,omitempty"`
}
