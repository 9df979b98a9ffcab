package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/internal/jsonstr"
)

// The JSON body of an incident row is written and read by hand: encoding/json's
// reflection costs more than the rest of a SQLite transition's Go code together, and
// a List page decodes fifty bodies (the hand-written codec takes a third of the time,
// BenchmarkBodyCodec). The encoder writes what encoding/json writes for the same
// fields with the Incident's tags (a test decodes both and compares), and the decoder
// reads any JSON object (a fuzz test compares it with encoding/json), so the column
// stays plain JSON for hosts and tools.

// appendBody appends inc's body, the fields that have no column of their own, as a
// JSON object with the Incident's keys.
func appendBody(b []byte, inc *incident.Incident) ([]byte, error) {
	b = append(b, `{"title":`...)
	b = jsonstr.Append(b, inc.Title)
	b = appendOptString(b, `,"description":`, inc.Description)
	b = append(b, `,"opened_by":`...)
	b = jsonstr.Append(b, inc.OpenedBy)
	b = appendOptString(b, `,"channel":`, string(inc.Channel))
	b = appendOptString(b, `,"category":`, inc.Category)
	b = appendOptString(b, `,"subcategory":`, inc.Subcategory)
	impact, err := inc.Impact.MarshalText()
	if err != nil {
		return nil, err
	}
	urgency, err := inc.Urgency.MarshalText()
	if err != nil {
		return nil, err
	}
	b = append(b, `,"impact":`...)
	b = jsonstr.Append(b, string(impact))
	b = append(b, `,"urgency":`...)
	b = jsonstr.Append(b, string(urgency))
	b = appendOptString(b, `,"priority_override":`, inc.PriorityOverride)
	b = appendOptString(b, `,"on_hold_reason":`, string(inc.OnHoldReason))
	b = appendOptString(b, `,"resolution_code":`, string(inc.ResolutionCode))
	b = appendOptString(b, `,"resolution_notes":`, inc.ResolutionNotes)
	b = appendOptTime(b, `,"first_assigned_at":`, inc.FirstAssignedAt)
	b = appendOptTime(b, `,"acknowledged_at":`, inc.AcknowledgedAt)
	b = appendOptTime(b, `,"closed_at":`, inc.ClosedAt)
	b = appendOptTime(b, `,"reopened_at":`, inc.ReopenedAt)
	b = append(b, `,"reopen_count":`...)
	b = strconv.AppendInt(b, int64(inc.ReopenCount), 10)
	b = append(b, `,"reassignment_count":`...)
	b = strconv.AppendInt(b, int64(inc.ReassignmentCount), 10)
	if !inc.Parent.IsZero() {
		b = append(b, `,"parent":"`...)
		b = append(b, inc.Parent.String()...)
		b = append(b, '"')
	}
	if inc.Major {
		b = append(b, `,"major":true`...)
	}
	if len(inc.Changes) > 0 {
		b = append(b, `,"changes":[`...)
		for i, id := range inc.Changes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			if !id.IsZero() {
				b = append(b, id.String()...)
			}
			b = append(b, '"')
		}
		b = append(b, ']')
	}
	if len(inc.Custom) > 0 {
		custom, err := json.Marshal(inc.Custom)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"custom":`...)
		b = append(b, custom...)
	}
	return append(b, '}'), nil
}

func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return jsonstr.Append(append(b, key...), s)
}

func appendOptTime(b []byte, key string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = append(append(b, key...), '"')
	b = t.UTC().Truncate(time.Microsecond).AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// parseBody reads a JSON object into inc's body fields. Unknown keys are skipped and
// null leaves a field zero. Times come back in UTC.
func parseBody(data []byte, inc *incident.Incident) error {
	p := &jsonParser{b: data}
	p.space()
	if !p.consume('{') {
		return p.fail("an object")
	}
	p.space()
	if p.consume('}') {
		return p.end()
	}
	for {
		p.space()
		key, err := p.key()
		if err != nil {
			return err
		}
		p.space()
		if !p.consume(':') {
			return p.fail("':'")
		}
		p.space()
		if err := p.field(key, inc); err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
		p.space()
		if p.consume('}') {
			return p.end()
		}
		if !p.consume(',') {
			return p.fail("',' or '}'")
		}
	}
}

func (p *jsonParser) field(key []byte, inc *incident.Incident) error {
	var err error
	switch string(key) {
	case "title":
		inc.Title, err = p.string()
	case "description":
		inc.Description, err = p.string()
	case "opened_by":
		inc.OpenedBy, err = p.string()
	case "channel":
		err = p.text((*string)(&inc.Channel))
	case "category":
		inc.Category, err = p.string()
	case "subcategory":
		inc.Subcategory, err = p.string()
	case "impact":
		var s []byte
		if s, err = p.key(); err == nil {
			err = inc.Impact.UnmarshalText(s)
		}
	case "urgency":
		var s []byte
		if s, err = p.key(); err == nil {
			err = inc.Urgency.UnmarshalText(s)
		}
	case "priority_override":
		inc.PriorityOverride, err = p.string()
	case "on_hold_reason":
		err = p.text((*string)(&inc.OnHoldReason))
	case "resolution_code":
		err = p.text((*string)(&inc.ResolutionCode))
	case "resolution_notes":
		inc.ResolutionNotes, err = p.string()
	case "first_assigned_at":
		inc.FirstAssignedAt, err = p.time()
	case "acknowledged_at":
		inc.AcknowledgedAt, err = p.time()
	case "closed_at":
		inc.ClosedAt, err = p.time()
	case "reopened_at":
		inc.ReopenedAt, err = p.time()
	case "reopen_count":
		inc.ReopenCount, err = p.int()
	case "reassignment_count":
		inc.ReassignmentCount, err = p.int()
	case "parent":
		inc.Parent, err = p.id()
	case "major":
		inc.Major, err = p.bool()
	case "changes":
		err = p.decode(&inc.Changes)
	case "custom":
		err = p.decode(&inc.Custom)
	default:
		_, err = p.value()
	}
	return err
}
