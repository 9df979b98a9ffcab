package eventlog_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// openData opens a file of the real logs under $ITSM_DATA_DIR, or skips the test when
// the variable is unset.
func openData(t testing.TB, parts ...string) *os.File {
	t.Helper()
	dir := os.Getenv("ITSM_DATA_DIR")
	if dir == "" {
		t.Skip("ITSM_DATA_DIR is not set: point it at the directory holding uci-incident-event-log/ and bpic2014-rabobank-sample4000/ to run the real-log tests")
	}
	f, err := os.Open(filepath.Join(append([]string{dir}, parts...)...))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func openUCI(t testing.TB) *os.File {
	return openData(t, "uci-incident-event-log", "incident_event_log.csv.gz")
}

func openBPIC(t testing.TB) *os.File {
	return openData(t, "bpic2014-rabobank-sample4000", "bpic14_incident_activity_4000.csv.gz")
}
