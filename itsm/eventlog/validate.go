package eventlog

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/itsmkit/itsmkit/itsm"
)

// Validate reports every problem of the mapping, each as an [*itsm.ValidationError]
// naming the JSON path of the setting at fault (such as "state.values"), joined with
// [errors.Join]; the result matches [itsm.ErrInvalid]. It returns nil for a usable
// mapping. Column names are checked against a log's header only when it is imported.
func (m *Mapping) Validate() error {
	v := &validator{}
	v.require("name", m.Name)
	v.name("kind", string(m.Kind))
	if m.Comma != "" {
		// The delimiters encoding/csv refuses: NUL, line breaks, the quote, and the
		// replacement character (also what invalid UTF-8 decodes to).
		r, size := utf8.DecodeRuneInString(m.Comma)
		if size != len(m.Comma) || r == 0 || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
			v.fail("comma", fmt.Sprintf("%q is not one character usable as a delimiter (not NUL, a quote or a line break)", truncate(m.Comma)))
		}
	}
	v.require("case", m.Case)
	v.time("time", m.Time)
	if m.Opened != nil {
		v.time("opened", *m.Opened)
	}
	switch m.Order.Rule {
	case Contiguous, Sorted:
	default:
		v.fail("order.rule", fmt.Sprintf("is %q, want %q or %q", m.Order.Rule, Contiguous, Sorted))
	}
	for i, c := range m.Order.By {
		v.require(fmt.Sprintf("order.by[%d]", i), c)
	}
	filled := map[string]string{} // journal field → the source that fills it
	for _, name := range slices.Sorted(maps.Keys(m.Fields)) {
		v.name("fields", name)
		v.column("fields."+name, m.Fields[name])
		filled[name] = "a column"
	}
	for _, name := range slices.Sorted(maps.Keys(m.Attributes)) {
		v.name("attributes", name)
		v.column("attributes."+name, m.Attributes[name])
	}
	switch {
	case (m.State == nil) == (m.Activity == nil):
		v.fail("state", "exactly one of state and activity must be set")
	case m.State != nil:
		v.states(m.State, filled)
	default:
		v.activities(m.Activity, filled)
	}
	return errors.Join(v.errs...)
}

type validator struct{ errs []error }

func (v *validator) fail(field, problem string) {
	v.errs = append(v.errs, &itsm.ValidationError{Field: field, Problem: problem})
}

func (v *validator) require(field, s string) {
	if s == "" {
		v.fail(field, "is required")
	}
}

// name checks a state, kind or field name: lower snake_case, as the journal writes it.
func (v *validator) name(field, s string) {
	if !isName(s) {
		v.fail(field, fmt.Sprintf("%q is not a snake_case name (a-z, 0-9, _; a letter first)", truncate(s)))
	}
}

func isName(s string) bool {
	if s == "" || len(s) > itsm.MaxKeyLength || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func (v *validator) time(field string, t Time) {
	v.require(field+".column", t.Column)
	v.layout(field+".layout", t.Layout)
	v.zone(field+".zone", t.Zone)
}

// layout checks that the layout reads back the date of a time it wrote: a layout
// without year, month and day elements would date every row the same.
func (v *validator) layout(field, layout string) {
	ref := time.Date(2006, time.January, 2, 15, 4, 5, 0, time.UTC)
	if layout == "" {
		v.fail(field, "is required")
		return
	}
	t, err := time.Parse(layout, ref.Format(layout))
	if y, m, d := t.Date(); err != nil || y != 2006 || m != time.January || d != 2 {
		v.fail(field, fmt.Sprintf("%q is not a Go time layout with a year, month and day", truncate(layout)))
	}
}

func (v *validator) zone(field, zone string) {
	if _, err := loadZone(zone); err != nil {
		v.fail(field, err.Error())
	}
}

func (v *validator) column(field string, c Column) {
	v.require(field+".column", c.Column)
	switch c.Type {
	case "", String, Number:
		if c.Layout != "" || c.Zone != "" {
			v.fail(field+".layout", "is only used by type \"time\"")
		}
	case Timestamp:
		v.layout(field+".layout", c.Layout)
		v.zone(field+".zone", c.Zone)
	default:
		v.fail(field+".type", fmt.Sprintf("is %q, want %q, %q or %q", c.Type, String, Number, Timestamp))
	}
	if _, ok := c.Values[""]; ok {
		v.fail(field+".values", "maps the empty value, which always means missing")
	}
}

func (v *validator) states(s *States, filled map[string]string) {
	v.require("state.column", s.Column)
	if len(s.Values) == 0 {
		v.fail("state.values", "maps no value")
	}
	for _, raw := range slices.Sorted(maps.Keys(s.Values)) {
		if raw == "" {
			v.fail("state.values", "maps the empty value, which always means missing")
		}
		v.name(fmt.Sprintf("state.values[%q]", truncate(raw)), s.Values[raw])
	}
	v.sets("state.set", s.Set, s.Values, filled)
}

func (v *validator) activities(a *Activities, filled map[string]string) {
	v.require("activity.column", a.Column)
	v.name("activity.initial", a.Initial)
	listed := map[string]string{}
	list := func(field, activity string) {
		if activity == "" {
			v.fail(field, "lists the empty activity, which always means missing")
		} else if prev, ok := listed[activity]; ok {
			v.fail(field, fmt.Sprintf("%q is already listed in %s", truncate(activity), prev))
		}
		listed[activity] = field
	}
	for _, act := range slices.Sorted(maps.Keys(a.States)) {
		list("activity.states", act)
		v.name(fmt.Sprintf("activity.states[%q]", truncate(act)), a.States[act])
	}
	for _, act := range a.Updates {
		list("activity.updates", act)
	}
	for _, act := range a.Ignore {
		list("activity.ignore", act)
	}
	if len(listed) == 0 {
		v.fail("activity", "lists no activity")
	}
	v.activityFields("activity.counts", "counts", a.Counts, listed, filled, "a count")
	v.activityFields("activity.stamps", "stamps", a.Stamps, listed, filled, "a stamp")
	v.sets("activity.set", a.Set, a.States, filled)
}

// activityFields checks activity.counts or activity.stamps, which map activities to
// the fields they write: each activity must be listed in states or updates (an
// ignored one makes no event to write in) and each field must be a name no other
// source fills. It then records the fields in filled as coming from source.
func (v *validator) activityFields(field, verb string, fields, listed, filled map[string]string, source string) {
	var mine []string
	for _, act := range slices.Sorted(maps.Keys(fields)) {
		f := fmt.Sprintf("%s[%q]", field, truncate(act))
		if where := listed[act]; where != "activity.states" && where != "activity.updates" {
			v.fail(f, verb+" an activity that is not listed in states or updates")
		}
		name := fields[act]
		v.name(f, name)
		if by, ok := filled[name]; ok {
			v.fail(f, fmt.Sprintf("field %q is already filled from %s", name, by))
		}
		mine = append(mine, name)
	}
	for _, name := range mine {
		if _, ok := filled[name]; !ok {
			filled[name] = source
		}
	}
}

// sets checks the implied fields of states.set or activity.set: each key must be a
// mapped value and each field a name that no column, count or stamp already fills.
func (v *validator) sets(field string, sets map[string]map[string]string, mapped map[string]string, filled map[string]string) {
	for _, raw := range slices.Sorted(maps.Keys(sets)) {
		f := fmt.Sprintf("%s[%q]", field, truncate(raw))
		if _, ok := mapped[raw]; !ok {
			v.fail(f, "sets fields for a value that does not map to a state")
		}
		for _, name := range slices.Sorted(maps.Keys(sets[raw])) {
			v.name(f, name)
			if by, ok := filled[name]; ok {
				v.fail(f, fmt.Sprintf("field %q is already filled from %s", name, by))
			}
			if sets[raw][name] == "" {
				v.fail(f+"."+name, "is empty")
			}
		}
	}
}

// loadZone returns the location named zone; empty means UTC.
func loadZone(zone string) (*time.Location, error) {
	if zone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("%q is not a known time zone: %w", truncate(zone), err)
	}
	return loc, nil
}

// truncate shortens s for an error message.
func truncate(s string) string {
	const n = 48
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
