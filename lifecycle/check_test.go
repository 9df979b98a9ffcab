package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/itsmkit/itsmkit/lifecycle"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	type dev = lifecycle.Deviation[State]
	tests := []struct {
		name      string
		sequences [][]State
		want      lifecycle.Report[State]
	}{
		{"nothing", nil, lifecycle.Report[State]{Fitness: 1}},
		{"empty and single-state sequences", [][]State{{}, {New}},
			lifecycle.Report[State]{Sequences: 2, Fitness: 1}},
		{"conforming", [][]State{{New, Open, OnHold, Open, Resolved, Closed}, {New, Cancelled}},
			lifecycle.Report[State]{Sequences: 2, Transitions: 6, Allowed: 6, Fitness: 1}},
		{"repeats are collapsed", [][]State{{New, New, Open, Open, Open, Resolved}},
			lifecycle.Report[State]{Sequences: 1, Transitions: 2, Allowed: 2, Fitness: 1, Repeats: 3}},
		{"repeats are not judged even without a self-loop", [][]State{{New, New}},
			lifecycle.Report[State]{Sequences: 1, Fitness: 1, Repeats: 1}},
		{"deviations sorted by count, then from, then to", [][]State{
			{New, Resolved, Closed},   // new->resolved skips open
			{New, Open, Closed},       // open->closed skips resolved
			{New, Resolved, Open},     // new->resolved again
			{Open, Resolved, Closed},  // starts late
			{New, Open, New, Closed}}, // open->new, new->closed
			lifecycle.Report[State]{
				Sequences: 5, Transitions: 11, Allowed: 6, Fitness: 6.0 / 11,
				Disallowed: []dev{{New, Resolved, 2}, {New, Closed, 1}, {Open, Closed, 1}, {Open, New, 1}},
				WrongStart: []int{3},
			}},
		{"undeclared states", [][]State{{New, "triage", Open, "limbo", "limbo"}, {"triage"}},
			lifecycle.Report[State]{
				Sequences: 2, Transitions: 3, Allowed: 0, Fitness: 0, Repeats: 1,
				Disallowed: []dev{{New, "triage", 1}, {Open, "limbo", 1}, {"triage", Open, 1}},
				Undeclared: []State{"limbo", "triage"},
				WrongStart: []int{1},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, lifecycle.Check(def, tt.sequences))
		})
	}
}

func TestReportString(t *testing.T) {
	t.Parallel()
	r := lifecycle.Check(build(t, ticketBuilder()), [][]State{{New, New, Resolved}, {"limbo", Open}})
	assert.Equal(t, `2 sequences, 2 transitions, 0 allowed (fitness 0.000), 1 repeats collapsed; `+
		`disallowed: limbo->open x1, new->resolved x1; undeclared states: [limbo]; 1 sequences do not start in the initial state`, r.String())
}
