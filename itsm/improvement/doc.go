// Package improvement computes continual-improvement metrics from record journals:
// mean time to assign (MTTA) and to resolve (MTTR), open → closed and resolved →
// closed times, time in each state, reopen and reassignment rates, the reassignment
// distribution, first-contact resolution, and the backlog with its age.
//
// Every metric is computed from events alone ([itsm.Event], one journal per record),
// so it can be recomputed for any past moment: [Options.AsOf] keeps the events at or
// before it, a reporting period selects the samples, and any business calendar that
// measures working time ([Calendar]) adds business durations next to wall ones.
// Durations are summarized as count, mean, median and 90th percentile ([Summary]
// states the percentile method). Each metric's definition is in the doc comment of
// its [Report] field; [Record] defines the milestones and counters they rest on.
//
// A [Collector] takes journals one at a time, so records can stream from a store or
// an event-log import without being held together:
//
//	c, err := improvement.NewCollector(improvement.Options{AsOf: endOfMonth, Calendar: cal})
//	for journal := range journals {
//		if err := c.Add(journal); err != nil { … }
//	}
//	rep := c.Report()
//	fmt.Println(rep.MTTR.Wall, rep.MTTR.Business, rep.Reopened.Percent(), rep.Backlog.Count)
//
// The metrics read the incident practice's vocabulary: the states new, in_progress,
// on_hold, resolved, closed and canceled, and the fields reopen_count,
// reassignment_count, assignment_group and assigned_to. Journals of other kinds that
// use the same names are measured alike.
package improvement
