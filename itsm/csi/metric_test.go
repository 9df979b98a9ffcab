package csi_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
)

func TestMetric(t *testing.T) {
	t.Parallel()
	valid := []struct {
		metric          csi.Metric
		name, qualifier string
	}{
		{csi.MetricMTTR, "mttr", ""},
		{"customer_satisfaction", "customer_satisfaction", ""},
		{"p90_resolve_time2", "p90_resolve_time2", ""},
		{csi.SLAAttainment("gold-24x7"), "sla_attainment", "gold-24x7"},
		{csi.SLAAttainment("urn:sla:7"), "sla_attainment", "urn:sla:7"},
		{"backlog_age:Service Desk", "backlog_age", "Service Desk"},
		{csi.Metric(strings.Repeat("m", csi.MaxMetricNameLength)), strings.Repeat("m", csi.MaxMetricNameLength), ""},
	}
	for _, tt := range valid {
		assert.NoError(t, tt.metric.Validate(), tt.metric)
		assert.Equal(t, tt.name, tt.metric.Name(), tt.metric)
		assert.Equal(t, tt.qualifier, tt.metric.Qualifier(), tt.metric)
	}

	invalid := map[string]csi.Metric{
		"empty":                    "",
		"upper case":               "MTTR",
		"space in the name":        "mean time",
		"leading digit":            "9lives",
		"leading underscore":       "_mttr",
		"hyphen":                   "reopen-rate",
		"no name":                  ":gold",
		"colon but no qualifier":   "sla_attainment:",
		"qualifier with space":     "sla_attainment: gold",
		"control character":        "sla_attainment:go\x00ld",
		"invalid UTF-8":            "sla_attainment:\xff",
		"name too long":            csi.Metric(strings.Repeat("m", csi.MaxMetricNameLength+1)),
		"qualifier too long":       csi.SLAAttainment(strings.Repeat("q", csi.MaxReferenceLength+1)),
		"non-ASCII letter":         "mttr_é",
		"newline in the qualifier": "mttr:a\nb",
	}
	for name, m := range invalid {
		err := m.Validate()
		assert.ErrorIs(t, err, itsm.ErrInvalid, name)
		itsmtest.RequireInvalidField(t, err, "metric")
	}
}
