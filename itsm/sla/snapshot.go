package sla

import (
	"bytes"
	"fmt"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Snapshot is a record as its journal shows it right after one write: the state and
// every field the journal tracks. Conditions are predicates over snapshots.
type Snapshot struct {
	// At is when the write happened.
	At time.Time
	// Version is the record's version after the write.
	Version int64
	// State is the lifecycle state: the To of the latest transition (the created
	// event's To is the initial state); "" before any.
	State string
	// Fields holds each field by name. JSON strings are kept as they are, other JSON
	// values as their compact JSON text (2, true, {"a":1}); a null removes the field.
	Fields map[string]string
	// Changed lists the fields the write set or removed, sorted. The created event
	// sets every initial field.
	Changed []string
	// Trigger is the lifecycle trigger the write fired, or "".
	Trigger string
}

// Field returns the named field, or "" when the record does not have it.
func (s Snapshot) Field(name string) string { return s.Fields[name] }

// Priority returns the record's "priority" field ("P1" … "P5") and whether it holds
// a valid priority.
func (s Snapshot) Priority() (itsm.Priority, bool) {
	var p itsm.Priority
	if err := p.UnmarshalText([]byte(s.Fields["priority"])); err != nil || !p.Valid() {
		return 0, false
	}
	return p, true
}

// Snapshots folds events, one record's journal in version order, and yields the
// record's snapshot after each write: once per version, after all the events that
// share it. A malformed journal yields a [*itsm.ValidationError] (matching
// [itsm.ErrInvalid]) naming the event at fault, and stops: events of more than one
// record, versions out of order, an event without a time (a zero At), Data that is
// not a JSON object.
//
// To save allocations every snapshot shares one Fields map and one Changed slice,
// which the next write changes: copy them (maps.Clone, slices.Clone) to keep them
// past one iteration. [Fold] returns a snapshot of its own.
func Snapshots(events []itsm.Event) iter.Seq2[Snapshot, error] {
	return func(yield func(Snapshot, error) bool) {
		f := newFolder(events)
		for {
			ok, err := f.next()
			if err != nil {
				yield(Snapshot{}, err)
				return
			}
			if !ok || !yield(f.snap, nil) {
				return
			}
		}
	}
}

// Fold returns the record's snapshot after its last event, with Fields and Changed of
// its own. It returns the errors [Snapshots] does; no events give the zero Snapshot.
func Fold(events []itsm.Event) (Snapshot, error) {
	var last Snapshot
	for s, err := range Snapshots(events) {
		if err != nil {
			return Snapshot{}, err
		}
		last = s
	}
	last.Fields = maps.Clone(last.Fields)
	last.Changed = slices.Clone(last.Changed)
	return last, nil
}

// folder folds a journal one write at a time, reusing its buffers.
type folder struct {
	events  []itsm.Event
	i       int
	snap    Snapshot
	strings map[string]string // interned keys and values, see applyData
	buf     bytes.Buffer
}

func newFolder(events []itsm.Event) *folder {
	return &folder{events: events, snap: Snapshot{Fields: map[string]string{}}}
}

// next applies the next write and reports whether there was one.
func (f *folder) next() (bool, error) {
	if f.i >= len(f.events) {
		return false, nil
	}
	version := f.events[f.i].Version
	f.snap.Version, f.snap.Trigger, f.snap.Changed = version, "", f.snap.Changed[:0]
	for ; f.i < len(f.events) && f.events[f.i].Version == version; f.i++ {
		if err := f.apply(f.i); err != nil {
			return false, err
		}
	}
	slices.Sort(f.snap.Changed)
	f.snap.Changed = slices.Compact(f.snap.Changed)
	return true, nil
}

func (f *folder) apply(i int) error {
	e := &f.events[i]
	if i > 0 {
		prev := &f.events[i-1]
		switch {
		case e.EntityID != prev.EntityID || e.Tenant != prev.Tenant || e.Kind != prev.Kind:
			return eventError(i, "", fmt.Sprintf("belongs to %s %s, not %s %s: pass one record's journal", e.Kind, e.EntityID, prev.Kind, prev.EntityID))
		case e.Version < prev.Version || (e.Version == prev.Version && e.Index <= prev.Index):
			return eventError(i, "", fmt.Sprintf("(version %d, index %d) comes after (version %d, index %d): pass the journal in version order", e.Version, e.Index, prev.Version, prev.Index))
		}
	}
	if e.At.IsZero() {
		// A clock started at the zero time would count centuries of working time.
		return eventError(i, ".at", "is required: stamp every event with the time of its write")
	}
	if e.At.After(f.snap.At) {
		f.snap.At = e.At
	}
	if e.To != "" {
		f.snap.State = e.To
	}
	if e.Trigger != "" {
		f.snap.Trigger = e.Trigger
	}
	if len(e.Data) == 0 {
		return nil
	}
	if err := f.applyData(e.Data); err != nil {
		return eventError(i, ".data", err.Error())
	}
	return nil
}

func eventError(i int, suffix, problem string) error {
	return &itsm.ValidationError{Field: fmt.Sprintf("events[%d]%s", i, suffix), Problem: problem}
}
