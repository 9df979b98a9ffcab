package sla

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
)

// Kind says who the agreement binds.
type Kind string

// The kinds of agreement.
const (
	// KindSLA is a service level agreement with the customer.
	KindSLA Kind = "sla"
	// KindOLA is an operational level agreement between internal groups.
	KindOLA Kind = "ola"
	// KindUnderpinningContract is an agreement with an external supplier.
	KindUnderpinningContract Kind = "underpinning_contract"
)

// Metric says what the clock measures. It labels the definition for reports; the
// conditions decide when the clock starts and stops.
type Metric string

// The metrics.
const (
	// MetricResponse is the time to respond to (or take ownership of) a record.
	MetricResponse Metric = "response"
	// MetricResolution is the time to resolve it.
	MetricResolution Metric = "resolution"
)

// CancelWhen says when an attached clock is cancelled. The zero value is ServiceNow's
// default.
type CancelWhen uint8

const (
	// CancelWhenStartFails cancels when the start condition stops matching, or the
	// Cancel condition (if set) matches.
	CancelWhenStartFails CancelWhen = iota
	// CancelWhenMatched cancels only when the Cancel condition matches: the start
	// condition need hold only once.
	CancelWhenMatched
	// CancelNever never cancels.
	CancelNever
)

// Threshold is a share of a clock's target in percent: 75 is reached when three
// quarters of the target have been used.
type Threshold float64

// Breach is the threshold of the target itself: a clock breaches when its elapsed
// working time reaches its target.
const Breach Threshold = 100

// DefaultWarnings are the warning thresholds of a [Spec] that sets none.
func DefaultWarnings() []Threshold { return []Threshold{50, 75, 90} }

// of returns the share t of target, rounded to the nanosecond.
func (t Threshold) of(target time.Duration) time.Duration {
	if t == Breach {
		return target
	}
	return time.Duration(math.Round(float64(target) * float64(t) / 100))
}

// Spec describes an SLA definition. [New] validates it and builds a [Definition].
type Spec struct {
	// ID identifies the definition; clocks carry it.
	ID string
	// Name describes it for people.
	Name string
	// Kind says who the agreement binds; "" means KindSLA.
	Kind Kind
	// Metric says what the clock measures.
	Metric Metric
	// Targets maps priorities to targets in working time. A record whose priority has
	// no target gets the target of the zero priority, if there is one, and no clock
	// otherwise: the start condition is taken not to match. Priorities are read from
	// the record's "priority" field.
	Targets map[itsm.Priority]time.Duration
	// Calendar says what counts as working time; nil is 24×7.
	Calendar *calendar.Calendar
	// Start attaches a clock; it is required. Stop completes it (met or breached),
	// Pause and Resume suspend and continue it, Cancel discards it, Reset completes
	// it and attaches a new one. Unset conditions never match; an unset Resume
	// resumes when Pause stops matching. See the package documentation for the
	// order in which they are checked.
	Start, Stop, Pause, Resume, Cancel, Reset Condition
	// CancelWhen says when an attached clock is cancelled.
	CancelWhen CancelWhen
	// Warnings are the thresholds below 100 at which a clock warns. nil means
	// DefaultWarnings; an empty, non-nil slice means none.
	Warnings []Threshold
}

// Definition is a validated SLA definition: immutable, safe for concurrent use.
type Definition struct {
	spec Spec
	// thresholds are the warnings in increasing order, then Breach.
	thresholds []Threshold
}

// New validates spec and builds its definition. Each problem is reported as a
// [*itsm.ValidationError] (matching [itsm.ErrInvalid]) naming the field: a missing
// ID, an unknown kind or metric, no targets, a target for a priority other than
// P1…P5 (or the zero fallback) or one that is not positive, a missing start
// condition, a condition with an unset or empty part, CancelWhenMatched without a
// Cancel condition, a warning outside (0, 100) or repeated.
func New(spec Spec) (*Definition, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	spec.Targets = maps.Clone(spec.Targets)
	if spec.Kind == "" {
		spec.Kind = KindSLA
	}
	if spec.Warnings == nil {
		spec.Warnings = DefaultWarnings()
	} else {
		spec.Warnings = slices.Clone(spec.Warnings)
	}
	slices.Sort(spec.Warnings)
	return &Definition{spec: spec, thresholds: append(slices.Clone(spec.Warnings), Breach)}, nil
}

func (s *Spec) validate() error {
	invalid := func(field, format string, args ...any) error {
		return &itsm.ValidationError{Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	switch {
	case s.ID == "" || strings.TrimSpace(s.ID) != s.ID:
		return invalid("id", "%q must be non-empty without surrounding space", s.ID)
	case s.Kind != "" && s.Kind != KindSLA && s.Kind != KindOLA && s.Kind != KindUnderpinningContract:
		return invalid("kind", "%q is not %q, %q or %q", s.Kind, KindSLA, KindOLA, KindUnderpinningContract)
	case s.Metric != MetricResponse && s.Metric != MetricResolution:
		return invalid("metric", "%q is not %q or %q", s.Metric, MetricResponse, MetricResolution)
	case len(s.Targets) == 0:
		return invalid("targets", "are required: give at least one priority a target")
	case s.Start.IsZero():
		return invalid("start", "is required: without it no clock ever starts")
	case s.CancelWhen > CancelNever:
		return invalid("cancel_when", "%d is not a known CancelWhen", s.CancelWhen)
	case s.CancelWhen == CancelWhenMatched && s.Cancel.IsZero():
		return invalid("cancel", "is required with CancelWhenMatched; use CancelNever to never cancel")
	}
	for _, p := range slices.Sorted(maps.Keys(s.Targets)) {
		field := fmt.Sprintf("targets[%d]", p)
		if p != 0 && !p.Valid() {
			return invalid(field, "priority %d is not P1 … P5 (or 0 for the fallback target)", p)
		}
		if s.Targets[p] <= 0 {
			return invalid(field, "target %v is not positive", s.Targets[p])
		}
	}
	for _, c := range []struct {
		field string
		c     Condition
	}{{"start", s.Start}, {"stop", s.Stop}, {"pause", s.Pause}, {"resume", s.Resume}, {"cancel", s.Cancel}, {"reset", s.Reset}} {
		if c.c.IsZero() {
			continue
		}
		if err := c.c.validate(); err != nil {
			return invalid(c.field, "%v", err)
		}
	}
	for i, w := range s.Warnings {
		if !(w > 0 && w < 100) {
			return invalid(fmt.Sprintf("warnings[%d]", i), "%v is not between 0 and 100 (the breach at 100 is always reported)", float64(w))
		}
		if slices.Contains(s.Warnings[:i], w) {
			return invalid(fmt.Sprintf("warnings[%d]", i), "%v is repeated", float64(w))
		}
	}
	return nil
}

// ID returns the definition's ID.
func (d *Definition) ID() string { return d.spec.ID }

// Spec returns a copy of the definition's description, with Kind and Warnings
// filled in.
func (d *Definition) Spec() Spec {
	s := d.spec
	s.Targets = maps.Clone(s.Targets)
	s.Warnings = slices.Clone(s.Warnings)
	return s
}

// Target returns the target for priority p (or the fallback target of the zero
// priority) and whether there is one.
func (d *Definition) Target(p itsm.Priority) (time.Duration, bool) {
	if t, ok := d.spec.Targets[p]; ok {
		return t, true
	}
	t, ok := d.spec.Targets[0]
	return t, ok
}
