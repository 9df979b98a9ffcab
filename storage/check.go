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
