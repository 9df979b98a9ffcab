package lifecycle

import (
	"context"

	"github.com/qmuntal/stateless"
)

// machine is one stateless machine configured from a Definition, with external state
// storage that reads and writes the subject being fired.
//
// The pool hands a machine to one goroutine at a time, and that goroutine sets
// subject and state around each fire, so the storage callbacks read the subject from
// the machine they belong to: no context value, no allocation. Machines are
// FiringImmediate: a fire runs on the caller's goroutine and returns its own result.
type machine[S ~string] struct {
	sm      *stateless.StateMachine
	subject Subject[S]
	state   any // the subject's state, boxed once per state by the Definition
}

// newMachine configures a stateless machine with every state and transition of d. It
// panics if stateless rejects the configuration; Build catches that in probe, so the
// pool only ever configures definitions that passed.
func (d *Definition[S, T]) newMachine() *machine[S] {
	m := &machine[S]{}
	m.sm = stateless.NewStateMachineWithExternalStorage(
		func(context.Context) (stateless.State, error) { return m.state, nil },
		func(_ context.Context, s stateless.State) error {
			m.state = s
			m.subject.SetLifecycleState(s.(S))
			return nil
		},
		stateless.FiringImmediate,
	)
	for _, s := range d.parts.states {
		configure(m.sm, d.nodes[s.Name])
	}
	return m
}

// configure declares n and its transitions on sm. Declaring every state up front
// means stateless never adds one (under its write lock) while firing.
func configure[S, T ~string](sm *stateless.StateMachine, n *node[S, T]) {
	sc := sm.Configure(n.boxed)
	for _, t := range n.triggers {
		e := n.out[t]
		if e.From == e.To {
			sc.PermitReentry(e.trigger)
		} else {
			sc.Permit(e.trigger, e.to)
		}
	}
}

// fire moves subject, currently in state (boxed), by trigger (boxed).
func (m *machine[S]) fire(ctx context.Context, subject Subject[S], state, trigger any) error {
	m.subject, m.state = subject, state
	defer func() { m.subject, m.state = nil, nil }()
	return m.sm.FireCtx(ctx, trigger)
}
