package lifecycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// validate checks the structure of a definition and returns every problem found, in
// a stable order: kind and initial, states, triggers, transitions, policies and
// actions, then reachability and exits.
func (p parts[S, T]) validate() []error {
	var problems []error
	add := func(field, format string, args ...any) {
		problems = append(problems, &itsm.ValidationError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}

	if p.kind == "" {
		add("kind", "is required")
	}

	states := make(map[S]StateInfo[S], len(p.states))
	for _, s := range p.states {
		switch _, dup := states[s.Name]; {
		case s.Name == "":
			add("state", "has an empty name")
		case dup:
			add(stateField(s.Name), "is declared twice")
		default:
			states[s.Name] = s
		}
	}
	switch _, ok := states[p.initial]; {
	case p.initial == "":
		add("initial", "is required")
	case !ok:
		add("initial", "%q is not a declared state", p.initial)
	}

	triggers := make(map[T]bool, len(p.triggers))
	for _, t := range p.triggers {
		switch {
		case t.Name == "":
			add("trigger", "has an empty name")
		case triggers[t.Name]:
			add(triggerField(t.Name), "is declared twice")
		default:
			triggers[t.Name] = true
		}
	}

	type key struct {
		from    S
		trigger T
	}
	targets := make(map[key]S, len(p.transitions))
	used := make(map[T]bool, len(p.triggers))
	next := make(map[S][]S, len(p.states)) // edges between declared states
	for _, t := range p.transitions {
		field := transitionField(t)
		used[t.Trigger] = true
		if _, ok := states[t.From]; !ok {
			add(field, "leaves undeclared state %q", t.From)
		}
		if _, ok := states[t.To]; !ok {
			add(field, "enters undeclared state %q", t.To)
		}
		if !triggers[t.Trigger] {
			add(field, "uses undeclared trigger %q", t.Trigger)
		}
		if to, dup := targets[key{t.From, t.Trigger}]; dup {
			add(field, "is ambiguous: %q already leads from %q to %q", t.Trigger, t.From, to)
			continue
		}
		targets[key{t.From, t.Trigger}] = t.To
		next[t.From] = append(next[t.From], t.To)
	}
	for _, t := range p.triggers {
		if t.Name != "" && !used[t.Name] {
			add(triggerField(t.Name), "is never used by a transition")
		}
	}

	for i, pol := range p.policies {
		if pol == nil {
			add(fmt.Sprintf("policies[%d]", i), "is nil")
		}
	}
	for _, tp := range p.triggerPolicies {
		if !triggers[tp.trigger] {
			add(fmt.Sprintf("policy for trigger %q", tp.trigger), "names an undeclared trigger")
		}
		if tp.policy == nil {
			add(fmt.Sprintf("policy for trigger %q", tp.trigger), "is nil")
		}
	}
	for _, ta := range p.actions {
		if !triggers[ta.trigger] {
			add(fmt.Sprintf("action for trigger %q", ta.trigger), "names an undeclared trigger")
		}
		if ta.action == nil {
			add(fmt.Sprintf("action for trigger %q", ta.trigger), "is nil")
		}
	}

	reached := p.reachable(next)
	judged := make(map[S]bool, len(p.states))
	for _, s := range p.states {
		if s.Name == "" || judged[s.Name] {
			continue // reported above; judge each declared state once
		}
		judged[s.Name] = true
		field := stateField(s.Name)
		if _, ok := states[p.initial]; ok && !reached[s.Name] {
			add(field, "is unreachable from the initial state %q", p.initial)
		}
		exits := 0
		for _, to := range next[s.Name] {
			if to != s.Name {
				exits++
			}
		}
		switch {
		case s.Final && len(next[s.Name]) > 0:
			add(field, "is final but has %d outgoing transition(s)", len(next[s.Name]))
		case !s.Final && exits == 0:
			add(field, "has no transition to another state: declare it with Final if lives end there")
		}
	}
	return problems
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

// probe fires every declared trigger from every declared state on a configured
// stateless machine and compares the outcome with the definition: the transition
// when one is defined, stateless's refusal otherwise. A panic in stateless, during
// configuration or while firing, becomes a problem here instead of at fire time.
// The probed machine then joins the pool.
func (d *Definition[S, T]) probe() (problems []error) {
	var m *machine[S, T]
	if err := catch(func() { m = d.newMachine() }); err != nil {
		return []error{&itsm.ValidationError{Field: "definition", Problem: "stateless rejects the configuration: " + err.Error()}}
	}
	ctx := context.Background()
	for _, s := range d.states {
		for _, t := range d.triggers {
			subject := &probeSubject[S]{state: s.Name}
			var fired error
			if err := catch(func() { fired = m.fire(ctx, subject, d.nodes[s.Name].boxed, any(t.Name)) }); err != nil {
				fired = err
			}
			e, field := d.edge(s.Name, t.Name), fmt.Sprintf("state %q, trigger %q", s.Name, t.Name)
			switch {
			case e != nil && fired != nil:
				problems = append(problems, &itsm.ValidationError{Field: field, Problem: "stateless fails: " + fired.Error()})
			case e != nil && subject.state != e.To:
				problems = append(problems, &itsm.ValidationError{Field: field, Problem: fmt.Sprintf("stateless leads to %q, not %q", subject.state, e.To)})
			case e == nil && (fired == nil || subject.state != s.Name):
				problems = append(problems, &itsm.ValidationError{Field: field, Problem: "stateless accepts a trigger the definition does not define"})
			}
		}
	}
	if len(problems) == 0 {
		d.pool.Put(m)
	}
	return problems
}

// catch runs f and returns its panic as an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	f()
	return nil
}

type probeSubject[S ~string] struct{ state S }

func (p *probeSubject[S]) LifecycleState() S     { return p.state }
func (p *probeSubject[S]) SetLifecycleState(s S) { p.state = s }

func invalidDefinition(kind itsm.Kind, problems []error) error {
	name := string(kind)
	if name == "" {
		name = "lifecycle"
	}
	return fmt.Errorf("lifecycle: invalid %s definition:\n%w", name, errors.Join(problems...))
}

func stateField[S ~string](s S) string { return fmt.Sprintf("state %q", s) }

func triggerField[T ~string](t T) string { return fmt.Sprintf("trigger %q", t) }

func transitionField[S, T ~string](t Transition[S, T]) string {
	return fmt.Sprintf("Permit(%q, %q, %q)", t.From, t.Trigger, t.To)
}
