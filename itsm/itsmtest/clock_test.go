package itsmtest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/itsmtest"
)

var _ itsm.Clock = (*itsmtest.Clock)(nil)

var start = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func TestClock(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name  string
		start time.Time
		steps func(c *itsmtest.Clock) time.Time // returns what the step itself reported, or zero
		want  time.Time
	}{
		{"StartsStopped", start, nil, start},
		{"StartInUTC", start.In(paris), nil, start},
		{"AdvanceForward", start, func(c *itsmtest.Clock) time.Time { return c.Advance(90 * time.Minute) }, start.Add(90 * time.Minute)},
		{"AdvanceBackward", start, func(c *itsmtest.Clock) time.Time { return c.Advance(-24 * time.Hour) }, start.Add(-24 * time.Hour)},
		{"AdvanceAddsUp", start, func(c *itsmtest.Clock) time.Time {
			c.Advance(time.Hour)
			return c.Advance(30 * time.Second)
		}, start.Add(time.Hour + 30*time.Second)},
		{"AdvanceZero", start, func(c *itsmtest.Clock) time.Time { return c.Advance(0) }, start},
		{"Set", start, func(c *itsmtest.Clock) time.Time {
			c.Set(start.AddDate(1, 0, 0))
			return time.Time{}
		}, start.AddDate(1, 0, 0)},
		{"SetBackward", start, func(c *itsmtest.Clock) time.Time {
			c.Set(start.Add(-time.Hour))
			return time.Time{}
		}, start.Add(-time.Hour)},
		{"SetInUTC", start, func(c *itsmtest.Clock) time.Time {
			c.Set(start.Add(time.Hour).In(paris))
			return time.Time{}
		}, start.Add(time.Hour)},
		{"AdvanceAfterSet", start, func(c *itsmtest.Clock) time.Time {
			c.Set(start.Add(48 * time.Hour))
			return c.Advance(time.Minute)
		}, start.Add(48*time.Hour + time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := itsmtest.NewClock(tt.start)
			if tt.steps != nil {
				if reported := tt.steps(c); !reported.IsZero() {
					assert.Equal(t, tt.want, reported, "the time the step returned")
				}
			}
			got := c.Now()
			assert.Equal(t, tt.want, got)
			assert.Equal(t, time.UTC, got.Location())
			assert.Equal(t, got, c.Now(), "the clock moved by itself")
		})
	}
}

// TestClockConcurrent runs writers and readers at once; under the race detector it
// checks the claim that a Clock is safe for concurrent use.
func TestClockConcurrent(t *testing.T) {
	t.Parallel()
	const writers, steps = 8, 200
	c := itsmtest.NewClock(start)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range steps {
				c.Advance(time.Second)
			}
		})
		wg.Go(func() {
			prev := c.Now()
			for range steps {
				now := c.Now()
				if now.Before(prev) {
					t.Errorf("Now went back from %v to %v while only Advance ran", prev, now)
					return
				}
				prev = now
			}
		})
	}
	wg.Wait()
	require.Equal(t, start.Add(writers*steps*time.Second), c.Now())

	wg.Go(func() { c.Set(start) })
	wg.Go(func() { c.Advance(time.Hour) })
	wg.Wait()
	assert.Contains(t, []time.Time{start, start.Add(time.Hour)}, c.Now(), "Set and Advance interleave as a whole")
}

// TestClockDrivesService checks the fake clock as what it is for: the only time a
// service reads.
func TestClockDrivesService(t *testing.T) {
	t.Parallel()
	c := itsmtest.NewClock(start)
	svc := itsmtest.IncidentService(t, incident.Options{Clock: c})
	inc := itsmtest.OpenIncident(t, svc, nil)
	c.Advance(4 * time.Hour)
	inc, err := svc.Assign(t.Context(), itsmtest.Agent, inc.Ref(), "Service Desk", itsmtest.Agent.ID)
	require.NoError(t, err)
	assert.Equal(t, start, inc.OpenedAt)
	assert.Equal(t, start.Add(4*time.Hour), inc.FirstAssignedAt)
	assert.Equal(t, start.Add(4*time.Hour), inc.UpdatedAt)
}
