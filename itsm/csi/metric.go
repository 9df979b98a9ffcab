package csi

import (
	"fmt"
	"github.com/itsmkit/itsmkit/internal/textcheck"
	"strings"
)

// Metric names what an improvement item aims to move: a name, optionally followed by
// a colon and a qualifier that picks one instance of it, such as
// "sla_attainment:gold-24x7" for one SLA's attainment.
//
// The name is lower-case snake case: a letter, then letters, digits and underscores,
// at most [MaxMetricNameLength] bytes. The qualifier is one line of at most
// [MaxReferenceLength] bytes without surrounding space. The metrics the journal
// computes have constants below; hosts may name their own (for example
// "customer_satisfaction").
type Metric string

// Metrics computed from the event journal. Their definitions are those of the fields
// of package itsm/improvement's Report, so that an item's baseline and target mean
// what the report measures.
const (
	MetricMTTA              Metric = "mtta"                // mean time to assign: open → first assignment (Report.MTTA)
	MetricMTTR              Metric = "mttr"                // mean time to resolve: open → resolved (Report.MTTR)
	MetricReopenRate        Metric = "reopen_rate"         // share of the records opened in the period reopened at least once (Report.Reopened)
	MetricChangeSuccessRate Metric = "change_success_rate" // share of changes implemented without failure
	MetricBacklogAge        Metric = "backlog_age"         // age of the open records at a moment (Report.Backlog)
	MetricSLAAttainment     Metric = "sla_attainment"      // share of SLA targets met; qualify with SLAAttainment
)

// MaxMetricNameLength bounds a metric's name (the part before the colon), in bytes.
const MaxMetricNameLength = 64

// SLAAttainment returns the attainment metric of the SLA with the given ID.
func SLAAttainment(sla string) Metric { return MetricSLAAttainment + Metric(":"+sla) }

// Name returns the metric's name: the part before the first colon.
func (m Metric) Name() string {
	name, _, _ := strings.Cut(string(m), ":")
	return name
}

// Qualifier returns the part after the first colon, or "".
func (m Metric) Qualifier() string {
	_, q, _ := strings.Cut(string(m), ":")
	return q
}

// Validate returns an [*itsm.ValidationError] for field "metric" (matching
// itsm.ErrInvalid) when m is empty or malformed.
func (m Metric) Validate() error {
	name, qualifier, qualified := strings.Cut(string(m), ":")
	switch {
	case m == "":
		return invalid("metric", "is required")
	case name == "":
		return invalid("metric", "has no name before the colon")
	case len(name) > MaxMetricNameLength:
		return invalid("metric", fmt.Sprintf("name is %d bytes long, more than %d", len(name), MaxMetricNameLength))
	case !snakeCase(name):
		return invalid("metric", fmt.Sprintf("name %q is not lower-case snake case (a letter, then a-z, 0-9 or _)", textcheck.Truncate(name)))
	case qualified && qualifier == "":
		return invalid("metric", "has a colon but no qualifier after it")
	case strings.TrimSpace(qualifier) != qualifier:
		return invalid("metric", "qualifier has leading or trailing space")
	}
	return textcheck.Line("metric", qualifier, MaxReferenceLength)
}

func snakeCase(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || i > 0 && (c >= '0' && c <= '9' || c == '_')) {
			return false
		}
	}
	return true
}
