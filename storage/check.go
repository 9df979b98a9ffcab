package storage

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
)

// CheckCreate checks what a Create call of any port must satisfy before an adapter
// stores anything: the record is version 1 of a valid tenant, with an ID and its
// creation and update times, and every event belongs to that record version, with
// the Index of its place among them (0, 1, …). It returns a *itsm.ValidationError.
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
// own, starts at version 1, never goes back, ends at the record's version, and
// numbers the entries of each version 0, 1, … in order (Index).
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
		want := 0
		if i > 0 && e.Version == journal[i-1].Version {
			want = journal[i-1].Index + 1
		}
		if err := checkIndex("journal", i, e.Index, want); err != nil {
			return err
		}
	}
	return nil
}

// CheckIncident checks what an incident must hold, beyond its metadata, before any
// write of incident.Repository or incident.BatchRepository stores it: an opening time
// (every incident is opened at some instant, and the work queue, incident.ByPriority,
// sorts by it) and custom fields that CheckCustom accepts. It returns a
// *itsm.ValidationError.
func CheckIncident(inc *incident.Incident) error {
	if inc == nil {
		return &itsm.ValidationError{Field: "incident", Problem: "is nil"}
	}
	if err := required("opened_at", inc.OpenedAt); err != nil {
		return err
	}
	return CheckCustom(inc.Custom)
}

// CheckCustom refuses custom fields that would not come back from a store as given,
// or that a store would share with its caller: every value must be what JSON decodes
// to (nil, bool, a finite float64, string, []any, map[string]any), nested to any
// depth, and every string and key text that CheckText accepts. An int comes back a
// float64, a []string a []any, a NaN not at all; and an adapter that keeps records in
// memory can deep-copy only the JSON types, so it would hand out, and keep, the
// caller's own slice or map. The error names the value: "custom.tags",
// "custom.tags[0]", "custom.a.b".
func CheckCustom(custom map[string]any) error {
	if custom == nil {
		return nil
	}
	return checkCustomValue("custom", custom)
}

func checkCustomValue(field string, v any) error {
	switch v := v.(type) {
	case nil, bool:
		return nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("is %v, which JSON cannot hold", v)}
		}
		return nil
	case string:
		return CheckText(field, v)
	case []any:
		for i, e := range v {
			if err := checkCustomValue(fmt.Sprintf("%s[%d]", field, i), e); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for k, e := range v {
			if err := CheckText(field+" key", k); err != nil {
				return err
			}
			if err := checkCustomValue(field+"."+k, e); err != nil {
				return err
			}
		}
		return nil
	}
	return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("holds a %T, not a JSON value (nil, bool, float64, string, []any, map[string]any)", v)}
}

// CheckText refuses text that no store keeps as given: invalid UTF-8 (JSON replaces
// it, PostgreSQL refuses it) and NUL bytes (PostgreSQL refuses them). It returns a
// *itsm.ValidationError naming field.
func CheckText(field, value string) error {
	switch {
	case !utf8.ValidString(value):
		return &itsm.ValidationError{Field: field, Problem: "is not valid UTF-8"}
	case strings.IndexByte(value, 0) >= 0:
		return &itsm.ValidationError{Field: field, Problem: "contains a NUL byte"}
	}
	return nil
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
		if err := checkIndex("events", i, e.Index, i); err != nil {
			return err
		}
	}
	return nil
}

// checkIndex refuses an entry whose Index is not want, its place among the entries of
// its version: (version, index) identifies an entry, and orders a record's journal.
func checkIndex(list string, i, index, want int) error {
	if index == want {
		return nil
	}
	return &itsm.ValidationError{Field: fmt.Sprintf("%s[%d].index", list, i), Problem: fmt.Sprintf("is %d, want %d: the entries of a version are numbered 0, 1, … in order", index, want)}
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
