package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
	"github.com/itsmkit/itsmkit/itsm/improvement"
)

func TestReplaySyntheticLog(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.html")
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-html", report, "-batch", "2", "testdata/synthetic-uci.csv"}, &out, &errOut)
	require.NoError(t, err, errOut.String())
	text := squeeze(out.String())
	for _, want := range []string{
		"15 rows → 14 events in 3 cases",
		`skipped 1 rows: unmapped value in column "incident_state" (values ["-100"], first lines [13])`,
		"Store: SQLite temporary file",
		"3 incidents loaded into the store",
		"reopened 1 of 3 (33.33%)",
		"reassigned at least once 1 of 3 (33.33%)",
		"time to resolve (MTTR) 3 20.1 h 6.0 h 44.4 h",
		"incident-response 3 of 3 met (100.00%); 0 undecided",
		"incident-resolution 2 of 2 met (100.00%); 1 undecided",
		"default lifecycle: fitness 90.91% (10 of 11 observed transitions allowed) new → resolved 1 with",
		"with ResolveFromNew and ReopenClosed: fitness 100.00% (11 of 11 observed transitions allowed)",
	} {
		assert.Contains(t, text, want)
	}
	assert.Empty(t, errOut.String(), "no progress bar when stderr is not a terminal")
	assert.NotContains(t, text, "business time", "no business time without -hours")

	page, err := os.ReadFile(report)
	require.NoError(t, err)
	html := string(page)
	assert.Equal(t, 3, strings.Count(html, "<svg "), "three charts")
	assert.Contains(t, html, `<title>new → resolved: 1</title>`)
	assert.Contains(t, html, `stroke="#c0392b"`, "the move the default lifecycle forbids is drawn red")
	assert.Empty(t, regexp.MustCompile(`(?:src|href)=`).FindAllString(html, -1), "self-contained: no links, no scripts")
}

// TestReplayBusinessTime: -hours adds the durations in business time, and the text
// report has the reassignment distribution.
func TestReplayBusinessTime(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"testdata/synthetic-uci.csv", "-store", "memory", "-html", "",
		"-hours", "Mon-Fri 09:00-17:00", "-zone", "Europe/Amsterdam"}, &out, &errOut)
	require.NoError(t, err, errOut.String())
	text := squeeze(out.String())
	for _, want := range []string{
		"by reassignment count 0: 2 1: 1",
		"The same in business time (Mon-Fri 09:00-17:00 Europe/Amsterdam)",
		"time to resolve (MTTR) 3 6.8 h 6.0 h 12.4 h", // wall: 20.1 h 6.0 h 44.4 h
		"open → closed 2 28.0 h 28.0 h 30.4 h",
	} {
		assert.Contains(t, text, want)
	}
	err = run(t.Context(), []string{"testdata/synthetic-uci.csv", "-hours", "Mon-Fri 18:00-09:00"}, &out, &errOut)
	assert.ErrorIs(t, err, itsm.ErrInvalid, "an inverted interval")
	assert.True(t, errors.Is(run(t.Context(), []string{"-zone", "UTC", "x.csv"}, &out, &errOut), errUsage), "-zone needs -hours")
}

func TestReplayUsage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	assert.True(t, errors.Is(run(t.Context(), nil, &out, &errOut), errUsage))
	assert.True(t, errors.Is(run(t.Context(), []string{"-store", "floppy", "x.csv"}, &out, &errOut), errUsage))
	err := run(t.Context(), []string{"-mapping", "testdata/none.json", "testdata/synthetic-uci.csv"}, &out, &errOut)
	assert.ErrorIs(t, err, os.ErrNotExist)
	err = run(t.Context(), []string{"-html", "", "testdata/missing.csv.gz"}, &out, &errOut)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.True(t, errors.Is(run(t.Context(), []string{"a.csv", "b.csv"}, &out, &errOut), errUsage), "one log at a time")
	assert.True(t, errors.Is(run(t.Context(), []string{"a.csv", "-store"}, &out, &errOut), errUsage), "a flag after the log still needs its value")
}

// TestReplayHelp: -h prints the usage line and every flag, and is not a usage error
// (main exits 0 for it).
func TestReplayHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help"} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), []string{arg}, &out, &errOut)
		require.ErrorIs(t, err, flag.ErrHelp, arg)
		assert.False(t, errors.Is(err, errUsage), arg)
		assert.Contains(t, errOut.String(), "usage: replay [-mapping")
		assert.Contains(t, errOut.String(), "-hours")
	}
}

// TestParseFlagsAfterTheLog: flags may come before or after the log, as in
// "replay log.csv.gz -mapping uci".
func TestParseFlagsAfterTheLog(t *testing.T) {
	t.Parallel()
	want := config{log: "log.csv.gz", mapping: "bpic2014", html: "r.html", store: "memory", batch: 7}
	for _, args := range [][]string{
		{"-mapping", "bpic2014", "-html", "r.html", "-store", "memory", "-batch", "7", "log.csv.gz"},
		{"log.csv.gz", "-mapping", "bpic2014", "-html", "r.html", "-store", "memory", "-batch", "7"},
		{"-mapping", "bpic2014", "-store", "memory", "log.csv.gz", "-html", "r.html", "-batch=7"},
	} {
		var errOut bytes.Buffer
		got, err := parse(args, &errOut)
		require.NoError(t, err, "%q", args)
		assert.Equal(t, want, got, "%q", args)
	}
}

// TestReplayUCI replays the real UCI ServiceNow log when ITSM_DATA_DIR names the
// folder holding it, and checks the conformance figures of the default lifecycle.
func TestReplayUCI(t *testing.T) {
	dir := os.Getenv("ITSM_DATA_DIR")
	if dir == "" {
		t.Skip("set ITSM_DATA_DIR to the folder holding uci-incident-event-log/ to replay the real log")
	}
	t.Parallel()
	var out, errOut bytes.Buffer
	log := filepath.Join(dir, "uci-incident-event-log", "incident_event_log.csv.gz")
	require.NoError(t, run(t.Context(), []string{"-store", "memory", "-html", "", log}, &out, &errOut))
	text := squeeze(out.String())
	for _, want := range []string{
		"141712 rows → 141707 events in 24918 cases",
		"24918 incidents loaded into the store",
		"time to resolve (MTTR) 23362 7.4 d 22.1 h 15.9 d",
		"time to assign (MTTA) 24890 1.3 h 0 min 0 min",
		"incident-resolution 18671 of 24918 met (74.93%)",
		"reopened 275 of 24918 (1.10%)",
		"reassigned at least once 11369 of 24918 (45.63%)",
		"default lifecycle: fitness 86.73% (55397 of 63874 observed transitions allowed) new → resolved 6348 new → on_hold 2102 closed → in_progress 12",
		"with ResolveFromNew and ReopenClosed: fitness 96.69% (61757 of 63874 observed transitions allowed)",
		"8521 of 24918 incidents do not start new (the log begins mid-life): in_progress 6503 on_hold 199 resolved 1819",
		"by reassignment count 0: 13549 1: 6238 2: 2283 3: 1234 4: 695 5+: 919",
	} {
		assert.Contains(t, text, want)
	}
}

// squeeze folds runs of white space into one space, so tests compare figures, not
// column alignment.
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestStampsFollowTheMapping: a milestone is read from its stamp field when the
// mapping fills that field, from a column or at an activity.
func TestStampsFollowTheMapping(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, mapping string
		change        func(m *eventlog.Mapping)
		want          improvement.Stamps
	}{
		{"uci", "uci", nil, improvement.Stamps{Opened: "opened_at", Resolved: "resolved_at", Closed: "closed_at"}},
		{"bpic2014", "bpic2014", nil, improvement.Stamps{Assigned: "first_assigned_at"}},
		{"bpic2014 without its stamp", "bpic2014", func(m *eventlog.Mapping) { m.Activity.Stamps = nil }, improvement.Stamps{}},
		{"bpic2014 stamping the close too", "bpic2014", func(m *eventlog.Mapping) { m.Activity.Stamps["Closed"] = "closed_at" },
			improvement.Stamps{Assigned: "first_assigned_at", Closed: "closed_at"}},
	} {
		m, err := loadMapping(tt.mapping)
		require.NoError(t, err)
		if tt.change != nil {
			tt.change(m)
		}
		assert.Equal(t, tt.want, stampsOf(m), tt.name)
	}
}

// TestProgressMovesWhileReading: the bar moves as bytes are read, before any case is
// imported (a sorted log is read whole first), and draws nothing off a terminal.
func TestProgressMovesWhileReading(t *testing.T) {
	t.Parallel()
	var drawn bytes.Buffer
	p := newProgress(&drawn, 10)
	require.False(t, p.active, "a buffer is no terminal")
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	assert.False(t, newProgress(null, 10).active, "nor is the null device")

	p.active = true // as on a terminal
	_, err = io.Copy(io.Discard, p.reader(strings.NewReader("0123456789")))
	require.NoError(t, err)
	assert.Contains(t, drawn.String(), "100%  0 cases")
}
