package incident

import (
	"context"
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
// once. number becomes the incident's Number: imported logs name their cases in their
// own way; "" keeps the number the journal carries (journals this package wrote carry
// it). A journal that does not fold, or leaves the incident without a number, returns
// [itsm.ErrInvalid] and is not queued.
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

// Flush writes the queued records in one transaction. Call it after the last Add. On
// error nothing of the batch is stored and the batch stays queued, so Flush may be
// retried.
func (l *Loader) Flush(ctx context.Context) error {
	if len(l.pending) == 0 {
		return nil
	}
	if err := l.repo.CreateBatch(ctx, l.pending); err != nil {
		return fmt.Errorf("incident: load batch of %d: %w", len(l.pending), err)
	}
	l.loaded += len(l.pending)
	clear(l.pending)
	l.pending = l.pending[:0]
	return nil
}

// Loaded returns how many records were written so far.
func (l *Loader) Loaded() int { return l.loaded }
