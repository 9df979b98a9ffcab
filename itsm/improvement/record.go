package improvement

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Record is what the metrics read from one record's journal as of a moment: its state,
// its milestones and its counters. [ReadRecord] builds it.
//
// Without [Stamps], the milestones are derived from the events: the created event and
// the transitions (To is the state they leave the record in) for the states, and the
// assignment fields for the first assignment:
//   - Opened is the created event's At.
//   - Assigned is the At of the first event whose Data gives the record a non-empty
//     assignment_group or assigned_to (any JSON value but null and "": a source
//     system may name a person with an object): its first assignment, to a group or a
//     person. A record created with either was assigned when it was opened. This is
//     the incident practice's rule for first_assigned_at.
//   - Resolved is the At of the latest event that leaves the record in resolved.
//   - Closed is the At of the latest event that leaves the record in closed or
//     canceled (the incident practice stamps closed_at on both).
//   - A reopen (an event that leaves a resolved, closed or canceled record in new,
//     in_progress or on_hold) clears Resolved and Closed, as the incident practice
//     clears resolved_at and closed_at.
//
// A milestone whose field [Stamps] names is read from that field instead (see
// Stamps; Opened falls back to the created event's At).
type Record struct {
	Tenant itsm.Tenant
	Kind   itsm.Kind
	ID     itsm.ID
	// Events counts the events at or before AsOf; 0 means the record did not exist
	// yet, and every other field but the identity is zero.
	Events int
	// LastAt is the At of the last event counted.
	LastAt time.Time
	// State is the record's state as of AsOf.
	State string
	// Opened, Assigned, Resolved and Closed are the milestones reached as of AsOf;
	// zero when not reached (Opened is always set).
	Opened, Assigned, Resolved, Closed time.Time
	// Reopens is the larger of the reopen_count field's latest value and the number
	// of reopens among the events (see above).
	Reopens int
	// Reassignments is the larger of the reassignment_count field's latest value and
	// the number of times the assignment_group field changed from one non-empty value
	// to a different one.
	Reassignments int
	// Stays are the record's periods in each state, in order. A state change starts a
	// new stay; an event that leaves the state as it was does not. The first stay
	// starts at Opened; the last one has a zero End: the record is still in it.
	Stays []Stay
}

// Stay is a period a record spent in one state.
type Stay struct {
	State      string
	Start, End time.Time
}

// The journal fields a Record reads besides the stamps.
const (
	fieldReopens       = "reopen_count"
	fieldReassignments = "reassignment_count"
	fieldGroup         = "assignment_group"
	fieldAssignee      = "assigned_to"
)

// ReadRecord folds one record's journal, its events in version order, as of asOf (zero
// means every event). The journal as of asOf is its longest prefix of events at or
// before asOf: a record's writes happen in version order, so an event dated before an
// earlier version's is clock skew and not counted once a later moment has been
// passed.
//
// It returns an [*itsm.ValidationError] (matching [itsm.ErrInvalid]) when events is
// empty, does not begin with a created event, mixes records or goes back in version,
// or when an event's Data is not a JSON object or holds a field the metrics read with
// a value of the wrong type.
func ReadRecord(events []itsm.Event, asOf time.Time, stamps Stamps) (Record, error) {
	return newReader(stamps).read(events, asOf)
}

// reader reads records with one set of stamps; a Collector keeps one.
type reader struct {
	// names of the stamp fields, indexed by milestone
	names [4]string
	// keys are the quoted names of every field worth decoding
	keys [][]byte
}

// Milestone indexes of reader.names and folder.stamped.
const (
	opened = iota
	assigned
	resolved
	closed
)

func newReader(s Stamps) *reader {
	rd := &reader{names: [4]string{opened: s.Opened, assigned: s.Assigned, resolved: s.Resolved, closed: s.Closed}}
	assignee := fieldAssignee // read only to derive the first assignment
	if s.Assigned != "" {
		assignee = ""
	}
	names := [...]string{fieldReopens, fieldReassignments, fieldGroup, assignee, s.Opened, s.Assigned, s.Resolved, s.Closed}
	var buf []byte
	var ends [len(names)]int
	for i, name := range names {
		if name != "" {
			buf = strconv.AppendQuote(buf, name)
		}
		ends[i] = len(buf)
	}
	rd.keys = make([][]byte, 0, len(names))
	start := 0
	for _, end := range ends {
		if end > start {
			rd.keys = append(rd.keys, buf[start:end:end])
		}
		start = end
	}
	return rd
}

func (rd *reader) read(events []itsm.Event, asOf time.Time) (Record, error) {
	if len(events) == 0 {
		return Record{}, &itsm.ValidationError{Field: "events", Problem: "is empty: a journal begins with its created event"}
	}
	first := events[0]
	r := Record{Tenant: first.Tenant, Kind: first.Kind, ID: first.EntityID}
	if first.Type != itsm.EventCreated {
		return r, invalidEvent(first, "type", fmt.Sprintf("is %q, want %q: a journal begins with its created event", first.Type, itsm.EventCreated))
	}
	f := folder{r: &r, rd: rd}
	for i, e := range events {
		if e.Tenant != first.Tenant || e.Kind != first.Kind || e.EntityID != first.EntityID {
			return r, invalidEvent(e, "entity_id", fmt.Sprintf("belongs to %s %s of tenant %q, not to the journal's record", e.Kind, e.EntityID, e.Tenant))
		}
		if i > 0 && e.Version < events[i-1].Version {
			return r, invalidEvent(e, "version", fmt.Sprintf("goes back from %d", events[i-1].Version))
		}
		if !asOf.IsZero() && e.At.After(asOf) {
			break
		}
		if err := f.event(e); err != nil {
			return r, err
		}
	}
	if r.Events == 0 {
		return Record{Tenant: r.Tenant, Kind: r.Kind, ID: r.ID}, nil
	}
	f.finish(asOf)
	return r, nil
}

func invalidEvent(e itsm.Event, field, problem string) error {
	return &itsm.ValidationError{Field: fmt.Sprintf("events[version %d].%s", e.Version, field), Problem: problem}
}

// folder accumulates a Record event by event.
type folder struct {
	r  *Record
	rd *reader
	// derived milestones and counters
	created, assigned, resolved, closed time.Time
	reopens, groupChanges               int
	reopenField, reassignField          int
	group                               string
	// latest values of the stamp fields, indexed by milestone
	stamped [4]time.Time
}

func (f *folder) event(e itsm.Event) error {
	r := f.r
	if r.Events == 0 {
		f.created = e.At
	}
	r.Events++
	r.LastAt = e.At
	if (e.Type == itsm.EventCreated || e.Type == itsm.EventTransitioned) && e.To != "" {
		f.state(e.To, e.At)
	}
	return f.data(e)
}

// state applies an event that leaves the record in state to.
func (f *folder) state(to string, at time.Time) {
	r := f.r
	from := r.State
	if from != to {
		if n := len(r.Stays); n > 0 {
			r.Stays[n-1].End = at
		}
		r.Stays = append(r.Stays, Stay{State: to, Start: at})
		r.State = to
	}
	if isDone(from) && isOpen(to) {
		f.reopens++
		f.resolved, f.closed = time.Time{}, time.Time{}
	}
	switch {
	case to == stateResolved:
		f.resolved = at
	case isFinal(to):
		f.closed = at
	}
}

// data reads the fields of e.Data the metrics need. Most Data mention none: a byte
// search skips them.
func (f *folder) data(e itsm.Event) error {
	if len(e.Data) == 0 || !f.interesting(e.Data) {
		return nil
	}
	s := fields{data: e.Data}
	for key, value, ok := s.next(); ok; key, value, ok = s.next() {
		if err := f.field(key, value, e.At); err != nil {
			return invalidEvent(e, "data."+string(key), err.Error())
		}
	}
	if s.err != nil {
		return invalidEvent(e, "data", s.err.Error())
	}
	return nil
}

func (f *folder) interesting(data []byte) bool {
	for _, k := range f.rd.keys {
		if bytes.Contains(data, k) {
			return true
		}
	}
	return false
}

// field reads one field of the Data of an event at at.
func (f *folder) field(key, value []byte, at time.Time) error {
	var err error
	switch string(key) {
	case fieldReopens:
		f.reopenField, err = count(value)
	case fieldReassignments:
		f.reassignField, err = count(value)
	case fieldGroup:
		err = f.assignGroup(value, at)
	case fieldAssignee:
		// Any value but null and "" names someone: a string, or a source system's
		// reference object.
		if v := string(value); v != "null" && v != `""` {
			f.assign(at)
		}
	}
	if err != nil {
		return err
	}
	for i, name := range f.rd.names {
		if name != "" && name == string(key) {
			if f.stamped[i], err = timestamp(value); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *folder) assignGroup(value []byte, at time.Time) error {
	g, err := text(value)
	if err != nil || g == "" {
		return err
	}
	if f.group != "" && g != f.group {
		f.groupChanges++
	}
	f.group = g
	f.assign(at)
	return nil
}

// assign notes an assignment at at; only the first counts.
func (f *folder) assign(at time.Time) {
	if f.assigned.IsZero() {
		f.assigned = at
	}
}

// count decodes a count: a non-negative integer, or null for 0.
func count(value []byte) (int, error) {
	if string(value) == "null" {
		return 0, nil
	}
	n := 0
	for i, c := range value {
		if c < '0' || c > '9' || i > 15 {
			return 0, fmt.Errorf("is %s, not a count", truncate(string(value)))
		}
		n = n*10 + int(c-'0')
	}
	if len(value) == 0 {
		return 0, fmt.Errorf("is empty, not a count")
	}
	return n, nil
}

// text decodes a JSON string, or null for "".
func text(value []byte) (string, error) {
	if string(value) == "null" {
		return "", nil
	}
	if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' && bytes.IndexByte(value, '\\') < 0 {
		return string(value[1 : len(value)-1]), nil
	}
	var s string
	if err := json.Unmarshal(value, &s); err != nil {
		return "", fmt.Errorf("is %s, not a string", truncate(string(value)))
	}
	return s, nil
}

// timestamp decodes an RFC 3339 string, or null (or "") for the zero time.
func timestamp(value []byte) (time.Time, error) {
	s, err := text(value)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("is %q, not an RFC 3339 time", truncate(s))
	}
	return t, nil
}

// finish settles the milestones and counters once every counted event is folded.
func (f *folder) finish(asOf time.Time) {
	r := f.r
	reached := func(i int, derived time.Time) time.Time {
		if f.rd.names[i] == "" {
			return derived
		}
		if t := f.stamped[i]; !t.IsZero() && (asOf.IsZero() || !t.After(asOf)) {
			return t
		}
		return time.Time{}
	}
	r.Opened = f.created
	if !f.stamped[opened].IsZero() {
		r.Opened = f.stamped[opened]
	}
	r.Assigned = reached(assigned, f.assigned)
	r.Resolved = reached(resolved, f.resolved)
	r.Closed = reached(closed, f.closed)
	r.Reopens = max(f.reopenField, f.reopens)
	r.Reassignments = max(f.reassignField, f.groupChanges)
	if len(r.Stays) > 0 {
		r.Stays[0].Start = r.Opened
	}
}

func truncate(s string) string {
	const n = 48
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
