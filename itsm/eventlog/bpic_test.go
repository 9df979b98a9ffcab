package eventlog_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

// TestImportBPIC2014 checks the import of the BPI Challenge 2014 sample against figures
// measured on the raw file independently of this package.
func TestImportBPIC2014(t *testing.T) {
	t.Parallel()
	f := openBPIC(t)
	final := map[string]int{}
	moves := map[[2]string]int{}
	unordered, stamped := 0, 0
	rep, err := eventlog.Import(context.Background(), f, eventlog.BPIC2014Mapping(), eventlog.Options{Tenant: "rabobank"},
		func(c eventlog.Case) error {
			s := c.States()
			final[s[len(s)-1]]++
			for i, e := range c.Events {
				if e.Type == itsm.EventTransitioned {
					moves[[2]string{e.From, e.To}]++
				}
				if i > 0 && e.At.Before(c.Events[i-1].At) {
					unordered++
				}
				if bytes.Contains(e.Data, []byte(`"first_assigned_at":"`)) {
					stamped++
				}
			}
			return nil
		})
	require.NoError(t, err)

	assert.Equal(t, 39911, rep.Rows, "activity rows")
	assert.Equal(t, 4000, rep.Cases, "incidents")
	assert.Equal(t, 1042, rep.Ignored, "Quality Indicator rows")
	assert.Equal(t, 39911-1042, rep.Events)
	assert.Empty(t, rep.Skipped, "every activity is listed")
	assert.Len(t, rep.Pairs, 407, "distinct consecutive activity pairs")
	assert.Zero(t, unordered, "each journal is in time order although the file is not")
	assert.Equal(t, 3451, stamped, "incidents with an Assignment or a Reassignment, each stamped once")
	assert.Equal(t, map[string]int{"closed": 3961, "on_hold": 24, "in_progress": 15}, final)
	assert.Equal(t, map[[2]string]int{
		{"new", "in_progress"}: 3365, {"new", "on_hold"}: 99, {"new", "resolved"}: 15, {"new", "closed"}: 521,
		{"in_progress", "on_hold"}: 233, {"in_progress", "resolved"}: 101, {"in_progress", "closed"}: 3462,
		{"on_hold", "in_progress"}: 170, {"on_hold", "resolved"}: 7, {"on_hold", "closed"}: 131,
		{"resolved", "closed"}: 125, {"resolved", "in_progress"}: 1,
		{"closed", "in_progress"}: 275, {"closed", "resolved"}: 3,
	}, moves)
}
