package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/itsmkit/itsmkit/itsm"
)

// The journal is one table for the events of every record kind. Its seq column is a
// global, increasing sequence (the store's Event.Seq) for readers that follow the
// feed; (tenant, kind, entity_id, version, idx) is unique.

// checkEvents refuses entries the journal cannot hold as given, naming the field
// events[i].name.
func (d *dialect) checkEvents(events []itsm.Event) error {
	for i := range events {
		if err := d.checkEvent(&events[i]); err != nil {
			var ve *itsm.ValidationError
			if errors.As(err, &ve) { // always: the checks return nothing else
				ve.Field = fmt.Sprintf("events[%d].%s", i, ve.Field)
			}
			return err
		}
	}
	return nil
}

// checkEvent checks one entry, naming its fields alone; checkEvents adds the entry's
// index, so that a valid entry costs no formatting.
func (d *dialect) checkEvent(e *itsm.Event) error {
	if err := d.checkTime("at", e.At, false); err != nil {
		return err
	}
	if err := d.checkTexts("type", string(e.Type), "actor", e.Actor, "from", e.From,
		"to", e.To, "trigger", e.Trigger, "reason", e.Reason); err != nil {
		return err
	}
	if len(e.Data) > 0 && !json.Valid(e.Data) {
		return &itsm.ValidationError{Field: "data", Problem: "is not valid JSON"}
	}
	return nil
}

// eventArgs returns e's values in journalColumns order.
func (d *dialect) eventArgs(e *itsm.Event) []any {
	return []any{
		string(e.Tenant), string(e.Kind), d.idArg(e.EntityID), e.Version, int64(e.Index), d.idArg(e.ID),
		string(e.Type), e.Actor, d.timeArg(e.At), e.From, e.To, e.Trigger, e.Reason, nullString(string(e.Data)),
	}
}

// journal inserts events inside a transaction and returns their sequence numbers.
func (s *Store) journal(ctx context.Context, run runner, events []itsm.Event) ([]int64, error) {
	seqs := make([]int64, len(events))
	for i := range events {
		args := s.d.eventArgs(&events[i])
		if s.d.returning {
			if err := run.queryRow(ctx, s.q.insertEvent, args...).Scan(&seqs[i]); err != nil {
				return nil, fmt.Errorf("journal entry %d: %w", i, err)
			}
			continue
		}
		res, err := run.exec(ctx, s.q.insertEvent, args...)
		if err == nil {
			seqs[i], err = res.LastInsertId()
		}
		if err != nil {
			return nil, fmt.Errorf("journal entry %d: %w", i, err)
		}
	}
	return seqs, nil
}

// writeOne runs a one-statement write (see dialect.oneStatement): the record's
// statement with args, then the journal inserts of events, built for len(events) by
// build unless prebuilt. It returns the entries' sequence numbers, or sql.ErrNoRows
// when the record's statement matched no row.
func (s *Store) writeOne(ctx context.Context, prebuilt []string, build func(n int) string, args []any, events []itsm.Event) ([]int64, error) {
	n := len(events)
	query := ""
	if n < len(prebuilt) {
		query = prebuilt[n]
	} else {
		query = build(n)
	}
	for i := range events {
		args = append(args, s.d.eventArgs(&events[i])...)
	}
	seqs := make([]int64, max(n, 1)) // with no events the statement returns the constant 1
	dest := make([]any, len(seqs))
	for i := range seqs {
		dest[i] = &seqs[i]
	}
	if err := s.writer().queryRow(ctx, query, args...).Scan(dest...); err != nil {
		return nil, err
	}
	return seqs[:n], nil
}

// setSeqs gives committed events their sequence numbers.
func setSeqs(events []itsm.Event, seqs []int64) {
	for i := range events {
		events[i].Seq = seqs[i]
	}
}

// events reads one record's journal in (version, index) order.
func (s *Store) events(ctx context.Context, run runner, tenant itsm.Tenant, kind itsm.Kind, id itsm.ID) ([]itsm.Event, error) {
	var out []itsm.Event
	err := run.query(ctx, s.q.events, true, []any{string(tenant), string(kind), s.d.idArg(id)}, func(rows *sql.Rows) error {
		e := itsm.Event{Tenant: tenant, Kind: kind, EntityID: id}
		var (
			idx       int64
			typ, data = "", []byte(nil)
		)
		if err := rows.Scan(&e.Seq, idColumn{&e.ID}, &e.Version, &idx, &typ, &e.Actor, timeColumn{&e.At},
			&e.From, &e.To, &e.Trigger, &e.Reason, nullBytes{&data}); err != nil {
			return err
		}
		e.Index, e.Type, e.Data = int(idx), itsm.EventType(typ), data
		out = append(out, e)
		return nil
	})
	return out, err
}

// nextNumberAttempts bounds the retries of a number-sequence upsert that lost to a
// concurrent transaction (InnoDB may report a deadlock between two first upserts of
// the same key). Nothing was written when it fails, so retrying is safe.
const nextNumberAttempts = 3

// nextNumber increments the tenant's sequence for kind and returns the new value.
func (s *Store) nextNumber(ctx context.Context, tenant itsm.Tenant, kind itsm.Kind) (int64, error) {
	run := s.writer()
	if err := s.ready(ctx, run); err != nil {
		return 0, err
	}
	for attempt := 1; ; attempt++ {
		n, err := s.upsertNumber(ctx, run, tenant, kind)
		if err == nil {
			return n, nil
		}
		if s.tx != nil || attempt == nextNumberAttempts || !itsm.IsRetryable(err) {
			return 0, fmt.Errorf("sqlstore: next %s number of tenant %q: %w", kind, tenant, err)
		}
	}
}

func (s *Store) upsertNumber(ctx context.Context, run runner, tenant itsm.Tenant, kind itsm.Kind) (int64, error) {
	var n int64
	if s.d.returning {
		err := run.queryRow(ctx, s.q.nextNumber, string(tenant), string(kind)).Scan(&n)
		return n, err
	}
	res, err := run.exec(ctx, s.q.nextNumber, string(tenant), string(kind))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
