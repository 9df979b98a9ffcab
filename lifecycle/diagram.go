package lifecycle

import (
	"strconv"
	"strings"
	"unicode"
)

// Mermaid renders the definition as a Mermaid stateDiagram-v2: states with their
// labels in declaration order, "[*] --> initial", every transition labelled with its
// trigger's label in declaration order, and "final --> [*]" for each final state. The
// output is deterministic. Labels are escaped with Mermaid entity codes (#35; and so
// on), so no label can break a line or the diagram's syntax. State IDs are the state
// names when every name is a plain identifier, and s1, s2, … in declaration order
// otherwise.
func (d *Definition[S, T]) Mermaid() string {
	ids, labels := d.diagramIDs(), d.triggerLabels()
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for i, s := range d.parts.states {
		b.WriteString("    state \"" + mermaidText(s.Label) + "\" as " + ids[i] + "\n")
	}
	b.WriteString("    [*] --> " + ids[d.stateIndex(d.parts.initial)] + "\n")
	for _, t := range d.parts.transitions {
		b.WriteString("    " + ids[d.stateIndex(t.From)] + " --> " + ids[d.stateIndex(t.To)] + " : " + mermaidText(labels[t.Trigger]) + "\n")
	}
	for i, s := range d.parts.states {
		if s.Final {
			b.WriteString("    " + ids[i] + " --> [*]\n")
		}
	}
	return b.String()
}

// DOT renders the definition as a Graphviz digraph named after its kind, laid out left
// to right: a point marks the initial state, a double circle the end of every final
// state, and each transition is an edge labelled with its trigger's label. The output
// is deterministic, in declaration order. Every ID and label is a quoted, escaped DOT
// string; a newline in a label becomes a line break (\n).
func (d *Definition[S, T]) DOT() string {
	ids, labels := d.diagramIDs(), d.triggerLabels()
	var b strings.Builder
	b.WriteString("digraph \"" + dotText(string(d.parts.kind)) + "\" {\n")
	b.WriteString("\trankdir=LR;\n")
	b.WriteString("\tnode [shape=box, style=rounded];\n")
	b.WriteString("\t_start [shape=point, label=\"\"];\n")
	b.WriteString("\t_end [shape=doublecircle, label=\"\", width=0.15];\n")
	for i, s := range d.parts.states {
		b.WriteString("\t\"" + ids[i] + "\" [label=\"" + dotText(s.Label) + "\"];\n")
	}
	b.WriteString("\t_start -> \"" + ids[d.stateIndex(d.parts.initial)] + "\";\n")
	for _, t := range d.parts.transitions {
		b.WriteString("\t\"" + ids[d.stateIndex(t.From)] + "\" -> \"" + ids[d.stateIndex(t.To)] + "\" [label=\"" + dotText(labels[t.Trigger]) + "\"];\n")
	}
	for i, s := range d.parts.states {
		if s.Final {
			b.WriteString("\t\"" + ids[i] + "\" -> _end;\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func (d *Definition[S, T]) stateIndex(s S) int {
	for i, info := range d.parts.states {
		if info.Name == s {
			return i
		}
	}
	return -1 // unreachable: Build checked every state a transition names
}

func (d *Definition[S, T]) triggerLabels() map[T]string {
	labels := make(map[T]string, len(d.parts.triggers))
	for _, t := range d.parts.triggers {
		labels[t.Name] = t.Label
	}
	return labels
}

// diagramIDs returns each state's ID in the diagrams, by declaration index: the names
// themselves when all are plain identifiers (ASCII letters, digits and underscores,
// starting with a letter) that no diagram language reserves, so the source reads
// well, and s1, s2, … otherwise. IDs never begin with "_", so they never
// meet the DOT markers _start and _end.
func (d *Definition[S, T]) diagramIDs() []string {
	ids := make([]string, len(d.parts.states))
	for i, s := range d.parts.states {
		if !plainID(string(s.Name)) {
			for i := range ids {
				ids[i] = "s" + strconv.Itoa(i+1)
			}
			return ids
		}
		ids[i] = string(s.Name)
	}
	return ids
}

func plainID(s string) bool {
	lower := strings.ToLower(s)
	if s == "" || len(s) > 64 || reserved(lower) || strings.Contains(lower, "direction") {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || r != '_' && (r < '0' || r > '9')) {
			return false
		}
	}
	return true
}

// reserved reports whether s (lower case) is a word that Mermaid's or Graphviz's
// lexer treats specially at the start of a statement. (Names containing "direction"
// are excluded separately, see mermaidText.)
func reserved(s string) bool {
	switch s {
	case "state", "note", "scale", "class", "classdef", "style", "hide",
		"acctitle", "accdescr", "statediagram", "end", "click", "default", "as",
		"node", "edge", "graph", "digraph", "subgraph", "strict":
		return true
	}
	return false
}

// mermaidText escapes a label for a quoted state description or a transition
// description. Letters, digits, spaces and harmless punctuation stay; control
// characters become spaces; everything else, including every character Mermaid's
// lexer reacts to (" # : ; % < > { } & and line separators), becomes an entity code
// such as #34;, which Mermaid decodes after parsing. The last letter of "direction"
// is encoded too, because Mermaid reads any line containing "direction" followed by
// white space and TB, BT, LR or RL (across a line break, even) as a direction
// statement.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsControl(r) {
			r = ' '
		}
		switch {
		case (r == 'n' || r == 'N') && b.Len() >= 8 && strings.EqualFold(b.String()[b.Len()-8:], "directio"):
			b.WriteString("#" + strconv.Itoa(int(r)) + ";")
		case r == ' ' || r < 0x80 && strings.ContainsRune(".,_-()/!?+*=@'", r) || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteString("#" + strconv.Itoa(int(r)) + ";")
		}
	}
	return b.String()
}

// dotText escapes s for a double-quoted DOT string: backslash and quote are escaped,
// a newline becomes \n (a line break in a label), other control characters become
// spaces and invalid UTF-8 becomes U+FFFD.
func dotText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
