package eventlog

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/internal/jsonstr"
)

// plan is a Mapping bound to a log's header: column indexes, parsed zones and the
// journal's field slots in JSON key order.
type plan struct {
	m       *Mapping
	markers []string // Mapping.Missing
	caseCol int
	time    timeColumn
	opened  *timeColumn
	actor   int // -1 without an actor column
	raw     int // the state or activity column
	// slots are every journal field the mapping fills, sorted by name (the JSON key
	// order of Data); cols holds the column of each fromColumn slot, in slot order.
	slots []slot
	cols  []valueColumn
	attrs []valueColumn // sorted by attribute name
	by    []sortKey
	// Activity mode only.
	ignore  map[string]bool
	updates map[string]bool
	// Implied fields: raw value → (slot index → value).
	set map[string]map[int]string
	// Counted fields: activity → slot index.
	counts map[string]int
	// Stamped fields: activity → slot index.
	stamps map[string]int
}

// slot is one journal field.
type slot struct {
	name   string
	key    []byte // `"name":`
	number bool   // written as a JSON number
	source slotSource
}

type slotSource uint8

const (
	fromColumn slotSource = iota
	fromSet
	fromCount
	fromStamp
)

// timeColumn parses one timestamp column; it caches the last value because logs repeat
// case-level times on every row.
type timeColumn struct {
	name, layout string
	col          int
	loc          *time.Location
	// byName: the layout reads no numeric offset, so the zone of a value, if any,
	// is an abbreviation (MST) that Go may not resolve.
	byName     bool
	lastRaw    string
	last       time.Time
	lastReason Reason
}

// parse returns the time raw holds, in UTC, or the reason it holds none.
func (c *timeColumn) parse(raw string) (time.Time, Reason) {
	if raw != c.lastRaw || c.lastRaw == "" {
		c.lastRaw = raw
		c.last, c.lastReason = c.parseNew(raw)
	}
	return c.last, c.lastReason
}

func (c *timeColumn) parseNew(raw string) (time.Time, Reason) {
	t, err := time.ParseInLocation(c.layout, raw, c.loc)
	if err != nil {
		return time.Time{}, BadTime
	}
	if c.byName && t.Location() != c.loc {
		// Go resolves an abbreviation only against the zone it parses in; any other
		// becomes a made-up zone of offset 0 (GMT+h excepted), as time.Parse documents.
		if name, offset := t.Zone(); offset == 0 && !zeroOffsetName(name) {
			return time.Time{}, BadZone
		}
	}
	return t.UTC(), ""
}

// zeroOffsetName reports whether a zone abbreviation means offset 0 by itself: UTC,
// GMT, GMT+0 or a zero numeric abbreviation such as +00.
func zeroOffsetName(name string) bool {
	return name == "UTC" || strings.Trim(strings.TrimPrefix(name, "GMT"), "+-0") == ""
}

// readsOffset reports whether layout reads a numeric zone offset (-0700, Z07:00, ...):
// a time it writes in a zone of unknown name and offset +5h reads back at +5h.
func readsOffset(layout string) bool {
	ref := time.Date(2006, time.January, 2, 15, 4, 5, 0, time.FixedZone("XQZ", 5*3600))
	t, err := time.Parse(layout, ref.Format(layout))
	_, offset := t.Zone()
	return err == nil && offset == 5*3600
}

// valueColumn turns a raw cell into the normalized journal value: mapped through
// Values, then typed. It caches the last conversion.
type valueColumn struct {
	name   string // field or attribute name
	column string
	col    int
	typ    ValueType
	values map[string]string
	time   timeColumn
	// cache of the last conversion
	lastRaw, lastVal string
	lastReason       Reason
}

// convert returns the normalized value of raw ("" when missing) or the reason it does
// not convert.
func (c *valueColumn) convert(raw string) (string, Reason) {
	if raw == c.lastRaw && raw != "" {
		return c.lastVal, c.lastReason
	}
	v, reason := c.convertNew(raw)
	c.lastRaw, c.lastVal, c.lastReason = raw, v, reason
	return v, reason
}

func (c *valueColumn) convertNew(raw string) (string, Reason) {
	v := raw
	if c.values != nil {
		mapped, ok := c.values[raw]
		if !ok {
			return "", Unmapped
		}
		v = mapped
	}
	switch c.typ {
	case Number:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", BadNumber
		}
		return strconv.FormatInt(n, 10), ""
	case Timestamp:
		t, reason := c.time.parse(v)
		if reason != "" {
			return "", reason
		}
		return t.Format(time.RFC3339Nano), ""
	}
	return v, ""
}

// sortKey is one Order.By column.
type sortKey struct {
	col    int
	isTime bool // the Time column: compare parsed times
}

// newPlan binds m to header. It returns a *LineError (line 1) naming every column the
// mapping needs and the header lacks, or else every column the mapping uses and the
// header names more than once.
func newPlan(m *Mapping, header []string) (*plan, error) {
	h := newHeader(header)
	p := &plan{m: m, markers: m.Missing, actor: -1}
	p.caseCol = h.col(m.Case)
	p.time = newTimeColumn(m.Time, h.col(m.Time.Column))
	if m.Opened != nil {
		t := newTimeColumn(*m.Opened, h.col(m.Opened.Column))
		p.opened = &t
	}
	if m.Actor != "" {
		p.actor = h.col(m.Actor)
	}
	var implied map[string]map[string]string
	if m.State != nil {
		p.raw = h.col(m.State.Column)
		implied = m.State.Set
	} else {
		p.raw = h.col(m.Activity.Column)
		implied = m.Activity.Set
		p.ignore = setOf(m.Activity.Ignore)
		p.updates = setOf(m.Activity.Updates)
	}
	p.slots = journalSlots(m, implied)
	slotOf := make(map[string]int, len(p.slots))
	for i, s := range p.slots {
		slotOf[s.name] = i
		if s.source == fromColumn {
			p.cols = append(p.cols, newValueColumn(s.name, m.Fields[s.name], h.col(m.Fields[s.name].Column)))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Attributes)) {
		p.attrs = append(p.attrs, newValueColumn(name, m.Attributes[name], h.col(m.Attributes[name].Column)))
	}
	p.set = make(map[string]map[int]string, len(implied))
	for raw, fields := range implied {
		p.set[raw] = make(map[int]string, len(fields))
		for name, v := range fields {
			p.set[raw][slotOf[name]] = v
		}
	}
	if m.Activity != nil {
		p.counts = make(map[string]int, len(m.Activity.Counts))
		for act, name := range m.Activity.Counts {
			p.counts[act] = slotOf[name]
		}
		p.stamps = make(map[string]int, len(m.Activity.Stamps))
		for act, name := range m.Activity.Stamps {
			p.stamps[act] = slotOf[name]
		}
	}
	for _, name := range m.Order.By {
		p.by = append(p.by, sortKey{col: h.col(name), isTime: name == m.Time.Column})
	}
	if m.Order.Rule == Sorted && len(p.by) == 0 {
		p.by = []sortKey{{col: p.time.col, isTime: true}}
	}
	if len(h.absent) > 0 {
		return nil, &LineError{Line: 1, Problem: fmt.Sprintf("the header lacks the column(s) %q that mapping %q needs", h.absent, m.Name)}
	}
	if len(h.ambiguous) > 0 {
		return nil, &LineError{Line: 1, Problem: fmt.Sprintf(
			"the header names the column(s) %q that mapping %q uses more than once: rename the duplicates", h.ambiguous, m.Name)}
	}
	return p, nil
}

// header finds columns by name and remembers the names it could not find, and those
// it found more than once.
type header struct {
	index     map[string]int
	dup       map[string]bool
	absent    []string
	ambiguous []string
}

func newHeader(names []string) *header {
	h := &header{index: make(map[string]int, len(names))}
	for i, name := range names {
		if _, dup := h.index[name]; dup {
			if h.dup == nil {
				h.dup = map[string]bool{}
			}
			h.dup[name] = true
			continue
		}
		h.index[name] = i
	}
	return h
}

func (h *header) col(name string) int {
	i, ok := h.index[name]
	if !ok && !slices.Contains(h.absent, name) {
		h.absent = append(h.absent, name)
	}
	if h.dup[name] && !slices.Contains(h.ambiguous, name) {
		h.ambiguous = append(h.ambiguous, name)
	}
	return i
}

// journalSlots lists every journal field the mapping fills, sorted by name: the column
// fields, the fields implied by state values or activities, the counts and the stamps.
func journalSlots(m *Mapping, implied map[string]map[string]string) []slot {
	var slots []slot
	seen := map[string]bool{}
	add := func(name string, source slotSource, number bool) {
		if !seen[name] {
			seen[name] = true
			slots = append(slots, slot{name: name, key: append(jsonstr.Append(nil, name), ':'), source: source, number: number})
		}
	}
	for name, c := range m.Fields {
		add(name, fromColumn, c.Type == Number)
	}
	for _, fields := range implied {
		for name := range fields {
			add(name, fromSet, false)
		}
	}
	if m.Activity != nil {
		for _, name := range m.Activity.Counts {
			add(name, fromCount, true)
		}
		for _, name := range m.Activity.Stamps {
			add(name, fromStamp, false)
		}
	}
	slices.SortFunc(slots, func(a, b slot) int { return cmp.Compare(a.name, b.name) })
	return slots
}

func newTimeColumn(t Time, col int) timeColumn {
	loc, err := loadZone(t.Zone)
	if err != nil {
		loc = time.UTC // unreachable: Validate loaded the zone already
	}
	return timeColumn{name: t.Column, layout: t.Layout, col: col, loc: loc, byName: !readsOffset(t.Layout)}
}

func newValueColumn(name string, c Column, col int) valueColumn {
	v := valueColumn{name: name, column: c.Column, col: col, typ: c.Type, values: c.Values}
	if c.Type == Timestamp {
		v.time = newTimeColumn(Time{Column: c.Column, Layout: c.Layout, Zone: c.Zone}, col)
	}
	return v
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

// missing reports whether a cell holds no value: it is empty or a Missing marker.
// Logs have one or two markers: a loop beats a map here.
func (p *plan) missing(s string) bool {
	if s == "" {
		return true
	}
	for _, m := range p.markers {
		if s == m {
			return true
		}
	}
	return false
}
