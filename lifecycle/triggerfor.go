package lifecycle

// TriggerFor returns the first declared trigger that leads from state from to state
// to, and whether there is one. Event logs record states, not triggers: importers use
// it to name the trigger of an observed move.
func (d *Definition[S, T]) TriggerFor(from, to S) (T, bool) {
	for _, t := range d.parts.transitions {
		if t.From == from && t.To == to {
			return t.Trigger, true
		}
	}
	var zero T
	return zero, false
}
