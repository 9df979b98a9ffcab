package incident

import (
	"maps"
	"slices"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Incident is an unplanned interruption to a service, or a reduction in its quality.
// It is a plain value: services load it from a Repository, change a copy and write it
// back. Zero times mean "not yet".
type Incident struct {
	itsm.Meta

	Title       string  `json:"title"`
	Description string  `json:"description,omitempty"`
	Caller      string  `json:"caller"`
	OpenedBy    string  `json:"opened_by"`
	Channel     Channel `json:"channel,omitempty"`

	// Service and ConfigurationItem reference the affected service and CI by the
	// host's (or the catalog's) identifiers.
	Service           string `json:"service,omitempty"`
	ConfigurationItem string `json:"configuration_item,omitempty"`
	Category          string `json:"category,omitempty"`
	Subcategory       string `json:"subcategory,omitempty"`

	Impact  itsm.Impact  `json:"impact"`
	Urgency itsm.Urgency `json:"urgency"`
	// Priority is derived from Impact and Urgency through the service's matrix, unless
	// PriorityOverride is set: then it holds the level a person chose, with the reason.
	Priority         itsm.Priority `json:"priority"`
	PriorityOverride string        `json:"priority_override,omitempty"`

	AssignmentGroup string `json:"assignment_group,omitempty"`
	AssignedTo      string `json:"assigned_to,omitempty"`

	State           State          `json:"state"`
	OnHoldReason    HoldReason     `json:"on_hold_reason,omitempty"`
	ResolutionCode  ResolutionCode `json:"resolution_code,omitempty"`
	ResolutionNotes string         `json:"resolution_notes,omitempty"`

	OpenedAt        time.Time `json:"opened_at"`
	FirstAssignedAt time.Time `json:"first_assigned_at,omitzero"`
	AcknowledgedAt  time.Time `json:"acknowledged_at,omitzero"`
	ResolvedAt      time.Time `json:"resolved_at,omitzero"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	ReopenedAt      time.Time `json:"reopened_at,omitzero"`

	// ReopenCount counts Reopen transitions. ReassignmentCount counts changes of group
	// or assignee after the first assignment.
	ReopenCount       int `json:"reopen_count"`
	ReassignmentCount int `json:"reassignment_count"`

	Parent  itsm.ID   `json:"parent,omitzero"`
	Major   bool      `json:"major,omitempty"`
	Problem itsm.ID   `json:"problem,omitzero"`
	Changes []itsm.ID `json:"changes,omitempty"`

	// IdempotencyKey, when set at Open, is unique per tenant: opening again with the
	// same key returns the first incident instead of creating a second.
	IdempotencyKey string `json:"idempotency_key,omitempty"`

	// Custom holds host-defined fields. Values are JSON-safe (nil, bool, float64,
	// string, []any, map[string]any): the service normalises them through JSON when
	// the incident is opened, so what is stored is what comes back.
	Custom map[string]any `json:"custom,omitempty"`
}

// LifecycleState implements lifecycle.Subject.
func (i *Incident) LifecycleState() State { return i.State }

// SetLifecycleState implements lifecycle.Subject.
func (i *Incident) SetLifecycleState(s State) { i.State = s }

// SubjectID implements lifecycle.Identified.
func (i *Incident) SubjectID() itsm.ID { return i.ID }

// SubjectNumber implements lifecycle.Numbered.
func (i *Incident) SubjectNumber() string { return i.Number }

// Snapshot implements lifecycle.Snapshotter: a failed transition restores every field.
func (i *Incident) Snapshot() (restore func()) {
	saved := i.Clone()
	return func() { *i = *saved }
}

// Clone returns a deep copy: changing the copy's slices or custom fields leaves i as
// it was. Storage adapters copy records in and out with it.
func (i *Incident) Clone() *Incident {
	c := new(Incident)
	i.CopyTo(c)
	return c
}

// CopyTo overwrites dst with a deep copy of i: Clone into memory the caller already
// has. Adapters that keep records in memory update a stored record with it.
func (i *Incident) CopyTo(dst *Incident) {
	*dst = *i
	dst.Changes = slices.Clone(i.Changes)
	dst.Custom = cloneJSONMap(i.Custom)
}

// IsOpen reports whether the incident still needs work (new, in progress or on hold).
func (i *Incident) IsOpen() bool { return i.State.IsOpen() }

func cloneJSONMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := maps.Clone(m)
	for k, v := range c {
		c[k] = cloneJSONValue(v)
	}
	return c
}

func cloneJSONValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneJSONMap(v)
	case []any:
		c := slices.Clone(v)
		for i := range c {
			c[i] = cloneJSONValue(c[i])
		}
		return c
	default:
		return v
	}
}
