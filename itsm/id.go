package itsm

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// ID identifies a record or an event. IDs are UUID version 7: they begin with a
// millisecond timestamp, so IDs created later sort later and keep B-tree indexes
// compact. The zero ID is invalid: it means "no record".
type ID uuid.UUID

// NewID returns a new, time-ordered ID. IDs from one process strictly increase, even
// within a millisecond or when the wall clock steps back.
func NewID() ID {
	ids.Lock()
	stamp := max(v7Stamp(time.Now()), ids.last+1)
	ids.last = stamp
	ids.Unlock()
	return newV7(stamp)
}

// NewIDAt returns a new ID whose timestamp is t, for records and events stamped with
// a time of their own (a service's clock, an imported log). IDs at later times sort
// later; two made within the same 1/4096 millisecond sort in no particular order.
// The timestamp field spans 1970 to the year 10889: times before 1970 stamp as its
// first instant, and times past its last millisecond (10889-08-02 05:31:50.655 UTC)
// as the end of that millisecond, so an ID at a later time never sorts earlier,
// though two outside the span sort in no particular order.
func NewIDAt(t time.Time) ID { return newV7(v7Stamp(t)) }

// ids keeps the last timestamp NewID used. The counter is process-wide because the
// ordering NewID promises is.
var ids struct {
	sync.Mutex
	last int64
}

// v7Stamp packs t as UUIDv7's 60 timestamp bits (RFC 9562 §6.2, method 3): Unix
// milliseconds, then the fraction of the millisecond in 12 bits. Times before 1970,
// the zero time included, stamp as 1970; times past the 48 bits of milliseconds
// stamp as the last fraction of the last millisecond, rather than wrap around.
func v7Stamp(t time.Time) int64 {
	if t.Before(time.Unix(0, 0)) {
		return 0
	}
	if !t.Before(time.UnixMilli(maxMilli + 1)) {
		return maxMilli<<12 | 0xfff
	}
	frac := int64(t.Nanosecond() % 1e6)
	return t.UnixMilli()<<12 | frac*4096/1e6
}

// maxMilli is the last Unix millisecond a UUIDv7 holds, in the year 10889.
const maxMilli = 1<<48 - 1

// newV7 lays out a UUIDv7 with the given timestamp bits and 62 random bits.
func newV7(stamp int64) ID {
	var id ID
	ms, frac := uint64(stamp>>12), uint64(stamp&0xfff)
	binary.BigEndian.PutUint64(id[:8], ms<<16|0x7000|frac) // 48 bits of ms, version 7, 12 bits of fraction
	// crypto/rand.Read never fails (Go 1.24): on a broken random source it crashes.
	_, _ = rand.Read(id[8:])
	id[8] = id[8]&0x3f | 0x80 // RFC 9562 variant
	return id
}

// ParseID parses an ID written in one of the spellings RFC 9562 and common systems
// use, with hexadecimal digits in either case:
//
//   - the canonical 36-character form, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, which
//     [ID.String] returns;
//   - the URN, urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx;
//   - the canonical form in braces, {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx};
//   - the 32 hexadecimal digits without hyphens.
//
// Any UUID version is accepted, so that IDs from other systems (often version 4)
// can be imported; only IDs from [NewID] and [NewIDAt] sort by time. Anything else,
// the empty string and the zero UUID included, returns a [*ValidationError] that
// matches [ErrInvalid].
func ParseID(s string) (ID, error) {
	u, err := uuid.Parse(s)
	// uuid.Parse takes any first and last character of a 38-character string for
	// braces; only braces are a spelling.
	if err != nil || len(s) == 38 && (s[0] != '{' || s[37] != '}') {
		return ID{}, &ValidationError{Field: "id", Problem: fmt.Sprintf("%q is not a UUID", truncate(s, 64))}
	}
	if u == uuid.Nil {
		return ID{}, &ValidationError{Field: "id", Problem: "the zero UUID is not an ID"}
	}
	return ID(u), nil
}

// MustParseID is ParseID for constants in tests and examples; it panics on error.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// IsZero reports whether id is the zero (invalid) ID.
func (id ID) IsZero() bool { return id == ID{} }

// String returns the canonical form, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.
func (id ID) String() string { return uuid.UUID(id).String() }

// MarshalText implements encoding.TextMarshaler; the zero ID encodes as "".
func (id ID) MarshalText() ([]byte, error) {
	if id.IsZero() {
		return []byte{}, nil
	}
	return []byte(id.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; "" decodes to the zero ID.
func (id *ID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = ID{}
		return nil
	}
	parsed, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = parsed
	return nil
}

// truncate shortens s for inclusion in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Compare returns -1, 0 or +1 as id sorts before, equal to or after other. The order
// is the order of the canonical strings, and for IDs from NewID the creation order.
func (id ID) Compare(other ID) int { return bytes.Compare(id[:], other[:]) }
