package csi

import (
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Item is one entry of the CSI register: an improvement to a service, aimed at one
// metric, from a baseline value to a target value. It is a plain value: services load
// it from a Repository, change a copy and write it back. Zero times mean "not yet".
type Item struct {
	itsm.Meta

	Title        string `json:"title"`
	Description  string `json:"description"`
	RegisteredBy string `json:"registered_by"`

	// Service references the service (or process) the item improves, by the host's or
	// the catalog's identifier.
	Service string `json:"service"`
	// Metric is what the item aims to move, measured in Unit ("h", "%", …).
	Metric Metric `json:"metric"`
	Unit   string `json:"unit"`
	// Direction says which way Metric improves. Target improves on Baseline in it.
	Direction Direction `json:"direction"`
	Baseline  float64   `json:"baseline"`
	Target    float64   `json:"target"`
	// Measured is the latest value recorded, at MeasuredAt; a zero MeasuredAt means
	// nothing was measured yet. Start and rework discard it (see DefaultLifecycle), so
	// during the work it is a value measured on the work.
	Measured   float64   `json:"measured"`
	MeasuredAt time.Time `json:"measured_at,omitzero"`

	Owner    string        `json:"owner"`
	Priority itsm.Priority `json:"priority"`
	Due      time.Time     `json:"due,omitzero"`

	State           State  `json:"state"`
	OnHoldReason    string `json:"on_hold_reason"`
	RejectionReason string `json:"rejection_reason"`
	CancelReason    string `json:"cancel_reason"`
	// ReviewNotes and Outcome are recorded when the item is closed; Outcome is the
	// Evaluate verdict on the measured value at that moment.
	ReviewNotes string  `json:"review_notes"`
	Outcome     Outcome `json:"outcome"`

	// The milestones: when the item was accepted, when its assessment began, when it
	// was approved, when work started, when it was (last) submitted for review, and
	// when it reached a final state (closed, rejected or canceled).
	AcceptedAt  time.Time `json:"accepted_at,omitzero"`
	AssessedAt  time.Time `json:"assessed_at,omitzero"`
	ApprovedAt  time.Time `json:"approved_at,omitzero"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
}

// LifecycleState implements lifecycle.Subject.
func (it *Item) LifecycleState() State { return it.State }

// SetLifecycleState implements lifecycle.Subject.
func (it *Item) SetLifecycleState(s State) { it.State = s }

// SubjectID implements lifecycle.Identified.
func (it *Item) SubjectID() itsm.ID { return it.ID }

// SubjectNumber implements lifecycle.Numbered.
func (it *Item) SubjectNumber() string { return it.Number }

// Snapshot implements lifecycle.Snapshotter: a failed transition restores every field.
func (it *Item) Snapshot() (restore func()) {
	saved := *it
	return func() { *it = saved }
}

// Clone returns a copy. An Item holds no slices or maps, so the copy shares nothing
// with it. Storage adapters copy records in and out with it.
func (it *Item) Clone() *Item {
	c := *it
	return &c
}

// Ref returns the reference to the item at its current version.
func (it *Item) Ref() Ref { return Ref{ID: it.ID, Version: it.Version} }

// IsMeasured reports whether a value was recorded.
func (it *Item) IsMeasured() bool { return !it.MeasuredAt.IsZero() }

// Evaluate returns the verdict on the measured value: [Achieved] when it meets or
// beats Target, [Improved] when it only beats Baseline, [NotImproved] otherwise, and
// "" while nothing was measured (or for an item without a valid Direction).
func (it *Item) Evaluate() Outcome {
	switch {
	case !it.IsMeasured() || !it.Direction.Valid():
		return ""
	case !it.Direction.Improves(it.Target, it.Measured):
		return Achieved
	case it.Direction.Improves(it.Measured, it.Baseline):
		return Improved
	}
	return NotImproved
}
