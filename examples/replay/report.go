package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm/improvement"
	"github.com/itsmkit/itsmkit/lifecycle"
)

// writeText prints the replay's findings as plain text.
func writeText(w io.Writer, r *results) {
	im := r.imported
	fmt.Fprintf(w, "Log %s (mapping %s)\n", r.log, r.mapping)
	fmt.Fprintf(w, "  %d rows → %d events in %d cases; %d rows ignored by the mapping, %d skipped\n",
		im.Rows, im.Events, im.Cases, im.Ignored, im.SkippedRows())
	for _, s := range im.Skipped {
		fmt.Fprintf(w, "    skipped %d rows: %s in column %q (values %q, first lines %v)\n", s.Count, s.Reason, s.Column, s.Values, s.Lines)
	}
	fmt.Fprintf(w, "  %d incidents loaded into the store in %v", r.loaded, r.elapsed.Round(time.Millisecond))
	if len(r.notLoaded) > 0 {
		fmt.Fprintf(w, "; not loaded:")
		for _, reason := range slices.Sorted(maps.Keys(r.notLoaded)) {
			fmt.Fprintf(w, " %d (%s)", r.notLoaded[reason], reason)
		}
	}
	fmt.Fprintln(w)

	m := r.metrics
	fmt.Fprintf(w, "\nMetrics over %d incidents (wall time)\n", m.Records)
	durationTable(w, durationRows(m, false))
	if m.MTTR.Wall.Count < m.OpenToClose.Wall.Count/2 {
		fmt.Fprintf(w, "  (few incidents pass through resolved in this log: it resolves by closing, so read open → closed as its resolution time)\n")
	}
	for _, row := range rateRows(m) {
		fmt.Fprintf(w, "  %-26s %7d of %d (%.2f%%)\n", row.name, row.r.Count, row.r.Of, row.r.Percent())
	}
	fmt.Fprintf(w, "  %-26s %s\n", "by reassignment count", distribution(m.Reassignments))
	if m.Backlog.At.IsZero() {
		fmt.Fprintf(w, "  %-26s %7s\n", "backlog", "—")
	} else {
		fmt.Fprintf(w, "  %-26s %7d at %s, median age %s\n", "backlog", m.Backlog.Count, m.Backlog.At.Format(time.DateOnly), hours(m.Backlog.Age.Wall.Median))
	}
	if r.hours != "" {
		fmt.Fprintf(w, "\nThe same in business time (%s)\n", r.hours)
		durationTable(w, durationRows(m, true))
	}
	fmt.Fprintf(w, "\nSLA attainment against the default incident SLAs (24×7)\n")
	clocks := 0
	for _, a := range r.attainment {
		clocks += a.Met + a.Breached + a.Open + a.Cancelled
	}
	if clocks == 0 {
		fmt.Fprintf(w, "  no clock started: the SLAs' targets depend on priority, which the log does not give\n")
	}
	for _, a := range r.attainment {
		if clocks == 0 {
			break
		}
		fmt.Fprintf(w, "  %-26s %7d of %d met (%.2f%%); %d undecided, %d cancelled\n", a.Definition, a.Met, a.Met+a.Breached, a.Rate().Percent(), a.Open, a.Cancelled)
	}
	fmt.Fprintf(w, "\nTime in state (median per incident)\n")
	for _, s := range stateOrder(m.InState) {
		fmt.Fprintf(w, "  %-26s %10s over %d incidents\n", s, hours(m.InState[s].Wall.Median), m.InState[s].Wall.Count)
	}

	fmt.Fprintf(w, "\nConformance to the incident lifecycle\n")
	for _, c := range []struct {
		name string
		rep  lifecycle.Report[incident.State]
	}{{"default lifecycle", r.strict}, {"with ResolveFromNew and ReopenClosed", r.relaxed}} {
		fmt.Fprintf(w, "  %s: fitness %.2f%% (%d of %d observed transitions allowed)\n", c.name, 100*c.rep.Fitness, c.rep.Allowed, c.rep.Transitions)
		for _, d := range c.rep.Disallowed {
			fmt.Fprintf(w, "    %-34s %7d\n", string(d.From)+" → "+string(d.To), d.Count)
		}
		if len(c.rep.Undeclared) > 0 {
			fmt.Fprintf(w, "    states it does not declare: %v\n", c.rep.Undeclared)
		}
	}
	if n := len(r.strict.WrongStart); n > 0 {
		fmt.Fprintf(w, "  %d of %d incidents do not start new (the log begins mid-life):", n, r.strict.Sequences)
		for _, s := range stateOrder(r.firsts) {
			fmt.Fprintf(w, " %s %d", s, r.firsts[s])
		}
		fmt.Fprintln(w)
	}
}

// durationTable prints rows of duration summaries; "—" stands for no sample.
func durationTable(w io.Writer, rows []durationRow) {
	fmt.Fprintf(w, "  %-26s %7s %10s %10s %10s\n", "", "count", "mean", "median", "p90")
	for _, row := range rows {
		if row.s.Count == 0 {
			fmt.Fprintf(w, "  %-26s %7d %10s %10s %10s\n", row.name, 0, "—", "—", "—")
			continue
		}
		fmt.Fprintf(w, "  %-26s %7d %10s %10s %10s\n", row.name, row.s.Count, hours(row.s.Mean), hours(row.s.Median), hours(row.s.P90))
	}
}

// distribution prints how many records had 0, 1, 2 … of something, the tail from 5
// on summed up.
func distribution(counts []int) string {
	var b strings.Builder
	tail := 0
	for k, n := range counts {
		if k >= 5 {
			tail += n
			continue
		}
		fmt.Fprintf(&b, "%d: %d  ", k, n)
	}
	if tail > 0 {
		fmt.Fprintf(&b, "5+: %d", tail)
	}
	return strings.TrimSpace(b.String())
}

type durationRow struct {
	name string
	s    improvement.Summary
}

// durationRows are the duration metrics of m, in wall or in business time.
func durationRows(m improvement.Report, business bool) []durationRow {
	pick := func(d improvement.Durations) improvement.Summary {
		if business {
			return d.Business
		}
		return d.Wall
	}
	return []durationRow{
		{"time to assign (MTTA)", pick(m.MTTA)},
		{"time to resolve (MTTR)", pick(m.MTTR)},
		{"open → closed", pick(m.OpenToClose)},
		{"resolved → closed", pick(m.ResolveToClose)},
	}
}

type rateRow struct {
	name string
	r    improvement.Rate
}

func rateRows(m improvement.Report) []rateRow {
	return []rateRow{
		{"reopened", m.Reopened},
		{"reassigned at least once", m.Reassigned},
		{"first-contact resolution", m.FirstContact},
	}
}

// stateOrder returns the measured states in lifecycle order, unknown ones last.
func stateOrder[V any](m map[string]V) []string {
	var out []string
	for _, s := range incident.States() {
		if _, ok := m[string(s)]; ok {
			out = append(out, string(s))
		}
	}
	for _, s := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func hours(d time.Duration) string {
	h := d.Hours()
	switch {
	case h >= 48:
		return fmt.Sprintf("%.1f d", h/24)
	case h >= 1:
		return fmt.Sprintf("%.1f h", h)
	default:
		return fmt.Sprintf("%.0f min", d.Minutes())
	}
}

// moves counts the observed moves between different states across all sequences.
func moves(sequences [][]incident.State) map[[2]incident.State]int {
	out := map[[2]incident.State]int{}
	for _, seq := range sequences {
		for i := 1; i < len(seq); i++ {
			if seq[i] != seq[i-1] {
				out[[2]incident.State{seq[i-1], seq[i]}]++
			}
		}
	}
	return out
}
