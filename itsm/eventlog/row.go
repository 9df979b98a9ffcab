package eventlog

import (
	"cmp"
	"strconv"
	"time"
)

// row is one data row of a case, parsed.
type row struct {
	line int
	at   time.Time // in UTC, like opened
	// raw is the row's value in the state or activity column, as written.
	raw string
	// skipped rows could not be mapped (the report counts them already); ignored rows
	// hold an activity the mapping ignores. Both take part in Report.Pairs only.
	skipped, ignored bool
	opened           time.Time // zero when the Opened column is missing or unmapped
	actor            string
	values           []string // normalized field values in plan.cols order; "" = missing
	attrs            []string // normalized attribute values in plan.attrs order
	keys             []string // raw Order.By values
}

// parseRow parses rec, a row of a case whose id the caller has read, keeping its values
// in buf when buf is large enough (see importer.recycle). It returns false when the
// row has no usable time (the row is then counted as skipped and takes no part in the
// case at all).
func (p *plan) parseRow(rec []string, line int, rep *Report, buf []string) (row, bool) {
	r := row{line: line}
	rawTime := rec[p.time.col]
	if p.missing(rawTime) {
		rep.skip(Missing, p.time.name, line, rawTime)
		return r, false
	}
	at, reason := p.time.parse(rawTime)
	if reason != "" {
		rep.skip(reason, p.time.name, line, rawTime)
		return r, false
	}
	r.at = at
	r.raw = rec[p.raw]
	if len(p.by) > 0 {
		r.keys = make([]string, len(p.by))
		for i, k := range p.by {
			r.keys[i] = rec[k.col]
		}
	}
	rawColumn := p.rawColumn()
	switch {
	case p.missing(r.raw):
		rep.skip(Missing, rawColumn, line, r.raw)
		r.skipped = true
		return r, true
	case p.m.State != nil:
		if _, ok := p.m.State.Values[r.raw]; !ok {
			rep.skip(Unmapped, rawColumn, line, r.raw)
			r.skipped = true
			return r, true
		}
	case p.ignore[r.raw]:
		r.ignored = true
		return r, true
	default:
		if _, ok := p.m.Activity.States[r.raw]; !ok && !p.updates[r.raw] {
			rep.skip(Unmapped, rawColumn, line, r.raw)
			r.skipped = true
			return r, true
		}
	}
	if p.opened != nil {
		raw := rec[p.opened.col]
		if !p.missing(raw) {
			if r.opened, reason = p.opened.parse(raw); reason != "" {
				rep.skip(reason, p.opened.name, line, raw)
				r.skipped = true
				return r, true
			}
		}
	}
	if p.actor >= 0 && !p.missing(rec[p.actor]) {
		r.actor = rec[p.actor]
	}
	values := buf[:0]
	if n := len(p.cols) + len(p.attrs); cap(buf) >= n {
		values = buf[:n]
		clear(values)
	} else {
		values = make([]string, n)
	}
	r.values, r.attrs = values[:len(p.cols)], values[len(p.cols):]
	if !p.convert(p.cols, rec, r.values, line, rep) || !p.convert(p.attrs, rec, r.attrs, line, rep) {
		r.skipped = true
	}
	return r, true
}

// convert fills out with the normalized values of cols, or counts the first failure
// and returns false.
func (p *plan) convert(cols []valueColumn, rec, out []string, line int, rep *Report) bool {
	for i := range cols {
		c := &cols[i]
		raw := rec[c.col]
		if p.missing(raw) {
			continue
		}
		v, reason := c.convert(raw)
		if reason != "" {
			rep.skip(reason, c.column, line, raw)
			return false
		}
		out[i] = v
	}
	return true
}

func (p *plan) rawColumn() string {
	if p.m.State != nil {
		return p.m.State.Column
	}
	return p.m.Activity.Column
}

// compareRows orders two rows of a case by Order.By.
func (p *plan) compareRows(a, b *row) int {
	for i, k := range p.by {
		if k.isTime {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			continue
		}
		if c := compareValues(a.keys[i], b.keys[i]); c != 0 {
			return c
		}
	}
	return 0
}

// compareValues compares two integers numerically and anything else as strings.
func compareValues(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(a, b)
}
