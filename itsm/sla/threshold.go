package sla

import "time"

// Crossed returns the thresholds, warnings first and then Breach, that cur has
// reached and prev had not: prev and cur are two evaluations by d of the same
// record, prev the earlier. A host that evaluates a clock when NextAt comes (or when
// the record changes) emits an event or escalates for each threshold returned.
//
// Thresholds are compared by the working time each evaluation had counted against
// the target it had then, so a priority raised in between can cross several at once
// (and a priority lowered can un-reach one, which is reported again if reached
// again). When prev is another clock (another record, definition or cycle: a reset
// replaced it) every threshold cur has reached is new. A cancelled clock reaches
// none.
func (d *Definition) Crossed(prev, cur Clock) []Threshold {
	same := prev.Definition == cur.Definition && prev.Record == cur.Record && prev.Cycle == cur.Cycle
	var out []Threshold
	for _, t := range d.thresholds {
		if cur.reached(t) && !(same && prev.reached(t)) {
			out = append(out, t)
		}
	}
	return out
}

// Due returns the clocks whose NextAt has come by now, in their order: the records a
// host's scheduler should evaluate again (and pass to [Definition.Crossed]). The
// library runs no timer of its own; a host keeps the clocks it evaluated, or just
// each one's NextAt, and calls Due from its own scheduler.
func Due(clocks []Clock, now time.Time) []Clock {
	var out []Clock
	for _, c := range clocks {
		if !c.NextAt.IsZero() && !c.NextAt.After(now) {
			out = append(out, c)
		}
	}
	return out
}
