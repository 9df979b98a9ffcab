package eventlog

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/itsmkit/itsmkit/itsm"
)

// Options are the settings of an import that do not describe the log.
type Options struct {
	// Tenant owns every imported record; required.
	Tenant itsm.Tenant
	// Actor is the actor of events whose row names none; empty means "eventlog".
	Actor string
	// Trigger names the trigger that explains a move from one state to another, for
	// the Trigger field of transition events; a log records states, not triggers. It
	// returns "" for a move it cannot explain. Nil leaves every Trigger empty. A
	// lifecycle definition answers it: see lifecycle.Definition.TriggerFor.
	Trigger func(from, to string) string
}

// checkEvery is how many rows Import reads between two looks at its context.
const checkEvery = 1024

// MaxRowSize bounds the bytes one row of a log may take, give or take a few KiB the
// CSV reader reads ahead, so that a quote left open cannot pull the rest of a log
// into memory: Import refuses a longer row with a [*LineError].
const MaxRowSize = 16 << 20

// Import reads a CSV event log from src, maps it with m and calls fn once per case
// with the case's journal, in the order cases end (Contiguous) or first appear
// (Sorted). src may be gzip-compressed: Import recognizes gzip by its magic bytes. The
// first row is the header; a UTF-8 byte order mark before it is dropped. No row may
// exceed [MaxRowSize].
//
// Under the Contiguous rule Import holds one case at a time, so a log of any length
// streams; under Sorted it holds the whole log. Every Case is built afresh: fn may
// keep it.
//
// Rows that cannot be mapped are skipped and counted in the report, never dropped
// silently. Import fails with a [*LineError] (matching [itsm.ErrInvalid]) when the log
// is malformed, an [*itsm.ValidationError] when m or opts is invalid, the error fn
// returns (as is) when fn fails, and ctx's error when ctx ends. The report is never
// nil: after a failure it accounts for the rows read so far, counting those whose
// case was not yet built in Report.Pending.
func Import(ctx context.Context, src io.Reader, m *Mapping, opts Options, fn func(Case) error) (*Report, error) {
	rep := &Report{Pairs: map[Pair]int{}}
	if m == nil {
		return rep, &itsm.ValidationError{Field: "mapping", Problem: "is nil"}
	}
	rep.Mapping = m.Name
	if err := m.Validate(); err != nil {
		return rep, fmt.Errorf("eventlog: mapping %q: %w", truncate(m.Name), err)
	}
	if err := opts.Tenant.Validate(); err != nil {
		return rep, err
	}
	if opts.Actor == "" {
		opts.Actor = "eventlog"
	}
	in, err := decompress(src)
	if err != nil {
		return rep, err
	}
	lim := &rowLimit{r: in}
	cr := csv.NewReader(lim)
	if m.Comma != "" {
		cr.Comma = []rune(m.Comma)[0]
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return rep, &LineError{Line: 1, Problem: "the log is empty: no header row"}
	}
	if err != nil {
		return rep, readError(err, 0)
	}
	p, err := newPlan(m, header)
	if err != nil {
		return rep, err
	}
	im := &importer{
		p:    p,
		rep:  rep,
		fn:   fn,
		b:    &builder{p: p, tenant: opts.Tenant, actor: opts.Actor, trigger: opts.Trigger},
		seen: map[string]bool{},
	}
	line := 1
	for {
		if rep.Rows%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return rep, im.stop(err, 0)
			}
		}
		lim.n = 0
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, im.stop(readError(err, line), 0)
		}
		rep.Rows++
		line, _ = cr.FieldPos(0)
		if err := im.add(rec, line); err != nil {
			return rep, im.stop(err, 1) // add fails before it places the row
		}
	}
	if err := im.finish(ctx); err != nil {
		return rep, im.stop(err, 0)
	}
	return rep, nil
}

// bom is the UTF-8 byte order mark.
const bom = "\uFEFF"

// decompress returns src, or a gzip reader over it when it starts with gzip's magic
// bytes, past a byte order mark: the CSV reader must not see one, or it would take
// the quote of a quoted header for a stray one.
func decompress(src io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(src, 64<<10)
	magic, err := br.Peek(len(bom))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("eventlog: read the log: %w", err)
	}
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		if err := skipBOM(br); err != nil {
			return nil, fmt.Errorf("eventlog: read the log: %w", err)
		}
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, &LineError{Line: 1, Problem: "the log starts like gzip but is not a gzip stream", Err: err}
	}
	zbr := bufio.NewReader(zr)
	if err := skipBOM(zbr); err != nil {
		return nil, readError(err, 0)
	}
	return zbr, nil
}

// skipBOM drops a byte order mark at the start of r.
func skipBOM(r *bufio.Reader) error {
	head, err := r.Peek(len(bom))
	if string(head) == bom {
		_, err = r.Discard(len(bom))
		return err
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// errRowTooLong stops the CSV reader in a row longer than MaxRowSize.
var errRowTooLong = errors.New("row too long")

// rowLimit passes at most MaxRowSize bytes between two resets of n, which Import does
// before each row.
type rowLimit struct {
	r io.Reader
	n int
}

func (l *rowLimit) Read(p []byte) (int, error) {
	room := MaxRowSize - l.n
	if room <= 0 {
		return 0, errRowTooLong
	}
	if len(p) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

// readError turns a CSV reader's error, or a corrupt gzip stream's, into a
// *LineError, and wraps any other (I/O) error.
//
// lastLine is the line where the last row read starts (0 for none). A CSV error's line
// is where its row starts; the *csv.ParseError it wraps also names the line and column
// where the reader found the fault (for a quote left open, the end of the log).
func readError(err error, lastLine int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{Line: pe.StartLine, Problem: "malformed CSV", Err: pe}
	}
	if errors.Is(err, errRowTooLong) {
		row := fmt.Sprintf("the row starting after line %d", lastLine)
		if lastLine == 0 {
			row = "the header"
		}
		return &LineError{Line: lastLine + 1, Problem: fmt.Sprintf(
			"%s is longer than %d MiB (is a quote left open?)", row, MaxRowSize>>20)}
	}
	var corrupt flate.CorruptInputError
	if errors.As(err, &corrupt) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &LineError{Line: lastLine + 1, Problem: "corrupt gzip stream", Err: err}
	}
	return fmt.Errorf("eventlog: read the log after line %d: %w", lastLine, err)
}

// importer groups rows into cases and hands each finished case to fn.
type importer struct {
	p   *plan
	rep *Report
	fn  func(Case) error
	b   *builder
	// Contiguous: the current case, and the ids of the cases already finished.
	id      string
	started bool
	rows    []row
	free    [][]string // value buffers of finished cases
	seen    map[string]bool
	// Sorted: every case in the order of its first row.
	order []string
	cases map[string][]row
}

// add places one data row.
func (im *importer) add(rec []string, line int) error {
	id := rec[im.p.caseCol]
	if im.p.missing(id) {
		im.rep.skip(Missing, im.p.m.Case, line, id)
		return nil
	}
	if im.p.m.Order.Rule == Sorted {
		if im.cases == nil {
			im.cases = map[string][]row{}
		}
		rows, ok := im.cases[id]
		if !ok {
			im.order = append(im.order, id)
		}
		if r, ok := im.p.parseRow(rec, line, im.rep, nil); ok {
			rows = append(rows, r)
		}
		im.cases[id] = rows
		return nil
	}
	if !im.started || id != im.id {
		if im.seen[id] {
			return &LineError{Line: line, Problem: fmt.Sprintf(
				"case %q appears again after other cases: under the %q rule a case's rows must be contiguous (use %q)",
				truncate(id), Contiguous, Sorted)}
		}
		if err := im.flush(); err != nil {
			return err
		}
		im.id, im.started = id, true
		im.seen[id] = true
	}
	if r, ok := im.p.parseRow(rec, line, im.rep, im.spare()); ok {
		im.rows = append(im.rows, r)
	}
	return nil
}

// flush hands the current case to fn, then keeps its rows' value buffers for the next
// case: a Case holds none of them, and reusing them halves what an import allocates.
func (im *importer) flush() error {
	if !im.started {
		return nil
	}
	err := im.emit(im.id, im.rows)
	for i := range im.rows {
		if v := im.rows[i].values; v != nil {
			im.free = append(im.free, v[:cap(v)])
		}
	}
	clear(im.rows)
	im.rows = im.rows[:0]
	return err
}

// spare returns a value buffer of a finished case, or nil.
func (im *importer) spare() []string {
	n := len(im.free)
	if n == 0 {
		return nil
	}
	buf := im.free[n-1]
	im.free = im.free[:n-1]
	return buf
}

func (im *importer) emit(id string, rows []row) error {
	c, ok := im.b.build(id, rows, im.rep)
	if !ok {
		im.rep.EmptyCases++
		return nil
	}
	im.rep.Cases++
	return im.fn(c)
}

// finish emits what is still held: the last case, or every case of a sorted log.
func (im *importer) finish(ctx context.Context) error {
	if im.p.m.Order.Rule != Sorted {
		return im.flush()
	}
	for i, id := range im.order {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rows := im.cases[id]
		delete(im.cases, id) // emitted, even when fn fails: the report counts its rows
		if err := im.emit(id, rows); err != nil {
			return err
		}
	}
	return nil
}

// stop sets Report.Pending for an import that fails with err, and returns err. The
// rows of the cases still held are pending, but for the skipped ones (the report
// counts them already); inFlight is 1 when the failure came while placing a row.
func (im *importer) stop(err error, inFlight int) error {
	n := inFlight
	count := func(rows []row) {
		for i := range rows {
			if !rows[i].skipped {
				n++
			}
		}
	}
	count(im.rows)
	for _, rows := range im.cases {
		count(rows)
	}
	im.rep.Pending = n
	return err
}
