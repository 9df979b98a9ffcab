package improvement_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm/improvement"
)

// hours returns d in hours rounded to two decimals, as the figures are quoted.
func hours(d time.Duration) float64 { return math.Round(d.Hours()*100) / 100 }

// uciStamps reads the milestones the UCI log's ServiceNow stamped (resolved_at,
// closed_at), as the figures quoted for the log do.
var uciStamps = improvement.Stamps{Resolved: "resolved_at", Closed: "closed_at"}

// TestUCIFigures reproduces, through the public API and the shipped mapping only,
// figures measured on the raw UCI file independently of this module.
func TestUCIFigures(t *testing.T) {
	t.Parallel()
	journals, imp := importUCI(t)
	assert.Equal(t, 141712, imp.Rows, "events of the log")
	assert.Equal(t, 24918, imp.Cases, "incidents")
	assert.Len(t, imp.Pairs, 49, "distinct consecutive raw state pairs, self-loops included")

	rep, err := improvement.Compute(slices.Values(journals), improvement.Options{Stamps: uciStamps})
	require.NoError(t, err)

	assert.Equal(t, 24918, rep.Records)
	// Reopened: reopen_count of the incident's last row > 0.
	assert.Equal(t, improvement.Rate{Count: 275, Of: 24918}, rep.Reopened)
	assert.Equal(t, 1.10, math.Round(rep.Reopened.Percent()*100)/100)
	// Reassigned: reassignment_count of the last row > 0.
	assert.Equal(t, improvement.Rate{Count: 11369, Of: 24918}, rep.Reassigned)
	assert.Equal(t, 45.63, math.Round(rep.Reassigned.Percent()*100)/100)
	assert.Equal(t, 24918-11369, rep.Reassignments[0])
	assert.Len(t, rep.Reassignments, 28, "at most 27 reassignments")

	// Open → resolved over the incidents with a resolved_at, from opened_at.
	mttr := rep.MTTR.Wall
	assert.Equal(t, 23362, mttr.Count)
	assert.Equal(t, 22.10, hours(mttr.Median))
	assert.Equal(t, 178.17, hours(mttr.Mean))
	assert.Equal(t, time.Duration(79560000000000), mttr.Median, "the mean of the two middle values, exactly")
	assert.Equal(t, time.Duration(641417695402790), mttr.Mean, "the exact mean, truncated to the nanosecond")
	// Resolved → closed: the automatic close about 120 h after resolution.
	assert.Equal(t, 23362, rep.ResolveToClose.Wall.Count)
	assert.Equal(t, 120.55, hours(rep.ResolveToClose.Wall.Median))
	assert.Equal(t, time.Duration(433980000000000), rep.ResolveToClose.Wall.Median)

	// Further figures, cross-checked on the raw file: open → closed over every
	// incident; open → the first row with an assignment group or assignee (24,602 of
	// the 24,890 assigned incidents arrive with a group: 0 h); first-contact
	// resolution over the resolved incidents (no reassignment, no reopen).
	assert.Equal(t, 24918, rep.OpenToClose.Wall.Count)
	assert.Equal(t, 145.87, hours(rep.OpenToClose.Wall.Median))
	assert.Equal(t, 315.33, hours(rep.OpenToClose.Wall.Mean))
	assert.Equal(t, 24890, rep.MTTA.Wall.Count)
	assert.Equal(t, time.Duration(0), rep.MTTA.Wall.Median)
	assert.Equal(t, 1.30, hours(rep.MTTA.Wall.Mean))
	assert.Equal(t, improvement.Rate{Count: 11942, Of: 23362}, rep.FirstContact)
}

// TestUCIBacklog recomputes the past: the backlog on 1 April 2016, 00:00, from the
// events at or before it.
func TestUCIBacklog(t *testing.T) {
	t.Parallel()
	journals, _ := importUCI(t)
	at := time.Date(2016, 4, 1, 0, 0, 0, 0, time.UTC)
	rep, err := improvement.Compute(slices.Values(journals), improvement.Options{AsOf: at, Stamps: uciStamps})
	require.NoError(t, err)
	b := rep.Backlog
	assert.Equal(t, at, b.At)
	assert.Equal(t, 1481, b.Count)
	assert.Equal(t, map[string]int{"in_progress": 587, "on_hold": 580, "new": 314}, b.ByState)
	assert.Equal(t, 201.57, hours(b.Age.Wall.Median))
	assert.Equal(t, 260.86, hours(b.Age.Wall.Mean))
	assert.Less(t, rep.Records, 24918, "incidents opened later do not count")
}
