package sla_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestConcurrentEvaluate shares one definition (and its calendar) between
// goroutines; run with -race.
func TestConcurrentEvaluate(t *testing.T) {
	t.Parallel()
	d := mustNew(t, resolutionSpec(office(t)))
	j := heldOverWeekend(t)
	want := evaluate(t, d, j, berlin(9, 9, 0))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				c, err := d.Evaluate(j.events, berlin(9, 9, 0))
				assert.NoError(t, err)
				assert.Equal(t, want, c)
			}
		})
	}
	wg.Wait()
}
