package sla

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Condition is a predicate over a [Snapshot], built with [StateIn], [FieldEquals],
// [FieldIn], [FieldSet], [FieldChanged], [Triggered], [And], [Or], [Not] and, as an
// escape hatch, [Func]. Conditions are immutable values, safe to share.
//
// The zero Condition is unset: it never matches, and a [Spec] leaves the matching
// rule out (no pause condition: the clock never pauses).
type Condition struct{ n *node }

type op uint8

const (
	opState op = iota + 1
	opFieldIn
	opFieldSet
	opFieldChanged
	opTriggered
	opAnd
	opOr
	opNot
	opFunc
)

type node struct {
	op     op
	field  string
	values []string
	subs   []Condition
	name   string
	fn     func(Snapshot) bool
}

// StateIn matches snapshots whose state is one of states.
func StateIn(states ...string) Condition {
	return Condition{&node{op: opState, values: slices.Clone(states)}}
}

// FieldEquals matches snapshots whose field holds value. A missing field holds "".
func FieldEquals(field, value string) Condition { return FieldIn(field, value) }

// FieldIn matches snapshots whose field holds one of values.
func FieldIn(field string, values ...string) Condition {
	return Condition{&node{op: opFieldIn, field: field, values: slices.Clone(values)}}
}

// FieldSet matches snapshots in which field is present and not "".
func FieldSet(field string) Condition { return Condition{&node{op: opFieldSet, field: field}} }

// FieldChanged matches snapshots whose write set or removed field, such as a
// reassignment for an OLA that resets per group.
func FieldChanged(field string) Condition {
	return Condition{&node{op: opFieldChanged, field: field}}
}

// Triggered matches snapshots whose write fired one of the lifecycle triggers, such
// as "reopen".
func Triggered(triggers ...string) Condition {
	return Condition{&node{op: opTriggered, values: slices.Clone(triggers)}}
}

// And matches when every one of cs matches.
func And(cs ...Condition) Condition { return Condition{&node{op: opAnd, subs: slices.Clone(cs)}} }

// Or matches when at least one of cs matches.
func Or(cs ...Condition) Condition { return Condition{&node{op: opOr, subs: slices.Clone(cs)}} }

// Not matches when c does not.
func Not(c Condition) Condition { return Condition{&node{op: opNot, subs: []Condition{c}}} }

// Func matches when fn returns true. name describes it in String and in errors. fn
// must be a pure function of the snapshot, which it must not keep (see [Snapshots]):
// clocks are recomputed from the journal, so a condition reading anything else gives
// different answers to the same question.
func Func(name string, fn func(Snapshot) bool) Condition {
	return Condition{&node{op: opFunc, name: name, fn: fn}}
}

// IsZero reports whether c is unset.
func (c Condition) IsZero() bool { return c.n == nil }

// Match reports whether s satisfies c. An unset condition never matches.
func (c Condition) Match(s Snapshot) bool {
	n := c.n
	if n == nil {
		return false
	}
	switch n.op {
	case opState:
		return slices.Contains(n.values, s.State)
	case opFieldIn:
		return slices.Contains(n.values, s.Fields[n.field])
	case opFieldSet:
		return s.Fields[n.field] != ""
	case opFieldChanged:
		_, found := slices.BinarySearch(s.Changed, n.field)
		return found
	case opTriggered:
		return s.Trigger != "" && slices.Contains(n.values, s.Trigger)
	case opAnd:
		for _, sub := range n.subs {
			if !sub.Match(s) {
				return false
			}
		}
		return true
	case opOr:
		for _, sub := range n.subs {
			if sub.Match(s) {
				return true
			}
		}
		return false
	case opNot:
		return !n.subs[0].Match(s)
	case opFunc:
		return n.fn(s)
	}
	return false
}

// String renders c for people: state in ("new", "in_progress") and not
// on_hold_reason = "awaiting_caller".
func (c Condition) String() string {
	var b strings.Builder
	c.write(&b, false)
	return b.String()
}

func (c Condition) write(b *strings.Builder, nested bool) {
	n := c.n
	if n == nil {
		b.WriteString("unset")
		return
	}
	switch n.op {
	case opState:
		writeIn(b, "state", n.values)
	case opFieldIn:
		writeIn(b, n.field, n.values)
	case opFieldSet:
		b.WriteString(n.field + " is set")
	case opFieldChanged:
		b.WriteString(n.field + " changed")
	case opTriggered:
		writeIn(b, "trigger", n.values)
	case opAnd, opOr:
		word := " and "
		if n.op == opOr {
			word = " or "
		}
		if nested {
			b.WriteByte('(')
		}
		for i, sub := range n.subs {
			if i > 0 {
				b.WriteString(word)
			}
			sub.write(b, true)
		}
		if nested {
			b.WriteByte(')')
		}
	case opNot:
		b.WriteString("not ")
		n.subs[0].write(b, true)
	case opFunc:
		b.WriteString(n.name)
	}
}

func writeIn(b *strings.Builder, name string, values []string) {
	if len(values) == 1 {
		b.WriteString(name + " = " + strconv.Quote(values[0]))
		return
	}
	b.WriteString(name + " in (")
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(v))
	}
	b.WriteByte(')')
}

// validate reports the first part of c that can never work: an unset part of a
// combination, an empty list, a missing field name or function.
func (c Condition) validate() error {
	n := c.n
	if n == nil {
		return fmt.Errorf("contains an unset condition")
	}
	switch n.op {
	case opState, opTriggered:
		if len(n.values) == 0 {
			return fmt.Errorf("%s lists no values", c)
		}
	case opFieldIn:
		if n.field == "" {
			return fmt.Errorf("%s names no field", c)
		}
		if len(n.values) == 0 {
			return fmt.Errorf("%s lists no values", n.field)
		}
	case opFieldSet, opFieldChanged:
		if n.field == "" {
			return fmt.Errorf("%s names no field", c)
		}
	case opAnd, opOr:
		if len(n.subs) == 0 {
			return fmt.Errorf("combines no conditions")
		}
	case opFunc:
		if n.fn == nil {
			return fmt.Errorf("func %q has no function", n.name)
		}
		if n.name == "" {
			return fmt.Errorf("func has no name")
		}
	}
	for _, sub := range n.subs {
		if err := sub.validate(); err != nil {
			return err
		}
	}
	return nil
}
