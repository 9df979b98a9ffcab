package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

func TestFireMovesTheSubject(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	k := &ticket{id: itsm.NewID(), state: New}
	for _, step := range []struct {
		trigger Trigger
		to      State
	}{{Start, Open}, {Note, Open}, {Hold, OnHold}, {Resume, Open}, {Resolve, Resolved}, {Reopen, Open}, {Resolve, Resolved}, {Close, Closed}} {
		from := k.state
		tr, err := def.Fire(t.Context(), agent, k, step.trigger, nil)
		require.NoError(t, err, "%s from %s", step.trigger, from)
		assert.Equal(t, lifecycle.Transition[State, Trigger]{From: from, To: step.to, Trigger: step.trigger}, tr)
		assert.Equal(t, step.to, k.state)
	}
}

func TestFireRefusesATriggerNotDefinedInTheState(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	id := itsm.NewID()
	tests := []struct {
		name      string
		state     State
		trigger   Trigger
		permitted []string
	}{
		{"defined elsewhere", Open, Close, []string{"cancel", "hold", "note", "resolve"}},
		{"undeclared trigger", New, "explode", []string{"cancel", "start"}},
		{"final state", Closed, Reopen, nil},
		{"undeclared state", "limbo", Start, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := &ticket{id: id, state: tt.state}
			before := k.clone()
			tr, err := def.Fire(t.Context(), agent, k, tt.trigger, nil)
			require.Error(t, err)
			assert.Zero(t, tr)
			assert.ErrorIs(t, err, itsm.ErrTransitionNotAllowed)
			var te *itsm.TransitionError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, &itsm.TransitionError{Kind: kindTicket, ID: id, From: string(tt.state), Trigger: string(tt.trigger), Permitted: tt.permitted}, te)
			assert.Equal(t, before, k)
		})
	}
}

func TestFireWithoutIDLeavesTheErrorIDZero(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	_, err := def.Fire(t.Context(), agent, &plain{state: New}, Close, nil)
	var te *itsm.TransitionError
	require.ErrorAs(t, err, &te)
	assert.True(t, te.ID.IsZero())
}

// numberedTicket is a ticket with a human number.
type numberedTicket struct {
	ticket
	number string
}

func (k *numberedTicket) SubjectNumber() string { return k.number }

// TestFireNamesANumberedSubjectByItsNumber: the errors Fire builds carry a Numbered
// subject's number besides its ID, and their messages name the subject by it; a
// subject without a number is named by its ID, as before.
func TestFireNamesANumberedSubjectByItsNumber(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().
		TriggerPolicy(Start, func(context.Context, Request) error { return lifecycle.Invalid("assignee", "is required") }).
		Action(Hold, func(context.Context, Request) error { return errBoom }))
	id := itsm.NewID()
	tests := []struct {
		name    string
		subject lifecycle.Subject[State]
		number  string
		named   string // how the messages name the subject
	}{
		{"numbered", &numberedTicket{ticket: ticket{id: id, state: New}, number: "TKT0000007"}, "TKT0000007", "ticket TKT0000007"},
		{"numbered, no number yet", &numberedTicket{ticket: ticket{id: id, state: New}}, "", "ticket " + id.String()},
		{"not numbered", &ticket{id: id, state: New}, "", "ticket " + id.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, k := t.Context(), tt.subject

			_, err := def.Fire(ctx, agent, k, Close, nil)
			var te *itsm.TransitionError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, id, te.ID)
			assert.Equal(t, tt.number, te.Number)
			assert.Equal(t, tt.named+`: "close" is not allowed in state "new" (allowed: cancel, start)`, err.Error())

			_, err = def.Fire(ctx, agent, k, Start, nil)
			var pe *itsm.PolicyError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, id, pe.ID)
			assert.Equal(t, tt.number, pe.Number)
			assert.Equal(t, tt.named+`: "start" refused: invalid assignee: is required`, err.Error())

			k.SetLifecycleState(Open)
			_, err = def.Fire(ctx, agent, k, Hold, nil)
			require.ErrorIs(t, err, errBoom)
			assert.Equal(t, "lifecycle: "+tt.named+`: action 1 of "hold": boom`, err.Error())
		})
	}
}

func TestFireChecksTheContextFirst(t *testing.T) {
	t.Parallel()
	ran := false
	def := build(t, ticketBuilder().Policy(func(context.Context, Request) error { ran = true; return nil }))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	k := &ticket{state: New}
	_, err := def.Fire(ctx, agent, k, Start, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, New, k.state)
	assert.False(t, ran)
}

func TestFireRejectsANilSubject(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	_, err := def.Fire(t.Context(), agent, nil, Start, nil)
	var ve *itsm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "subject", ve.Field)
}

func TestFireGathersEveryRefusal(t *testing.T) {
	t.Parallel()
	var order []string
	record := func(name string, err error) lifecycle.Policy[State, Trigger] {
		return func(context.Context, Request) error { order = append(order, name); return err }
	}
	def := build(t, ticketBuilder().
		TriggerPolicy(Start, record("start: invalid", lifecycle.Invalid("assignee", "is required"))).
		Policy(record("global: forbidden", fmt.Errorf("wrapped: %w", itsm.ErrForbidden))).
		TriggerPolicy(Start, record("start: allows", nil)).
		TriggerPolicy(Start, record("start: two reasons", &itsm.PolicyError{Reasons: []itsm.Reason{
			{Code: "window", Message: "outside the change window", Err: itsm.ErrForbidden},
			{Code: "custom", Message: "custom field missing", Err: &itsm.ValidationError{Field: "custom.cost", Problem: "is required"}},
		}})).
		TriggerPolicy(Hold, record("hold: never runs", errBoom)))
	id := itsm.NewID()
	k := &ticket{id: id, state: New}

	_, err := def.Fire(t.Context(), agent, k, Start, nil)

	assert.Equal(t, []string{"global: forbidden", "start: invalid", "start: allows", "start: two reasons"}, order)
	var pe *itsm.PolicyError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, kindTicket, pe.Kind)
	assert.Equal(t, id, pe.ID)
	assert.Equal(t, "start", pe.Trigger)
	assert.Equal(t, []string{"forbidden", "invalid", "window", "custom"}, pe.Codes())
	assert.Equal(t, "wrapped: itsm: forbidden", pe.Reasons[0].Message)
	assert.Equal(t, "invalid assignee: is required", pe.Reasons[1].Message)
	assert.ErrorIs(t, err, itsm.ErrForbidden)
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	assert.NotErrorIs(t, err, itsm.ErrTransitionNotAllowed)
	var ve *itsm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "assignee", ve.Field)
	assert.Equal(t, New, k.state)
}

func TestFireRefusalMatchesOnlyWhatItsReasonsMatch(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().TriggerPolicy(Start, func(context.Context, Request) error {
		return lifecycle.Invalid("assignee", "is required")
	}))
	_, err := def.Fire(t.Context(), agent, &ticket{state: New}, Start, nil)
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	assert.NotErrorIs(t, err, itsm.ErrForbidden)
}

// windowError is a policy's own error type, matching no sentinel.
type windowError struct{ window string }

func (e *windowError) Error() string { return "outside the " + e.window + " window" }

func TestFireTurnsEveryRefusalIntoAReason(t *testing.T) {
	t.Parallel()
	window := &windowError{window: "change"}
	tests := []struct {
		name      string
		refusal   error
		codes     []string
		forbidden bool
		invalid   bool
		// also is an error the refusal must still match, or nil.
		also error
	}{
		{"joined invalid and forbidden",
			errors.Join(lifecycle.Invalid("reason", "is required"), lifecycle.Forbid("role", "no")),
			[]string{"invalid", "role"}, true, true, nil},
		{"joins nested in joins and wraps",
			errors.Join(
				errors.Join(lifecycle.Invalid("reason", "is required"), fmt.Errorf("window: %w", lifecycle.Forbid("window", "closed"))),
				fmt.Errorf("more: %w", errors.Join(lifecycle.Invalid("cost", "is negative"), fmt.Errorf("wrapped: %w", itsm.ErrForbidden)))),
			[]string{"invalid", "window", "invalid", "forbidden"}, true, true, nil},
		{"several %w in one error",
			fmt.Errorf("%w; %w", lifecycle.Forbid("role", "no"), lifecycle.Invalid("reason", "is required")),
			[]string{"role", "invalid"}, true, true, nil},
		{"a policy error among joined ones",
			errors.Join(&itsm.PolicyError{Reasons: []itsm.Reason{
				{Code: "window", Message: "closed", Err: itsm.ErrForbidden},
				{Code: "custom", Message: "missing", Err: &itsm.ValidationError{Field: "custom.cost", Problem: "is required"}},
			}}, lifecycle.Forbid("role", "no")),
			[]string{"window", "custom", "role"}, true, true, nil},
		{"a sentinel joined with a detail is one reason",
			errors.Join(itsm.ErrInvalid, errors.New("the reason is empty")),
			[]string{"invalid"}, false, true, nil},
		{"a reason without Err is forbidden",
			&itsm.PolicyError{Reasons: []itsm.Reason{{Code: "window", Message: "closed"}}},
			[]string{"window"}, true, false, nil},
		{"a reason whose Err matches no sentinel is forbidden and keeps its Err",
			&itsm.PolicyError{Reasons: []itsm.Reason{{Code: "window", Message: "closed", Err: window}}},
			[]string{"window"}, true, false, window},
		{"such a reason joined with an invalid one",
			errors.Join(&itsm.PolicyError{Reasons: []itsm.Reason{{Code: "window", Err: window}}}, lifecycle.Invalid("reason", "is required")),
			[]string{"window", "invalid"}, true, true, window},
		{"a reason matching another sentinel is forbidden and matches only that",
			&itsm.PolicyError{Reasons: []itsm.Reason{{Code: "busy", Message: "try later", Err: fmt.Errorf("busy: %w", itsm.ErrConflict)}}},
			[]string{"busy"}, true, false, nil},
		{"a reason holding a policy error that matches nothing",
			&itsm.PolicyError{Reasons: []itsm.Reason{{Code: "outer", Err: &itsm.PolicyError{Reasons: []itsm.Reason{{Code: "inner"}}}}}},
			[]string{"outer"}, true, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def := build(t, ticketBuilder().TriggerPolicy(Start, func(context.Context, Request) error { return tt.refusal }))
			k := &ticket{state: New}
			_, err := def.Fire(t.Context(), agent, k, Start, nil)
			var pe *itsm.PolicyError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.codes, pe.Codes())
			assert.Equal(t, tt.forbidden, errors.Is(err, itsm.ErrForbidden), "matches ErrForbidden")
			assert.Equal(t, tt.invalid, errors.Is(err, itsm.ErrInvalid), "matches ErrInvalid")
			for _, other := range []error{itsm.ErrConflict, itsm.ErrNotFound, itsm.ErrAlreadyExists, itsm.ErrTransitionNotAllowed} {
				assert.NotErrorIs(t, err, other, "a refusal matches no other sentinel")
			}
			for i, r := range pe.Reasons {
				assert.True(t, errors.Is(r.Err, itsm.ErrForbidden) || errors.Is(r.Err, itsm.ErrInvalid), "reason %d (%s) matches a sentinel", i, r.Code)
			}
			if tt.also != nil {
				assert.ErrorIs(t, err, tt.also)
				var we *windowError
				require.ErrorAs(t, err, &we)
				assert.Same(t, window, we)
			}
			assert.Equal(t, New, k.state)
		})
	}
}

// TestFireTakesANilPolicyErrorAsAllowed: a policy that returns a nil
// *itsm.PolicyError as its error (a typed nil) allows the fire instead of crashing it.
func TestFireTakesANilPolicyErrorAsAllowed(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().TriggerPolicy(Start, func(context.Context, Request) error {
		var none *itsm.PolicyError
		return none
	}))
	k := &ticket{state: New}
	_, err := def.Fire(t.Context(), agent, k, Start, nil)
	require.NoError(t, err)
	assert.NotEqual(t, New, k.state)
}

func TestFireLeavesAPolicysErrorUnchanged(t *testing.T) {
	t.Parallel()
	shared := &itsm.PolicyError{Reasons: []itsm.Reason{{Code: "window", Message: "closed"}}}
	def := build(t, ticketBuilder().TriggerPolicy(Start, func(context.Context, Request) error { return shared }))
	for range 2 {
		_, err := def.Fire(t.Context(), agent, &ticket{state: New}, Start, nil)
		require.ErrorIs(t, err, itsm.ErrForbidden)
	}
	assert.Equal(t, []itsm.Reason{{Code: "window", Message: "closed"}}, shared.Reasons)
}

func TestFireAbortsOnAJoinThatIsNoRefusal(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().TriggerPolicy(Start, func(context.Context, Request) error {
		return errors.Join(errBoom, errors.New("and more"))
	}))
	_, err := def.Fire(t.Context(), agent, &ticket{state: New}, Start, nil)
	assert.ErrorIs(t, err, errBoom)
	var pe *itsm.PolicyError
	assert.False(t, errors.As(err, &pe), "a failing policy is not a refusal")
}

func TestFireAbortsOnAPolicyFailure(t *testing.T) {
	t.Parallel()
	later := false
	def := build(t, ticketBuilder().
		Policy(func(context.Context, Request) error { return lifecycle.Forbid("role", "no") }).
		Policy(func(context.Context, Request) error { return errBoom }).
		Policy(func(context.Context, Request) error { later = true; return nil }))
	k := &ticket{state: New}
	_, err := def.Fire(t.Context(), agent, k, Start, nil)
	assert.ErrorIs(t, err, errBoom)
	var pe *itsm.PolicyError
	assert.False(t, errors.As(err, &pe), "a failing policy is not a refusal")
	assert.False(t, later)
	assert.Equal(t, New, k.state)
}

func TestFireTreatsAnEmptyPolicyErrorAsAFailure(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().Policy(func(context.Context, Request) error { return &itsm.PolicyError{} }))
	_, err := def.Fire(t.Context(), agent, &ticket{state: New}, Start, nil)
	require.Error(t, err, "a policy error without reasons must not allow the fire")
	assert.NotErrorIs(t, err, itsm.ErrForbidden)
}

func TestPoliciesAndActionsSeeTheRequest(t *testing.T) {
	t.Parallel()
	var seen []Request
	see := func(_ context.Context, req Request) error { seen = append(seen, req); return nil }
	def := build(t, ticketBuilder().Policy(see).TriggerPolicy(Start, see).Action(Start, func(ctx context.Context, req Request) error {
		assert.Equal(t, Open, req.Subject.LifecycleState(), "actions run after the state changed")
		return see(ctx, req)
	}))
	k := &ticket{state: New}
	_, err := def.Fire(t.Context(), agent, k, Start, "args")
	require.NoError(t, err)
	want := Request{Actor: agent, Subject: k, From: New, To: Open, Trigger: Start, Args: "args"}
	assert.Equal(t, []Request{want, want, want}, seen)
}

func TestFireRunsActionsInOrder(t *testing.T) {
	t.Parallel()
	step := func(s string) lifecycle.Action[State, Trigger] {
		return func(_ context.Context, req Request) error {
			k := req.Subject.(*ticket)
			k.log = append(k.log, s)
			return nil
		}
	}
	def := build(t, ticketBuilder().Action(Resolve, step("one")).Action(Start, step("never")).Action(Resolve, step("two")))
	k := &ticket{state: Open}
	_, err := def.Fire(t.Context(), agent, k, Resolve, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"one", "two"}, k.log)
}

func TestFailedActionRestoresASnapshotter(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().
		Action(Resolve, func(_ context.Context, req Request) error {
			k := req.Subject.(*ticket)
			k.resolution = "fixed"
			k.log = append(k.log, "resolved")
			return nil
		}).
		Action(Resolve, func(context.Context, Request) error { return errBoom }))
	id := itsm.NewID()
	k := &ticket{id: id, state: Open, log: []string{"opened"}}
	before := k.clone()

	tr, err := def.Fire(t.Context(), agent, k, Resolve, nil)

	assert.Zero(t, tr)
	assert.ErrorIs(t, err, errBoom)
	assert.ErrorContains(t, err, "ticket "+id.String())
	assert.ErrorContains(t, err, `action 2 of "resolve"`)
	assert.Equal(t, before, k)
}

func TestFailedActionRestoresTheStateOfAPlainSubject(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().Action(Resolve, func(_ context.Context, req Request) error {
		req.Subject.(*plain).note = "changed"
		return errBoom
	}))
	p := &plain{state: Open}
	_, err := def.Fire(t.Context(), agent, p, Resolve, nil)
	assert.ErrorIs(t, err, errBoom)
	assert.Equal(t, Open, p.state)
	assert.Equal(t, "changed", p.note, "without a Snapshotter only the state is restored")
}

func TestSelfLoopRunsPoliciesAndActions(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().
		TriggerPolicy(Note, lifecycle.RequireRole[State, Trigger](itsm.RoleAgent)).
		Action(Note, func(_ context.Context, req Request) error {
			k := req.Subject.(*ticket)
			k.log = append(k.log, req.Args.(string))
			return nil
		}))
	k := &ticket{state: Open}
	tr, err := def.Fire(t.Context(), agent, k, Note, "hello")
	require.NoError(t, err)
	assert.Equal(t, lifecycle.Transition[State, Trigger]{From: Open, To: Open, Trigger: Note}, tr)
	assert.Equal(t, []string{"hello"}, k.log)

	_, err = def.Fire(t.Context(), caller, k, Note, "again")
	assert.ErrorIs(t, err, itsm.ErrForbidden)
	assert.Equal(t, []string{"hello"}, k.log)
}

func TestPermitted(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().
		Policy(lifecycle.Permissions[State](map[Trigger][]itsm.Role{
			Start: {itsm.RoleAgent}, Hold: {itsm.RoleAgent}, Resolve: {itsm.RoleAgent},
			Note: {itsm.RoleAgent, itsm.RoleCaller}, Cancel: {itsm.RoleCaller, itsm.RoleAgent},
		})).
		TriggerPolicy(Resolve, lifecycle.Require("resolution", func(req Request) bool { return req.Args == "fixed" })))
	tests := []struct {
		name  string
		actor itsm.Actor
		state State
		args  any
		want  []Trigger
	}{
		{"agent, new", agent, New, nil, []Trigger{Cancel, Start}},
		{"agent, open", agent, Open, nil, []Trigger{Cancel, Hold, Note}},
		{"agent, open, with resolution", agent, Open, "fixed", []Trigger{Cancel, Hold, Note, Resolve}},
		{"caller, open", caller, Open, "fixed", []Trigger{Cancel, Note}},
		{"nobody may close", agent, Resolved, nil, nil},
		{"final", agent, Closed, nil, nil},
		{"undeclared state", agent, "limbo", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := &ticket{state: tt.state}
			got := def.Permitted(t.Context(), tt.actor, k, tt.args)
			assert.Equal(t, tt.want, got)
			for _, trig := range got {
				_, err := def.Fire(t.Context(), tt.actor, k.clone(), trig, tt.args)
				assert.NoError(t, err, "Permitted listed %s", trig)
			}
		})
	}
}

func TestPermittedWithADoneContextOrNilSubject(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.Nil(t, def.Permitted(ctx, agent, &ticket{state: New}, nil))
	assert.Nil(t, def.Permitted(t.Context(), agent, nil, nil))
	assert.Equal(t, []Trigger{Cancel, Start}, def.Permitted(t.Context(), agent, &ticket{state: New}, nil))
}

// snapshotCounter counts the snapshots Fire takes.
type snapshotCounter struct {
	plain
	snapshots int
}

func (s *snapshotCounter) Snapshot() func() {
	s.snapshots++
	saved := s.plain
	return func() { s.plain = saved }
}

func TestFireSnapshotsOnlyWhenTheTriggerHasActions(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().Action(Hold, allow))
	s := &snapshotCounter{plain: plain{state: New}}
	_, err := def.Fire(t.Context(), agent, s, Start, nil)
	require.NoError(t, err)
	assert.Zero(t, s.snapshots)
	_, err = def.Fire(t.Context(), agent, s, Hold, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.snapshots)
}

func TestFireCopyTakesNoSnapshotButChecksLikeFire(t *testing.T) {
	t.Parallel()
	def := build(t, ticketBuilder().
		Action(Hold, allow).
		Action(Resolve, func(_ context.Context, req Request) error {
			req.Subject.(*snapshotCounter).note = "changed"
			return errBoom
		}))
	s := &snapshotCounter{plain: plain{state: New}}

	_, err := def.FireCopy(t.Context(), agent, s, Resolve, nil)
	var te *itsm.TransitionError
	require.ErrorAs(t, err, &te, "an undefined trigger is refused as Fire refuses it")
	assert.Equal(t, New, s.state)

	tr, err := def.FireCopy(t.Context(), agent, s, Start, nil)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.Transition[State, Trigger]{From: New, To: Open, Trigger: Start}, tr)
	_, err = def.FireCopy(t.Context(), agent, s, Hold, nil)
	require.NoError(t, err)
	assert.Zero(t, s.snapshots, "FireCopy never asks for a snapshot")

	s.state = Open
	_, err = def.FireCopy(t.Context(), agent, s, Resolve, nil)
	require.ErrorIs(t, err, errBoom)
	assert.Equal(t, Open, s.state, "the state is set back")
	assert.Equal(t, "changed", s.note, "the caller throws the subject away; its fields are not restored")
	assert.Zero(t, s.snapshots)
}
