package memory

import (
	"encoding/json"
	"slices"

	"github.com/itsmkit/itsmkit/itsm"
)

// journal is the store's event log: every stored event, in sequence order.
//
// Events live in blocks that are filled up and never reallocated, and their Data in
// shared byte blocks, so appending an entry allocates nothing but, now and then, a
// new block. A record's row lists its entries as pointers into the blocks. The
// retained journal is what a long simulation keeps forever, so it is laid out for
// the garbage collector as much as for the appender.
type journal struct {
	seq   int64        // sequence number of the last event appended
	block []itsm.Event // the block being filled
	data  []byte       // the Data block being filled
}

const (
	firstEventBlock = 16
	maxEventBlock   = 1024
	firstDataBlock  = 4 << 10
	maxDataBlock    = 64 << 10
	// entriesPerRecord is the room a new record's entry list starts with: an incident
	// worked from open to close needs six.
	entriesPerRecord = 8
)

// mark is a journal position that rollback returns to.
type mark struct {
	seq   int64
	block []itsm.Event
	data  []byte
}

func (j *journal) mark() mark { return mark{j.seq, j.block, j.data} }

// rollback forgets every entry appended since m; later appends overwrite them. The
// caller drops the rows that listed them.
func (j *journal) rollback(m mark) { j.seq, j.block, j.data = m.seq, m.block, m.data }

// append stores copies of events, assigning each the next sequence number on the
// stored copy and on the caller's event alike, and returns entries with the stored
// copies appended.
func (j *journal) append(entries []*itsm.Event, events []itsm.Event) []*itsm.Event {
	if entries == nil {
		entries = make([]*itsm.Event, 0, max(entriesPerRecord, len(events)))
	}
	for i := range events {
		j.seq++
		events[i].Seq = j.seq
		if len(j.block) == cap(j.block) {
			j.block = make([]itsm.Event, 0, min(maxEventBlock, max(firstEventBlock, 2*cap(j.block))))
		}
		j.block = append(j.block, events[i])
		e := &j.block[len(j.block)-1]
		e.At = e.At.UTC()
		e.Data = j.copyData(e.Data)
		entries = append(entries, e)
	}
	return entries
}

// copyData copies d into the Data block. The copy's capacity ends where it does, so
// an append to it cannot reach the next event's Data.
func (j *journal) copyData(d json.RawMessage) json.RawMessage {
	if len(d) == 0 || len(d) > maxDataBlock/4 {
		return slices.Clone(d) // nil stays nil; a large value gets its own array
	}
	if cap(j.data)-len(j.data) < len(d) {
		j.data = make([]byte, 0, min(maxDataBlock, max(firstDataBlock, 2*cap(j.data))))
	}
	start := len(j.data)
	j.data = append(j.data, d...)
	return j.data[start:len(j.data):len(j.data)]
}

// copyEntries returns copies of the stored entries.
func copyEntries(stored []*itsm.Event) []itsm.Event {
	out := make([]itsm.Event, len(stored))
	for i, e := range stored {
		out[i] = *e
		out[i].Data = slices.Clone(e.Data)
	}
	return out
}
