package itsmtest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/itsmkit/itsmkit/itsm"
)

// RequireRefused fails the test unless err matches sentinel and, when codes are given,
// is an *itsm.PolicyError whose reason codes include every one of them.
func RequireRefused(t testing.TB, err error, sentinel error, codes ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected a refusal matching %v, got success", sentinel)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("expected an error matching %v, got %v", sentinel, err)
	}
	if len(codes) == 0 {
		return
	}
	var pe *itsm.PolicyError
	if !errors.As(err, &pe) {
		t.Fatalf("expected an *itsm.PolicyError with codes %v, got %T: %v", codes, err, err)
	}
	for _, c := range codes {
		if !slices.Contains(pe.Codes(), c) {
			t.Fatalf("refusal codes %v lack %q (%v)", pe.Codes(), c, err)
		}
	}
}

// RequireInvalidField fails the test unless err is a validation failure naming field:
// an error matching [itsm.ErrInvalid] with an *itsm.ValidationError for field anywhere
// in its tree. A policy refusal holds one per field at fault, and any of them counts.
func RequireInvalidField(t testing.TB, err error, field string) {
	t.Helper()
	fields := invalidFields(err)
	if !errors.Is(err, itsm.ErrInvalid) || len(fields) == 0 {
		t.Fatalf("expected an *itsm.ValidationError for %q, got %v", field, err)
	}
	if !slices.Contains(fields, field) {
		t.Fatalf("validation errors name fields %q, want %q (%v)", fields, field, err)
	}
}

// invalidFields returns the Field of every *itsm.ValidationError in err's tree, in the
// order errors.As visits them. errors.As stops at the first, which is not enough when
// a refusal lists several fields.
func invalidFields(err error) []string {
	var fields []string
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		ve, ok := err.(*itsm.ValidationError)
		if as, can := err.(interface{ As(any) bool }); !ok && can {
			ok = as.As(&ve)
		}
		if ok && ve != nil {
			fields = append(fields, ve.Field)
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return fields
}

// RequireRefusalNames fails the test unless err is a refusal of a write to the record
// m of kind: an *itsm.TransitionError or *itsm.PolicyError (found with errors.As)
// carrying m's ID and Number, whose message names the record as "KIND NUMBER: " and
// not by its ID too (by "KIND ID: " when m has no number).
func RequireRefusalNames(t testing.TB, err error, kind itsm.Kind, m itsm.Meta) {
	t.Helper()
	var id itsm.ID
	var number string
	var te *itsm.TransitionError
	var pe *itsm.PolicyError
	switch {
	case errors.As(err, &te):
		id, number = te.ID, te.Number
	case errors.As(err, &pe):
		id, number = pe.ID, pe.Number
	default:
		t.Fatalf("expected a refusal of %s %s, got %T: %v", kind, orID(m), err, err)
	}
	if id != m.ID || number != m.Number {
		t.Fatalf("refusal names %s %q (ID %s), want %q (ID %s): %v", kind, number, id, m.Number, m.ID, err)
	}
	msg, name := err.Error(), string(kind)+" "+orID(m)
	switch {
	case !strings.Contains(msg, name+": "):
		t.Fatalf("refusal message does not name %q: %v", name, err)
	case m.Number != "" && strings.Contains(msg, m.ID.String()):
		t.Fatalf("refusal message names %s by its ID as well as its number: %v", kind, err)
	}
}

// orID returns the record's number, or its ID when it has none.
func orID(m itsm.Meta) string {
	if m.Number != "" {
		return m.Number
	}
	return m.ID.String()
}

// RequireTransition fails the test unless the journal's last entry records a
// transition from → to.
func RequireTransition[S ~string](t testing.TB, journal []itsm.Event, from, to S) {
	t.Helper()
	if len(journal) == 0 {
		t.Fatalf("journal is empty, want a transition %s → %s", from, to)
	}
	last := journal[len(journal)-1]
	if last.Type != itsm.EventTransitioned || last.From != string(from) || last.To != string(to) {
		t.Fatalf("last journal entry is %s %q → %q (trigger %q), want transition %q → %q",
			last.Type, last.From, last.To, last.Trigger, from, to)
	}
}

// Transitions returns the journal's transitions as "from→to" strings, for compact
// comparisons in table tests.
func Transitions(journal []itsm.Event) []string {
	var out []string
	for _, e := range journal {
		if e.Type == itsm.EventTransitioned {
			out = append(out, e.From+"→"+e.To)
		}
	}
	return out
}
