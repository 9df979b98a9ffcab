package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// probe must turn what stateless would panic on at fire time into build problems.
// Validation rejects such definitions before the probe runs, so this test feeds it an
// ambiguous definition directly.
func TestProbeTurnsStatelessPanicsIntoProblems(t *testing.T) {
	t.Parallel()
	d := &Definition[string, string]{parts: parts[string, string]{
		kind:     "k",
		initial:  "a",
		states:   []StateInfo[string]{{Name: "a"}, {Name: "b", Final: true}, {Name: "c", Final: true}},
		triggers: []TriggerInfo[string]{{Name: "go"}},
		transitions: []Transition[string, string]{
			{From: "a", Trigger: "go", To: "b"},
			{From: "a", Trigger: "go", To: "c"},
		},
	}}
	d.index()
	problems := d.probe()
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Error(), `state "a", trigger "go"`)
	assert.Contains(t, problems[0].Error(), "panic: stateless: Multiple permitted exit transitions")
}

func TestProbeAcceptsAValidDefinition(t *testing.T) {
	t.Parallel()
	d := &Definition[string, string]{parts: parts[string, string]{
		kind:        "k",
		initial:     "a",
		states:      []StateInfo[string]{{Name: "a"}, {Name: "b", Final: true}},
		triggers:    []TriggerInfo[string]{{Name: "go"}, {Name: "stay"}},
		transitions: []Transition[string, string]{{From: "a", Trigger: "go", To: "b"}, {From: "a", Trigger: "stay", To: "a"}},
	}}
	d.index()
	d.pool.New = func() any { return d.newMachine() }
	assert.Empty(t, d.probe())
}
