package incident

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/itsmkit/itsmkit/internal/jsonstr"
	"github.com/itsmkit/itsmkit/itsm"
)

// fields builds an event's Data: a flat JSON object of the fields a write changed,
// keyed by the Incident's JSON names. It appends by hand because it runs on every
// write; values are already validated UTF-8.
type fields struct{ b []byte }

func (f *fields) key(k string) {
	if len(f.b) == 0 {
		f.b = make([]byte, 0, 256)
		f.b = append(f.b, '{')
	} else {
		f.b = append(f.b, ',')
	}
	f.b = jsonstr.Append(f.b, k)
	f.b = append(f.b, ':')
}

func (f *fields) str(k, v string) *fields {
	f.key(k)
	f.b = jsonstr.Append(f.b, v)
	return f
}

func (f *fields) num(k string, v int) *fields {
	f.key(k)
	f.b = strconv.AppendInt(f.b, int64(v), 10)
	return f
}

func (f *fields) boolean(k string, v bool) *fields {
	f.key(k)
	f.b = strconv.AppendBool(f.b, v)
	return f
}

func (f *fields) time(k string, t time.Time) *fields {
	if t.IsZero() {
		f.key(k)
		f.b = append(f.b, "null"...)
		return f
	}
	f.key(k)
	f.b = append(f.b, '"')
	f.b = t.UTC().AppendFormat(f.b, time.RFC3339Nano)
	f.b = append(f.b, '"')
	return f
}

func (f *fields) raw(k string, v any) *fields {
	b, err := json.Marshal(v)
	if err != nil {
		return f // only called with values that passed normalizeCustom
	}
	f.key(k)
	f.b = append(f.b, b...)
	return f
}

func (f *fields) json() json.RawMessage {
	if len(f.b) == 0 {
		return nil
	}
	return append(f.b, '}')
}

// changes returns the fields that differ between before and after as an event's Data
// (nil when nothing differs). Against a zero Incident it lists every field set, which
// is the Data of a created event. Meta fields are not listed: the event carries them.
func changes(before, after *Incident) json.RawMessage {
	var f fields
	str := func(k, a, b string) {
		if a != b {
			f.str(k, b)
		}
	}
	num := func(k string, a, b int) {
		if a != b {
			f.num(k, b)
		}
	}
	tm := func(k string, a, b time.Time) {
		if !a.Equal(b) {
			f.time(k, b)
		}
	}
	id := func(k string, a, b itsm.ID) {
		if a != b {
			if b.IsZero() {
				f.str(k, "")
			} else {
				f.str(k, b.String())
			}
		}
	}
	str("number", before.Number, after.Number)
	str("title", before.Title, after.Title)
	str("description", before.Description, after.Description)
	str("caller", before.Caller, after.Caller)
	str("opened_by", before.OpenedBy, after.OpenedBy)
	str("channel", string(before.Channel), string(after.Channel))
	str("service", before.Service, after.Service)
	str("configuration_item", before.ConfigurationItem, after.ConfigurationItem)
	str("category", before.Category, after.Category)
	str("subcategory", before.Subcategory, after.Subcategory)
	if before.Impact != after.Impact {
		f.str("impact", after.Impact.String())
	}
	if before.Urgency != after.Urgency {
		f.str("urgency", after.Urgency.String())
	}
	if before.Priority != after.Priority {
		p, _ := after.Priority.MarshalText()
		f.str("priority", string(p))
	}
	str("priority_override", before.PriorityOverride, after.PriorityOverride)
	str("assignment_group", before.AssignmentGroup, after.AssignmentGroup)
	str("assigned_to", before.AssignedTo, after.AssignedTo)
	str("on_hold_reason", string(before.OnHoldReason), string(after.OnHoldReason))
	str("resolution_code", string(before.ResolutionCode), string(after.ResolutionCode))
	str("resolution_notes", before.ResolutionNotes, after.ResolutionNotes)
	tm("opened_at", before.OpenedAt, after.OpenedAt)
	tm("first_assigned_at", before.FirstAssignedAt, after.FirstAssignedAt)
	tm("acknowledged_at", before.AcknowledgedAt, after.AcknowledgedAt)
	tm("resolved_at", before.ResolvedAt, after.ResolvedAt)
	tm("closed_at", before.ClosedAt, after.ClosedAt)
	tm("reopened_at", before.ReopenedAt, after.ReopenedAt)
	num("reopen_count", before.ReopenCount, after.ReopenCount)
	num("reassignment_count", before.ReassignmentCount, after.ReassignmentCount)
	id("parent", before.Parent, after.Parent)
	if before.Major != after.Major {
		f.boolean("major", after.Major)
	}
	id("problem", before.Problem, after.Problem)
	if !slices.Equal(before.Changes, after.Changes) {
		f.raw("changes", after.Changes)
	}
	str("idempotency_key", before.IdempotencyKey, after.IdempotencyKey)
	if !reflect.DeepEqual(before.Custom, after.Custom) {
		f.raw("custom", after.Custom)
	}
	return f.json()
}
