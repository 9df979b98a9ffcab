package incident_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
)

func TestUpdateChangesTheGivenFieldsAndJournalsThem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    incident.UpdateInput
		check func(t *testing.T, inc *incident.Incident)
		data  string // the journal entry's Data
	}{
		{"title", incident.UpdateInput{Title: new("Printer on fire, floor 3")}, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, "Printer on fire, floor 3", inc.Title)
		}, `{"title":"Printer on fire, floor 3"}`},
		{"description over several lines", incident.UpdateInput{Description: new("smoke\nthen flames")}, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, "smoke\nthen flames", inc.Description)
		}, `{"description":"smoke\nthen flames"}`},
		{"classification", incident.UpdateInput{Category: new("hardware"), Subcategory: new("printer")}, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, []string{"hardware", "printer"}, []string{inc.Category, inc.Subcategory})
		}, `{"category":"hardware","subcategory":"printer"}`},
		{"service and CI", incident.UpdateInput{Service: new("printing"), ConfigurationItem: new("prn-3f-01")}, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, []string{"printing", "prn-3f-01"}, []string{inc.Service, inc.ConfigurationItem})
		}, `{"service":"printing","configuration_item":"prn-3f-01"}`},
		{"channel", incident.UpdateInput{Channel: new(incident.ChannelEmail)}, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, incident.ChannelEmail, inc.Channel)
		}, `{"channel":"email"}`},
		{"channel cleared", incident.UpdateInput{Channel: new(incident.Channel(""))}, func(t *testing.T, inc *incident.Incident) {
			assert.Empty(t, inc.Channel)
		}, `{"channel":""}`},
		{"only what differs is journaled", incident.UpdateInput{Title: new("Printer on fire"), Category: new("hardware")}, func(t *testing.T, inc *incident.Incident) {
			assert.Equal(t, "hardware", inc.Category)
		}, `{"category":"hardware"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, incident.Options{})
			inc := itsmtest.IncidentIn(t, h.svc, incident.OnHold) // any state but a final one
			got, err := h.svc.Update(t.Context(), itsmtest.Agent, inc.Ref(), tt.in)
			require.NoError(t, err)
			assert.Equal(t, inc.Version+1, got.Version)
			assert.Equal(t, incident.OnHold, got.State)
			tt.check(t, got)

			stored, err := h.svc.Get(t.Context(), itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			assert.Equal(t, got, stored)
			journal, err := h.svc.History(t.Context(), itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			last := journal[len(journal)-1]
			assert.Equal(t, itsm.EventUpdated, last.Type)
			assert.Equal(t, itsmtest.Agent.ID, last.Actor)
			assert.JSONEq(t, tt.data, string(last.Data))
			folded, err := incident.Fold(journal)
			require.NoError(t, err)
			assert.Equal(t, mustJSON(t, stored), mustJSON(t, folded), "the journal rebuilds the record")
		})
	}
}

func TestUpdateValidatesAsOpenDoes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
	long := strings.Repeat("x", incident.MaxReferenceLength+1)
	tests := []struct {
		name  string
		in    incident.UpdateInput
		field string
	}{
		{"empty title", incident.UpdateInput{Title: new("")}, "title"},
		{"blank title", incident.UpdateInput{Title: new(" \t ")}, "title"},
		{"title on two lines", incident.UpdateInput{Title: new("two\nlines")}, "title"},
		{"title too long", incident.UpdateInput{Title: new(strings.Repeat("t", incident.MaxTitleLength+1))}, "title"},
		{"invalid UTF-8 in the title", incident.UpdateInput{Title: new("bad \xff")}, "title"},
		{"NUL in the description", incident.UpdateInput{Description: new("a\x00b")}, "description"},
		{"description too long", incident.UpdateInput{Description: new(strings.Repeat("d", incident.MaxTextLength+1))}, "description"},
		{"service too long", incident.UpdateInput{Service: new(long)}, "service"},
		{"CI on two lines", incident.UpdateInput{ConfigurationItem: new("a\nb")}, "configuration_item"},
		{"category with a control character", incident.UpdateInput{Category: new("a\x07")}, "category"},
		{"subcategory too long", incident.UpdateInput{Subcategory: new(long)}, "subcategory"},
		{"unknown channel", incident.UpdateInput{Channel: new(incident.Channel("pigeon"))}, "channel"},
		{"a good title and a bad channel", incident.UpdateInput{Title: new("ok"), Channel: new(incident.Channel("pigeon"))}, "channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.Update(t.Context(), itsmtest.Agent, inc.Ref(), tt.in)
			itsmtest.RequireInvalidField(t, err, tt.field)

			// Validation comes before storage: an incident that does not exist, or an
			// actor who may not update, gets the same answer.
			_, err = h.svc.Update(t.Context(), itsmtest.Agent, incident.Ref{ID: itsm.NewID()}, tt.in)
			itsmtest.RequireInvalidField(t, err, tt.field)
			_, err = h.svc.Update(t.Context(), itsmtest.Caller, inc.Ref(), tt.in)
			itsmtest.RequireInvalidField(t, err, tt.field)
		})
	}
	stored, err := h.store.Get(t.Context(), inc.Tenant, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, inc, stored, "refused updates store nothing")
}

func TestLinkSetsLinksAndJournalsThem(t *testing.T) {
	t.Parallel()
	problem, c1, c2, c3 := itsm.NewID(), itsm.NewID(), itsm.NewID(), itsm.NewID()
	tests := []struct {
		name    string
		linked  incident.LinkInput // before the link under test
		in      incident.LinkInput
		changes []itsm.ID
		data    map[string]any // keys of the journal entry's Data; nil values are not compared
	}{
		{"a problem", incident.LinkInput{}, incident.LinkInput{Problem: &problem}, nil,
			map[string]any{"problem": problem.String()}},
		{"a problem unlinked", incident.LinkInput{Problem: &problem}, incident.LinkInput{Problem: new(itsm.ID{})}, nil,
			map[string]any{"problem": ""}},
		{"major", incident.LinkInput{}, incident.LinkInput{Major: new(true)}, nil,
			map[string]any{"major": true}},
		{"changes added in order", incident.LinkInput{}, incident.LinkInput{AddChanges: []itsm.ID{c2, c1, c2}}, []itsm.ID{c2, c1},
			map[string]any{"changes": []any{c2.String(), c1.String()}}},
		{"changes added after the linked ones", incident.LinkInput{AddChanges: []itsm.ID{c1}}, incident.LinkInput{AddChanges: []itsm.ID{c2, c1}}, []itsm.ID{c1, c2},
			map[string]any{"changes": []any{c1.String(), c2.String()}}},
		{"a change removed", incident.LinkInput{AddChanges: []itsm.ID{c1, c2, c3}}, incident.LinkInput{RemoveChanges: []itsm.ID{c2}}, []itsm.ID{c1, c3},
			map[string]any{"changes": []any{c1.String(), c3.String()}}},
		{"the last change removed", incident.LinkInput{AddChanges: []itsm.ID{c1}}, incident.LinkInput{RemoveChanges: []itsm.ID{c1, c2}}, nil,
			map[string]any{"changes": nil}},
		{"one removed, one added", incident.LinkInput{AddChanges: []itsm.ID{c1, c2}}, incident.LinkInput{AddChanges: []itsm.ID{c3}, RemoveChanges: []itsm.ID{c1}}, []itsm.ID{c2, c3},
			map[string]any{"changes": []any{c2.String(), c3.String()}}},
		{"everything at once", incident.LinkInput{}, incident.LinkInput{Problem: &problem, AddChanges: []itsm.ID{c1}, Major: new(true)}, []itsm.ID{c1},
			map[string]any{"problem": problem.String(), "changes": []any{c1.String()}, "major": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			h := newHarness(t, incident.Options{})
			inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
			inc, err := h.svc.Link(ctx, itsmtest.Agent, inc.Ref(), tt.linked)
			require.NoError(t, err)

			got, err := h.svc.Link(ctx, itsmtest.Agent, inc.Ref(), tt.in)
			require.NoError(t, err)
			assert.Equal(t, inc.Version+1, got.Version)
			assert.Equal(t, tt.changes, got.Changes)
			if tt.in.Problem != nil {
				assert.Equal(t, *tt.in.Problem, got.Problem)
			}
			if tt.in.Major != nil {
				assert.Equal(t, *tt.in.Major, got.Major)
			}

			stored, err := h.store.Get(ctx, inc.Tenant, inc.ID)
			require.NoError(t, err)
			assert.Equal(t, got, stored)
			journal, err := h.svc.History(ctx, itsmtest.Agent, inc.ID)
			require.NoError(t, err)
			last := journal[len(journal)-1]
			assert.Equal(t, itsm.EventUpdated, last.Type)
			assert.JSONEq(t, mustJSON(t, tt.data), string(last.Data))
			folded, err := incident.Fold(journal)
			require.NoError(t, err)
			assert.Equal(t, mustJSON(t, stored), mustJSON(t, folded), "the journal rebuilds the record")
		})
	}
}

func TestLinkRefusesBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, incident.Options{})
	inc := itsmtest.IncidentIn(t, h.svc, incident.InProgress)
	c1 := itsm.NewID()
	tooMany := make([]itsm.ID, incident.MaxChanges+1)
	for i := range tooMany {
		tooMany[i] = itsm.NewID()
	}
	tests := []struct {
		name  string
		in    incident.LinkInput
		field string
	}{
		{"a zero change to add", incident.LinkInput{AddChanges: []itsm.ID{c1, {}}}, "add_changes[1]"},
		{"a zero change to remove", incident.LinkInput{RemoveChanges: []itsm.ID{{}}}, "remove_changes[0]"},
		{"a change added and removed", incident.LinkInput{AddChanges: []itsm.ID{c1}, RemoveChanges: []itsm.ID{c1}}, "remove_changes[0]"},
		{"too many changes", incident.LinkInput{AddChanges: tooMany}, "add_changes"},
		{"the incident as its own parent", incident.LinkInput{Parent: &inc.ID}, "parent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.Link(t.Context(), itsmtest.Agent, inc.Ref(), tt.in)
			itsmtest.RequireInvalidField(t, err, tt.field)
			// Before storage: an actor who may not update gets the same answer.
			_, err = h.svc.Link(t.Context(), itsmtest.Caller, inc.Ref(), tt.in)
			itsmtest.RequireInvalidField(t, err, tt.field)
		})
	}

	// Adding past MaxChanges linked, a few at a time.
	full, err := h.svc.Link(t.Context(), itsmtest.Agent, inc.Ref(), incident.LinkInput{AddChanges: tooMany[:incident.MaxChanges]})
	require.NoError(t, err)
	_, err = h.svc.Link(t.Context(), itsmtest.Agent, full.Ref(), incident.LinkInput{AddChanges: tooMany[incident.MaxChanges:]})
	itsmtest.RequireInvalidField(t, err, "add_changes")
	_, err = h.svc.Link(t.Context(), itsmtest.Agent, full.Ref(), incident.LinkInput{AddChanges: tooMany[incident.MaxChanges:], RemoveChanges: tooMany[:1]})
	require.NoError(t, err, "a swap keeps the count")
}

func TestLinkParent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	tests := []struct {
		name string
		// family links a (the incident under test), b and c before the link; the
		// link under test then gives a the parent named by parent.
		family   func(t *testing.T, h harness, a, b, c *incident.Incident)
		parent   func(a, b, c *incident.Incident) itsm.ID
		sentinel error // nil when the link must succeed
		field    string
	}{
		{"another incident", nil, func(_, b, _ *incident.Incident) itsm.ID { return b.ID }, nil, ""},
		{"a parent that has its own parent", func(t *testing.T, h harness, _, b, c *incident.Incident) {
			link(t, h, b, incident.LinkInput{Parent: &c.ID})
		}, func(_, b, _ *incident.Incident) itsm.ID { return b.ID }, nil, ""},
		{"detached", func(t *testing.T, h harness, a, b, _ *incident.Incident) {
			link(t, h, a, incident.LinkInput{Parent: &b.ID})
		}, func(_, _, _ *incident.Incident) itsm.ID { return itsm.ID{} }, nil, ""},
		{"an incident that does not exist", nil, func(_, _, _ *incident.Incident) itsm.ID { return itsm.NewID() }, itsm.ErrNotFound, ""},
		{"its own child", func(t *testing.T, h harness, a, b, _ *incident.Incident) {
			link(t, h, b, incident.LinkInput{Parent: &a.ID})
		}, func(_, b, _ *incident.Incident) itsm.ID { return b.ID }, itsm.ErrInvalid, "parent"},
		{"its own grandchild", func(t *testing.T, h harness, a, b, c *incident.Incident) {
			link(t, h, b, incident.LinkInput{Parent: &a.ID})
			link(t, h, c, incident.LinkInput{Parent: &b.ID})
		}, func(_, _, c *incident.Incident) itsm.ID { return c.ID }, itsm.ErrInvalid, "parent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, incident.Options{})
			a, b, c := itsmtest.OpenIncident(t, h.svc, nil), itsmtest.OpenIncident(t, h.svc, nil), itsmtest.OpenIncident(t, h.svc, nil)
			if tt.family != nil {
				tt.family(t, h, a, b, c)
			}
			a, err := h.store.Get(ctx, a.Tenant, a.ID)
			require.NoError(t, err)
			parent := tt.parent(a, b, c)

			got, err := h.svc.Link(ctx, itsmtest.Agent, a.Ref(), incident.LinkInput{Parent: &parent})

			if tt.sentinel == nil {
				require.NoError(t, err)
				assert.Equal(t, parent, got.Parent)
				assert.Equal(t, a.Version+1, got.Version)
				return
			}
			itsmtest.RequireRefused(t, err, tt.sentinel)
			if tt.field != "" {
				itsmtest.RequireInvalidField(t, err, tt.field)
			}
			stored, err := h.store.Get(ctx, a.Tenant, a.ID)
			require.NoError(t, err)
			assert.Equal(t, a, stored, "a refused link stores nothing")
		})
	}

	t.Run("another tenant's incident", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, incident.Options{})
		a := itsmtest.OpenIncident(t, h.svc, nil)
		other := itsm.Actor{ID: "eve", Tenant: "other", Roles: []itsm.Role{itsm.RoleAgent}}
		theirs, err := h.svc.Open(ctx, other, incident.OpenInput{Title: "theirs"})
		require.NoError(t, err)
		_, err = h.svc.Link(ctx, itsmtest.Agent, a.Ref(), incident.LinkInput{Parent: &theirs.ID})
		itsmtest.RequireRefused(t, err, itsm.ErrNotFound)
	})
	t.Run("a parent the actor may not read", func(t *testing.T) {
		t.Parallel()
		secret := func(ctx context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
			if op == incident.OpRead && inc.Category == "secret" {
				return incident.Forbidden(actor, op)
			}
			return incident.DefaultAuthorizer(ctx, actor, op, inc)
		}
		h := newHarness(t, incident.Options{Authorize: secret})
		a := itsmtest.OpenIncident(t, h.svc, nil)
		hidden := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) { in.Category = "secret" })
		_, err := h.svc.Link(ctx, itsmtest.Agent, a.Ref(), incident.LinkInput{Parent: &hidden.ID})
		itsmtest.RequireRefused(t, err, itsm.ErrForbidden)
	})
}

// link links inc as in says, through the service, as an agent.
func link(t *testing.T, h harness, inc *incident.Incident, in incident.LinkInput) {
	t.Helper()
	_, err := h.svc.Link(t.Context(), itsmtest.Agent, incident.Ref{ID: inc.ID}, in)
	require.NoError(t, err)
}

func TestLinkAsksSetMajorOnlyWhenMajorChanges(t *testing.T) {
	t.Parallel()
	// A host where agents work incidents but only managers declare major incidents.
	managersDeclare := func(ctx context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
		if op == incident.OpSetMajor && !actor.HasRole(itsm.RoleManager) {
			return incident.Forbidden(actor, op)
		}
		return incident.DefaultAuthorizer(ctx, actor, op, inc)
	}
	tests := []struct {
		name     string
		actor    itsm.Actor
		major    bool // before the link
		in       incident.LinkInput
		sentinel error
	}{
		{"an agent declares", itsmtest.Agent, false, incident.LinkInput{Major: new(true)}, itsm.ErrForbidden},
		{"an agent clears", itsmtest.Agent, true, incident.LinkInput{Major: new(false)}, itsm.ErrForbidden},
		{"an agent links a major incident's problem", itsmtest.Agent, true, incident.LinkInput{Problem: new(itsm.NewID()), Major: new(true)}, nil},
		{"an agent links a problem", itsmtest.Agent, false, incident.LinkInput{Problem: new(itsm.NewID())}, nil},
		{"a manager declares", itsmtest.Manager, false, incident.LinkInput{Major: new(true)}, nil},
		{"a caller declares", itsmtest.Caller, false, incident.LinkInput{Major: new(true)}, itsm.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, incident.Options{Authorize: managersDeclare})
			inc := itsmtest.OpenIncident(t, h.svc, func(in *incident.OpenInput) { in.Major = tt.major })
			_, err := h.svc.Link(t.Context(), tt.actor, inc.Ref(), tt.in)
			if tt.sentinel != nil {
				itsmtest.RequireRefused(t, err, tt.sentinel, "forbidden")
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestOpenNamesOnlyAParentTheActorMayRead: an incident's parent is named by someone
// who may read it, at opening as by Link.
func TestOpenNamesOnlyAParentTheActorMayRead(t *testing.T) {
	t.Parallel()
	secret := func(ctx context.Context, actor itsm.Actor, op incident.Operation, inc *incident.Incident) error {
		if op == incident.OpRead && inc.Title == "secret" && !actor.HasRole(itsm.RoleManager) {
			return &itsm.PolicyError{Reasons: []itsm.Reason{{Code: "forbidden", Message: "secret", Err: itsm.ErrForbidden}}}
		}
		return incident.DefaultAuthorizer(ctx, actor, op, inc)
	}
	h := newHarness(t, incident.Options{Authorize: secret})
	parent, err := h.svc.Open(t.Context(), itsmtest.Manager, incident.OpenInput{Title: "secret"})
	require.NoError(t, err)

	_, err = h.svc.Open(t.Context(), itsmtest.Agent, incident.OpenInput{Title: "child", Parent: parent.ID})
	require.ErrorIs(t, err, itsm.ErrForbidden)
	listed, _, err := h.svc.List(t.Context(), itsmtest.Manager, incident.Filter{}, incident.Page{})
	require.NoError(t, err)
	assert.Len(t, listed, 1, "nothing stored")

	child, err := h.svc.Open(t.Context(), itsmtest.Manager, incident.OpenInput{Title: "child", Parent: parent.ID})
	require.NoError(t, err)
	assert.Equal(t, parent.ID, child.Parent)
}
