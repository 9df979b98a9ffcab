package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
)

// improvementKind describes the improvements table, the CSI register: typed columns
// for identity and for what List filters or orders by, and the rest of the item as a
// JSON object in data. Its columns are in the order of improvementArgs and
// scanImprovement.
func improvementKind() *recordKind[*csi.Item] {
	return &recordKind[*csi.Item]{
		kind:  itsm.KindImprovement,
		table: "improvements",
		columns: []string{"tenant", "id", "number", "version", "created_at", "updated_at", "state", "priority",
			"service", "metric", "owner", "data"},
		key:  func(*csi.Item) string { return "" }, // items have no idempotency key
		meta: func(it *csi.Item) itsm.Meta { return it.Meta },
		args: (*dialect).improvementArgs,
		scan: scanImprovement,
	}
}

// improvementBody is the part of an item kept as JSON, with the Item's tags. Items are
// written far less often than incidents: encoding/json does.
type improvementBody struct {
	Title           string        `json:"title"`
	Description     string        `json:"description"`
	RegisteredBy    string        `json:"registered_by"`
	Unit            string        `json:"unit"`
	Direction       csi.Direction `json:"direction"`
	Baseline        float64       `json:"baseline"`
	Target          float64       `json:"target"`
	Measured        float64       `json:"measured"`
	MeasuredAt      time.Time     `json:"measured_at,omitzero"`
	Due             time.Time     `json:"due,omitzero"`
	OnHoldReason    string        `json:"on_hold_reason"`
	RejectionReason string        `json:"rejection_reason"`
	CancelReason    string        `json:"cancel_reason"`
	ReviewNotes     string        `json:"review_notes"`
	Outcome         csi.Outcome   `json:"outcome"`
	AcceptedAt      time.Time     `json:"accepted_at,omitzero"`
	AssessedAt      time.Time     `json:"assessed_at,omitzero"`
	ApprovedAt      time.Time     `json:"approved_at,omitzero"`
	StartedAt       time.Time     `json:"started_at,omitzero"`
	SubmittedAt     time.Time     `json:"submitted_at,omitzero"`
	ClosedAt        time.Time     `json:"closed_at,omitzero"`
}

// improvementArgs returns it's column values in the order of improvementKind's
// columns.
func (d *dialect) improvementArgs(it *csi.Item) ([]any, error) {
	if err := d.checkTime("created_at", it.CreatedAt, true); err != nil {
		return nil, err
	}
	if err := d.checkTime("updated_at", it.UpdatedAt, true); err != nil {
		return nil, err
	}
	if err := d.checkTexts(
		"tenant", string(it.Tenant), "number", it.Number, "state", string(it.State), "service", it.Service,
		"metric", string(it.Metric), "owner", it.Owner, "title", it.Title, "description", it.Description,
		"registered_by", it.RegisteredBy, "unit", it.Unit, "direction", string(it.Direction),
		"on_hold_reason", it.OnHoldReason, "rejection_reason", it.RejectionReason, "cancel_reason", it.CancelReason,
		"review_notes", it.ReviewNotes, "outcome", string(it.Outcome),
	); err != nil {
		return nil, err
	}
	utc := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.UTC().Truncate(time.Microsecond)
	}
	data, err := json.Marshal(improvementBody{
		Title: it.Title, Description: it.Description, RegisteredBy: it.RegisteredBy, Unit: it.Unit,
		Direction: it.Direction, Baseline: it.Baseline, Target: it.Target, Measured: it.Measured,
		MeasuredAt: utc(it.MeasuredAt), Due: utc(it.Due), OnHoldReason: it.OnHoldReason,
		RejectionReason: it.RejectionReason, CancelReason: it.CancelReason, ReviewNotes: it.ReviewNotes,
		Outcome: it.Outcome, AcceptedAt: utc(it.AcceptedAt), AssessedAt: utc(it.AssessedAt),
		ApprovedAt: utc(it.ApprovedAt), StartedAt: utc(it.StartedAt), SubmittedAt: utc(it.SubmittedAt),
		ClosedAt: utc(it.ClosedAt),
	})
	if err != nil { // a NaN or infinite measure
		return nil, &itsm.ValidationError{Field: "item", Problem: "cannot be encoded as JSON: " + err.Error()}
	}
	return []any{
		string(it.Tenant), d.idArg(it.ID), it.Number, it.Version, d.timeArg(it.CreatedAt), d.timeArg(it.UpdatedAt),
		string(it.State), int64(it.Priority), it.Service, string(it.Metric), it.Owner, string(data),
	}, nil
}

// scanImprovement reads one row of improvementKind's columns.
func scanImprovement(row interface{ Scan(...any) error }) (*csi.Item, error) {
	var (
		it                    csi.Item
		tenant, state, metric string
		priority              int64
		data                  []byte
	)
	err := row.Scan(&tenant, idColumn{&it.ID}, &it.Number, &it.Version, timeColumn{&it.CreatedAt},
		timeColumn{&it.UpdatedAt}, &state, &priority, &it.Service, &metric, &it.Owner, &data)
	if err != nil {
		return nil, err
	}
	var b improvementBody
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("sqlstore: improvement %s: stored data: %w", it.ID, err)
	}
	it.Tenant, it.State, it.Priority, it.Metric = itsm.Tenant(tenant), csi.State(state), itsm.Priority(priority), csi.Metric(metric)
	it.Title, it.Description, it.RegisteredBy, it.Unit = b.Title, b.Description, b.RegisteredBy, b.Unit
	it.Direction, it.Baseline, it.Target, it.Measured = b.Direction, b.Baseline, b.Target, b.Measured
	it.MeasuredAt, it.Due = b.MeasuredAt, b.Due
	it.OnHoldReason, it.RejectionReason, it.CancelReason = b.OnHoldReason, b.RejectionReason, b.CancelReason
	it.ReviewNotes, it.Outcome = b.ReviewNotes, b.Outcome
	it.AcceptedAt, it.AssessedAt, it.ApprovedAt = b.AcceptedAt, b.AssessedAt, b.ApprovedAt
	it.StartedAt, it.SubmittedAt, it.ClosedAt = b.StartedAt, b.SubmittedAt, b.ClosedAt
	return &it, nil
}
