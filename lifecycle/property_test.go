package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

// step is what the property test passes to Fire: whether the definition-wide policy
// refuses, and whether the action fails.
type step struct{ refuse, fail bool }

// counted is a subject whose actions count the fires; it may or may not restore
// itself through a snapshot.
type counted struct {
	state     State
	count     int
	snapshots bool
}

func (c *counted) LifecycleState() State     { return c.state }
func (c *counted) SetLifecycleState(s State) { c.state = s }

type snapshotting struct{ *counted }

func (s snapshotting) Snapshot() func() {
	saved := *s.counted
	return func() { *s.counted = saved }
}

// TestFireMatchesAReferenceModel builds random valid definitions and fires random
// triggers at them, with random policy refusals and action failures. After every
// fire the subject must match a plain map of transitions; refused or failed fires
// must change nothing (a subject without Snapshotter keeps what the failed action
// changed besides the state, as documented).
func TestFireMatchesAReferenceModel(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		def, model := randomDefinition(t)
		triggers := []Trigger{"undeclared"}
		for _, tr := range def.Triggers() {
			triggers = append(triggers, tr.Name)
		}

		c := &counted{state: def.Initial(), snapshots: rapid.Bool().Draw(t, "snapshots")}
		var subject lifecycle.Subject[State] = c
		if c.snapshots {
			subject = snapshotting{c}
		}
		for i := range rapid.IntRange(1, 40).Draw(t, "fires") {
			trig := rapid.SampledFrom(triggers).Draw(t, fmt.Sprintf("trigger%d", i))
			args := step{refuse: rapid.Float64Range(0, 1).Draw(t, fmt.Sprintf("refuse%d", i)) < 0.2,
				fail: rapid.Float64Range(0, 1).Draw(t, fmt.Sprintf("fail%d", i)) < 0.2}
			before := *c
			to, defined := model[c.state][trig]

			tr, err := def.Fire(context.Background(), agent, subject, trig, args)

			switch {
			case !defined:
				if !errors.Is(err, itsm.ErrTransitionNotAllowed) {
					t.Fatalf("%s from %s: want ErrTransitionNotAllowed, got %v", trig, before.state, err)
				}
			case args.refuse:
				if !errors.Is(err, itsm.ErrForbidden) {
					t.Fatalf("%s from %s: want ErrForbidden, got %v", trig, before.state, err)
				}
			case args.fail:
				if !errors.Is(err, errBoom) {
					t.Fatalf("%s from %s: want the action's error, got %v", trig, before.state, err)
				}
				if !c.snapshots {
					before.count++ // only the state is restored
				}
			default:
				if err != nil || tr != (lifecycle.Transition[State, Trigger]{From: before.state, To: to, Trigger: trig}) {
					t.Fatalf("%s from %s: want a move to %s, got %+v, %v", trig, before.state, to, tr, err)
				}
				before.state, before.count = to, before.count+1
			}
			if *c != before {
				t.Fatalf("%s: subject is %+v, want %+v", trig, *c, before)
			}
		}
	})
}

// randomDefinition draws a small definition that validates by construction: a chain
// s0 → s1 → … → sN (so every state is reachable and every non-final state has an
// exit, sN final), plus random extra transitions (self-loops and backward ones
// included) from the non-final states. It returns the definition and the same
// transitions as a plain map.
func randomDefinition(t *rapid.T) (*lifecycle.Definition[State, Trigger], map[State]map[Trigger]State) {
	n := rapid.IntRange(2, 6).Draw(t, "states")
	pool := []Trigger{"t0", "t1", "t2", "t3", "t4"}
	states := make([]State, n)
	for i := range states {
		states[i] = State(fmt.Sprintf("s%d", i))
	}

	b := lifecycle.NewBuilder[State, Trigger]("random", states[0])
	model := map[State]map[Trigger]State{}
	used := map[Trigger]bool{}
	for i, s := range states {
		if i == n-1 {
			b.Final(s, "")
			continue
		}
		b.State(s, "")
		model[s] = map[Trigger]State{}
		triggers := rapid.Permutation(pool).Draw(t, fmt.Sprintf("triggers%d", i))
		out := rapid.IntRange(1, len(pool)).Draw(t, fmt.Sprintf("out%d", i))
		for j, trig := range triggers[:out] {
			to := states[i+1]
			if j > 0 {
				to = rapid.SampledFrom(states).Draw(t, fmt.Sprintf("to%d.%d", i, j))
			}
			b.Permit(s, trig, to)
			model[s][trig] = to
			used[trig] = true
		}
	}
	for _, trig := range pool {
		if used[trig] {
			b.Trigger(trig, "")
			b.Action(trig, func(_ context.Context, req Request) error {
				c := req.Subject.(interface{ self() *counted }).self()
				c.count++
				if req.Args.(step).fail {
					return errBoom
				}
				return nil
			})
		}
	}
	b.Policy(func(_ context.Context, req Request) error {
		if req.Args.(step).refuse {
			return lifecycle.Forbid("random", "refused at random")
		}
		return nil
	})
	def, err := b.Build()
	if err != nil {
		t.Fatalf("a definition valid by construction does not build: %v", err)
	}
	return def, model
}

func (c *counted) self() *counted { return c }
