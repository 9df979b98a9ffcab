package lifecycle

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Report is how well observed state sequences conform to a Definition (its fitness).
type Report[S ~string] struct {
	// Sequences is the number of sequences checked, empty ones included.
	Sequences int
	// Transitions counts the observed moves from one state to a different one.
	Transitions int
	// Allowed counts the Transitions the definition allows: some trigger leads from
	// the first state to the second.
	Allowed int
	// Fitness is Allowed / Transitions, or 1 when nothing moved.
	Fitness float64
	// Repeats counts the states that merely repeated the one before them. Logs repeat
	// a state when another field changed; such repeats are collapsed and never judged,
	// even when the definition has a self-loop that could explain them.
	Repeats int
	// Disallowed lists every observed move the definition does not allow, with how
	// often it was seen, most frequent first, then by From and To.
	Disallowed []Deviation[S]
	// Undeclared lists the observed states the definition does not declare, sorted.
	// Moves into or out of them are disallowed.
	Undeclared []S
	// WrongStart lists the indexes of the non-empty sequences whose first state is not
	// the definition's initial state (logs cut off at the start, or records imported
	// mid-life).
	WrongStart []int
}

// Deviation is an observed move the definition does not allow.
type Deviation[S ~string] struct {
	From, To S
	Count    int
}

// Check replays observed state sequences (one per record, in the order a real event
// log recorded them) against def and reports how well they conform. A move from→to is
// allowed when some trigger of def leads from→to; consecutive repeats of one state are
// collapsed first and counted in Report.Repeats.
func Check[S, T ~string](def *Definition[S, T], sequences [][]S) Report[S] {
	type move struct{ from, to S }
	allowed := make(map[move]bool, len(def.parts.transitions))
	for _, t := range def.parts.transitions {
		allowed[move{t.From, t.To}] = true
	}
	r := Report[S]{Sequences: len(sequences)}
	disallowed := map[move]int{}
	undeclared := map[S]bool{}
	for i, seq := range sequences {
		if len(seq) > 0 && seq[0] != def.parts.initial {
			r.WrongStart = append(r.WrongStart, i)
		}
		for j, s := range seq {
			if !def.HasState(s) {
				undeclared[s] = true
			}
			if j == 0 {
				continue
			}
			m := move{seq[j-1], s}
			switch {
			case m.from == m.to:
				r.Repeats++
			case allowed[m]:
				r.Transitions++
				r.Allowed++
			default:
				r.Transitions++
				disallowed[m]++
			}
		}
	}
	r.Fitness = 1
	if r.Transitions > 0 {
		r.Fitness = float64(r.Allowed) / float64(r.Transitions)
	}
	for m, n := range disallowed {
		r.Disallowed = append(r.Disallowed, Deviation[S]{From: m.from, To: m.to, Count: n})
	}
	slices.SortFunc(r.Disallowed, func(a, b Deviation[S]) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	for s := range undeclared {
		r.Undeclared = append(r.Undeclared, s)
	}
	slices.Sort(r.Undeclared)
	return r
}

// String summarises the report on one line.
func (r Report[S]) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d sequences, %d transitions, %d allowed (fitness %.3f), %d repeats collapsed",
		r.Sequences, r.Transitions, r.Allowed, r.Fitness, r.Repeats)
	if len(r.Disallowed) > 0 {
		moves := make([]string, len(r.Disallowed))
		for i, d := range r.Disallowed {
			moves[i] = fmt.Sprintf("%s->%s x%d", d.From, d.To, d.Count)
		}
		fmt.Fprintf(&b, "; disallowed: %s", strings.Join(moves, ", "))
	}
	if len(r.Undeclared) > 0 {
		fmt.Fprintf(&b, "; undeclared states: %v", r.Undeclared)
	}
	if len(r.WrongStart) > 0 {
		fmt.Fprintf(&b, "; %d sequences do not start in the initial state", len(r.WrongStart))
	}
	return b.String()
}
