package incident

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Fold rebuilds an incident from its journal, in version order: the created entry's
// Data holds every field set at opening, each later entry's Data the fields it
// changed, and transitions move the state. Folding the whole journal gives the stored
// record; folding a prefix gives the record as it was at that version. Comments do not
// change the record. A journal whose Data never sets opened_at (event logs that do not
// stamp the opening) gives an incident opened at its created entry's At. Fold is how imported event logs become records, and how a host
// audits that its store and its journal agree.
//
// It returns [itsm.ErrInvalid] for an empty journal, entries of several records, a
// journal that does not start with a created entry, or Data that is not a JSON object
// of the incident's fields.
func Fold(journal []itsm.Event) (*Incident, error) {
	if len(journal) == 0 {
		return nil, &itsm.ValidationError{Field: "journal", Problem: "is empty"}
	}
	first := journal[0]
	if first.Type != itsm.EventCreated {
		return nil, &itsm.ValidationError{Field: "journal[0]", Problem: fmt.Sprintf("is %q, want a created entry", first.Type)}
	}
	inc := &Incident{Meta: itsm.Meta{ID: first.EntityID, Tenant: first.Tenant, CreatedAt: first.At}}
	for i, e := range journal {
		if e.EntityID != first.EntityID || e.Tenant != first.Tenant || e.Kind != itsm.KindIncident {
			return nil, &itsm.ValidationError{Field: fmt.Sprintf("journal[%d]", i), Problem: "belongs to another record"}
		}
		if e.Version < inc.Version {
			return nil, &itsm.ValidationError{Field: fmt.Sprintf("journal[%d]", i), Problem: "is out of version order"}
		}
		if e.To != "" {
			inc.State = State(e.To)
		}
		if e.Type != itsm.EventCommented && len(e.Data) > 0 {
			if err := applyData(inc, e.Data); err != nil {
				return nil, &itsm.ValidationError{Field: fmt.Sprintf("journal[%d].data", i), Problem: err.Error()}
			}
		}
		inc.Version, inc.UpdatedAt = e.Version, e.At
	}
	if inc.OpenedAt.IsZero() { // a log that does not stamp the opening: it is the creation
		inc.OpenedAt = first.At
	}
	return inc, nil
}

// applyData overlays a Data object on inc. JSON null clears a field, which
// encoding/json alone would leave as it was.
func applyData(inc *Incident, data json.RawMessage) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	for k, v := range fields {
		if bytes.Equal(v, []byte("null")) {
			clearField(inc, k)
		}
	}
	return json.Unmarshal(data, inc)
}

func clearField(inc *Incident, name string) {
	times := map[string]*time.Time{
		"first_assigned_at": &inc.FirstAssignedAt, "acknowledged_at": &inc.AcknowledgedAt,
		"resolved_at": &inc.ResolvedAt, "closed_at": &inc.ClosedAt, "reopened_at": &inc.ReopenedAt,
	}
	if t, ok := times[name]; ok {
		*t = time.Time{}
	}
	switch name {
	case "changes":
		inc.Changes = nil
	case "custom":
		inc.Custom = nil
	}
}
