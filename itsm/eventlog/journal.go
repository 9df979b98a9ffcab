package eventlog

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/itsmkit/itsmkit/internal/jsonstr"
	"github.com/itsmkit/itsmkit/itsm"
)

// Case is one record of the log: its journal and its case-level attributes.
type Case struct {
	// ID is the case id as the log writes it, such as "INC0000045".
	ID string
	// EntityID is the record's ID, derived from the tenant, kind and case id (and the
	// time of the created event), so importing a log twice gives the same IDs.
	EntityID itsm.ID
	// Events is the record's journal in version order: version 1 is the created
	// event, then one event per mapped row.
	Events []itsm.Event
	// Lines holds the log line of each event, index for index.
	Lines []int
	// Attributes holds the case attributes of the case's last mapped row, normalized
	// like journal values (times in RFC 3339, UTC); missing values are absent.
	Attributes map[string]string
}

// States returns the state after each event, index for index: the sequence
// conformance checking replays.
func (c *Case) States() []string {
	states := make([]string, len(c.Events))
	cur := ""
	for i, e := range c.Events {
		if e.Type == itsm.EventCreated || e.Type == itsm.EventTransitioned {
			cur = e.To
		}
		states[i] = cur
	}
	return states
}

// builder turns the rows of one case into a Case. It is reused from case to case.
type builder struct {
	p       *plan
	tenant  itsm.Tenant
	actor   string
	trigger func(from, to string) string
	prev    []string // field values of the last event, per slot; "" = missing
	cur     []string
	scratch []byte
	ids     idHasher
}

// build returns the case, or false when no row of it maps. rows must be in case order.
func (b *builder) build(id string, rows []row, rep *Report) (Case, bool) {
	p := b.p
	if len(p.by) > 0 {
		slices.SortStableFunc(rows, func(x, y row) int { return p.compareRows(&x, &y) })
	}
	for i := 1; i < len(rows); i++ {
		rep.Pairs[Pair{rows[i-1].raw, rows[i].raw}]++
	}
	c := Case{ID: id, Events: make([]itsm.Event, 0, len(rows)), Lines: make([]int, 0, len(rows))}
	var state string
	var last *row
	for i := range rows {
		r := &rows[i]
		if r.ignored {
			rep.Ignored++
			continue
		}
		if r.skipped {
			continue
		}
		next := b.target(r.raw, state)
		b.fill(r, state, next, len(c.Events) == 0)
		e := itsm.Event{
			Tenant:  b.tenant,
			Kind:    p.m.Kind,
			Version: int64(len(c.Events) + 1),
			Actor:   b.actor,
			At:      r.at,
		}
		if r.actor != "" {
			e.Actor = r.actor
		}
		if len(c.Events) == 0 {
			if !r.opened.IsZero() {
				e.At = r.opened
			}
			c.EntityID = b.ids.entityID(e.At, b.tenant, p.m.Kind, id)
			e.Type, e.To = itsm.EventCreated, next
			e.Data = b.data(true)
		} else {
			e.Type = itsm.EventUpdated
			if next != state {
				e.Type, e.From, e.To = itsm.EventTransitioned, state, next
				if b.trigger != nil {
					e.Trigger = b.trigger(state, next)
				}
			}
			e.Data = b.data(false)
		}
		e.EntityID = c.EntityID
		e.ID = b.ids.eventID(e.At, c.EntityID, e.Version)
		c.Events = append(c.Events, e)
		c.Lines = append(c.Lines, r.line)
		b.prev, b.cur = b.cur, b.prev
		state, last = next, r
	}
	if last == nil {
		return Case{}, false
	}
	rep.Events += len(c.Events)
	if len(p.attrs) > 0 {
		c.Attributes = make(map[string]string, len(p.attrs))
		for i, a := range p.attrs {
			if v := last.attrs[i]; v != "" {
				c.Attributes[a.name] = v
			}
		}
	}
	return c, true
}

// target returns the state a row with raw value raw leaves the record in, given the
// state before it ("" for the first row).
func (b *builder) target(raw, state string) string {
	m := b.p.m
	if m.State != nil {
		return m.State.Values[raw]
	}
	if to, ok := m.Activity.States[raw]; ok {
		return to
	}
	if state == "" {
		return m.Activity.Initial
	}
	return state
}

// fill computes b.cur, the field values after row r, from b.prev: columns from the
// row, implied fields kept while the state stays and replaced by the row's, counts
// carried and incremented, stamps carried and set once.
func (b *builder) fill(r *row, state, next string, first bool) {
	p := b.p
	if len(b.cur) != len(p.slots) {
		b.cur = make([]string, len(p.slots))
		b.prev = make([]string, len(p.slots))
	}
	if first {
		clear(b.prev)
	}
	col := 0
	for i, s := range p.slots {
		switch s.source {
		case fromColumn:
			b.cur[i] = r.values[col]
			col++
		case fromSet:
			if next == state {
				b.cur[i] = b.prev[i]
			} else {
				b.cur[i] = ""
			}
		case fromCount:
			b.cur[i] = b.prev[i]
			if first {
				b.cur[i] = "0"
			}
		case fromStamp:
			b.cur[i] = b.prev[i]
		}
	}
	for i, v := range p.set[r.raw] {
		b.cur[i] = v
	}
	if i, ok := p.counts[r.raw]; ok {
		n, _ := strconv.Atoi(b.cur[i])
		b.cur[i] = strconv.Itoa(n + 1)
	}
	if i, ok := p.stamps[r.raw]; ok && b.cur[i] == "" {
		b.cur[i] = r.at.Format(time.RFC3339Nano)
	}
}

// data encodes the event's Data: every present field for the created event, else the
// fields that differ from the previous event (null when now missing). Keys are sorted.
func (b *builder) data(created bool) json.RawMessage {
	buf := b.scratch[:0]
	for i, s := range b.p.slots {
		v := b.cur[i]
		if created && v == "" || !created && v == b.prev[i] {
			continue
		}
		if len(buf) == 0 {
			buf = append(buf, '{')
		} else {
			buf = append(buf, ',')
		}
		buf = append(buf, s.key...)
		switch {
		case v == "":
			buf = append(buf, "null"...)
		case s.number:
			buf = append(buf, v...)
		default:
			buf = jsonstr.Append(buf, v)
		}
	}
	b.scratch = buf
	if len(buf) == 0 {
		return nil
	}
	return json.RawMessage(append(append(make([]byte, 0, len(buf)+1), buf...), '}'))
}
