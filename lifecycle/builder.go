package lifecycle

import (
	"slices"

	"github.com/itsmkit/itsmkit/itsm"
)

// Builder collects a Definition's parts; Build validates them.
//
// Every method records its part and returns the same Builder, so calls chain. Nothing
// is checked until Build, which reports every problem at once. A Builder is not safe
// for concurrent use; the Definitions it builds are.
type Builder[S ~string, T ~string] struct {
	parts parts[S, T]
}

// parts is what a Builder collects and a Definition keeps, in declaration order, so
// that Extend can hand a copy back to a Builder.
type parts[S ~string, T ~string] struct {
	kind            itsm.Kind
	initial         S
	states          []StateInfo[S]
	triggers        []TriggerInfo[T]
	transitions     []Transition[S, T]
	policies        []Policy[S, T]
	triggerPolicies []triggerPolicy[S, T]
	actions         []triggerAction[S, T]
}

type triggerPolicy[S ~string, T ~string] struct {
	trigger T
	policy  Policy[S, T]
}

type triggerAction[S ~string, T ~string] struct {
	trigger T
	action  Action[S, T]
}

func (p parts[S, T]) clone() parts[S, T] {
	p.states = slices.Clone(p.states)
	p.triggers = slices.Clone(p.triggers)
	p.transitions = slices.Clone(p.transitions)
	p.policies = slices.Clone(p.policies)
	p.triggerPolicies = slices.Clone(p.triggerPolicies)
	p.actions = slices.Clone(p.actions)
	return p
}

// NewBuilder starts a definition for records of kind whose life begins in initial.
// The initial state must also be declared with State.
func NewBuilder[S ~string, T ~string](kind itsm.Kind, initial S) *Builder[S, T] {
	return &Builder[S, T]{parts: parts[S, T]{kind: kind, initial: initial}}
}

// State declares a non-final state with its human label. An empty label defaults to
// the state's name.
func (b *Builder[S, T]) State(s S, label string) *Builder[S, T] {
	b.parts.states = append(b.parts.states, StateInfo[S]{Name: s, Label: orName(label, s)})
	return b
}

// Final declares a final state (no transition may leave it). An empty label defaults
// to the state's name.
func (b *Builder[S, T]) Final(s S, label string) *Builder[S, T] {
	b.parts.states = append(b.parts.states, StateInfo[S]{Name: s, Label: orName(label, s), Final: true})
	return b
}

// Trigger declares a trigger with its human label. An empty label defaults to the
// trigger's name.
func (b *Builder[S, T]) Trigger(t T, label string) *Builder[S, T] {
	b.parts.triggers = append(b.parts.triggers, TriggerInfo[T]{Name: t, Label: orName(label, t)})
	return b
}

// Permit declares the transition from --trigger--> to. from == to declares a
// self-loop: the fire succeeds, runs the trigger's policies and actions, and leaves
// the state as it was.
func (b *Builder[S, T]) Permit(from S, trigger T, to S) *Builder[S, T] {
	b.parts.transitions = append(b.parts.transitions, Transition[S, T]{From: from, To: to, Trigger: trigger})
	return b
}

// Policy adds a policy checked on every fire, before the trigger's own policies.
func (b *Builder[S, T]) Policy(p Policy[S, T]) *Builder[S, T] {
	b.parts.policies = append(b.parts.policies, p)
	return b
}

// TriggerPolicy adds a policy checked on fires of trigger t.
func (b *Builder[S, T]) TriggerPolicy(t T, p Policy[S, T]) *Builder[S, T] {
	b.parts.triggerPolicies = append(b.parts.triggerPolicies, triggerPolicy[S, T]{t, p})
	return b
}

// Action adds an action run after every transition by trigger t, after the actions
// added before it.
func (b *Builder[S, T]) Action(t T, a Action[S, T]) *Builder[S, T] {
	b.parts.actions = append(b.parts.actions, triggerAction[S, T]{t, a})
	return b
}

// Build validates the definition and returns it. On any problem it returns nil and an
// error matching itsm.ErrInvalid that lists every problem found, each an
// *itsm.ValidationError naming the part at fault (see the package documentation for
// the rules). The Builder may be changed and built again afterwards; the Definition
// does not see later changes.
func (b *Builder[S, T]) Build() (*Definition[S, T], error) {
	p := b.parts.clone()
	if ps := p.validate(); len(ps) > 0 {
		return nil, invalidDefinition(p.kind, ps)
	}
	d := &Definition[S, T]{parts: p}
	d.index()
	d.pool.New = func() any { return d.newMachine() }
	if ps := d.probe(); len(ps) > 0 {
		return nil, invalidDefinition(p.kind, ps)
	}
	return d, nil
}

// index builds the lookup structures Fire uses from the validated parts.
func (d *Definition[S, T]) index() {
	d.nodes = make(map[S]*node[S, T], len(d.parts.states))
	for _, s := range d.parts.states {
		d.nodes[s.Name] = &node[S, T]{info: s, boxed: any(s.Name), out: map[T]*edge[S, T]{}}
	}
	for _, t := range d.parts.transitions {
		from, to := d.nodes[t.From], d.nodes[t.To]
		e := &edge[S, T]{Transition: t, from: from, trigger: any(t.Trigger), to: to.boxed}
		e.policies = slices.Clone(d.parts.policies)
		for _, tp := range d.parts.triggerPolicies {
			if tp.trigger == t.Trigger {
				e.policies = append(e.policies, tp.policy)
			}
		}
		for _, ta := range d.parts.actions {
			if ta.trigger == t.Trigger {
				e.actions = append(e.actions, ta.action)
			}
		}
		from.out[t.Trigger] = e
		from.triggers = append(from.triggers, t.Trigger)
	}
	for _, n := range d.nodes {
		slices.Sort(n.triggers)
	}
}

func orName[N ~string](label string, name N) string {
	if label == "" {
		return string(name)
	}
	return label
}
