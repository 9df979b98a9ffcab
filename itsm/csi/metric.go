package csi

import (
	"fmt"
	"strings"

	"github.com/itsmkit/itsmkit/internal/textcheck"
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

// Metrics computed from the event journal. Their definitions are those of package
// itsm/improvement (the fields of its Report, and SLAAttainment), so that an item's
// baseline, target and measurements mean what the report measures.
//
// Each of them is one number. A duration metric (mtta, mttr, backlog_age) is the mean
// in wall time, Durations.Wall.Mean, in the item's Unit ("h", "min"): not the median
// or the 90th percentile, and not business time. A rate is a percentage
// (Rate.Percent), with Unit "%". An item aimed at another statistic or at business
// time names a metric of its own, such as "mttr_business_p90", so that two items with
// the same Metric always compare.
const (
	MetricMTTA              Metric = "mtta"                // mean wall time to assign: open → first assignment (Report.MTTA.Wall.Mean)
	MetricMTTR              Metric = "mttr"                // mean wall time to resolve: open → resolved (Report.MTTR.Wall.Mean)
	MetricReopenRate        Metric = "reopen_rate"         // % of the records opened in the period reopened at least once (Report.Reopened.Percent)
	MetricChangeSuccessRate Metric = "change_success_rate" // % of changes implemented without failure
	MetricBacklogAge        Metric = "backlog_age"         // mean wall age of the records open at a moment (Report.Backlog.Age.Wall.Mean)
	MetricSLAAttainment     Metric = "sla_attainment"      // % of one SLA's decided clocks met (Attainment.Rate().Percent); qualify with SLAAttainment
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
