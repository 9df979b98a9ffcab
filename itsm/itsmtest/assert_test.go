package itsmtest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
)

// refusal is a policy refusal with one reason per code; a code "invalid:FIELD" is a
// validation refusal of FIELD, any other a permission refusal.
func refusal(codes ...string) *itsm.PolicyError {
	pe := &itsm.PolicyError{Kind: itsm.KindIncident, Trigger: "resolve"}
	for _, c := range codes {
		var err error = itsm.ErrForbidden
		if field, ok := strings.CutPrefix(c, "invalid:"); ok {
			err = &itsm.ValidationError{Field: field, Problem: "is required"}
		}
		pe.Reasons = append(pe.Reasons, itsm.Reason{Code: c, Message: c + " refused", Err: err})
	}
	return pe
}

func TestRequireRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		sentinel error
		codes    []string
		fatal    string // "" when the helper must pass
	}{
		{"Sentinel", itsm.ErrNotFound, itsm.ErrNotFound, nil, ""},
		{"WrappedSentinel", fmt.Errorf("incident 42: %w", itsm.ErrConflict), itsm.ErrConflict, nil, ""},
		{"TypedError", &itsm.TransitionError{From: "closed", Trigger: "hold"}, itsm.ErrTransitionNotAllowed, nil, ""},
		{"EveryCode", refusal("role", "invalid:resolution_notes"), itsm.ErrForbidden, []string{"role", "invalid:resolution_notes"}, ""},
		{"SomeCodesInAnyOrder", refusal("a", "b", "c"), itsm.ErrForbidden, []string{"c", "a"}, ""},
		{"WrappedPolicyError", fmt.Errorf("x: %w", refusal("role")), itsm.ErrForbidden, []string{"role"}, ""},

		{"Success", nil, itsm.ErrForbidden, nil, "expected a refusal matching itsm: forbidden, got success"},
		{"SuccessWithCodes", nil, itsm.ErrForbidden, []string{"role"}, "got success"},
		{"OtherSentinel", itsm.ErrNotFound, itsm.ErrForbidden, nil, "expected an error matching itsm: forbidden, got itsm: not found"},
		{"PolicyErrorOfOtherSentinel", refusal("invalid:title"), itsm.ErrForbidden, nil, "expected an error matching itsm: forbidden"},
		{"CodesOfNoPolicyError", fmt.Errorf("x: %w", itsm.ErrForbidden), itsm.ErrForbidden, []string{"role"}, `expected an *itsm.PolicyError with codes [role], got *fmt.wrapError`},
		{"MissingCode", refusal("role"), itsm.ErrForbidden, []string{"role", "owner"}, `refusal codes [role] lack "owner"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := runTB(t, func(tb testing.TB) { itsmtest.RequireRefused(tb, tt.err, tt.sentinel, tt.codes...) })
			if tt.fatal == "" {
				requirePassed(t, f)
			} else {
				requireFatal(t, f, tt.fatal)
			}
		})
	}
}

func TestRequireRefusalNames(t *testing.T) {
	t.Parallel()
	id := itsm.NewID()
	numbered := itsm.Meta{ID: id, Number: "INC0000042"}
	unnumbered := itsm.Meta{ID: id}
	kind := itsm.KindIncident
	transition := func(number string) error {
		return &itsm.TransitionError{Kind: kind, ID: id, Number: number, From: "new", Trigger: "close"}
	}
	policy := func(number string) *itsm.PolicyError {
		pe := refusal("role")
		pe.ID, pe.Number = id, number
		return pe
	}
	tests := []struct {
		name  string
		err   error
		m     itsm.Meta
		fatal string // "" when the helper must pass
	}{
		{"TransitionError", transition("INC0000042"), numbered, ""},
		{"PolicyError", policy("INC0000042"), numbered, ""},
		{"Wrapped", fmt.Errorf("lifecycle: %w", policy("INC0000042")), numbered, ""},
		{"NoNumberNamedByID", transition(""), unnumbered, ""},

		{"NotARefusal", fmt.Errorf("incident INC0000042: %w", itsm.ErrConflict), numbered, "expected a refusal of incident INC0000042, got *fmt.wrapError"},
		{"Success", nil, numbered, "expected a refusal of incident INC0000042, got <nil>"},
		{"OtherRecord", &itsm.TransitionError{Kind: kind, ID: itsm.NewID(), Number: "INC0000042"}, numbered, `refusal names incident "INC0000042" (ID`},
		{"NoNumber", transition(""), numbered, `refusal names incident "" (ID ` + id.String() + `), want "INC0000042"`},
		{"MessageNamesOtherKind", &itsm.TransitionError{Kind: "problem", ID: id, Number: "INC0000042"}, numbered, `refusal message does not name "incident INC0000042"`},
		{"MessageNamesTheIDToo", fmt.Errorf("write %s: %w", id, transition("INC0000042")), numbered, "names incident by its ID as well as its number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := runTB(t, func(tb testing.TB) { itsmtest.RequireRefusalNames(tb, tt.err, kind, tt.m) })
			if tt.fatal == "" {
				requirePassed(t, f)
			} else {
				requireFatal(t, f, tt.fatal)
			}
		})
	}
}

func TestRequireInvalidField(t *testing.T) {
	t.Parallel()
	title := &itsm.ValidationError{Field: "title", Problem: "is required"}
	tests := []struct {
		name  string
		err   error
		field string
		fatal string
	}{
		{"ValidationError", title, "title", ""},
		{"Wrapped", fmt.Errorf("incident: open: %w", title), "title", ""},
		{"FirstOfARefusal", refusal("invalid:resolution_code", "invalid:resolution_notes"), "resolution_code", ""},
		{"SecondOfARefusal", refusal("invalid:resolution_code", "invalid:resolution_notes"), "resolution_notes", ""},
		{"OneOfJoined", errors.Join(itsm.ErrNotFound, title), "title", ""},

		{"Success", nil, "title", `expected an *itsm.ValidationError for "title", got <nil>`},
		{"OtherSentinel", itsm.ErrForbidden, "title", `expected an *itsm.ValidationError for "title", got itsm: forbidden`},
		{"BareErrInvalid", fmt.Errorf("bad: %w", itsm.ErrInvalid), "title", `expected an *itsm.ValidationError for "title", got bad: itsm: invalid`},
		{"ValidationUnderForbidden", refusal("role"), "title", `expected an *itsm.ValidationError for "title"`},
		{"OtherField", title, "caller", `validation errors name fields ["title"], want "caller"`},
		{"NoFieldOfARefusal", refusal("invalid:resolution_code", "invalid:resolution_notes"), "title",
			`validation errors name fields ["resolution_code" "resolution_notes"], want "title"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := runTB(t, func(tb testing.TB) { itsmtest.RequireInvalidField(tb, tt.err, tt.field) })
			if tt.fatal == "" {
				requirePassed(t, f)
			} else {
				requireFatal(t, f, tt.fatal)
			}
		})
	}
}

// TestRequireInvalidFieldOfService checks the helper against a real refusal that
// names two fields: resolving without a code or notes.
func TestRequireInvalidFieldOfService(t *testing.T) {
	t.Parallel()
	svc := itsmtest.IncidentService(t, incident.Options{})
	inc := itsmtest.IncidentIn(t, svc, incident.InProgress)
	_, err := svc.Resolve(t.Context(), itsmtest.Agent, inc.Ref(), "", "")
	require.Error(t, err)
	itsmtest.RequireInvalidField(t, err, "resolution_code")
	itsmtest.RequireInvalidField(t, err, "resolution_notes")

	_, err = svc.Open(t.Context(), itsmtest.Agent, incident.OpenInput{})
	itsmtest.RequireInvalidField(t, err, "title")
}

// event returns a journal entry of type typ; from and to are set on transitions.
func event(typ itsm.EventType, from, to string) itsm.Event {
	return itsm.Event{Type: typ, From: from, To: to, Trigger: "t"}
}

func TestRequireTransition(t *testing.T) {
	t.Parallel()
	created := event(itsm.EventCreated, "", "new")
	assign := event(itsm.EventTransitioned, "new", "in_progress")
	hold := event(itsm.EventTransitioned, "in_progress", "on_hold")
	updated := event(itsm.EventUpdated, "", "")
	tests := []struct {
		name     string
		journal  []itsm.Event
		from, to incident.State
		fatal    string
	}{
		{"LastEntry", []itsm.Event{created, assign}, incident.New, incident.InProgress, ""},
		{"LastOfSeveral", []itsm.Event{created, assign, hold}, incident.InProgress, incident.OnHold, ""},

		{"Nil", nil, incident.New, incident.InProgress, "journal is empty, want a transition new → in_progress"},
		{"Empty", []itsm.Event{}, incident.New, incident.InProgress, "journal is empty"},
		{"OnlyCreated", []itsm.Event{created}, "", incident.New,
			`last journal entry is created "" → "new" (trigger "t"), want transition "" → "new"`},
		{"EarlierEntry", []itsm.Event{created, assign, hold}, incident.New, incident.InProgress,
			`last journal entry is transitioned "in_progress" → "on_hold" (trigger "t"), want transition "new" → "in_progress"`},
		{"UpdateAfterTransition", []itsm.Event{created, assign, updated}, incident.New, incident.InProgress,
			`last journal entry is updated "" → "" (trigger "t")`},
		{"OtherFrom", []itsm.Event{created, hold}, incident.New, incident.OnHold, `want transition "new" → "on_hold"`},
		{"OtherTo", []itsm.Event{created, assign}, incident.New, incident.Canceled, `want transition "new" → "canceled"`},
		{"Reversed", []itsm.Event{created, assign}, incident.InProgress, incident.New, `want transition "in_progress" → "new"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := runTB(t, func(tb testing.TB) { itsmtest.RequireTransition(tb, tt.journal, tt.from, tt.to) })
			if tt.fatal == "" {
				requirePassed(t, f)
			} else {
				requireFatal(t, f, tt.fatal)
			}
		})
	}
}

// TestRequireTransitionOfService checks the helper against journals a service wrote,
// with state types of its own and plain strings.
func TestRequireTransitionOfService(t *testing.T) {
	t.Parallel()
	svc := itsmtest.IncidentService(t, incident.Options{})
	inc := itsmtest.IncidentIn(t, svc, incident.OnHold)
	journal, err := svc.History(t.Context(), itsmtest.Agent, inc.ID)
	require.NoError(t, err)
	itsmtest.RequireTransition(t, journal, incident.InProgress, incident.OnHold)
	itsmtest.RequireTransition(t, journal, "in_progress", "on_hold")

	f := runTB(t, func(tb testing.TB) { itsmtest.RequireTransition(tb, journal, incident.New, incident.InProgress) })
	requireFatal(t, f, `last journal entry is transitioned "in_progress" → "on_hold" (trigger "hold")`)
}

func TestTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		journal []itsm.Event
		want    []string
	}{
		{"Nil", nil, nil},
		{"NoTransition", []itsm.Event{event(itsm.EventCreated, "", "new"), event(itsm.EventCommented, "", "")}, nil},
		{"InOrder", []itsm.Event{
			event(itsm.EventCreated, "", "new"),
			event(itsm.EventTransitioned, "new", "in_progress"),
			event(itsm.EventUpdated, "", ""),
			event(itsm.EventTransitioned, "in_progress", "on_hold"),
			event(itsm.EventCommented, "", ""),
			event(itsm.EventTransitioned, "on_hold", "in_progress"),
		}, []string{"new→in_progress", "in_progress→on_hold", "on_hold→in_progress"}},
		{"Repeated", []itsm.Event{
			event(itsm.EventTransitioned, "resolved", "in_progress"),
			event(itsm.EventTransitioned, "resolved", "in_progress"),
		}, []string{"resolved→in_progress", "resolved→in_progress"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, itsmtest.Transitions(tt.journal))
		})
	}
}
