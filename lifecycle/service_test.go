package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

func TestServiceLifecycle(t *testing.T) {
	t.Parallel()
	def := lifecycle.ServiceLifecycle()
	assert.Same(t, def, lifecycle.ServiceLifecycle(), "built once and shared")
	assert.Equal(t, itsm.Kind("service"), def.Kind())
	assert.Equal(t, lifecycle.ServicePipeline, def.Initial())
	assert.True(t, def.IsFinal(lifecycle.ServiceRetired))

	// Strategy → Design → Transition (with a rework) → Operation, two rounds of
	// continual improvement, then retirement.
	s := &Service{State: def.Initial()}
	var seen []lifecycle.ServiceState
	for _, trig := range []lifecycle.ServiceTrigger{
		lifecycle.ServiceApprove, lifecycle.ServiceBuild, lifecycle.ServiceRework, lifecycle.ServiceBuild,
		lifecycle.ServiceRelease, lifecycle.ServiceImprove, lifecycle.ServiceBuild, lifecycle.ServiceRelease,
		lifecycle.ServiceRetire,
	} {
		_, err := def.Fire(t.Context(), agent, s, trig, nil)
		require.NoError(t, err, "%s from %s", trig, s.State)
		seen = append(seen, s.State)
	}
	assert.Equal(t, []lifecycle.ServiceState{"design", "transition", "design", "transition", "operation", "design", "transition", "operation", "retired"}, seen)

	for _, tt := range []struct {
		from lifecycle.ServiceState
		trig lifecycle.ServiceTrigger
		to   lifecycle.ServiceState
	}{
		{lifecycle.ServicePipeline, lifecycle.ServiceReject, lifecycle.ServiceRetired},
		{lifecycle.ServiceDesign, lifecycle.ServiceCancel, lifecycle.ServiceRetired},
		{lifecycle.ServiceTransition, lifecycle.ServiceCancel, lifecycle.ServiceRetired},
	} {
		to, ok := def.Target(tt.from, tt.trig)
		assert.True(t, ok)
		assert.Equal(t, tt.to, to)
	}

	_, err := def.Fire(t.Context(), agent, &Service{State: lifecycle.ServiceOperation}, lifecycle.ServiceRelease, nil)
	assert.ErrorIs(t, err, itsm.ErrTransitionNotAllowed)
}

func TestServiceLifecycleCanBeExtended(t *testing.T) {
	t.Parallel()
	const sunset lifecycle.ServiceState = "sunset"
	const deprecate lifecycle.ServiceTrigger = "deprecate"
	extended, err := lifecycle.ServiceLifecycle().Extend().
		State(sunset, "Sunset").
		Trigger(deprecate, "Deprecate").
		Permit(lifecycle.ServiceOperation, deprecate, sunset).
		Permit(sunset, lifecycle.ServiceRetire, lifecycle.ServiceRetired).
		Build()
	require.NoError(t, err)
	assert.True(t, extended.HasState(sunset))
	assert.False(t, lifecycle.ServiceLifecycle().HasState(sunset))
}
