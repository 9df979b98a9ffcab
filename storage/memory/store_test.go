package memory_test

import (
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/storage/memory"
	"github.com/itsmkit/itsmkit/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Store {
		s := memory.New()
		return storagetest.Store{Incidents: s, Improvements: s.Improvements(), TimePrecision: time.Nanosecond}
	})
}
