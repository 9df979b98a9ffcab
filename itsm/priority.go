package itsm

import (
	"fmt"
	"strings"
	"sync"
)

// Impact measures how widely an issue affects the business. Lower values are wider.
type Impact uint8

// Impact levels. The zero value is "unset" and is never valid on a record.
const (
	ImpactHigh   Impact = 1 // many users, a department, or a whole service
	ImpactMedium Impact = 2 // a group of users or part of a service
	ImpactLow    Impact = 3 // one user
)

// Urgency measures how soon the business needs a fix. Lower values are more urgent.
type Urgency uint8

// Urgency levels. UrgencyCritical exists for four-level matrices such as iTop's; the
// default (ServiceNow) matrix uses High, Medium and Low.
const (
	UrgencyCritical Urgency = 1
	UrgencyHigh     Urgency = 2
	UrgencyMedium   Urgency = 3
	UrgencyLow      Urgency = 4
)

// Priority orders work. P1 is the most important; a smaller value sorts first.
type Priority uint8

// Priority levels, with ServiceNow's names.
const (
	P1 Priority = 1 // Critical
	P2 Priority = 2 // High
	P3 Priority = 3 // Moderate
	P4 Priority = 4 // Low
	P5 Priority = 5 // Planning
)

var (
	impactNames   = [...]string{ImpactHigh: "high", ImpactMedium: "medium", ImpactLow: "low"}
	urgencyNames  = [...]string{UrgencyCritical: "critical", UrgencyHigh: "high", UrgencyMedium: "medium", UrgencyLow: "low"}
	priorityNames = [...]string{P1: "Critical", P2: "High", P3: "Moderate", P4: "Low", P5: "Planning"}
)

// Valid reports whether i is one of the declared impact levels.
func (i Impact) Valid() bool { return i >= ImpactHigh && i <= ImpactLow }

// String returns "high", "medium" or "low".
func (i Impact) String() string {
	if !i.Valid() {
		return fmt.Sprintf("impact(%d)", uint8(i))
	}
	return impactNames[i]
}

// MarshalText encodes the impact by name; an invalid impact is an error.
func (i Impact) MarshalText() ([]byte, error) {
	if i == 0 {
		return []byte{}, nil
	}
	if !i.Valid() {
		return nil, &ValidationError{Field: "impact", Problem: fmt.Sprintf("unknown value %d", uint8(i))}
	}
	return []byte(i.String()), nil
}

// UnmarshalText decodes a name produced by MarshalText ("" is the zero value).
func (i *Impact) UnmarshalText(b []byte) error {
	v, err := parseLevel("impact", string(b), impactNames[:])
	*i = Impact(v)
	return err
}

// ParseImpact parses "high", "medium" or "low" (any case).
func ParseImpact(s string) (Impact, error) {
	var i Impact
	if err := i.UnmarshalText([]byte(s)); err != nil || i == 0 {
		return 0, &ValidationError{Field: "impact", Problem: fmt.Sprintf("unknown value %q", truncate(s, 32))}
	}
	return i, nil
}

// Valid reports whether u is one of the declared urgency levels.
func (u Urgency) Valid() bool { return u >= UrgencyCritical && u <= UrgencyLow }

// String returns "critical", "high", "medium" or "low".
func (u Urgency) String() string {
	if !u.Valid() {
		return fmt.Sprintf("urgency(%d)", uint8(u))
	}
	return urgencyNames[u]
}

// MarshalText encodes the urgency by name; an invalid urgency is an error.
func (u Urgency) MarshalText() ([]byte, error) {
	if u == 0 {
		return []byte{}, nil
	}
	if !u.Valid() {
		return nil, &ValidationError{Field: "urgency", Problem: fmt.Sprintf("unknown value %d", uint8(u))}
	}
	return []byte(u.String()), nil
}

// UnmarshalText decodes a name produced by MarshalText ("" is the zero value).
func (u *Urgency) UnmarshalText(b []byte) error {
	v, err := parseLevel("urgency", string(b), urgencyNames[:])
	*u = Urgency(v)
	return err
}

// ParseUrgency parses "critical", "high", "medium" or "low" (any case).
func ParseUrgency(s string) (Urgency, error) {
	var u Urgency
	if err := u.UnmarshalText([]byte(s)); err != nil || u == 0 {
		return 0, &ValidationError{Field: "urgency", Problem: fmt.Sprintf("unknown value %q", truncate(s, 32))}
	}
	return u, nil
}

// Valid reports whether p is P1 … P5.
func (p Priority) Valid() bool { return p >= P1 && p <= P5 }

// Name returns ServiceNow's name for the level: Critical, High, Moderate, Low, Planning.
func (p Priority) Name() string {
	if !p.Valid() {
		return ""
	}
	return priorityNames[p]
}

// String returns "P1 Critical" … "P5 Planning".
func (p Priority) String() string {
	if !p.Valid() {
		return fmt.Sprintf("priority(%d)", uint8(p))
	}
	return fmt.Sprintf("P%d %s", uint8(p), priorityNames[p])
}

// MarshalText encodes the priority as "P1" … "P5".
func (p Priority) MarshalText() ([]byte, error) {
	if p == 0 {
		return []byte{}, nil
	}
	if !p.Valid() {
		return nil, &ValidationError{Field: "priority", Problem: fmt.Sprintf("unknown value %d", uint8(p))}
	}
	return []byte{'P', '0' + byte(p)}, nil
}

// UnmarshalText decodes "P1" … "P5" (or "1" … "5"); "" is the zero value.
func (p *Priority) UnmarshalText(b []byte) error {
	s := strings.TrimPrefix(strings.ToUpper(string(b)), "P")
	if len(b) == 0 {
		*p = 0
		return nil
	}
	if len(s) == 1 && s[0] >= '1' && s[0] <= '5' {
		*p = Priority(s[0] - '0')
		return nil
	}
	return &ValidationError{Field: "priority", Problem: fmt.Sprintf("unknown value %q", truncate(string(b), 32))}
}

func parseLevel(field, s string, names []string) (uint8, error) {
	if s == "" {
		return 0, nil
	}
	for v, name := range names {
		if name != "" && strings.EqualFold(name, s) {
			return uint8(v), nil
		}
	}
	return 0, &ValidationError{Field: field, Problem: fmt.Sprintf("unknown value %q", truncate(s, 32))}
}

// PriorityMatrix derives a [Priority] from an [Impact] and an [Urgency]. A matrix is
// immutable once built and safe to share. The zero value is [DefaultPriorityMatrix].
type PriorityMatrix struct {
	impacts   []Impact
	urgencies []Urgency
	cells     map[matrixKey]Priority
}

type matrixKey struct {
	i Impact
	u Urgency
}

// NewPriorityMatrix builds a matrix from rows, one per impact in impacts, each with one
// priority per urgency in urgencies. It returns [ErrInvalid] when a level is invalid or
// repeated, a row has the wrong length (a hole is an error, never a zero priority) or a
// cell holds an invalid priority.
func NewPriorityMatrix(impacts []Impact, urgencies []Urgency, rows [][]Priority) (PriorityMatrix, error) {
	if len(impacts) == 0 || len(urgencies) == 0 {
		return PriorityMatrix{}, &ValidationError{Field: "matrix", Problem: "needs at least one impact and one urgency"}
	}
	if len(rows) != len(impacts) {
		return PriorityMatrix{}, &ValidationError{Field: "matrix", Problem: fmt.Sprintf("has %d rows for %d impacts", len(rows), len(impacts))}
	}
	m := PriorityMatrix{
		impacts:   append([]Impact(nil), impacts...),
		urgencies: append([]Urgency(nil), urgencies...),
		cells:     make(map[matrixKey]Priority, len(impacts)*len(urgencies)),
	}
	seenU := map[Urgency]bool{}
	for _, u := range urgencies {
		if !u.Valid() || seenU[u] {
			return PriorityMatrix{}, &ValidationError{Field: "matrix.urgencies", Problem: fmt.Sprintf("%v is invalid or repeated", u)}
		}
		seenU[u] = true
	}
	seenI := map[Impact]bool{}
	for r, i := range impacts {
		if !i.Valid() || seenI[i] {
			return PriorityMatrix{}, &ValidationError{Field: "matrix.impacts", Problem: fmt.Sprintf("%v is invalid or repeated", i)}
		}
		seenI[i] = true
		if len(rows[r]) != len(urgencies) {
			return PriorityMatrix{}, &ValidationError{Field: fmt.Sprintf("matrix[%v]", i), Problem: fmt.Sprintf("has %d cells for %d urgencies", len(rows[r]), len(urgencies))}
		}
		for c, p := range rows[r] {
			if !p.Valid() {
				return PriorityMatrix{}, &ValidationError{Field: fmt.Sprintf("matrix[%v][%v]", i, urgencies[c]), Problem: fmt.Sprintf("priority %d is not P1…P5", uint8(p))}
			}
			m.cells[matrixKey{i, urgencies[c]}] = p
		}
	}
	return m, nil
}

// DefaultPriorityMatrix is ServiceNow's 3 × 3 lookup: impact and urgency high, medium
// and low give priorities P1 … P5.
//
//	impact \ urgency  high  medium  low
//	high              P1    P2      P3
//	medium            P2    P3      P4
//	low               P3    P4      P5
func DefaultPriorityMatrix() PriorityMatrix { return defaultMatrix() }

// defaultMatrix builds the default matrix once; matrices are immutable, so sharing it
// is safe.
var defaultMatrix = sync.OnceValue(func() PriorityMatrix {
	m, err := NewPriorityMatrix(
		[]Impact{ImpactHigh, ImpactMedium, ImpactLow},
		[]Urgency{UrgencyHigh, UrgencyMedium, UrgencyLow},
		[][]Priority{{P1, P2, P3}, {P2, P3, P4}, {P3, P4, P5}},
	)
	if err != nil {
		panic(err) // a constant table: unreachable unless this file is edited wrongly
	}
	return m
})

// ITopPriorityMatrix is iTop's user-request matrix: three impacts (a department →
// high, a service → medium, a person → low) by four urgencies give four priorities
// (critical P1 … low P4).
//
//	impact \ urgency  critical  high  medium  low
//	high (department)  P1       P1    P2      P4
//	medium (service)   P1       P2    P3      P4
//	low (person)       P2       P3    P4      P4
func ITopPriorityMatrix() PriorityMatrix {
	m, err := NewPriorityMatrix(
		[]Impact{ImpactHigh, ImpactMedium, ImpactLow},
		[]Urgency{UrgencyCritical, UrgencyHigh, UrgencyMedium, UrgencyLow},
		[][]Priority{{P1, P1, P2, P4}, {P1, P2, P3, P4}, {P2, P3, P4, P4}},
	)
	if err != nil {
		panic(err)
	}
	return m
}

// Priority returns the priority for impact i and urgency u, or a [*ValidationError]
// (matching [ErrInvalid]) naming the field when either is outside the matrix.
func (m PriorityMatrix) Priority(i Impact, u Urgency) (Priority, error) {
	if m.cells == nil {
		m = DefaultPriorityMatrix()
	}
	p, ok := m.cells[matrixKey{i, u}]
	if !ok {
		field, problem := "urgency", fmt.Sprintf("%v is not in the priority matrix", u)
		if !m.hasImpact(i) {
			field, problem = "impact", fmt.Sprintf("%v is not in the priority matrix", i)
		}
		return 0, &ValidationError{Field: field, Problem: problem}
	}
	return p, nil
}

// IsZero reports whether m is the zero value, which behaves as the default matrix.
func (m PriorityMatrix) IsZero() bool { return m.cells == nil }

// Impacts returns the impact levels of the matrix, in row order.
func (m PriorityMatrix) Impacts() []Impact {
	if m.cells == nil {
		return DefaultPriorityMatrix().Impacts()
	}
	return append([]Impact(nil), m.impacts...)
}

// Urgencies returns the urgency levels of the matrix, in column order.
func (m PriorityMatrix) Urgencies() []Urgency {
	if m.cells == nil {
		return DefaultPriorityMatrix().Urgencies()
	}
	return append([]Urgency(nil), m.urgencies...)
}

func (m PriorityMatrix) hasImpact(i Impact) bool {
	for _, x := range m.impacts {
		if x == i {
			return true
		}
	}
	return false
}
