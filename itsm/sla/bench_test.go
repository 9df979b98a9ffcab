package sla_test

import (
	"testing"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

// benchJournal is a busy incident of 50 events over two weeks: reassignments, a
// priority change, work notes, three holds (two for the caller) and their resumes,
// each transition written with its fields as a second event of the same write.
func benchJournal(b *testing.B) *journal {
	j := opened(b, berlin(1, 8, 30), fields{"priority": "P3", "impact": "medium", "urgency": "medium",
		"assignment_group": "service-desk", "service": "email", "reopen_count": 0})
	day := 1
	at := func(hh, mm int) time.Time { return berlin(day, hh, mm) }
	j.move(at(9, 0), "start", "new", "in_progress", fields{"assigned_to": "bob"})
	for _, reason := range []string{"awaiting_caller", "awaiting_vendor", "awaiting_caller"} {
		j.update(at(9, 30), fields{"assignment_group": "network"})
		j.write(at(10, 0), itsm.Event{Type: itsm.EventCommented})
		j.update(at(10, 15), fields{"assigned_to": "carol"})
		j.write(at(11, 0), itsm.Event{Type: itsm.EventCommented})
		j.update(at(13, 30), fields{"impact": "high", "priority": "P2"})
		j.write(at(14, 0), itsm.Event{Type: itsm.EventCommented})
		j.move(at(15, 0), "hold", "in_progress", "on_hold", fields{"on_hold_reason": reason})
		day += 2
		j.write(at(9, 0), itsm.Event{Type: itsm.EventCommented})
		j.move(at(9, 30), "resume", "on_hold", "in_progress", fields{"on_hold_reason": nil})
		j.update(at(10, 0), fields{"assignment_group": "database", "assigned_to": nil})
		j.write(at(11, 0), itsm.Event{Type: itsm.EventCommented})
		j.update(at(12, 0), fields{"impact": "medium", "priority": "P3"})
		day++
	}
	for len(j.events) < 50 {
		j.write(at(16, len(j.events)), itsm.Event{Type: itsm.EventCommented})
	}
	if len(j.events) != 50 {
		b.Fatalf("journal has %d events", len(j.events))
	}
	return j
}

// BenchmarkEvaluate measures Evaluate over a 50-event journal with office hours, a
// pause condition and a reset on reassignment, against Fold of the same journal (the
// JSON decoding every evaluation pays), interleaved in blocks of the same b.N.
// x-fold is Evaluate's cost over Fold's; allocs/evaluate counts Evaluate's
// allocations alone.
func BenchmarkEvaluate(b *testing.B) {
	spec := resolutionSpec(office(b))
	spec.Reset = sla.FieldChanged("assignment_group")
	d := mustNew(b, spec)
	events := benchJournal(b).events
	now := events[len(events)-1].At.Add(time.Hour)
	evaluate := func() {
		if _, err := d.Evaluate(events, now); err != nil {
			b.Fatal(err)
		}
	}
	fold := func() {
		if _, err := sla.Fold(events); err != nil {
			b.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(100, evaluate)

	const block = 16
	var te, tf time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += block {
		n := min(block, b.N-done)
		t0 := time.Now()
		for range n {
			evaluate()
		}
		t1 := time.Now()
		for range n {
			fold()
		}
		te, tf = te+t1.Sub(t0), tf+time.Since(t1)
	}
	b.ReportMetric(float64(te.Nanoseconds())/float64(b.N), "ns/evaluate")
	b.ReportMetric(float64(tf.Nanoseconds())/float64(b.N), "ns/fold")
	b.ReportMetric(float64(te)/float64(tf), "x-fold")
	b.ReportMetric(allocs, "allocs/evaluate")
}
