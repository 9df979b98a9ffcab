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

// object builds an event's Data: a flat JSON object of the fields a write changed,
// keyed by the Incident's JSON names. It appends by hand because it runs on every
// write; values are already validated UTF-8. Callers start it on an array of their
// own stack, so only json allocates, once, at the exact size.
type object []byte

// key appends the name of the next field: one of the Incident's JSON names, which
// need no escaping.
func (o object) key(k string) object {
	if len(o) == 0 {
		o = append(o, '{', '"')
	} else {
		o = append(o, ',', '"')
	}
	o = append(o, k...)
	return append(o, '"', ':')
}

func (o object) str(k, v string) object { return jsonstr.Append(o.key(k), v) }

func (o object) num(k string, v int) object { return strconv.AppendInt(o.key(k), int64(v), 10) }

func (o object) boolean(k string, v bool) object { return strconv.AppendBool(o.key(k), v) }

func (o object) time(k string, t time.Time) object {
	o = o.key(k)
	if t.IsZero() {
		return append(o, "null"...)
	}
	o = append(o, '"')
	o = t.UTC().AppendFormat(o, time.RFC3339Nano)
	return append(o, '"')
}

func (o object) raw(k string, v any) object {
	b, err := json.Marshal(v)
	if err != nil {
		return o // only called with values that passed normalizeCustom
	}
	return append(o.key(k), b...)
}

// json closes the object and returns it as a new slice, or nil when it is empty.
func (o object) json() json.RawMessage {
	if len(o) == 0 {
		return nil
	}
	out := make(json.RawMessage, len(o)+1)
	copy(out, o)
	out[len(o)] = '}'
	return out
}

// changes returns the fields that differ between before and after as an event's Data
// (nil when nothing differs). Against a zero Incident it lists every field set, which
// is the Data of a created event. Meta fields are not listed: the event carries them.
func changes(before, after *Incident) json.RawMessage {
	var buf [512]byte
	f := object(buf[:0])
	str := func(k, a, b string) {
		if a != b {
			f = f.str(k, b)
		}
	}
	num := func(k string, a, b int) {
		if a != b {
			f = f.num(k, b)
		}
	}
	tm := func(k string, a, b time.Time) {
		if !a.Equal(b) {
			f = f.time(k, b)
		}
	}
	id := func(k string, a, b itsm.ID) {
		if a != b {
			if b.IsZero() {
				f = f.str(k, "")
			} else {
				f = f.str(k, b.String())
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
		f = f.str("impact", after.Impact.String())
	}
	if before.Urgency != after.Urgency {
		f = f.str("urgency", after.Urgency.String())
	}
	if before.Priority != after.Priority {
		p, _ := after.Priority.MarshalText()
		f = f.str("priority", string(p))
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
		f = f.boolean("major", after.Major)
	}
	id("problem", before.Problem, after.Problem)
	if !slices.Equal(before.Changes, after.Changes) {
		f = f.raw("changes", after.Changes)
	}
	str("idempotency_key", before.IdempotencyKey, after.IdempotencyKey)
	if (len(before.Custom) > 0 || len(after.Custom) > 0) && !reflect.DeepEqual(before.Custom, after.Custom) {
		f = f.raw("custom", after.Custom)
	}
	return f.json()
}
