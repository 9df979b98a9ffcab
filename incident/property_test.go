package incident_test

import (
	"encoding/json"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// The model's field updates, drawn among the triggers: they are no lifecycle triggers.
const (
	modelUpdate incident.Trigger = "model:update"
	modelLink   incident.Trigger = "model:link"
)

// TestServiceMatchesModel drives random operations by random actors with random
// (sometimes invalid) input, and checks every result against a reference model: the
// lifecycle's transition table, the input rules and the default authorizer. A refused
// operation changes neither the record nor the journal; an update that changes no
// field stores no version.
func TestServiceMatchesModel(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(rt *rapid.T) {
		opts := incident.LifecycleOptions{
			ResolveFromNew: rapid.Bool().Draw(rt, "resolveFromNew"),
			ReopenClosed:   rapid.Bool().Draw(rt, "reopenClosed"),
		}
		def, err := incident.NewLifecycle(opts)
		if err != nil {
			rt.Fatal(err)
		}
		store := memory.New()
		svc, err := incident.NewService(store, incident.Options{Lifecycle: def})
		if err != nil {
			rt.Fatal(err)
		}
		ctx := t.Context()
		inc, err := svc.Open(ctx, itsmtest.Agent, incident.OpenInput{Title: "model", Caller: itsmtest.Caller.ID})
		if err != nil {
			rt.Fatal(err)
		}
		state, version, reopens := incident.New, int64(1), 0
		assigned := false // to the one group the model assigns: assigning again changes nothing
		title, major, linked := "model", false, false
		change := itsm.NewID() // the one change the model links and unlinks

		for step := range rapid.IntRange(1, 40).Draw(rt, "steps") {
			actor := rapid.SampledFrom([]itsm.Actor{itsmtest.Agent, itsmtest.Caller, itsmtest.Manager}).Draw(rt, "actor")
			trigger := rapid.SampledFrom([]incident.Trigger{
				incident.TriggerAssign, incident.TriggerStart, incident.TriggerHold, incident.TriggerResume,
				incident.TriggerResolve, incident.TriggerReopen, incident.TriggerClose, incident.TriggerCancel,
				modelUpdate, modelLink,
			}).Draw(rt, "trigger")
			validInput := rapid.Bool().Draw(rt, "validInput")
			ref := incident.Ref{ID: inc.ID, Version: version}

			var got *incident.Incident
			if trigger == modelUpdate || trigger == modelLink {
				changed := false
				wantTitle, wantMajor, wantLinked := title, major, linked
				if trigger == modelUpdate {
					wantTitle = rapid.SampledFrom([]string{"model", "renamed"}).Draw(rt, "title")
					in := incident.UpdateInput{Title: &wantTitle}
					if !validInput {
						in.Title = new("")
					}
					got, err = svc.Update(ctx, actor, ref, in)
					changed = wantTitle != title
				} else {
					wantMajor = rapid.Bool().Draw(rt, "major")
					in := incident.LinkInput{Major: &wantMajor}
					switch rapid.IntRange(0, 2).Draw(rt, "changes") {
					case 1:
						in.AddChanges, wantLinked = []itsm.ID{change}, true
					case 2:
						in.RemoveChanges, wantLinked = []itsm.ID{change}, false
					}
					if !validInput {
						in.AddChanges = append(in.AddChanges, itsm.ID{})
					}
					got, err = svc.Link(ctx, actor, ref, in)
					changed = wantMajor != major || wantLinked != linked
				}
				want := validInput && actor.ID != itsmtest.Caller.ID && !def.IsFinal(state)
				if want != (err == nil) {
					rt.Fatalf("step %d: %s by %s in %s (input valid %v): err = %v, want success %v", step, trigger, actor.ID, state, validInput, err, want)
				}
				if err != nil {
					stored, gerr := store.Get(ctx, inc.Tenant, inc.ID)
					if gerr != nil || stored.Version != version || stored.Title != title || stored.Major != major {
						rt.Fatalf("step %d: refused %s changed the record: %+v, %v", step, trigger, stored, gerr)
					}
					continue
				}
				if changed {
					version++
				}
				title, major, linked = wantTitle, wantMajor, wantLinked
				if got.State != state || got.Version != version || got.Title != title || got.Major != major || slices.Contains(got.Changes, change) != linked {
					rt.Fatalf("step %d: after %s got %s v%d %q major %v changes %v, want %s v%d %q major %v linked %v",
						step, trigger, got.State, got.Version, got.Title, got.Major, got.Changes, state, version, title, major, linked)
				}
				continue
			}
			switch trigger {
			case incident.TriggerAssign:
				group := ""
				if validInput {
					group = "Service Desk"
				}
				got, err = svc.Assign(ctx, actor, ref, group, "")
			case incident.TriggerStart:
				got, err = svc.Start(ctx, actor, ref)
			case incident.TriggerHold:
				reason := incident.HoldReason("")
				if validInput {
					reason = incident.AwaitingCaller
				}
				got, err = svc.Hold(ctx, actor, ref, reason)
			case incident.TriggerResume:
				got, err = svc.Resume(ctx, actor, ref)
			case incident.TriggerResolve:
				code := incident.ResolutionCode("")
				if validInput {
					code = incident.SolvedRemotely
				}
				got, err = svc.Resolve(ctx, actor, ref, code, "notes")
			case incident.TriggerReopen:
				got, err = svc.Reopen(ctx, actor, ref, "")
			case incident.TriggerClose:
				got, err = svc.Close(ctx, actor, ref)
			case incident.TriggerCancel:
				got, err = svc.Cancel(ctx, actor, ref, "")
			}

			target, defined := def.Target(state, trigger)
			needsInput := trigger == incident.TriggerHold || trigger == incident.TriggerResolve || trigger == incident.TriggerAssign
			authorized := actor.ID != itsmtest.Caller.ID || trigger == incident.TriggerReopen
			// Assigning an incident already worked is an update, not a transition.
			reassign := trigger == incident.TriggerAssign && state.IsOpen() && !defined
			want := (defined || reassign) && (validInput || !needsInput) && authorized

			if want != (err == nil) {
				rt.Fatalf("step %d: %s by %s in %s (input valid %v): err = %v, want success %v", step, trigger, actor.ID, state, validInput, err, want)
			}
			if err != nil {
				stored, gerr := store.Get(ctx, inc.Tenant, inc.ID)
				if gerr != nil || stored.Version != version || stored.State != state {
					rt.Fatalf("step %d: refused %s changed the record: %+v, %v", step, trigger, stored, gerr)
				}
				continue
			}
			if !reassign || !assigned { // an update that changes nothing stores no version
				version++
			}
			assigned = assigned || trigger == incident.TriggerAssign
			if !reassign {
				state = target
			}
			if trigger == incident.TriggerReopen {
				reopens++
			}
			if got.State != state || got.Version != version || got.ReopenCount != reopens {
				rt.Fatalf("step %d: after %s got %s v%d reopens %d, want %s v%d reopens %d", step, trigger, got.State, got.Version, got.ReopenCount, state, version, reopens)
			}
		}
		journal, err := store.Events(ctx, inc.Tenant, inc.ID)
		if err != nil || int64(len(journal)) != version {
			rt.Fatalf("journal has %d entries for version %d (%v)", len(journal), version, err)
		}
		stored, err := store.Get(ctx, inc.Tenant, inc.ID)
		if err != nil {
			rt.Fatal(err)
		}
		folded, err := incident.Fold(journal)
		if err != nil {
			rt.Fatal(err)
		}
		if want, got := mustJSON(rt, stored), mustJSON(rt, folded); want != got {
			rt.Fatalf("folding the journal does not rebuild the record:\nstored %s\nfolded %s", want, got)
		}
	})
}

func mustJSON(t interface{ Fatal(...any) }, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
