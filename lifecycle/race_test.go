package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

// ticketEdges is the ticket lifecycle written out by hand, as a reference.
var ticketEdges = map[State]map[Trigger]State{
	New:      {Start: Open, Cancel: Cancelled},
	Open:     {Hold: OnHold, Resolve: Resolved, Cancel: Cancelled, Note: Open},
	OnHold:   {Resume: Open, Cancel: Cancelled},
	Resolved: {Reopen: Open, Close: Closed},
}

// TestConcurrentFires runs 64 goroutines firing 1,000 triggers each on subjects of
// their own, through one definition, and checks that every caller gets exactly its
// own result: the transition, or the error its own subject, actor and args call for.
// Run it with -race.
func TestConcurrentFires(t *testing.T) {
	t.Parallel()
	const goroutines, fires = 64, 1000
	def := build(t, ticketBuilder().
		Policy(lifecycle.Permissions[State](map[Trigger][]itsm.Role{
			Start: {itsm.RoleAgent, itsm.RoleCaller}, Hold: {itsm.RoleAgent}, Resume: {itsm.RoleAgent, itsm.RoleCaller},
			Resolve: {itsm.RoleAgent, itsm.RoleCaller}, Reopen: {itsm.RoleAgent, itsm.RoleCaller},
			Close: {itsm.RoleAgent, itsm.RoleCaller}, Cancel: {itsm.RoleAgent, itsm.RoleCaller}, Note: {itsm.RoleAgent, itsm.RoleCaller},
		})).
		Action(Note, func(_ context.Context, req Request) error {
			k := req.Subject.(*ticket)
			k.log = append(k.log, req.Args.(string))
			return nil
		}).
		Action(Resolve, func(_ context.Context, req Request) error {
			if req.Args == "fail" {
				return errBoom
			}
			return nil
		}))
	triggers := []Trigger{Start, Hold, Resume, Resolve, Reopen, Close, Cancel, Note, "explode"}

	var wg sync.WaitGroup
	failures := make([]error, goroutines)
	outcomes := make([][4]int, goroutines) // not allowed, refused, action failed, moved
	for g := range goroutines {
		wg.Go(func() {
			actor := agent
			if g%2 == 1 {
				actor = caller
			}
			k := &ticket{id: itsm.NewID(), state: New}
			notes := 0
			for i := range fires {
				if def.IsFinal(k.state) {
					k.state = New
				}
				trig := triggers[(g+i*7+i/len(triggers))%len(triggers)]
				args := fmt.Sprintf("g%d-%d", g, i)
				if i%5 == 0 {
					args = "fail"
				}
				from := k.state
				to, defined := ticketEdges[from][trig]
				tr, err := def.Fire(t.Context(), actor, k, trig, args)

				var te *itsm.TransitionError
				var pe *itsm.PolicyError
				var ok bool
				switch {
				case !defined:
					outcomes[g][0]++
					ok = errors.As(err, &te) && te.ID == k.id && te.From == string(from) && te.Trigger == string(trig) && k.state == from
				case trig == Hold && actor.ID == caller.ID:
					outcomes[g][1]++
					ok = errors.As(err, &pe) && pe.ID == k.id && pe.Trigger == string(trig) && k.state == from
				case trig == Resolve && args == "fail":
					outcomes[g][2]++
					ok = errors.Is(err, errBoom) && k.state == from
				default:
					outcomes[g][3]++
					ok = err == nil && tr == lifecycle.Transition[State, Trigger]{From: from, To: to, Trigger: trig} && k.state == to
					if trig == Note {
						notes++
						ok = ok && len(k.log) == notes && k.log[notes-1] == args
					}
				}
				if !ok {
					failures[g] = fmt.Errorf("goroutine %d, fire %d: %s from %s by %s: got %+v, %v, state %s", g, i, trig, from, actor.ID, tr, err, k.state)
					return
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(failures...))
	var total [4]int
	for _, o := range outcomes {
		for i, n := range o {
			total[i] += n
		}
	}
	for i, name := range []string{"not allowed", "refused", "action failed", "moved"} {
		assert.Positive(t, total[i], "no fire ended %s: the script does not cover it", name)
	}
	t.Logf("outcomes (not allowed, refused, action failed, moved): %v", total)
}
