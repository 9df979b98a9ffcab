package improvement_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/improvement"
)

// movesFrom lists where the incident practice lets a record go from state.
func movesFrom(state string) []string {
	switch state {
	case "new":
		return []string{"in_progress", "on_hold", "resolved", "canceled"}
	case "in_progress":
		return []string{"on_hold", "resolved", "canceled"}
	case "on_hold":
		return []string{"in_progress", "resolved", "canceled"}
	case "resolved":
		return []string{"in_progress", "closed"}
	case "closed":
		return []string{"in_progress"}
	}
	return nil
}

var nativeStamps = improvement.Stamps{Opened: "opened_at", Assigned: "first_assigned_at", Resolved: "resolved_at", Closed: "closed_at"}

// nativeJournal draws the journal of an incident as the incident practice writes it:
// events in time order, milestones stamped in Data when they happen (the first
// assignment when a group is first given, at opening or later), reopens and
// reassignments counted.
func nativeJournal(t *rapid.T, n int) []itsm.Event {
	j := newJournal(n)
	at := rapid.Float64Range(0, 100).Draw(t, "opened")
	state := rapid.SampledFrom([]string{"new", "new", "in_progress"}).Draw(t, "initial")
	data := map[string]any{"opened_at": stamp(at), "reopen_count": 0, "reassignment_count": 0}
	group := rapid.SampledFrom([]string{"", "", "Desk"}).Draw(t, "initial group")
	assigned := group != ""
	if assigned {
		data["assignment_group"], data["first_assigned_at"] = group, stamp(at)
	}
	j.open(at, state, data)
	reassignments, reopens := 0, 0
	steps := rapid.IntRange(0, 12).Draw(t, "steps")
	for range steps {
		at += rapid.SampledFrom([]float64{0, 0.25, 1, 5, 30}).Draw(t, "gap")
		if next := movesFrom(state); len(next) > 0 && rapid.Bool().Draw(t, "move") {
			to := rapid.SampledFrom(next).Draw(t, "to")
			data := map[string]any{}
			switch {
			case (state == "resolved" || state == "closed") && to == "in_progress":
				reopens++
				data["reopen_count"], data["resolved_at"], data["closed_at"] = reopens, nil, nil
			case to == "resolved":
				data["resolved_at"] = stamp(at)
			case to == "closed" || to == "canceled":
				data["closed_at"] = stamp(at)
			}
			j.move(at, to, data)
			state = to
			continue
		}
		g := rapid.SampledFrom([]string{"", "Desk", "Net", "Apps"}).Draw(t, "group")
		data := map[string]any{"assignment_group": g}
		if g == "" {
			data["assignment_group"] = nil
		} else if group != "" && g != group {
			reassignments++
			data["reassignment_count"] = reassignments
		}
		if g != "" {
			group = g
			if !assigned {
				data["first_assigned_at"] = stamp(at)
				assigned = true
			}
		}
		j.update(at, data)
	}
	return j.events
}

func nativeJournals(t *rapid.T) [][]itsm.Event {
	n := rapid.IntRange(1, 8).Draw(t, "records")
	journals := make([][]itsm.Event, n)
	for i := range journals {
		journals[i] = nativeJournal(t, i+1)
	}
	return journals
}

// optionalTime draws a zero time or a moment around the journals' span.
func optionalTime(t *rapid.T, label string) time.Time {
	if rapid.Bool().Draw(t, label+" set") {
		return h(rapid.Float64Range(-10, 400).Draw(t, label))
	}
	return time.Time{}
}

// On journals that stamp milestones when they happen, reading the stamps and deriving
// the milestones from transitions give the same report.
func TestStampsAgreeWithTransitions(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		journals := nativeJournals(t)
		opts := improvement.Options{AsOf: optionalTime(t, "as of"), Calendar: officeHours{}}
		if rapid.Bool().Draw(t, "period") {
			opts.From = h(rapid.Float64Range(-10, 200).Draw(t, "from"))
			opts.To = opts.From.Add(time.Duration(rapid.IntRange(1, 300).Draw(t, "hours")) * time.Hour)
			if !opts.AsOf.IsZero() && opts.AsOf.Before(opts.From) {
				opts.AsOf = opts.From
			}
		}
		derived, err := improvement.Compute(slices.Values(journals), opts)
		require.NoError(t, err)
		opts.Stamps = nativeStamps
		stamped, err := improvement.Compute(slices.Values(journals), opts)
		require.NoError(t, err)
		require.Equal(t, derived, stamped)
	})
}

// Reading a journal as of a moment is reading the events up to that moment.
func TestAsOfReadsThePrefix(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		events := nativeJournal(t, 1)
		asOf := h(rapid.Float64Range(-10, 400).Draw(t, "as of"))
		var prefix []itsm.Event
		for _, e := range events {
			if !e.At.After(asOf) {
				prefix = append(prefix, e)
			}
		}
		got, err := improvement.ReadRecord(events, asOf, nativeStamps)
		require.NoError(t, err)
		if len(prefix) == 0 {
			require.Zero(t, got.Events)
			return
		}
		want, err := improvement.ReadRecord(prefix, time.Time{}, nativeStamps)
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}

// The report accounts for every record, and the time a record spends in its states
// adds up to its age.
func TestReportAccounts(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		journals := nativeJournals(t)
		asOf := h(rapid.Float64Range(-10, 400).Draw(t, "as of"))
		rep, err := improvement.Compute(slices.Values(journals), improvement.Options{AsOf: asOf})
		require.NoError(t, err)
		opened, resolved, open := 0, 0, 0
		for _, j := range journals {
			r, err := improvement.ReadRecord(j, asOf, improvement.Stamps{})
			require.NoError(t, err)
			if r.Events == 0 {
				continue
			}
			opened++
			if !r.Resolved.IsZero() {
				resolved++
			}
			if r.State == "new" || r.State == "in_progress" || r.State == "on_hold" {
				open++
			}
			// One record alone: its stays add up to as-of (or to its final entry).
			one, err := improvement.Compute(slices.Values([][]itsm.Event{j}), improvement.Options{AsOf: asOf})
			require.NoError(t, err)
			var total time.Duration
			for _, d := range one.InState {
				require.Equal(t, 1, d.Wall.Count)
				total += d.Wall.Mean
			}
			end := asOf
			if last := r.Stays[len(r.Stays)-1]; last.State == "closed" || last.State == "canceled" {
				end = last.Start
			}
			require.Equal(t, end.Sub(r.Opened), total)
		}
		require.Equal(t, opened, rep.Records)
		require.Equal(t, resolved, rep.MTTR.Wall.Count)
		require.Equal(t, resolved, rep.FirstContact.Of)
		require.Equal(t, open, rep.Backlog.Count)
		require.LessOrEqual(t, rep.Reopened.Count, rep.Records)
		sum := 0
		for _, n := range rep.Reassignments {
			sum += n
		}
		require.Equal(t, rep.Records, sum)
	})
}
