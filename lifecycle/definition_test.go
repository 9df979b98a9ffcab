package lifecycle_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

func TestDefinitionDescribesItself(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	assert.Equal(t, kindTicket, def.Kind())
	assert.Equal(t, New, def.Initial())
	assert.Equal(t, lifecycle.StateInfo[State]{Name: Closed, Label: "Closed", Final: true}, def.States()[4])
	assert.Len(t, def.States(), 6)
	assert.Equal(t, lifecycle.TriggerInfo[Trigger]{Name: Start, Label: "Start work"}, def.Triggers()[0])
	assert.Len(t, def.Triggers(), 8)
	assert.Equal(t, lifecycle.Transition[State, Trigger]{From: New, To: Open, Trigger: Start}, def.Transitions()[0])
	assert.Len(t, def.Transitions(), 10)

	to, ok := def.Target(Open, Hold)
	assert.True(t, ok)
	assert.Equal(t, OnHold, to)
	_, ok = def.Target(Closed, Reopen)
	assert.False(t, ok)
	_, ok = def.Target("limbo", Start)
	assert.False(t, ok)

	assert.True(t, def.IsFinal(Closed))
	assert.False(t, def.IsFinal(Open))
	assert.False(t, def.IsFinal("limbo"))
	assert.True(t, def.HasState(OnHold))
	assert.False(t, def.HasState("limbo"))
}

func TestDefinitionReturnsCopies(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	def.States()[0].Label = "changed"
	def.Triggers()[0].Label = "changed"
	def.Transitions()[0].To = "changed"
	assert.Equal(t, "New", def.States()[0].Label)
	assert.Equal(t, "Start work", def.Triggers()[0].Label)
	assert.Equal(t, Open, def.Transitions()[0].To)
}

func TestExtendLeavesTheOriginalAlone(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().Policy(lifecycle.RequireRole[State, Trigger](itsm.RoleAgent)))
	before := def.Mermaid()

	const Triage State = "triage"
	const Triaged Trigger = "triage"
	extended := build(t, def.Extend().
		State(Triage, "Triage").
		Trigger(Triaged, "Triage").
		Permit(New, Triaged, Triage).
		Permit(Triage, Start, Open).
		Action(Start, func(_ context.Context, req Request) error {
			k := req.Subject.(*ticket)
			k.log = append(k.log, "started")
			return nil
		}))

	assert.Equal(t, before, def.Mermaid())
	assert.False(t, def.HasState(Triage))
	_, ok := def.Target(New, Triaged)
	assert.False(t, ok)
	assert.Len(t, extended.States(), len(def.States())+1)

	k := &ticket{state: New}
	_, err := def.Fire(t.Context(), agent, k, Start, nil)
	require.NoError(t, err)
	assert.Empty(t, k.log, "the original has no action")

	k = &ticket{state: New}
	_, err = extended.Fire(t.Context(), agent, k, Triaged, nil)
	require.NoError(t, err)
	_, err = extended.Fire(t.Context(), agent, k, Start, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"started"}, k.log)

	_, err = extended.Fire(t.Context(), caller, &ticket{state: New}, Triaged, nil)
	assert.ErrorIs(t, err, itsm.ErrForbidden, "policies carry over")
}

func TestExtendedBuilderIsValidatedAgain(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	_, err := def.Extend().State("orphan", "Orphan").Build()
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	assert.ErrorContains(t, err, `state "orphan": is unreachable`)
}
