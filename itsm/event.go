package itsm

import (
	"encoding/json"
	"time"
)

// EventType says what a journal entry records.
type EventType string

// The event types every practice writes. Practices may add their own.
const (
	// EventCreated is the first entry of every record (version 1).
	EventCreated EventType = "created"
	// EventTransitioned records a lifecycle transition: From, To and Trigger are set.
	EventTransitioned EventType = "transitioned"
	// EventUpdated records a change of fields without a change of state.
	EventUpdated EventType = "updated"
	// EventCommented records a comment or work note; Data holds its text.
	EventCommented EventType = "commented"
)

// Event is a journal entry. Every write to a record appends one or more, atomically
// with the record's new version; the journal is both the audit trail and the outbox
// that integrations follow.
//
// Data holds the fields the write changed as a flat JSON object, so that folding a
// record's events in version order reconstructs every field the journal tracks: SLA
// clocks and improvement metrics are computed that way.
type Event struct {
	// ID identifies the entry itself (UUIDv7, time-ordered).
	ID ID `json:"id"`
	// Seq is the entry's position in the store's whole journal, assigned by the storage
	// adapter when the write is stored and set on the caller's events when the write
	// returns; 0 before. In a host's transaction that is before the host commits: if
	// the host rolls back, the Seq refers to nothing, and a later entry may be given
	// it again. Seq increases along each record's journal and is unique among the
	// committed entries of a store. Across records it follows insertion order, which on a database with
	// concurrent writers (PostgreSQL, MySQL) is not always commit order: a reader that
	// follows the whole journal by Seq must expect a smaller Seq to become visible
	// after a larger one, and read with a margin.
	Seq int64 `json:"seq,omitempty"`
	// Tenant, Kind and EntityID name the record the entry belongs to.
	Tenant   Tenant `json:"tenant"`
	Kind     Kind   `json:"kind"`
	EntityID ID     `json:"entity_id"`
	// Version is the record's version after this write. Several entries of one write
	// share it; (Tenant, Kind, EntityID, Version, Index) is unique.
	Version int64 `json:"version"`
	// Index orders the entries of one write, from 0.
	Index int `json:"index"`
	// Type says what happened.
	Type EventType `json:"type"`
	// Actor is the ID of the actor who made the write.
	Actor string `json:"actor"`
	// At is when it happened, read from the service's Clock.
	At time.Time `json:"at"`
	// From, To and Trigger describe a lifecycle transition; To alone is set on
	// creation; all are empty for other entries.
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	Trigger string `json:"trigger,omitempty"`
	// Reason is free text the actor gave (hold reason, override reason, …).
	Reason string `json:"reason,omitempty"`
	// Data holds the changed fields as a JSON object, or is empty.
	Data json.RawMessage `json:"data,omitempty"`
}
