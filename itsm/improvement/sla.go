package improvement

import (
	"fmt"
	"iter"

	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/sla"
)

// Attainment is one SLA definition's record over a set of journals.
type Attainment struct {
	// Definition is the SLA definition's ID.
	Definition string
	// Met counts the clocks that stopped within their target by AsOf.
	Met int
	// Breached counts the clocks that used up their target by AsOf, stopped or not:
	// a clock still running past its target has already failed.
	Breached int
	// Open counts the clocks still running or paused within their target at AsOf:
	// undecided, and left out of the rate.
	Open int
	// Cancelled counts the clocks discarded by the definition's cancel rule; they
	// count neither way.
	Cancelled int
}

// Rate is the attainment rate: Met of Met + Breached.
func (a Attainment) Rate() Rate { return Rate{Count: a.Met, Of: a.Met + a.Breached} }

// SLAAttainment computes, per SLA definition, how many of the clocks the journals
// produced were met and how many breached, as of opts.AsOf (zero means every event).
// Every clock of a record counts (a definition with a Reset attaches several). Like
// every rate here, its population is the records opened in the reporting period
// [opts.From, opts.To) (see [Options]; the record's Opened as [Record] defines it, with
// opts.Stamps); opts.Calendar plays no part: each definition measures in its own
// calendar. The result is in the order of defs. Like every metric here it is a pure
// function of the journals, so it can be recomputed for any past moment and after any
// change to a definition.
//
// It returns [itsm.ErrInvalid] for options [NewCollector] refuses, for a journal an
// SLA definition cannot evaluate, and, when a period is set (the records' openings
// are read then), for a journal [ReadRecord] refuses.
func SLAAttainment(journals iter.Seq[[]itsm.Event], defs []*sla.Definition, opts Options) ([]Attainment, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	out := make([]Attainment, len(defs))
	for i, d := range defs {
		out[i].Definition = d.ID()
	}
	asOf, period := opts.AsOf, !opts.From.IsZero() || !opts.To.IsZero()
	rd := newReader(opts.Stamps)
	now := asOf
	for events := range journals {
		if len(events) == 0 {
			continue
		}
		if period {
			r, err := rd.read(events, asOf)
			if err != nil {
				return nil, err
			}
			if r.Events == 0 || !opts.inPeriod(r.Opened) {
				continue
			}
		}
		if asOf.IsZero() {
			now = events[len(events)-1].At
		}
		for i, d := range defs {
			clocks, err := d.Clocks(events, now)
			if err != nil {
				return nil, fmt.Errorf("improvement: record %s, SLA %s: %w", events[0].EntityID, d.ID(), err)
			}
			for _, c := range clocks {
				switch c.Stage {
				case sla.StageMet:
					out[i].Met++
				case sla.StageBreached:
					out[i].Breached++
				case sla.StageRunning, sla.StagePaused:
					out[i].Open++
				case sla.StageCancelled:
					out[i].Cancelled++
				}
			}
		}
	}
	return out, nil
}
