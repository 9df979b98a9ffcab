package storage

import (
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// CheckCreate checks what a Create call of any port must satisfy before an adapter
// stores anything: the record is version 1 of a valid tenant with an ID, and every
// event belongs to that record version. It returns a *itsm.ValidationError.
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

func checkRecord(m itsm.Meta, kind itsm.Kind, events []itsm.Event) error {
	if err := m.Tenant.Validate(); err != nil {
		return err
	}
	if m.ID.IsZero() {
		return &itsm.ValidationError{Field: "id", Problem: "is required"}
	}
	for i, e := range events {
		if e.Tenant != m.Tenant || e.Kind != kind || e.EntityID != m.ID || e.Version != m.Version {
			return &itsm.ValidationError{Field: fmt.Sprintf("events[%d]", i), Problem: "does not belong to the record version being written"}
		}
	}
	return nil
}

// CheckImport checks a record written whole with its journal, as a batch import does:
// the journal is the record's own, starts at version 1, never goes back, and ends at
// the record's version.
func CheckImport(m itsm.Meta, kind itsm.Kind, journal []itsm.Event) error {
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
		e.Version = m.Version // checked above; compare the rest
		if err := checkRecord(m, kind, []itsm.Event{e}); err != nil {
			return err
		}
	}
	return nil
}
