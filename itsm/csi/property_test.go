package csi_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
	"github.com/itsmkit/itsmkit/storage/memory"
)

// op is one use case the model test drives: a lifecycle trigger, a measurement or a
// revision.
type op string

const (
	opMeasure op = "measure"
	opRevise  op = "revise"
)

// model is what the test expects of one item: the lifecycle's transition table, the
// input rules and the default authorizer, written out independently of the service.
type model struct {
	state            csi.State
	version          int64
	owner            string
	metric           csi.Metric
	baseline, target float64
	// measured is the value measured since the item was started and last reworked
	// (or, before the start, since it was registered or its metric revised).
	measured *float64
	outcome  csi.Outcome
}

// revisable lists the states in which the plan may still be revised: before approval.
var revisable = map[csi.State]bool{csi.New: true, csi.Accepted: true, csi.Assess: true}

// modelTransitions is the transition table of the default lifecycle, written out.
func modelTransitions() map[csi.State]map[op]csi.State {
	return map[csi.State]map[op]csi.State{
		csi.New:        {"accept": csi.Accepted, "reject": csi.Rejected, "cancel": csi.Canceled},
		csi.Accepted:   {"assess": csi.Assess, "reject": csi.Rejected, "cancel": csi.Canceled},
		csi.Assess:     {"approve": csi.Approved, "reject": csi.Rejected, "cancel": csi.Canceled},
		csi.Approved:   {"start": csi.InProgress, "cancel": csi.Canceled},
		csi.InProgress: {"hold": csi.OnHold, "submit": csi.Review, "cancel": csi.Canceled},
		csi.OnHold:     {"resume": csi.InProgress, "cancel": csi.Canceled},
		csi.Review:     {"rework": csi.InProgress, "close": csi.Closed, "cancel": csi.Canceled},
	}
}

// forward returns the ops that move an item in state towards closed, sorted, a
// measurement and, before approval, a revision; nil in a final state.
func forward(transitions map[csi.State]map[op]csi.State, state csi.State) []op {
	var next []op
	for _, o := range slices.Sorted(maps.Keys(transitions[state])) {
		if o != "reject" && o != "cancel" {
			next = append(next, o)
		}
	}
	if len(next) > 0 {
		next = append(next, opMeasure)
	}
	if revisable[state] {
		next = append(next, opRevise)
	}
	return next
}

// allowed reports whether the default authorizer lets actor do o.
func allowed(actor itsm.Actor, o op) bool {
	switch {
	case actor.HasRole(itsm.RoleManager):
		return true
	case actor.HasRole(itsm.RoleAgent):
		return o != "approve" && o != "reject" && o != "rework" && o != "close" && o != "cancel"
	}
	return false
}

// TestServiceMatchesModel drives random use cases by random actors with random
// (sometimes missing) input through the service, and checks every result against the
// model. A refused operation, and a revision that changes nothing, changes neither the
// item nor the journal.
func TestServiceMatchesModel(t *testing.T) {
	t.Parallel()
	transitions := modelTransitions()
	ops := []op{"accept", "assess", "approve", "start", "hold", "resume", "submit", "rework", "close", "reject", "cancel", opMeasure, opRevise}
	rapid.Check(t, func(rt *rapid.T) {
		repo := memory.New().Improvements()
		svc, err := csi.NewService(repo, csi.Options{})
		if err != nil {
			rt.Fatal(err)
		}
		ctx := t.Context()
		in := mttrInput()
		in.Owner = rapid.SampledFrom([]string{"", "bo"}).Draw(rt, "owner")
		it, err := svc.Register(ctx, itsmtest.Agent, in)
		if err != nil {
			rt.Fatal(err)
		}
		m := model{state: csi.New, version: 1, owner: in.Owner, metric: in.Metric, baseline: in.Baseline, target: in.Target}

		for step := range rapid.IntRange(1, 50).Draw(rt, "steps") {
			actor := rapid.SampledFrom([]itsm.Actor{itsmtest.Agent, itsmtest.Manager, itsmtest.Manager, itsmtest.Caller}).Draw(rt, "actor")
			// Mostly ops that move the item forward, so that runs reach the deep states.
			o := rapid.SampledFrom(ops).Draw(rt, "op")
			if next := forward(transitions, m.state); len(next) > 0 && rapid.IntRange(0, 3).Draw(rt, "guided") > 0 {
				o = rapid.SampledFrom(next).Draw(rt, "next")
			}
			text := rapid.SampledFrom([]string{"", "because", "because"}).Draw(rt, "text")
			value := rapid.Float64Range(0, 12).Draw(rt, "value")
			ref := csi.Ref{ID: it.ID, Version: m.version}
			// A revision of none, some or all of metric, baseline and target, to values
			// that may be the current ones, and a target that may not improve.
			revision := csi.ReviseInput{
				Metric:   rapid.SampledFrom([]*csi.Metric{nil, ptr(csi.MetricMTTR), ptr(csi.MetricBacklogAge)}).Draw(rt, "metric"),
				Baseline: rapid.SampledFrom([]*float64{nil, ptr(8.0), ptr(6.0)}).Draw(rt, "baseline"),
				Target:   rapid.SampledFrom([]*float64{nil, ptr(4.0), ptr(5.0), ptr(7.0)}).Draw(rt, "target"),
				Reason:   text,
			}

			var got *csi.Item
			switch o {
			case "accept":
				got, err = svc.Accept(ctx, actor, ref)
			case "assess":
				got, err = svc.Assess(ctx, actor, ref)
			case "approve":
				got, err = svc.Approve(ctx, actor, ref, text)
			case "start":
				got, err = svc.Start(ctx, actor, ref)
			case "hold":
				got, err = svc.Hold(ctx, actor, ref, text)
			case "resume":
				got, err = svc.Resume(ctx, actor, ref)
			case "submit":
				got, err = svc.SubmitForReview(ctx, actor, ref)
			case "rework":
				got, err = svc.Rework(ctx, actor, ref, text)
			case "close":
				got, err = svc.Close(ctx, actor, ref, text)
			case "reject":
				got, err = svc.Reject(ctx, actor, ref, text)
			case "cancel":
				got, err = svc.Cancel(ctx, actor, ref, text)
			case opMeasure:
				got, err = svc.RecordMeasurement(ctx, actor, ref, value)
			case opRevise:
				got, err = svc.Revise(ctx, actor, ref, revision)
			}
			metric, baseline, goal := or(revision.Metric, m.metric), or(revision.Baseline, m.baseline), or(revision.Target, m.target)

			target, defined := transitions[m.state][o]
			var inputOK bool
			switch o {
			case "approve":
				inputOK = text != "" || m.owner != ""
			case "hold", "rework", "reject", "cancel":
				inputOK = text != ""
			case "submit":
				inputOK = m.measured != nil
			case "close":
				inputOK = text != "" && m.measured != nil
			case opMeasure:
				_, open := transitions[m.state]
				defined, inputOK, target = open, true, m.state
			case opRevise:
				defined, inputOK, target = revisable[m.state], goal < baseline, m.state
			default:
				inputOK = true
			}
			want := defined && inputOK && allowed(actor, o)

			if want != (err == nil) {
				rt.Fatalf("step %d: %s by %s in %s (text %q, measured %v): err = %v, want success %v", step, o, actor.ID, m.state, text, m.measured != nil, err, want)
			}
			unchanged := o == opRevise && metric == m.metric && baseline == m.baseline && goal == m.target
			if err != nil || unchanged {
				stored, gerr := repo.Get(ctx, it.Tenant, it.ID)
				if gerr != nil || stored.Version != m.version || stored.State != m.state {
					rt.Fatalf("step %d: %s (refused: %v) changed the item: %+v, %v", step, o, err, stored, gerr)
				}
				if err == nil && got.Version != m.version {
					rt.Fatalf("step %d: a revision that changes nothing returned version %d, want %d", step, got.Version, m.version)
				}
				continue
			}
			m.version++
			m.state = target
			switch o {
			case "approve":
				if text != "" {
					m.owner = text
				}
			case "start", "rework":
				m.measured = nil
			case opMeasure:
				m.measured = &value
			case opRevise:
				if metric != m.metric {
					m.measured = nil
				}
				m.metric, m.baseline, m.target = metric, baseline, goal
			case "close":
				switch {
				case *m.measured <= m.target:
					m.outcome = csi.Achieved
				case *m.measured < m.baseline:
					m.outcome = csi.Improved
				default:
					m.outcome = csi.NotImproved
				}
			}
			if got.State != m.state || got.Version != m.version || got.Owner != m.owner || got.Outcome != m.outcome ||
				got.Metric != m.metric || got.Baseline != m.baseline || got.Target != m.target ||
				got.IsMeasured() != (m.measured != nil) || (m.measured != nil && got.Measured != *m.measured) {
				rt.Fatalf("step %d: after %s got %s v%d owner %q outcome %q %s %v → %v measured %v at %v, want %+v",
					step, o, got.State, got.Version, got.Owner, got.Outcome, got.Metric, got.Baseline, got.Target, got.Measured, got.MeasuredAt, m)
			}
		}
		journal, err := repo.Events(ctx, it.Tenant, it.ID)
		if err != nil || int64(len(journal)) != m.version {
			rt.Fatalf("journal has %d entries for version %d (%v)", len(journal), m.version, err)
		}
		for i, e := range journal {
			if e.Version != int64(i+1) {
				rt.Fatalf("journal entry %d is for version %d", i, e.Version)
			}
		}
		stored, err := repo.Get(ctx, it.Tenant, it.ID)
		if err != nil {
			rt.Fatal(err)
		}
		if folded, want := fold(rt, journal), fieldsOf(rt, stored); !maps.Equal(folded, want) {
			rt.Fatalf("folding the journal gives\n%v\nthe item holds\n%v", folded, want)
		}
	})
}

// fold replays the Data of every journal entry in order, as a consumer of the journal
// would, and returns the fields that end up set.
func fold(t rapid.TB, journal []itsm.Event) map[string]string {
	fields := map[string]string{}
	for _, e := range journal {
		var data map[string]json.RawMessage
		if len(e.Data) > 0 {
			if err := json.Unmarshal(e.Data, &data); err != nil {
				t.Fatalf("entry v%d: Data %s: %v", e.Version, e.Data, err)
			}
		}
		for k, v := range data {
			fields[k] = string(v)
		}
	}
	return withoutZeros(fields)
}

// fieldsOf returns the item's JSON fields but the metadata a journal entry carries.
func fieldsOf(t rapid.TB, it *csi.Item) map[string]string {
	raw, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for k, v := range data {
		fields[k] = string(v)
	}
	for _, k := range []string{"id", "tenant", "number", "version", "created_at", "updated_at"} {
		delete(fields, k)
	}
	return withoutZeros(fields)
}

// withoutZeros drops zero values: the journal lists a field only once it is set.
func withoutZeros(fields map[string]string) map[string]string {
	maps.DeleteFunc(fields, func(_, v string) bool { return v == `""` || v == "0" || v == "null" })
	return fields
}
