package sla_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

func TestNewRefusesInvalidSpecs(t *testing.T) {
	t.Parallel()
	valid := func(edit func(*sla.Spec)) sla.Spec {
		s := resolutionSpec(nil)
		edit(&s)
		return s
	}
	tests := []struct {
		name  string
		spec  sla.Spec
		field string
	}{
		{"no id", valid(func(s *sla.Spec) { s.ID = "" }), "id"},
		{"id with space", valid(func(s *sla.Spec) { s.ID = " p1" }), "id"},
		{"unknown kind", valid(func(s *sla.Spec) { s.Kind = "contract" }), "kind"},
		{"no metric", valid(func(s *sla.Spec) { s.Metric = "" }), "metric"},
		{"no targets", valid(func(s *sla.Spec) { s.Targets = nil }), "targets"},
		{"target for P6", valid(func(s *sla.Spec) { s.Targets[6] = time.Hour }), "targets[6]"},
		{"zero target", valid(func(s *sla.Spec) { s.Targets[itsm.P2] = 0 }), "targets[2]"},
		{"negative fallback", valid(func(s *sla.Spec) { s.Targets[0] = -time.Hour }), "targets[0]"},
		{"no start", valid(func(s *sla.Spec) { s.Start = sla.Condition{} }), "start"},
		{"empty state list", valid(func(s *sla.Spec) { s.Stop = sla.StateIn() }), "stop"},
		{"unset part", valid(func(s *sla.Spec) { s.Pause = sla.And(sla.StateIn("on_hold"), sla.Condition{}) }), "pause"},
		{"field without name", valid(func(s *sla.Spec) { s.Resume = sla.FieldEquals("", "x") }), "resume"},
		{"field without values", valid(func(s *sla.Spec) { s.Reset = sla.FieldIn("priority") }), "reset"},
		{"empty combination", valid(func(s *sla.Spec) { s.Cancel = sla.Or() }), "cancel"},
		{"func without function", valid(func(s *sla.Spec) { s.Reset = sla.Func("reopened", nil) }), "reset"},
		{"func without name", valid(func(s *sla.Spec) { s.Reset = sla.Func("", func(sla.Snapshot) bool { return true }) }), "reset"},
		{"no trigger", valid(func(s *sla.Spec) { s.Reset = sla.Not(sla.Triggered()) }), "reset"},
		{"unknown CancelWhen", valid(func(s *sla.Spec) { s.CancelWhen = 7 }), "cancel_when"},
		{"CancelWhenMatched without Cancel", valid(func(s *sla.Spec) { s.CancelWhen, s.Cancel = sla.CancelWhenMatched, sla.Condition{} }), "cancel"},
		{"warning at 100", valid(func(s *sla.Spec) { s.Warnings = []sla.Threshold{50, 100} }), "warnings[1]"},
		{"warning at 0", valid(func(s *sla.Spec) { s.Warnings = []sla.Threshold{0} }), "warnings[0]"},
		{"repeated warning", valid(func(s *sla.Spec) { s.Warnings = []sla.Threshold{80, 50, 80} }), "warnings[2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := sla.New(tt.spec)
			assert.Nil(t, d)
			require.ErrorIs(t, err, itsm.ErrInvalid)
			var ve *itsm.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field, "%v", err)
		})
	}
}

func TestDefinitionDefaultsAndCopies(t *testing.T) {
	t.Parallel()
	spec := resolutionSpec(nil)
	spec.Kind = ""
	d := mustNew(t, spec)
	got := d.Spec()
	assert.Equal(t, sla.KindSLA, got.Kind)
	assert.Equal(t, sla.DefaultWarnings(), got.Warnings)
	assert.Equal(t, "resolution", d.ID())

	spec.Targets[itsm.P1] = time.Minute // the caller's map is not the definition's
	got.Targets[itsm.P2] = time.Minute
	target, ok := d.Target(itsm.P1)
	assert.True(t, ok)
	assert.Equal(t, 4*time.Hour, target)
	target, _ = d.Target(itsm.P2)
	assert.Equal(t, 8*time.Hour, target)
	_, ok = d.Target(itsm.P5)
	assert.False(t, ok, "no fallback target")

	spec.Warnings = []sla.Threshold{90, 25}
	assert.Equal(t, []sla.Threshold{25, 90}, mustNew(t, spec).Spec().Warnings, "sorted")
	spec.Warnings = []sla.Threshold{}
	assert.Empty(t, mustNew(t, spec).Spec().Warnings, "none")
}

func TestStageText(t *testing.T) {
	t.Parallel()
	for s := sla.StageNotStarted; s <= sla.StageCancelled; s++ {
		b, err := json.Marshal(s)
		require.NoError(t, err)
		var back sla.Stage
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, s, back)
	}
	assert.Equal(t, "breached", sla.StageBreached.String())
	assert.Equal(t, "stage(9)", sla.Stage(9).String())
	_, err := sla.Stage(9).MarshalText()
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	var s sla.Stage
	assert.ErrorIs(t, s.UnmarshalText([]byte("overdue")), itsm.ErrInvalid)
}

func TestClockJSONRoundTrip(t *testing.T) {
	t.Parallel()
	d := mustNew(t, resolutionSpec(nil))
	events := exampleJournal(time.UTC)
	for _, now := range []time.Time{
		time.Date(2025, time.December, 5, 14, 0, 0, 0, time.UTC), // not started
		time.Date(2025, time.December, 5, 17, 0, 0, 0, time.UTC), // running
		time.Date(2025, time.December, 8, 11, 0, 0, 0, time.UTC), // breached and paused
	} {
		c, err := d.Evaluate(events, now)
		require.NoError(t, err)
		b, err := json.Marshal(c)
		require.NoError(t, err)
		var back sla.Clock
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, c, back, "%s", b)
	}
	c, err := d.Evaluate(events, time.Date(2025, time.December, 5, 17, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"definition":"resolution","tenant":"acme","kind":"incident","record":"01938f3c-7a2b-7c3d-8e4f-5a6b7c8d9e0f",
		"cycle":1,"stage":"running","priority":"P2","target":28800000000000,"started_at":"2025-12-05T15:00:00Z",
		"elapsed":7200000000000,"paused_for":0,"left":21600000000000,"percent":25,"due":"2025-12-05T23:00:00Z",
		"next":50,"next_at":"2025-12-05T19:00:00Z","as_of":"2025-12-05T17:00:00Z"}`, string(b))
}
