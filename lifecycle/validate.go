package lifecycle

import (
	"errors"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// problems collects what is wrong with a definition, each as an
// *itsm.ValidationError naming the part at fault.
type problems []error

func (ps *problems) add(field, format string, args ...any) {
	*ps = append(*ps, &itsm.ValidationError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// validate checks the structure of a definition and returns every problem found, in
// a stable order: kind, states and initial state, triggers, transitions, policies
// and actions, then reachability and exits.
func (p parts[S, T]) validate() problems {
	var ps problems
	if p.kind == "" {
		ps.add("kind", "is required")
	}
	states := p.checkStates(&ps)
	triggers := p.checkTriggers(&ps)
	next := p.checkTransitions(&ps, states, triggers)
	p.checkHooks(&ps, triggers)
	p.checkShape(&ps, states, next)
	return ps
}

// checkStates checks state names and the initial state, and returns the declared
// states by name (the first declaration of a name wins).
func (p parts[S, T]) checkStates(ps *problems) map[S]StateInfo[S] {
	states := make(map[S]StateInfo[S], len(p.states))
	for _, s := range p.states {
		switch _, dup := states[s.Name]; {
		case s.Name == "":
			ps.add("state", "has an empty name")
		case dup:
			ps.add(stateField(s.Name), "is declared twice")
		default:
			states[s.Name] = s
		}
	}
	switch _, ok := states[p.initial]; {
	case p.initial == "":
		ps.add("initial", "is required")
	case !ok:
		ps.add("initial", "%q is not a declared state", p.initial)
	}
	return states
}

// checkTriggers checks trigger names and returns the set of declared triggers.
func (p parts[S, T]) checkTriggers(ps *problems) map[T]bool {
	triggers := make(map[T]bool, len(p.triggers))
	for _, t := range p.triggers {
		switch {
		case t.Name == "":
			ps.add("trigger", "has an empty name")
		case triggers[t.Name]:
			ps.add(triggerField(t.Name), "is declared twice")
		default:
			triggers[t.Name] = true
		}
	}
	return triggers
}

// checkTransitions checks that transitions name declared states and triggers, that
// none is ambiguous and that every trigger is used. It returns the targets of each
// state's transitions, ambiguous ones left out.
func (p parts[S, T]) checkTransitions(ps *problems, states map[S]StateInfo[S], triggers map[T]bool) map[S][]S {
	type key struct {
		from    S
		trigger T
	}
	targets := make(map[key]S, len(p.transitions))
	used := make(map[T]bool, len(p.triggers))
	next := make(map[S][]S, len(p.states))
	for _, t := range p.transitions {
		field := transitionField(t)
		used[t.Trigger] = true
		if _, ok := states[t.From]; !ok {
			ps.add(field, "leaves undeclared state %q", t.From)
		}
		if _, ok := states[t.To]; !ok {
			ps.add(field, "enters undeclared state %q", t.To)
		}
		if !triggers[t.Trigger] {
			ps.add(field, "uses undeclared trigger %q", t.Trigger)
		}
		if to, dup := targets[key{t.From, t.Trigger}]; dup {
			ps.add(field, "is ambiguous: %q already leads from %q to %q", t.Trigger, t.From, to)
			continue
		}
		targets[key{t.From, t.Trigger}] = t.To
		next[t.From] = append(next[t.From], t.To)
	}
	for _, t := range p.triggers {
		if t.Name != "" && !used[t.Name] {
			ps.add(triggerField(t.Name), "is never used by a transition")
		}
	}
	return next
}

// checkHooks checks that policies and actions are set and name declared triggers.
func (p parts[S, T]) checkHooks(ps *problems, triggers map[T]bool) {
	for i, pol := range p.policies {
		if pol == nil {
			ps.add(fmt.Sprintf("policies[%d]", i), "is nil")
		}
	}
	for _, tp := range p.triggerPolicies {
		field := fmt.Sprintf("policy for trigger %q", tp.trigger)
		if !triggers[tp.trigger] {
			ps.add(field, "names an undeclared trigger")
		}
		if tp.policy == nil {
			ps.add(field, "is nil")
		}
	}
	for _, ta := range p.actions {
		field := fmt.Sprintf("action for trigger %q", ta.trigger)
		if !triggers[ta.trigger] {
			ps.add(field, "names an undeclared trigger")
		}
		if ta.action == nil {
			ps.add(field, "is nil")
		}
	}
}

// checkShape checks that every declared state is reachable from the initial state,
// that non-final states can be left for another state and that final states cannot
// be left at all.
func (p parts[S, T]) checkShape(ps *problems, states map[S]StateInfo[S], next map[S][]S) {
	_, initialOK := states[p.initial]
	reached := p.reachable(next)
	judged := make(map[S]bool, len(p.states))
	for _, s := range p.states {
		if s.Name == "" || judged[s.Name] {
			continue // reported by checkStates; judge each state once
		}
		judged[s.Name] = true
		field := stateField(s.Name)
		if initialOK && !reached[s.Name] {
			ps.add(field, "is unreachable from the initial state %q", p.initial)
		}
		exits := 0
		for _, to := range next[s.Name] {
			if to != s.Name {
				exits++
			}
		}
		switch {
		case s.Final && len(next[s.Name]) > 0:
			ps.add(field, "is final but has %d outgoing transition(s)", len(next[s.Name]))
		case !s.Final && exits == 0:
			ps.add(field, "has no transition to another state: declare it with Final if lives end there")
		}
	}
}

// reachable returns the states reachable from the initial state through next.
func (p parts[S, T]) reachable(next map[S][]S) map[S]bool {
	seen := map[S]bool{p.initial: true}
	queue := []S{p.initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, to := range next[s] {
			if !seen[to] {
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	return seen
}

func invalidDefinition(kind itsm.Kind, ps problems) error {
	name := string(kind)
	if name == "" {
		name = "lifecycle"
	}
	return fmt.Errorf("lifecycle: invalid %s definition:\n%w", name, errors.Join(ps...))
}

func stateField[S ~string](s S) string { return fmt.Sprintf("state %q", s) }

func triggerField[T ~string](t T) string { return fmt.Sprintf("trigger %q", t) }

func transitionField[S, T ~string](t Transition[S, T]) string {
	return fmt.Sprintf("Permit(%q, %q, %q)", t.From, t.Trigger, t.To)
}
