package lifecycle

import (
	"context"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// probe fires every declared trigger from every declared state on a configured
// stateless machine and compares the outcome with the definition: the transition
// when one is defined, stateless's refusal otherwise. A panic in stateless, during
// configuration or while firing, becomes a problem here instead of at fire time.
// The probed machine then joins the pool.
func (d *Definition[S, T]) probe() problems {
	var m *machine[S]
	if err := catch(func() { m = d.newMachine() }); err != nil {
		return problems{&itsm.ValidationError{Field: "definition", Problem: "stateless rejects the configuration: " + err.Error()}}
	}
	var ps problems
	ctx := context.Background()
	for _, s := range d.parts.states {
		for _, t := range d.parts.triggers {
			subject := &probeSubject[S]{state: s.Name}
			var fired error
			if err := catch(func() { fired = m.fire(ctx, subject, d.nodes[s.Name].boxed, any(t.Name)) }); err != nil {
				fired = err
			}
			e, field := d.edge(s.Name, t.Name), fmt.Sprintf("state %q, trigger %q", s.Name, t.Name)
			switch {
			case e != nil && fired != nil:
				ps.add(field, "stateless fails: %v", fired)
			case e != nil && subject.state != e.To:
				ps.add(field, "stateless leads to %q, not %q", subject.state, e.To)
			case e == nil && (fired == nil || subject.state != s.Name):
				ps.add(field, "stateless accepts a trigger the definition does not define")
			}
		}
	}
	if len(ps) == 0 {
		d.pool.Put(m)
	}
	return ps
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
