package lifecycle_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/lifecycle"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestDiagramsMatchGoldenFiles(t *testing.T) {
	t.Parallel()
	ticket := build(t, ticketBuilder())
	service := lifecycle.ServiceLifecycle()
	odd := build(t, lifecycle.NewBuilder[State, Trigger]("odd \"kind\"", "new item").
		State("new item", `Says "hi"; #1: 50% <b>bold</b>`).
		State("end", "End\nof line").
		Final("done", `C:\path {x}`).
		Trigger("a", "direction TB").
		Trigger("b", "β → γ").
		Permit("new item", "a", "end").
		Permit("end", "b", "done"))
	tests := []struct {
		file string
		got  string
	}{
		{"ticket.mmd", ticket.Mermaid()},
		{"ticket.dot", ticket.DOT()},
		{"service.mmd", service.Mermaid()},
		{"service.dot", service.DOT()},
		{"escaped.mmd", odd.Mermaid()},
		{"escaped.dot", odd.DOT()},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(tt.got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -update to create it")
			assert.Equal(t, string(want), tt.got)
		})
	}
}

func TestDiagramsAreDeterministic(t *testing.T) {
	t.Parallel()
	a, b := build(t, ticketBuilder()), build(t, ticketBuilder())
	assert.Equal(t, a.Mermaid(), b.Mermaid())
	assert.Equal(t, a.DOT(), b.DOT())
}

// FuzzDiagrams renders definitions with arbitrary state names and labels and checks
// that the Mermaid and DOT output keep their line structure, and that every label
// decodes back to what was given (control characters aside).
func FuzzDiagrams(f *testing.F) {
	f.Add("new", "New", "Start", "Done")
	f.Add("in progress", `say "hi"`, "a\nb", `back\slash`)
	f.Add("end", "#35; %% comment", "x : y ; z", "direction TB")
	f.Add("state", "<<fork>>", "{", "\u2028\x00\xff")
	f.Fuzz(func(t *testing.T, name, stateLabel, triggerLabel, finalLabel string) {
		def, err := lifecycle.NewBuilder[State, Trigger]("fuzz", State(name)).
			State(State(name), stateLabel).
			Final("done", finalLabel).
			Trigger("go", triggerLabel).
			Permit(State(name), "go", "done").
			Build()
		if err != nil {
			t.Skip(err) // an empty or duplicate name
		}
		checkMermaid(t, def)
		checkDOT(t, def)
	})
}

var (
	mermaidState = regexp.MustCompile(`^    state "([^"]*)" as ([A-Za-z][A-Za-z0-9_]*)$`)
	mermaidEdge  = regexp.MustCompile(`^    (\[\*\]|[A-Za-z][A-Za-z0-9_]*) --> (\[\*\]|[A-Za-z][A-Za-z0-9_]*)(?: : (.+))?$`)
	// Outside entity codes, a Mermaid label has none of the characters its lexer
	// reacts to.
	mermaidLabel = regexp.MustCompile(`^(?:[^"#:;%<>{}&\n]|#[0-9]+;)*$`)
	entity       = regexp.MustCompile(`#([0-9]+);`)
	direction    = regexp.MustCompile(`(?i)direction`)
)

func checkMermaid(t *testing.T, def *lifecycle.Definition[State, Trigger]) {
	t.Helper()
	out := def.Mermaid()
	assert.NotRegexp(t, direction, out, "Mermaid reads direction TB anywhere, even across lines")
	lines := strings.Split(out, "\n")
	require.Equal(t, "stateDiagram-v2", lines[0])
	require.Empty(t, lines[len(lines)-1], "output ends with a newline")
	lines = lines[1 : len(lines)-1]
	states, trigger := def.States(), def.Triggers()[0]
	require.Len(t, lines, len(states)+3, "states, [*] -> initial, one edge, final -> [*]")
	ids := map[string]bool{}
	for i, s := range states {
		m := mermaidState.FindStringSubmatch(lines[i])
		require.NotNil(t, m, "state line %q", lines[i])
		assert.Regexp(t, mermaidLabel, m[1])
		assert.Equal(t, plainText(s.Label, false), decodeEntities(m[1]))
		ids[m[2]] = true
	}
	require.Len(t, ids, len(states), "state IDs are distinct")
	for i, line := range lines[len(states):] {
		m := mermaidEdge.FindStringSubmatch(line)
		require.NotNil(t, m, "edge line %q", line)
		for _, id := range m[1:3] {
			assert.True(t, id == "[*]" || ids[id], "unknown ID %q", id)
		}
		if i == 1 {
			assert.Regexp(t, mermaidLabel, m[3])
			assert.Equal(t, strings.TrimSpace(plainText(trigger.Label, false)), strings.TrimSpace(decodeEntities(m[3])))
		}
	}
}

// dotLine is a DOT statement made of IDs, quoted strings and punctuation, ending in
// a semicolon or a brace.
var dotLine = regexp.MustCompile(`^\t?(?:[A-Za-z0-9_.]+|"(?:[^"\\\n]|\\.)*"|->|[\[\]=,; {}])*$`)

func checkDOT(t *testing.T, def *lifecycle.Definition[State, Trigger]) {
	t.Helper()
	lines := strings.Split(def.DOT(), "\n")
	require.Empty(t, lines[len(lines)-1], "output ends with a newline")
	lines = lines[:len(lines)-1]
	require.Equal(t, `digraph "fuzz" {`, lines[0])
	require.Equal(t, "}", lines[len(lines)-1])
	require.Len(t, lines, 5+len(def.States())+3+1)
	var labels []string
	for _, line := range lines {
		require.Regexp(t, dotLine, line)
		if i := strings.Index(line, `label="`); i >= 0 {
			labels = append(labels, unquoteDOT(t, line[i+len("label="):]))
		}
	}
	want := []string{"", ""}
	for _, s := range def.States() {
		want = append(want, plainText(s.Label, true))
	}
	want = append(want, plainText(def.Triggers()[0].Label, true))
	assert.Equal(t, want, labels)
}

// unquoteDOT decodes the quoted DOT string at the start of s.
func unquoteDOT(t *testing.T, s string) string {
	t.Helper()
	require.True(t, strings.HasPrefix(s, `"`))
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			return b.String()
		case '\\':
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(s[i])
		}
	}
	t.Fatalf("unterminated DOT string %q", s)
	return ""
}

func decodeEntities(s string) string {
	return entity.ReplaceAllStringFunc(s, func(e string) string {
		n, _ := strconv.Atoi(e[1 : len(e)-1])
		return string(rune(n))
	})
}

// plainText is what a label should decode to: valid UTF-8, control characters as
// spaces (newlines kept when keepNewline).
func plainText(s string, keepNewline bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case keepNewline && r == '\n':
			return r
		case unicode.IsControl(r) || keepNewline && (r == '\u2028' || r == '\u2029'):
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func TestDiagramIDsFallBackToIndexes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		state State
		want  string
	}{
		{"plain names are kept", "waiting", "    state \"W\" as waiting\n"},
		{"a space", "on hold", "    state \"W\" as s2\n"},
		{"a leading underscore", "_waiting", "    state \"W\" as s2\n"},
		{"a reserved word", "State", "    state \"W\" as s2\n"},
		{"a digit first", "2nd", "    state \"W\" as s2\n"},
		{"direction inside", "redirection", "    state \"W\" as s2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def := build(t, lifecycle.NewBuilder[State, Trigger]("k", "a").
				State("a", "A").Final(tt.state, "W").Trigger("go", "Go").Permit("a", "go", tt.state))
			assert.Contains(t, def.Mermaid(), tt.want)
		})
	}
}
