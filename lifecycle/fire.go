package lifecycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// Fire moves subject by trigger on behalf of actor and returns the transition taken.
// args reaches policies and actions untouched, in Request.Args. Fire is safe for
// concurrent use on distinct subjects; a subject itself is not synchronised.
//
// Fire checks, in this order, and stops at the first failure:
//
//   - ctx is already done: the error wraps ctx.Err().
//   - subject is nil: an *itsm.ValidationError (itsm.ErrInvalid).
//   - trigger is not defined in the subject's state (or the trigger, or the state, is
//     not declared at all): an *itsm.TransitionError (itsm.ErrTransitionNotAllowed)
//     listing the triggers the state does define.
//   - policies, the definition's then the trigger's, in declaration order: every one
//     runs, and every reason of every refusal (see Policy for what is a refusal and
//     which reasons it gives) becomes a reason of one *itsm.PolicyError, which
//     matches itsm.ErrForbidden and/or itsm.ErrInvalid. Any other error aborts the
//     fire at once and is returned wrapped.
//   - the state changes, then the trigger's actions run in order; the first action
//     error is returned wrapped, after the subject is restored through its
//     Snapshotter (taken before the state changed) or, without one, after its state is
//     set back.
//
// A refused fire leaves the subject as it was (policies must not change it). A fire
// that fails once the state changed sets the state back; only a Snapshotter brings
// back the other fields as well: without one, they keep what the actions that ran
// changed.
func (d *Definition[S, T]) Fire(ctx context.Context, actor itsm.Actor, subject Subject[S], trigger T, args any) (Transition[S, T], error) {
	return d.fire(ctx, actor, subject, trigger, args, true)
}

// FireCopy is Fire for a subject the caller throws away when the fire fails: a
// private copy read from storage, changed, then written back only on success. It
// checks and returns exactly what Fire does, but takes no snapshot: after a failed
// action the state is set back and every other field holds what the actions left.
// Services use it to spare a deep copy of the record on every write.
func (d *Definition[S, T]) FireCopy(ctx context.Context, actor itsm.Actor, subject Subject[S], trigger T, args any) (Transition[S, T], error) {
	return d.fire(ctx, actor, subject, trigger, args, false)
}

func (d *Definition[S, T]) fire(ctx context.Context, actor itsm.Actor, subject Subject[S], trigger T, args any, restorable bool) (Transition[S, T], error) {
	if err := ctx.Err(); err != nil {
		return Transition[S, T]{}, fmt.Errorf("lifecycle: %s: %q: %w", d.name(subject), trigger, err)
	}
	if subject == nil {
		return Transition[S, T]{}, &itsm.ValidationError{Field: "subject", Problem: "is required"}
	}
	from := subject.LifecycleState()
	e := d.edge(from, trigger)
	if e == nil {
		return Transition[S, T]{}, d.notAllowed(subject, from, trigger)
	}
	req := Request[S, T]{Actor: actor, Subject: subject, From: from, To: e.To, Trigger: trigger, Args: args}
	if err := d.check(ctx, e, req); err != nil {
		return Transition[S, T]{}, err
	}

	var restore func()
	if s, ok := subject.(Snapshotter); ok && restorable && len(e.actions) > 0 {
		restore = s.Snapshot()
	}
	undo := func() {
		if restore != nil {
			restore()
		} else {
			subject.SetLifecycleState(from)
		}
	}
	m := d.pool.Get().(*machine[S])
	err := m.fire(ctx, subject, e.from.boxed, e.trigger)
	d.pool.Put(m)
	if err != nil {
		undo()
		return Transition[S, T]{}, fmt.Errorf("lifecycle: %s: %q from %q: %w", d.name(subject), trigger, from, err)
	}
	for i, a := range e.actions {
		if err := a(ctx, req); err != nil {
			undo()
			return Transition[S, T]{}, fmt.Errorf("lifecycle: %s: action %d of %q: %w", d.name(subject), i+1, trigger, err)
		}
	}
	return e.Transition, nil
}

// Permitted returns the triggers that would succeed now, sorted: those defined in the
// subject's state whose policies all return nil for actor and args. Actions are not
// run, so a trigger listed here may still fail in Fire if an action fails. It returns
// nil for a nil subject, a subject in a final or undeclared state, or a done ctx.
func (d *Definition[S, T]) Permitted(ctx context.Context, actor itsm.Actor, subject Subject[S], args any) []T {
	if subject == nil || ctx.Err() != nil {
		return nil
	}
	n := d.nodes[subject.LifecycleState()]
	if n == nil {
		return nil
	}
	var permitted []T
	for _, t := range n.triggers {
		e := n.out[t]
		req := Request[S, T]{Actor: actor, Subject: subject, From: e.From, To: e.To, Trigger: t, Args: args}
		if d.check(ctx, e, req) == nil {
			permitted = append(permitted, t)
		}
	}
	return permitted
}

// check runs every policy of e and returns nil, the *itsm.PolicyError gathering every
// refusal, or the first error that is not a refusal, wrapped.
func (d *Definition[S, T]) check(ctx context.Context, e *edge[S, T], req Request[S, T]) error {
	var reasons []itsm.Reason
	for _, p := range e.policies {
		err := p(ctx, req)
		if pe, ok := err.(*itsm.PolicyError); err == nil || ok && pe == nil {
			continue // a nil *itsm.PolicyError returned as an error allows too
		}
		var ok bool
		if reasons, ok = refusals(reasons, err); !ok {
			return fmt.Errorf("lifecycle: %s: policy for %q: %w", d.name(req.Subject), req.Trigger, err)
		}
	}
	if reasons == nil {
		return nil
	}
	return &itsm.PolicyError{Kind: d.parts.kind, ID: idOf(req.Subject), Number: numberOf(req.Subject), Trigger: string(req.Trigger), Reasons: reasons}
}

// refusals appends to reasons the reasons err gives, as Policy documents, and reports
// whether err is a refusal; when it is not, reasons is returned unchanged.
func refusals(reasons []itsm.Reason, err error) ([]itsm.Reason, bool) {
	if pe, ok := err.(*itsm.PolicyError); ok && pe != nil && len(pe.Reasons) > 0 {
		for _, r := range pe.Reasons {
			reasons = append(reasons, refusal(r))
		}
		return reasons, true
	}
	n := len(reasons)
	switch x := err.(type) {
	case interface{ Unwrap() []error }:
		parts := x.Unwrap()
		all := len(parts) > 0
		for _, part := range parts {
			if part == nil {
				continue
			}
			if reasons, all = refusals(reasons, part); !all {
				break
			}
		}
		if all && len(reasons) > n {
			return reasons, true
		}
		reasons = reasons[:n]
	case interface{ Unwrap() error }:
		// A wrapped *itsm.PolicyError or join gives its own reasons; a wrapped sentinel
		// is one reason with the wrapper's message.
		if inner := x.Unwrap(); splits(inner) {
			if more, ok := refusals(reasons, inner); ok {
				return more, true
			}
		}
	}
	switch {
	case errors.Is(err, itsm.ErrForbidden):
		return append(reasons, itsm.Reason{Code: "forbidden", Message: err.Error(), Err: err}), true
	case errors.Is(err, itsm.ErrInvalid):
		return append(reasons, itsm.Reason{Code: "invalid", Message: err.Error(), Err: err}), true
	}
	return reasons, false
}

// splits reports whether err, or an error its chain of single wraps reaches, is an
// *itsm.PolicyError or joins several errors: one whose parts refusals takes apart.
func splits(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		switch err.(type) {
		case *itsm.PolicyError, interface{ Unwrap() []error }:
			return true
		}
	}
	return false
}

// refusal returns r with an Err that matches itsm.ErrForbidden or itsm.ErrInvalid: a
// reason whose Err is nil, or matches neither, is a permission refusal (see Policy).
func refusal(r itsm.Reason) itsm.Reason {
	switch {
	case r.Err == nil:
		r.Err = itsm.ErrForbidden
	case !errors.Is(r.Err, itsm.ErrForbidden) && !errors.Is(r.Err, itsm.ErrInvalid):
		r.Err = forbidden{r.Err}
	}
	return r
}

// forbidden is a policy's reason error that matches neither itsm.ErrForbidden nor
// itsm.ErrInvalid, made a permission refusal. Of the itsm sentinels it matches
// itsm.ErrForbidden only (a refusal that still matched, say, itsm.ErrConflict would be
// retried); errors.Is and errors.As still find the policy's own errors in it.
type forbidden struct{ err error }

func (f forbidden) Error() string { return "forbidden: " + f.err.Error() }

// Is reports whether target is itsm.ErrForbidden, or an error of the policy's that is
// not one of the itsm sentinels.
func (f forbidden) Is(target error) bool {
	switch target {
	case itsm.ErrForbidden:
		return true
	case itsm.ErrNotFound, itsm.ErrAlreadyExists, itsm.ErrConflict, itsm.ErrTransitionNotAllowed, itsm.ErrInvalid:
		return false
	}
	return errors.Is(f.err, target)
}

// As finds target in the policy's error.
func (f forbidden) As(target any) bool { return errors.As(f.err, target) }

func (d *Definition[S, T]) notAllowed(subject Subject[S], from S, trigger T) error {
	err := &itsm.TransitionError{Kind: d.parts.kind, ID: idOf(subject), Number: numberOf(subject), From: string(from), Trigger: string(trigger)}
	if n := d.nodes[from]; n != nil {
		for _, t := range n.triggers {
			err.Permitted = append(err.Permitted, string(t))
		}
	}
	return err
}

// name names subject in error messages: its kind, then its number when it has one,
// else its ID when it has one.
func (d *Definition[S, T]) name(subject Subject[S]) string {
	if n := numberOf(subject); n != "" {
		return string(d.parts.kind) + " " + n
	}
	if id := idOf(subject); !id.IsZero() {
		return string(d.parts.kind) + " " + id.String()
	}
	return string(d.parts.kind)
}

func idOf[S ~string](subject Subject[S]) itsm.ID {
	if s, ok := subject.(Identified); ok {
		return s.SubjectID()
	}
	return itsm.ID{}
}

func numberOf[S ~string](subject Subject[S]) string {
	if s, ok := subject.(Numbered); ok {
		return s.SubjectNumber()
	}
	return ""
}
