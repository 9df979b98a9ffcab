package lifecycle_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/lifecycle"
)

type builder = lifecycle.Builder[State, Trigger]

// base is the smallest valid definition: a --go--> b, b final.
func base(kind itsm.Kind, initial State) *builder {
	return lifecycle.NewBuilder[State, Trigger](kind, initial).
		State("a", "A").
		Final("b", "B").
		Trigger("go", "Go").
		Permit("a", "go", "b")
}

// problems returns the message of every *itsm.ValidationError inside err.
func problems(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var v *itsm.ValidationError
		if errors.As(err, &v) && v == err {
			out = append(out, v.Error())
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

func TestBuildRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		build func() *builder
		want  []string
	}{
		{"empty kind", func() *builder { return base("", "a") },
			[]string{`invalid kind: is required`}},
		{"empty initial", func() *builder { return base("k", "") },
			[]string{`invalid initial: is required`}},
		{"undeclared initial", func() *builder { return base("k", "x") },
			[]string{`invalid initial: "x" is not a declared state`}},
		{"unreachable state", func() *builder { return base("k", "a").State("c", "C").Permit("c", "go", "b") },
			[]string{`invalid state "c": is unreachable from the initial state "a"`}},
		{"dead end", func() *builder { return base("k", "a").State("c", "C").Trigger("on", "On").Permit("a", "on", "c") },
			[]string{`invalid state "c": has no transition to another state: declare it with Final if lives end there`}},
		{"dead end with a self-loop only", func() *builder {
			return base("k", "a").State("c", "C").Trigger("on", "On").Permit("a", "on", "c").Permit("c", "on", "c")
		}, []string{`invalid state "c": has no transition to another state: declare it with Final if lives end there`}},
		{"final with exit", func() *builder { return base("k", "a").Trigger("back", "Back").Permit("b", "back", "a") },
			[]string{`invalid state "b": is final but has 1 outgoing transition(s)`}},
		{"final with self-loop", func() *builder { return base("k", "a").Trigger("stay", "Stay").Permit("b", "stay", "b") },
			[]string{`invalid state "b": is final but has 1 outgoing transition(s)`}},
		{"from undeclared state", func() *builder { return base("k", "a").Permit("x", "go", "b") },
			[]string{`invalid Permit("x", "go", "b"): leaves undeclared state "x"`}},
		{"to undeclared state", func() *builder { return base("k", "a").Trigger("on", "On").Permit("a", "on", "x") },
			[]string{`invalid Permit("a", "on", "x"): enters undeclared state "x"`}},
		{"undeclared trigger", func() *builder { return base("k", "a").Final("c", "C").Permit("a", "nope", "c") },
			[]string{`invalid Permit("a", "nope", "c"): uses undeclared trigger "nope"`}},
		{"ambiguous", func() *builder {
			return base("k", "a").Final("c", "C").Trigger("on", "On").Permit("a", "on", "c").Permit("a", "go", "c")
		}, []string{`invalid Permit("a", "go", "c"): is ambiguous: "go" already leads from "a" to "b"`}},
		{"same transition twice", func() *builder { return base("k", "a").Permit("a", "go", "b") },
			[]string{`invalid Permit("a", "go", "b"): is ambiguous: "go" already leads from "a" to "b"`}},
		{"unused trigger", func() *builder { return base("k", "a").Trigger("idle", "Idle") },
			[]string{`invalid trigger "idle": is never used by a transition`}},
		{"duplicate state", func() *builder { return base("k", "a").State("a", "Again") },
			[]string{`invalid state "a": is declared twice`}},
		{"state declared final and not", func() *builder { return base("k", "a").Final("a", "A") },
			[]string{`invalid state "a": is declared twice`}},
		{"duplicate trigger", func() *builder { return base("k", "a").Trigger("go", "Again") },
			[]string{`invalid trigger "go": is declared twice`}},
		{"empty state name", func() *builder { return base("k", "a").State("", "Nameless") },
			[]string{`invalid state: has an empty name`}},
		{"empty trigger name", func() *builder { return base("k", "a").Trigger("", "Nameless") },
			[]string{`invalid trigger: has an empty name`}},
		{"nil policy", func() *builder { return base("k", "a").Policy(allow).Policy(nil) },
			[]string{`invalid policies[1]: is nil`}},
		{"nil trigger policy", func() *builder { return base("k", "a").TriggerPolicy("go", nil) },
			[]string{`invalid policy for trigger "go": is nil`}},
		{"policy for undeclared trigger", func() *builder { return base("k", "a").TriggerPolicy("nope", allow) },
			[]string{`invalid policy for trigger "nope": names an undeclared trigger`}},
		{"nil action", func() *builder { return base("k", "a").Action("go", nil) },
			[]string{`invalid action for trigger "go": is nil`}},
		{"action for undeclared trigger", func() *builder { return base("k", "a").Action("nope", allow) },
			[]string{`invalid action for trigger "nope": names an undeclared trigger`}},
		{"every problem at once", func() *builder {
			return lifecycle.NewBuilder[State, Trigger]("", "x").
				State("a", "A").State("a", "A").State("c", "C").
				Trigger("go", "Go").Trigger("idle", "Idle").
				Permit("a", "go", "y")
		}, []string{
			`invalid kind: is required`,
			`invalid state "a": is declared twice`,
			`invalid initial: "x" is not a declared state`,
			`invalid Permit("a", "go", "y"): enters undeclared state "y"`,
			`invalid trigger "idle": is never used by a transition`,
			`invalid state "c": has no transition to another state: declare it with Final if lives end there`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def, err := tt.build().Build()
			require.Error(t, err)
			assert.Nil(t, def)
			assert.ErrorIs(t, err, itsm.ErrInvalid)
			assert.Equal(t, tt.want, problems(err))
			for _, p := range tt.want {
				assert.Contains(t, err.Error(), p)
			}
		})
	}
}

func TestBuildAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		build func() *builder
	}{
		{"smallest", func() *builder { return base("k", "a") }},
		{"self-loop", func() *builder { return base("k", "a").Trigger("stay", "Stay").Permit("a", "stay", "a") }},
		{"cycle with an exit", func() *builder {
			return base("k", "a").State("c", "C").Trigger("on", "On").Trigger("off", "Off").
				Permit("a", "on", "c").Permit("c", "off", "a")
		}},
		{"ticket", ticketBuilder},
		{"policies and actions", func() *builder {
			return base("k", "a").Policy(allow).TriggerPolicy("go", allow).Action("go", allow)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def, err := tt.build().Build()
			require.NoError(t, err)
			assert.NotNil(t, def)
		})
	}
}

func TestEmptyLabelDefaultsToName(t *testing.T) {
	t.Parallel()
	def := build(t, lifecycle.NewBuilder[State, Trigger]("k", "a").
		State("a", "").Final("b", "B").Trigger("go", "").Permit("a", "go", "b"))
	assert.Equal(t, []lifecycle.StateInfo[State]{{Name: "a", Label: "a"}, {Name: "b", Label: "B", Final: true}}, def.States())
	assert.Equal(t, []lifecycle.TriggerInfo[Trigger]{{Name: "go", Label: "go"}}, def.Triggers())
}

func TestBuilderChangesAfterBuildDoNotLeak(t *testing.T) {
	t.Parallel()
	b := base("k", "a")
	def := build(t, b)
	b.State("c", "C").Trigger("on", "On").Permit("a", "on", "c").Permit("c", "go", "b")
	_, err := b.Build()
	require.NoError(t, err)
	assert.False(t, def.HasState("c"))
	assert.Len(t, def.Transitions(), 1)
}
