package memory_test

import (
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/storage/memory"
	"github.com/itsmkit/itsmkit/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Store {
		return storagetest.Store{Incidents: memory.New(), TimePrecision: time.Nanosecond}
	})
}
