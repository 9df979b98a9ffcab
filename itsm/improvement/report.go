package improvement

import "time"

// Durations is one duration metric in wall time and, when [Options.Calendar] is set,
// in business time (otherwise Business is zero). Both summarize the same samples.
type Durations struct {
	Wall, Business Summary
}

// Rate is a share of a population: Count of Of.
type Rate struct {
	Count, Of int
}

// Ratio returns Count / Of, or 0 when Of is 0.
func (r Rate) Ratio() float64 {
	if r.Of == 0 {
		return 0
	}
	return float64(r.Count) / float64(r.Of)
}

// Percent returns the ratio in percent.
func (r Rate) Percent() float64 { return 100 * r.Ratio() }

// Backlog is the work still open at a moment.
type Backlog struct {
	// At is the moment: Options.AsOf, or when AsOf is zero the latest event time of
	// every record added.
	At time.Time
	// Count is the number of records opened at or before At whose state at At is
	// none of resolved, closed and canceled.
	Count int
	// ByState counts those records by state.
	ByState map[string]int
	// Age summarizes At − Opened over those records.
	Age Durations
}

// Report holds every metric over the records a [Collector] was given. Each field's
// definition is in its comment; [Record] defines the milestones and counters, and
// [Options] the period and the moment. "The population" is the records opened in the
// period and at or before AsOf.
type Report struct {
	// AsOf, From and To are the options the report was computed with.
	AsOf, From, To time.Time
	// Records is the size of the population.
	Records int
	// MTTA (mean time to assign) is Assigned − Opened, over the records whose
	// Assigned falls in the period.
	MTTA Durations
	// MTTR (mean time to resolve) is Resolved − Opened, over the records whose
	// Resolved falls in the period.
	MTTR Durations
	// OpenToClose is Closed − Opened, over the records whose Closed falls in the
	// period.
	OpenToClose Durations
	// ResolveToClose is Closed − Resolved, over the records with both milestones
	// whose Closed falls in the period.
	ResolveToClose Durations
	// InState summarizes, per state, the time each record spent in it: one sample
	// per record and state, the sum of the record's stays in that state that end in
	// the period. A stay the record is still in ends at AsOf, except in a final
	// state (closed, canceled), which accrues no time; with a zero AsOf such a stay
	// is not measured.
	InState map[string]Durations
	// Reopened is the share of the population with Reopens > 0.
	Reopened Rate
	// Reassigned is the share of the population with Reassignments > 0.
	Reassigned Rate
	// Reassignments is the distribution of Reassignments over the population:
	// Reassignments[k] records were reassigned exactly k times.
	Reassignments []int
	// FirstContact (first-contact resolution) is the share of the resolved records
	// of the population (Resolved set as of AsOf) never reassigned and never
	// reopened.
	FirstContact Rate
	// Backlog is the open work at AsOf.
	Backlog Backlog
}
