package improvement_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/improvement"
)

// desk is a small set of journals whose metrics are worked out by hand in the tests.
//
//	1: new 0h, assigned 1h (Desk), resolved 3h, closed 10h
//	2: new 2h, assigned 2.5h (Desk), reassigned 3h (Net), on hold 4h–6h, resolved 8h
//	3: new 4h, assigned 6h (to a person), resolved 7h, reopened 9h, resolved 11h, closed 20h
//	4: new 5h, never assigned
//	5: opened 30h: after every as-of used here
func desk() [][]itsm.Event {
	return [][]itsm.Event{
		newJournal(1).open(0, "new", nil).
			move(1, "in_progress", map[string]any{"assignment_group": "Desk"}).move(3, "resolved", nil).move(10, "closed", nil).events,
		newJournal(2).open(2, "new", nil).
			move(2.5, "in_progress", map[string]any{"assignment_group": "Desk"}).
			update(3, map[string]any{"assignment_group": "Net", "reassignment_count": 1}).
			move(4, "on_hold", nil).move(6, "in_progress", nil).move(8, "resolved", nil).events,
		newJournal(3).open(4, "new", nil).move(6, "in_progress", map[string]any{"assigned_to": "ana"}).move(7, "resolved", nil).
			move(9, "in_progress", map[string]any{"reopen_count": 1}).move(11, "resolved", nil).move(20, "closed", nil).events,
		newJournal(4).open(5, "new", nil).events,
		newJournal(5).open(30, "new", nil).events,
	}
}

func compute(t *testing.T, opts improvement.Options) improvement.Report {
	t.Helper()
	rep, err := improvement.Compute(slices.Values(desk()), opts)
	require.NoError(t, err)
	return rep
}

// hrs returns a duration of hours.
func hrs(n float64) time.Duration { return time.Duration(n * float64(time.Hour)) }

func TestComputeWholeJournals(t *testing.T) {
	t.Parallel()
	rep := compute(t, improvement.Options{})
	assert.Equal(t, 5, rep.Records)
	// MTTA: 1, 0.5, 2.
	assert.Equal(t, improvement.Summary{Count: 3, Mean: hrs(3.5) / 3, Median: hrs(1), P90: hrs(1.8), Min: hrs(0.5), Max: hrs(2)}, rep.MTTA.Wall)
	// MTTR: 3, 6, 7 (record 3's latest resolution, 11h − 4h).
	assert.Equal(t, improvement.Summary{Count: 3, Mean: hrs(16) / 3, Median: hrs(6), P90: hrs(6.8), Min: hrs(3), Max: hrs(7)}, rep.MTTR.Wall)
	// Open → close: 10, 16. Resolve → close: 7, 9.
	assert.Equal(t, improvement.Summary{Count: 2, Mean: hrs(13), Median: hrs(13), P90: hrs(15.4), Min: hrs(10), Max: hrs(16)}, rep.OpenToClose.Wall)
	assert.Equal(t, improvement.Summary{Count: 2, Mean: hrs(8), Median: hrs(8), P90: hrs(8.8), Min: hrs(7), Max: hrs(9)}, rep.ResolveToClose.Wall)
	assert.Zero(t, rep.MTTR.Business, "no calendar, no business time")

	assert.Equal(t, improvement.Rate{Count: 1, Of: 5}, rep.Reopened)
	assert.Equal(t, improvement.Rate{Count: 1, Of: 5}, rep.Reassigned)
	assert.Equal(t, []int{4, 1}, rep.Reassignments)
	assert.Equal(t, improvement.Rate{Count: 1, Of: 3}, rep.FirstContact, "record 1: resolved, never reassigned or reopened")
	assert.InDelta(t, 33.33, rep.FirstContact.Percent(), 0.01)

	// Without as-of, a stay the record is still in is not measured (record 2's
	// resolution); record 1 was resolved 7h, record 3 2h + 9h.
	assert.Equal(t, improvement.Summary{Count: 2, Mean: hrs(9), Median: hrs(9), P90: hrs(10.6), Min: hrs(7), Max: hrs(11)},
		rep.InState["resolved"].Wall)
	// The backlog is taken at the latest event, record 5's opening at 30h: records 4
	// and 5 are open.
	assert.Equal(t, h(30), rep.Backlog.At)
	assert.Equal(t, 2, rep.Backlog.Count)
	assert.Equal(t, map[string]int{"new": 2}, rep.Backlog.ByState)
	assert.Equal(t, hrs(25), rep.Backlog.Age.Wall.Max)
}

func TestComputeAsOfAndPeriod(t *testing.T) {
	t.Parallel()
	rep := compute(t, improvement.Options{AsOf: h(8.5)})
	assert.Equal(t, 4, rep.Records, "record 5 is not opened yet")
	assert.Equal(t, 3, rep.MTTR.Wall.Count, "records 1, 2 and 3 (first resolution) are resolved at 8.5h")
	assert.Zero(t, rep.OpenToClose.Wall.Count, "record 1 closes at 10h")
	assert.Equal(t, improvement.Rate{Count: 0, Of: 4}, rep.Reopened, "record 3 reopens at 9h")
	// Backlog at 8.5h: record 4 (new since 5h); 1, 2 and 3 are resolved.
	assert.Equal(t, improvement.Backlog{
		At: h(8.5), Count: 1, ByState: map[string]int{"new": 1},
		Age: improvement.Durations{Wall: improvement.Summary{Count: 1, Mean: hrs(3.5), Median: hrs(3.5), P90: hrs(3.5), Min: hrs(3.5), Max: hrs(3.5)}},
	}, rep.Backlog)
	// Stays the records are still in count up to as-of: resolved since 3h, 8h and 7h.
	assert.Equal(t, []time.Duration{hrs(0.5), hrs(1.5), hrs(5.5)}, []time.Duration{
		rep.InState["resolved"].Wall.Min, rep.InState["resolved"].Wall.Median, rep.InState["resolved"].Wall.Max})
	assert.Equal(t, improvement.Summary{Count: 4, Mean: hrs(7) / 4, Median: hrs(1.5), P90: hrs(3.05), Min: hrs(0.5), Max: hrs(3.5)},
		rep.InState["new"].Wall, "records 1, 2 and 3 left new after 1h, 0.5h and 2h; record 4 is in it for 3.5h")

	// A period keeps the samples that end in it and the records opened in it.
	rep = compute(t, improvement.Options{From: h(4), To: h(12)})
	assert.Equal(t, 2, rep.Records, "records 3 and 4 are opened in [4h, 12h)")
	assert.Equal(t, 2, rep.MTTR.Wall.Count, "records 2 (8h) and 3 (11h) are resolved in the period")
	assert.Equal(t, 1, rep.OpenToClose.Wall.Count, "record 1 closes at 10h; record 3 at 20h")
	assert.Equal(t, 1, rep.MTTA.Wall.Count, "record 3 is assigned at 6h")
	assert.Equal(t, h(30), rep.Backlog.At, "the backlog ignores the period")
}

func TestComputeBusinessTime(t *testing.T) {
	t.Parallel()
	// Office hours are 09:00–17:00 and t0 is Monday 08:00: record 1 is opened at
	// 08:00, assigned at 09:00 (0 business hours), resolved at 11:00 (2).
	rep := compute(t, improvement.Options{Calendar: officeHours{}})
	assert.Equal(t, 3, rep.MTTA.Business.Count)
	assert.Equal(t, time.Duration(0), rep.MTTA.Business.Min)
	assert.Equal(t, hrs(2), rep.MTTR.Business.Min, "record 1: 09:00–11:00")
	assert.Equal(t, rep.MTTR.Wall.Count, rep.MTTR.Business.Count)
	// Backlog at 30h (Tuesday 14:00): record 4 opened Monday 13:00 → 4h + 5h = 9h.
	assert.Equal(t, hrs(9), rep.Backlog.Age.Business.Max)
}

func TestNewCollectorRefusesBadPeriods(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]improvement.Options{
		"empty period":            {From: h(2), To: h(2)},
		"reversed period":         {From: h(3), To: h(2)},
		"as-of before the period": {From: h(3), AsOf: h(1)},
	} {
		_, err := improvement.NewCollector(opts)
		assert.ErrorIs(t, err, itsm.ErrInvalid, name)
	}
}

func TestComputeStopsAtABadJournal(t *testing.T) {
	t.Parallel()
	journals := desk()
	journals[2] = journals[2][1:]
	_, err := improvement.Compute(slices.Values(journals), improvement.Options{})
	assert.ErrorIs(t, err, itsm.ErrInvalid)
}

func TestCollectorReportsAgain(t *testing.T) {
	t.Parallel()
	c, err := improvement.NewCollector(improvement.Options{})
	require.NoError(t, err)
	journals := desk()
	require.NoError(t, c.Add(journals[0]))
	first := c.Report()
	assert.Equal(t, first, c.Report(), "reporting changes nothing")
	require.NoError(t, c.Add(journals[1]))
	second := c.Report()
	assert.Equal(t, 1, first.MTTR.Wall.Count)
	assert.Equal(t, 2, second.MTTR.Wall.Count)
	assert.Equal(t, []int{1}, first.Reassignments, "an earlier report keeps its own slices")
	assert.Equal(t, []int{1, 1}, second.Reassignments)
	assert.ErrorIs(t, c.Add(nil), itsm.ErrInvalid)
}
