package storage

import (
	"fmt"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

// CheckCreate checks what a Create call of any port must satisfy before an adapter
// stores anything: the record is version 1 of a valid tenant, with an ID and its
// creation and update times, and every event belongs to that record version. It
// returns a *itsm.ValidationError.
func CheckCreate(m itsm.Meta, kind itsm.Kind, events []itsm.Event) error {
	if m.Version != 1 {
		return &itsm.ValidationError{Field: "version", Problem: fmt.Sprintf("a new record is version 1, not %d", m.Version)}
	}
	return checkRecord(m, kind, events)
}

// CheckUpdate is CheckCreate for an Update: the record's version is expected+1.
func CheckUpdate(m itsm.Meta, expected int64, kind itsm.Kind, events []itsm.Event) error {
	if m.Version != expected+1 {
		return &itsm.ValidationError{Field: "version", Problem: fmt.Sprintf("an update of version %d writes version %d, not %d", expected, expected+1, m.Version)}
	}
	return checkRecord(m, kind, events)
}

// CheckImport checks a record written whole with its journal, as a batch import does:
// the record's metadata as CheckCreate checks it, and a journal that is the record's
// own, starts at version 1, never goes back, and ends at the record's version.
func CheckImport(m itsm.Meta, kind itsm.Kind, journal []itsm.Event) error {
	if err := checkMeta(m); err != nil {
		return err
	}
	if len(journal) == 0 {
		return &itsm.ValidationError{Field: "journal", Problem: "is empty"}
	}
	if journal[0].Version != 1 || journal[len(journal)-1].Version != m.Version {
		return &itsm.ValidationError{Field: "journal", Problem: fmt.Sprintf("must run from version 1 to the record's version %d", m.Version)}
	}
	for i, e := range journal {
		if i > 0 && e.Version < journal[i-1].Version {
			return &itsm.ValidationError{Field: fmt.Sprintf("journal[%d]", i), Problem: "goes back a version"}
		}
		if !belongs(e, m, kind, e.Version) {
			return &itsm.ValidationError{Field: fmt.Sprintf("journal[%d]", i), Problem: "does not belong to the record being imported"}
		}
	}
	return nil
}

// CheckIncident checks what an incident must hold, beyond its metadata, before any
// write of incident.Repository or incident.BatchRepository stores it: an opening time.
// Every incident is opened at some instant, and the work queue (incident.ByPriority)
// sorts by it. It returns a *itsm.ValidationError.
func CheckIncident(inc *incident.Incident) error {
	if inc == nil {
		return &itsm.ValidationError{Field: "incident", Problem: "is nil"}
	}
	return required("opened_at", inc.OpenedAt)
}

// checkRecord checks the metadata of a record version being written and that every
// event belongs to it.
func checkRecord(m itsm.Meta, kind itsm.Kind, events []itsm.Event) error {
	if err := checkMeta(m); err != nil {
		return err
	}
	for i, e := range events {
		if !belongs(e, m, kind, m.Version) {
			return &itsm.ValidationError{Field: fmt.Sprintf("events[%d]", i), Problem: "does not belong to the record version being written"}
		}
	}
	return nil
}

// checkMeta checks what every record holds whatever its kind: a valid tenant, an ID,
// and the times it was created and last updated.
func checkMeta(m itsm.Meta) error {
	if err := m.Tenant.Validate(); err != nil {
		return err
	}
	if m.ID.IsZero() {
		return &itsm.ValidationError{Field: "id", Problem: "is required"}
	}
	if err := required("created_at", m.CreatedAt); err != nil {
		return err
	}
	return required("updated_at", m.UpdatedAt)
}

// belongs reports whether e is an entry of the record m of kind at version.
func belongs(e itsm.Event, m itsm.Meta, kind itsm.Kind, version int64) bool {
	return e.Tenant == m.Tenant && e.Kind == kind && e.EntityID == m.ID && e.Version == version
}

func required(field string, t time.Time) error {
	if t.IsZero() {
		return &itsm.ValidationError{Field: field, Problem: "is required"}
	}
	return nil
}
