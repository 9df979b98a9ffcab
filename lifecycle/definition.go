package lifecycle

import (
	"context"
	"slices"
	"sync"

	"github.com/itsmkit/itsmkit/itsm"
)

// Subject is a record that moves through a Definition's states. The engine reads and
// writes the state only through these two methods.
type Subject[S ~string] interface {
	LifecycleState() S
	SetLifecycleState(S)
}

// Snapshotter is implemented by subjects whose actions change more than the state.
// When the trigger has actions, Fire takes a snapshot before it changes the state and
// calls restore when an action fails, so a failed fire leaves the subject exactly as
// it was; restore must therefore bring back the state as well as every other field.
// Without it Fire restores the state only.
type Snapshotter interface {
	Snapshot() (restore func())
}

// Identified is implemented by subjects that have an ID; Fire copies it into the
// errors it returns.
type Identified interface {
	SubjectID() itsm.ID
}

// Numbered is implemented by subjects that have a human number (such as
// "INC0000042"); Fire copies it into the errors it returns, whose messages then name
// the subject by its number rather than its ID. An empty number counts as none.
type Numbered interface {
	SubjectNumber() string
}

// Request is what policies and actions see of one fire.
type Request[S ~string, T ~string] struct {
	Actor   itsm.Actor
	Subject Subject[S]
	From    S
	To      S
	Trigger T
	// Args is what the caller passed to Fire, untouched.
	Args any
}

// Policy decides whether a fire may happen. It returns nil to allow it, a refusal to
// refuse it, or any other error to abort the fire with that error. Policies must not
// change the subject.
//
// A refusal is one of:
//
//   - an *itsm.PolicyError with at least one reason, wrapped or not: each reason
//     becomes a reason of the fire's refusal. A reason whose Err is nil, or matches
//     neither itsm.ErrForbidden nor itsm.ErrInvalid, counts as a permission refusal:
//     Fire gives it an Err that matches itsm.ErrForbidden and no other itsm sentinel
//     (so a refusal is never taken for a conflict to retry), in which errors.Is and
//     errors.As still find the policy's own errors. A PolicyError without reasons, or
//     a nil *itsm.PolicyError returned as an error, is not a refusal.
//   - an error joining several (errors.Join, or fmt.Errorf with several %w) whose
//     parts are all refusals: each part contributes its reasons, recursively.
//   - any other error matching itsm.ErrForbidden (one reason with code "forbidden")
//     or itsm.ErrInvalid (code "invalid"), with the error as Reason.Err and its text
//     as Reason.Message. A join with a part that is not a refusal counts as one
//     error, by this rule.
//
// So every refusal Fire returns matches itsm.ErrForbidden, itsm.ErrInvalid or both.
type Policy[S ~string, T ~string] func(ctx context.Context, req Request[S, T]) error

// Action changes the in-memory subject after its state changed. An error undoes the
// whole fire (see Snapshotter).
type Action[S ~string, T ~string] func(ctx context.Context, req Request[S, T]) error

// Transition is one edge of a Definition, and the result of a successful Fire.
type Transition[S ~string, T ~string] struct {
	From    S
	To      S
	Trigger T
}

// StateInfo describes a declared state.
type StateInfo[S ~string] struct {
	Name  S
	Label string
	Final bool
}

// TriggerInfo describes a declared trigger.
type TriggerInfo[T ~string] struct {
	Name  T
	Label string
}

// Definition is a validated, immutable lifecycle: states, triggers, transitions,
// policies and actions. Build one once with a Builder and share it between every
// record and goroutine.
//
// A Definition holds no record: Fire reads and writes the state of the subject it is
// given. Underneath, every Fire goes through one of a small pool of identically
// configured stateless machines (FiringImmediate, external storage), so goroutines
// firing at once do not contend on one machine's counters.
type Definition[S ~string, T ~string] struct {
	parts parts[S, T]
	nodes map[S]*node[S, T]
	pool  sync.Pool // of *machine[S]
}

// node is a declared state with everything Fire needs about it.
type node[S ~string, T ~string] struct {
	info StateInfo[S]
	// boxed is the state as stateless sees it, boxed once so no fire allocates it.
	boxed any
	out   map[T]*edge[S, T]
	// triggers lists the triggers defined from this state, sorted.
	triggers []T
}

// edge is a transition with the policies and actions of its trigger.
type edge[S ~string, T ~string] struct {
	Transition[S, T]
	from     *node[S, T]
	trigger  any // the trigger boxed once for stateless
	to       any // the target state boxed once
	policies []Policy[S, T]
	actions  []Action[S, T]
}

// Kind returns the record kind the definition is for.
func (d *Definition[S, T]) Kind() itsm.Kind { return d.parts.kind }

// Initial returns the state every record starts in.
func (d *Definition[S, T]) Initial() S { return d.parts.initial }

// Extend returns a Builder holding a copy of every part of d, for hosts that adapt a
// default definition. Changing the Builder never changes d.
func (d *Definition[S, T]) Extend() *Builder[S, T] { return &Builder[S, T]{parts: d.parts.clone()} }

// States returns the declared states in declaration order.
func (d *Definition[S, T]) States() []StateInfo[S] { return slices.Clone(d.parts.states) }

// Triggers returns the declared triggers in declaration order.
func (d *Definition[S, T]) Triggers() []TriggerInfo[T] { return slices.Clone(d.parts.triggers) }

// Transitions returns every transition in declaration order.
func (d *Definition[S, T]) Transitions() []Transition[S, T] { return slices.Clone(d.parts.transitions) }

// Target returns the state trigger leads to from state from, if defined.
func (d *Definition[S, T]) Target(from S, trigger T) (S, bool) {
	if e := d.edge(from, trigger); e != nil {
		return e.To, true
	}
	var zero S
	return zero, false
}

// IsFinal reports whether s is a final state.
func (d *Definition[S, T]) IsFinal(s S) bool {
	n := d.nodes[s]
	return n != nil && n.info.Final
}

// HasState reports whether s is declared.
func (d *Definition[S, T]) HasState(s S) bool { return d.nodes[s] != nil }

// edge returns the transition from --trigger-->, or nil.
func (d *Definition[S, T]) edge(from S, trigger T) *edge[S, T] {
	if n := d.nodes[from]; n != nil {
		return n.out[trigger]
	}
	return nil
}
