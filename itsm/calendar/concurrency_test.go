package calendar_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestConcurrentUse shares one calendar between goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := office(t)
	start := at(t, c, "2025-03-28 09:00")
	want := c.Add(start, 100*time.Hour)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 200 {
				s := start.Add(time.Duration(i) * time.Hour)
				assert.Equal(t, 40*time.Hour, c.Elapsed(s, c.Add(s, 40*time.Hour)))
				c.IsWorking(s)
				c.NextWorking(s)
			}
			assert.True(t, want.Equal(c.Add(start, 100*time.Hour)))
		})
	}
	wg.Wait()
}
