package improvement

import (
	"iter"
	"slices"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// Collector computes a [Report] from journals given one at a time, so a caller can
// stream records from a store or an event-log import without holding them all. It
// keeps a few numbers per record. A Collector is not safe for concurrent use.
type Collector struct {
	opts      Options
	rd        *reader
	records   int
	mtta      samples
	mttr      samples
	o2c       samples
	r2c       samples
	inState   map[string]*samples
	reopened  int
	reassign  int
	dist      []int
	resolved  int
	firstCall int
	open      []openRecord
	latest    time.Time
	stay      map[string]stayTotal // scratch: one record's totals per state
}

// samples are the wall and business values of one duration metric.
type samples struct{ wall, business []time.Duration }

type stayTotal struct{ wall, business time.Duration }

// openRecord is a backlog candidate: a record none of resolved, closed and canceled
// at AsOf.
type openRecord struct {
	opened time.Time
	state  string
}

// NewCollector returns a Collector for opts. It returns an [*itsm.ValidationError]
// when the period is empty or AsOf precedes it.
func NewCollector(opts Options) (*Collector, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &Collector{opts: opts, rd: newReader(opts.Stamps), inState: map[string]*samples{}, stay: map[string]stayTotal{}}, nil
}

// Compute returns the Report of every journal journals yields, each one record's
// events in version order. It stops at the first journal [Collector.Add] refuses.
func Compute(journals iter.Seq[[]itsm.Event], opts Options) (Report, error) {
	c, err := NewCollector(opts)
	if err != nil {
		return Report{}, err
	}
	for events := range journals {
		if err := c.Add(events); err != nil {
			return Report{}, err
		}
	}
	return c.Report(), nil
}

// Add reads one record's journal (see [ReadRecord]) and counts it. A record created
// after AsOf is ignored. Add returns ReadRecord's error and then counts nothing of the
// record.
func (c *Collector) Add(events []itsm.Event) error {
	r, err := c.rd.read(events, c.opts.AsOf)
	if err != nil {
		return err
	}
	if r.Events > 0 {
		c.add(&r)
	}
	return nil
}

func (c *Collector) add(r *Record) {
	o := c.opts
	if r.LastAt.After(c.latest) {
		c.latest = r.LastAt
	}
	if !isDone(r.State) {
		c.open = append(c.open, openRecord{opened: r.Opened, state: r.State})
	}
	if o.inPeriod(r.Opened) {
		c.records++
		if r.Reopens > 0 {
			c.reopened++
		}
		if r.Reassignments > 0 {
			c.reassign++
		}
		for len(c.dist) <= r.Reassignments {
			c.dist = append(c.dist, 0)
		}
		c.dist[r.Reassignments]++
		if !r.Resolved.IsZero() {
			c.resolved++
			if r.Reopens == 0 && r.Reassignments == 0 {
				c.firstCall++
			}
		}
	}
	c.sample(&c.mtta, r.Opened, r.Assigned)
	c.sample(&c.mttr, r.Opened, r.Resolved)
	c.sample(&c.o2c, r.Opened, r.Closed)
	if !r.Resolved.IsZero() {
		c.sample(&c.r2c, r.Resolved, r.Closed)
	}
	c.stays(r)
}

// sample adds end − start when end is set and in the period.
func (c *Collector) sample(s *samples, start, end time.Time) {
	if end.IsZero() || !c.opts.inPeriod(end) {
		return
	}
	s.wall = append(s.wall, end.Sub(start))
	if c.opts.Calendar != nil {
		s.business = append(s.business, c.opts.Calendar.Elapsed(start, end))
	}
}

// stays adds the record's time in each state.
func (c *Collector) stays(r *Record) {
	clear(c.stay)
	for _, s := range r.Stays {
		end := s.End
		if end.IsZero() {
			if c.opts.AsOf.IsZero() || isFinal(s.State) {
				continue
			}
			end = c.opts.AsOf
		}
		if !c.opts.inPeriod(end) {
			continue
		}
		t := c.stay[s.State]
		t.wall += end.Sub(s.Start)
		if c.opts.Calendar != nil {
			t.business += c.opts.Calendar.Elapsed(s.Start, end)
		}
		c.stay[s.State] = t
	}
	for state, t := range c.stay {
		s := c.inState[state]
		if s == nil {
			s = &samples{}
			c.inState[state] = s
		}
		s.wall = append(s.wall, t.wall)
		if c.opts.Calendar != nil {
			s.business = append(s.business, t.business)
		}
	}
}

// Report returns the metrics of the records added so far. It may be called again
// after more records are added.
func (c *Collector) Report() Report {
	o := c.opts
	rep := Report{
		AsOf: o.AsOf, From: o.From, To: o.To,
		Records:        c.records,
		MTTA:           c.mtta.durations(),
		MTTR:           c.mttr.durations(),
		OpenToClose:    c.o2c.durations(),
		ResolveToClose: c.r2c.durations(),
		InState:        make(map[string]Durations, len(c.inState)),
		Reopened:       Rate{Count: c.reopened, Of: c.records},
		Reassigned:     Rate{Count: c.reassign, Of: c.records},
		Reassignments:  slices.Clone(c.dist),
		FirstContact:   Rate{Count: c.firstCall, Of: c.resolved},
		Backlog:        c.backlog(),
	}
	for state, s := range c.inState {
		rep.InState[state] = s.durations()
	}
	return rep
}

func (s *samples) durations() Durations {
	return Durations{Wall: Summarize(s.wall), Business: Summarize(s.business)}
}

func (c *Collector) backlog() Backlog {
	b := Backlog{At: c.opts.AsOf, ByState: map[string]int{}}
	if b.At.IsZero() {
		b.At = c.latest
	}
	var age samples
	for _, r := range c.open {
		if r.opened.After(b.At) {
			continue
		}
		b.Count++
		b.ByState[r.state]++
		age.wall = append(age.wall, b.At.Sub(r.opened))
		if c.opts.Calendar != nil {
			age.business = append(age.business, c.opts.Calendar.Elapsed(r.opened, b.At))
		}
	}
	b.Age = age.durations()
	return b
}
