package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/itsmkit/itsmkit/lifecycle"
)

func TestTriggerFor(t *testing.T) {
	t.Parallel()
	def := lifecycle.ServiceLifecycle()
	for _, tr := range def.Transitions() {
		got, ok := def.TriggerFor(tr.From, tr.To)
		assert.True(t, ok, "%s → %s", tr.From, tr.To)
		to, _ := def.Target(tr.From, got)
		assert.Equal(t, tr.To, to, "the trigger found leads where asked")
	}
	_, ok := def.TriggerFor(lifecycle.ServiceState("retired"), lifecycle.ServiceState("pipeline"))
	assert.False(t, ok)
}
