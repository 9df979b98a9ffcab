package sqlstore

import (
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage"
)

// An incident is stored as one row: typed, indexed columns for its identity and for
// everything List filters or orders by, and the rest of the record as a JSON object in
// the data column (see body.go). The columns and the body together hold every field
// of incident.Incident exactly once (a test checks it).

// incidentKind describes the incidents table. Its columns are in the order of
// incidentArgs and scanIncident.
func incidentKind() *recordKind[*incident.Incident] {
	return &recordKind[*incident.Incident]{
		kind:  itsm.KindIncident,
		table: "incidents",
		columns: []string{"tenant", "id", "number", "version", "created_at", "updated_at", "state", "priority",
			"caller", "assignment_group", "assigned_to", "service", "configuration_item", "problem", "opened_at",
			"resolved_at", "idempotency_key", "data"},
		idempotencyKey: true,
		key:            func(inc *incident.Incident) string { return inc.IdempotencyKey },
		meta:           func(inc *incident.Incident) itsm.Meta { return inc.Meta },
		args:           (*dialect).incidentArgs,
		scan:           scanIncident,
	}
}

// incidentArgs returns inc's column values in the order of incidentKind's columns.
func (d *dialect) incidentArgs(inc *incident.Incident) ([]any, error) {
	if err := storage.CheckIncident(inc); err != nil {
		return nil, err
	}
	if err := d.checkCustomDepth(inc.Custom); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		field    string
		t        time.Time
		required bool
	}{
		{"created_at", inc.CreatedAt, true},
		{"updated_at", inc.UpdatedAt, true},
		{"opened_at", inc.OpenedAt, true},
		{"resolved_at", inc.ResolvedAt, false},
	} {
		if err := d.checkTime(c.field, c.t, c.required); err != nil {
			return nil, err
		}
	}
	if err := d.checkTexts(
		"tenant", string(inc.Tenant), "number", inc.Number, "state", string(inc.State), "caller", inc.Caller,
		"assignment_group", inc.AssignmentGroup, "assigned_to", inc.AssignedTo, "service", inc.Service,
		"configuration_item", inc.ConfigurationItem, "idempotency_key", inc.IdempotencyKey,
		"title", inc.Title, "description", inc.Description, "opened_by", inc.OpenedBy,
		"channel", string(inc.Channel), "category", inc.Category, "subcategory", inc.Subcategory,
		"priority_override", inc.PriorityOverride, "on_hold_reason", string(inc.OnHoldReason),
		"resolution_code", string(inc.ResolutionCode), "resolution_notes", inc.ResolutionNotes,
	); err != nil {
		return nil, err
	}
	data, err := appendBody(make([]byte, 0, 512), inc)
	if err != nil {
		return nil, &itsm.ValidationError{Field: "incident", Problem: "cannot be encoded as JSON: " + err.Error()}
	}
	return []any{
		string(inc.Tenant), d.idArg(inc.ID), inc.Number, inc.Version,
		d.timeArg(inc.CreatedAt), d.timeArg(inc.UpdatedAt), string(inc.State), int64(inc.Priority), inc.Caller,
		inc.AssignmentGroup, inc.AssignedTo, inc.Service, inc.ConfigurationItem, d.idArg(inc.Problem),
		d.timeArg(inc.OpenedAt), d.timeArg(inc.ResolvedAt), nullString(inc.IdempotencyKey), string(data),
	}, nil
}

// scanIncident reads one row of incidentKind's columns.
func scanIncident(row interface{ Scan(...any) error }) (*incident.Incident, error) {
	var (
		inc      incident.Incident
		tenant   string
		state    string
		priority int64
		key      string
		data     []byte
	)
	err := row.Scan(&tenant, idColumn{&inc.ID}, &inc.Number, &inc.Version,
		timeColumn{&inc.CreatedAt}, timeColumn{&inc.UpdatedAt}, &state, &priority, &inc.Caller,
		&inc.AssignmentGroup, &inc.AssignedTo, &inc.Service, &inc.ConfigurationItem, idColumn{&inc.Problem},
		timeColumn{&inc.OpenedAt}, timeColumn{&inc.ResolvedAt}, nullText{&key}, &data)
	if err != nil {
		return nil, err
	}
	if err := parseBody(data, &inc); err != nil {
		return nil, fmt.Errorf("sqlstore: incident %s: stored data: %w", inc.ID, err)
	}
	inc.Tenant = itsm.Tenant(tenant)
	inc.State = incident.State(state)
	inc.Priority = itsm.Priority(priority)
	inc.IdempotencyKey = key
	return &inc, nil
}
