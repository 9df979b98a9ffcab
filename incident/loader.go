package incident

import (
	"context"
	"errors"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// DefaultBatchSize is how many records a Loader writes per transaction by default.
const DefaultBatchSize = 500

// Loader loads whole journals, such as those imported from a real event log, into a
// repository as incidents, many per transaction. Each journal is folded into its
// record (see Fold), so what is stored is exactly what the journal says. A Loader is
// not safe for concurrent use.
type Loader struct {
	repo    BatchRepository
	size    int
	pending []Record
	loaded  int
}

// NewLoader returns a loader writing batchSize records per transaction (0 means
// DefaultBatchSize). It fails with [itsm.ErrInvalid] when repo cannot write batches.
func NewLoader(repo Repository, batchSize int) (*Loader, error) {
	batch, ok := repo.(BatchRepository)
	if !ok {
		return nil, &itsm.ValidationError{Field: "repo", Problem: fmt.Sprintf("%T cannot import whole journals (no CreateBatch)", repo)}
	}
	if batchSize < 0 {
		return nil, &itsm.ValidationError{Field: "batch_size", Problem: "is negative"}
	}
	if batchSize == 0 {
		batchSize = DefaultBatchSize
	}
	return &Loader{repo: batch, size: batchSize, pending: make([]Record, 0, batchSize)}, nil
}

// Add folds journal into its incident and queues both; a full batch is written at
// once, and Add then returns what Flush returns. number becomes the incident's
// Number: imported logs name their cases in their own way; "" keeps the number the
// journal carries (journals this package wrote carry it). A journal that does not
// fold, or leaves the incident without a number, returns [itsm.ErrInvalid] and is not
// queued.
func (l *Loader) Add(ctx context.Context, number string, journal []itsm.Event) error {
	inc, err := Fold(journal)
	if err != nil {
		return err
	}
	if number != "" {
		inc.Number = number
	}
	if inc.Number == "" {
		return &itsm.ValidationError{Field: "number", Problem: "the journal names no number and none was given"}
	}
	l.pending = append(l.pending, Record{Incident: inc, Journal: journal})
	if len(l.pending) >= l.size {
		return l.Flush(ctx)
	}
	return nil
}

// Flush writes the queued records in one transaction. Call it after the last Add.
//
// When the repository refuses a record as it is ([itsm.ErrInvalid] or
// [itsm.ErrAlreadyExists]), one bad record must not cost the batch: Flush writes the
// batch's records one per transaction instead, stores every record the repository
// accepts, drops the refused ones, and returns a [*RefusedError] naming each of them.
// On any other error (the store is down, ctx is done) the records not yet stored stay
// queued, so Flush may be retried; the records the repository refused before that
// error are reported with it (errors.Join of the error and a [*RefusedError]). A batch
// refused as a whole whose records are each accepted alone returns nil.
func (l *Loader) Flush(ctx context.Context) error {
	if len(l.pending) == 0 {
		return nil
	}
	err := l.repo.CreateBatch(ctx, l.pending)
	if err == nil {
		l.loaded += len(l.pending)
		l.dropPending(len(l.pending))
		return nil
	}
	if !refused(err) {
		return fmt.Errorf("incident: load batch of %d: %w", len(l.pending), err)
	}
	var refusals []Refusal
	for len(l.pending) > 0 {
		rec := l.pending[0]
		switch err := l.repo.CreateBatch(ctx, l.pending[:1]); {
		case err == nil:
			l.loaded++
		case refused(err):
			refusals = append(refusals, Refusal{Number: rec.Incident.Number, Err: err})
		default:
			// The refusals so far are reported now: their records left the queue.
			failed := fmt.Errorf("incident: load %s: %w", rec.Incident.Number, err)
			if len(refusals) > 0 {
				return errors.Join(failed, &RefusedError{Refused: refusals})
			}
			return failed
		}
		l.dropPending(1)
	}
	if len(refusals) == 0 { // refused together, every record was stored alone
		return nil
	}
	return &RefusedError{Refused: refusals}
}

// refused reports whether err refuses a record as it is, rather than the store failing.
func refused(err error) bool {
	return errors.Is(err, itsm.ErrInvalid) || errors.Is(err, itsm.ErrAlreadyExists)
}

// dropPending removes the first n queued records.
func (l *Loader) dropPending(n int) {
	rest := copy(l.pending, l.pending[n:])
	clear(l.pending[rest:])
	l.pending = l.pending[:rest]
}

// RefusedError is returned by [Loader.Flush] (and by [Loader.Add] when it flushes)
// when the repository refused some records of a batch as they are: every other
// record of the batch is stored, the refused ones are dropped. It matches the
// sentinels of its refusals with errors.Is ([itsm.ErrInvalid],
// [itsm.ErrAlreadyExists]).
type RefusedError struct {
	Refused []Refusal
}

// Refusal is one record the repository refused, and why.
type Refusal struct {
	// Number is the refused incident's number: the case ID of an imported log.
	Number string
	// Err is the repository's error.
	Err error
}

// Error says how many records were refused, and why the first one was.
func (e *RefusedError) Error() string {
	switch len(e.Refused) {
	case 0:
		return "incident: load: no record refused"
	case 1:
		return fmt.Sprintf("incident: load: %s refused: %v", e.Refused[0].Number, e.Refused[0].Err)
	}
	return fmt.Sprintf("incident: load: %d records refused, the first %s: %v", len(e.Refused), e.Refused[0].Number, e.Refused[0].Err)
}

// Unwrap returns the refusals' errors.
func (e *RefusedError) Unwrap() []error {
	errs := make([]error, len(e.Refused))
	for i, r := range e.Refused {
		errs[i] = r.Err
	}
	return errs
}

// Loaded returns how many records were written so far.
func (l *Loader) Loaded() int { return l.loaded }
