package improvement_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

// openData opens a file of the real logs under $ITSM_DATA_DIR, or skips the test when
// the variable is unset.
func openData(tb testing.TB, parts ...string) *os.File {
	tb.Helper()
	dir := os.Getenv("ITSM_DATA_DIR")
	if dir == "" {
		tb.Skip("ITSM_DATA_DIR is not set: point it at the directory holding uci-incident-event-log/ and bpic2014-rabobank-sample4000/ to run the real-log tests")
	}
	f, err := os.Open(filepath.Join(append([]string{dir}, parts...)...))
	require.NoError(tb, err)
	tb.Cleanup(func() { f.Close() })
	return f
}

// importUCI imports the UCI log with its shipped mapping and returns every journal.
func importUCI(tb testing.TB) ([][]itsm.Event, *eventlog.Report) {
	tb.Helper()
	f := openData(tb, "uci-incident-event-log", "incident_event_log.csv.gz")
	var journals [][]itsm.Event
	rep, err := eventlog.Import(context.Background(), f, eventlog.UCIMapping(), eventlog.Options{Tenant: "uci"},
		func(c eventlog.Case) error {
			journals = append(journals, c.Events)
			return nil
		})
	require.NoError(tb, err)
	return journals, rep
}
