package improvement_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm/eventlog"
	"github.com/itsmkit/itsmkit/itsm/improvement"
)

// TestBPIC2014Figures computes the metrics of the BPI Challenge 2014 sample, streaming
// each case from the import into the collector; the figures were cross-checked on the
// raw file with the shipped mapping's rules.
//
// MTTA reads first_assigned_at, which the mapping stamps at a case's first
// Assignment or Reassignment activity: both hand the incident to a team, and 1,007
// incidents have a Reassignment before any Assignment (156 never get one), so the
// first assignment is whichever comes first, as the incident practice's
// first_assigned_at would be.
func TestBPIC2014Figures(t *testing.T) {
	t.Parallel()
	f := openData(t, "bpic2014-rabobank-sample4000", "bpic14_incident_activity_4000.csv.gz")
	c, err := improvement.NewCollector(improvement.Options{Stamps: improvement.Stamps{Assigned: "first_assigned_at"}})
	require.NoError(t, err)
	imp, err := eventlog.Import(context.Background(), f, eventlog.BPIC2014Mapping(), eventlog.Options{Tenant: "rabobank"},
		func(k eventlog.Case) error { return c.Add(k.Events) })
	require.NoError(t, err)
	assert.Equal(t, 4000, imp.Cases)
	assert.Equal(t, 39911, imp.Rows)

	rep := c.Report()
	assert.Equal(t, 4000, rep.Records)
	// Open (the case's first mapped row) → its first Assignment row, cross-checked on
	// the raw file: rows sorted per incident by (data_stamp, incident_activity_number),
	// 705 incidents have no Assignment.
	assert.Equal(t, 3451, rep.MTTA.Wall.Count)
	assert.Equal(t, 0.53, hours(rep.MTTA.Wall.Median))
	assert.Equal(t, 9.61, hours(rep.MTTA.Wall.Mean))
	// The log resolves by closing: open → closed is its resolution time.
	assert.Equal(t, 3961, rep.OpenToClose.Wall.Count)
	assert.Equal(t, 18.38, hours(rep.OpenToClose.Wall.Median))
	assert.Equal(t, 122.53, hours(rep.OpenToClose.Wall.Mean))
	assert.Equal(t, improvement.Rate{Count: 225, Of: 4000}, rep.Reopened)
	assert.Equal(t, improvement.Rate{Count: 1608, Of: 4000}, rep.Reassigned)
	assert.Equal(t, improvement.Rate{Count: 65, Of: 121}, rep.FirstContact)
	assert.Equal(t, 39, rep.Backlog.Count, "the incidents the sample leaves open")
}
