// Package lifecycle is itsmkit's state-machine engine: typed lifecycles, built once,
// validated when built, and shared by every record and goroutine.
//
// A [Definition] lists states, triggers and the transitions between them, plus
// policies (who may fire what, and with which input) and actions (what a transition
// changes on the record). Records implement [Subject]; a Definition holds none of
// them, so one Definition serves them all:
//
//	def, err := lifecycle.NewBuilder[State, Trigger](itsm.KindIncident, New).
//		State(New, "New").
//		State(InProgress, "In progress").
//		Final(Closed, "Closed").
//		Trigger(Start, "Start work").
//		Trigger(Close, "Close").
//		Permit(New, Start, InProgress).
//		Permit(InProgress, Close, Closed).
//		Policy(lifecycle.Permissions[State](map[Trigger][]itsm.Role{
//			Start: {itsm.RoleAgent},
//			Close: {itsm.RoleAgent, itsm.RoleManager},
//		})).
//		Action(Close, stampClosedAt).
//		Build()
//	...
//	tr, err := def.Fire(ctx, actor, inc, Start, nil)
//	// errors.Is(err, itsm.ErrTransitionNotAllowed), itsm.ErrForbidden, itsm.ErrInvalid
//
// # Validation
//
// [Builder.Build] returns an error matching itsm.ErrInvalid, listing every problem
// at once (each an *itsm.ValidationError naming the part at fault), when:
//
//   - the kind is empty, or the initial state is empty or not declared;
//   - a state or trigger has an empty name or is declared twice;
//   - a transition leaves or enters an undeclared state, or uses an undeclared
//     trigger;
//   - two transitions share a state and a trigger (they would be ambiguous);
//   - a declared trigger is used by no transition;
//   - a state is unreachable from the initial state;
//   - a non-final state has no transition to another state (a dead end), or a final
//     state has any transition;
//   - a policy or action is nil or names an undeclared trigger.
//
// An empty label is not a problem: it defaults to the name. Build then configures a
// stateless machine and fires every declared trigger from every state on it,
// recovering panics, so that nothing stateless would reject surfaces at fire time.
//
// # Firing
//
// [Definition.Fire] checks the trigger, runs every policy and collects every
// refusal into one *itsm.PolicyError, changes the state, and runs the trigger's
// actions. A refused fire leaves the subject as it was; one that fails after the
// state changed sets the state back, and the other fields only when the subject
// implements [Snapshotter] ([Definition.FireCopy] never restores them). See Fire for
// which error comes when. [Forbid], [Invalid], [Permissions], [RequireRole] and
// [Require] build the refusals and policies most lifecycles need.
//
// Underneath, transitions go through github.com/qmuntal/stateless: each Definition
// keeps a sync.Pool of identically configured machines using external state storage
// in FiringImmediate mode. A fire borrows a machine, points its storage at the
// subject (a field of the borrowed machine, so no context value is allocated), fires
// and returns it. A pool rather than one shared machine, because every stateless fire
// writes counters shared by all its callers, which stops one machine from scaling
// beyond one core.
//
// # Diagrams and conformance
//
// [Definition.Mermaid] and [Definition.DOT] render a definition for documentation,
// deterministically. [Check] replays state sequences taken from a real event log and
// reports how well they fit the definition. [ServiceLifecycle] is the ITIL service
// lifecycle (pipeline, design, transition, operation, retired) as a Definition.
package lifecycle
