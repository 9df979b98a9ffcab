package sla_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/itsmkit/itsmkit/itsm/sla"
)

func TestConditions(t *testing.T) {
	t.Parallel()
	s := sla.Snapshot{
		State:   "on_hold",
		Fields:  map[string]string{"on_hold_reason": "awaiting_caller", "priority": "P2", "assigned_to": ""},
		Changed: []string{"on_hold_reason", "priority"},
		Trigger: "hold",
	}
	tests := []struct {
		c     sla.Condition
		match bool
		text  string
	}{
		{sla.Condition{}, false, "unset"},
		{sla.StateIn("on_hold"), true, `state = "on_hold"`},
		{sla.StateIn("new", "in_progress"), false, `state in ("new", "in_progress")`},
		{sla.FieldEquals("on_hold_reason", "awaiting_caller"), true, `on_hold_reason = "awaiting_caller"`},
		{sla.FieldEquals("on_hold_reason", "awaiting_vendor"), false, `on_hold_reason = "awaiting_vendor"`},
		{sla.FieldEquals("service", ""), true, `service = ""`},
		{sla.FieldIn("priority", "P1", "P2"), true, `priority in ("P1", "P2")`},
		{sla.FieldSet("priority"), true, "priority is set"},
		{sla.FieldSet("assigned_to"), false, "assigned_to is set"},
		{sla.FieldSet("service"), false, "service is set"},
		{sla.FieldChanged("priority"), true, "priority changed"},
		{sla.FieldChanged("impact"), false, "impact changed"},
		{sla.Triggered("hold", "pend"), true, `trigger in ("hold", "pend")`},
		{sla.Triggered("reopen"), false, `trigger = "reopen"`},
		{sla.And(sla.StateIn("on_hold"), sla.FieldEquals("on_hold_reason", "awaiting_caller")), true,
			`state = "on_hold" and on_hold_reason = "awaiting_caller"`},
		{sla.And(sla.StateIn("on_hold"), sla.Not(sla.FieldSet("priority"))), false,
			`state = "on_hold" and not priority is set`},
		{sla.Or(sla.StateIn("new"), sla.And(sla.StateIn("on_hold"), sla.FieldChanged("priority"))), true,
			`state = "new" or (state = "on_hold" and priority changed)`},
		{sla.Not(sla.Or(sla.StateIn("new"), sla.StateIn("closed"))), true, `not (state = "new" or state = "closed")`},
		{sla.And(), true, ""},
		{sla.Or(), false, ""},
		{sla.Func("priority is P2", func(s sla.Snapshot) bool { p, _ := s.Priority(); return p == 2 }), true, "priority is P2"},
	}
	for _, tt := range tests {
		t.Run(tt.c.String(), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.match, tt.c.Match(s))
			assert.Equal(t, tt.text, tt.c.String())
		})
	}
}

func TestTriggeredIgnoresWritesWithoutTrigger(t *testing.T) {
	t.Parallel()
	assert.False(t, sla.Triggered("").Match(sla.Snapshot{}))
}

func TestConditionHelpersCopyTheirArguments(t *testing.T) {
	t.Parallel()
	states := []string{"new"}
	c := sla.StateIn(states...)
	states[0] = "closed"
	assert.True(t, c.Match(sla.Snapshot{State: "new"}))
}
