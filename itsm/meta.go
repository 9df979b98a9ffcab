package itsm

import "time"

// Meta is embedded in every record. Storage adapters own Version, CreatedAt and
// UpdatedAt; services set ID, Tenant and Number when a record is opened.
type Meta struct {
	// ID is the record's immutable identity.
	ID ID `json:"id"`
	// Tenant owns the record; it never changes.
	Tenant Tenant `json:"tenant"`
	// Number is the human-readable reference, unique per tenant and kind, such as
	// INC0000042.
	Number string `json:"number"`
	// Version counts the record's writes: 1 after creation, +1 per update. An update
	// names the version it read; a stale one fails with [ErrConflict].
	Version int64 `json:"version"`
	// CreatedAt and UpdatedAt are read from the service's [Clock], in UTC.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Kind names a type of record: it prefixes numbers and labels journal entries.
type Kind string

// The record kinds of itsmkit's practices.
const (
	KindIncident    Kind = "incident"
	KindProblem     Kind = "problem"
	KindChange      Kind = "change"
	KindRequest     Kind = "request"
	KindImprovement Kind = "improvement"
)

// FormatNumber renders a per-tenant sequence value as a record number: a prefix and
// seven digits, as ServiceNow does (INC0000042). Sequences past 9,999,999 widen. The
// sequences repositories return start at 1; a negative one, which only a faulty
// repository returns, keeps its sign after the prefix (INC-0000001), so that it
// cannot pass for the number of a positive sequence.
func FormatNumber(prefix string, seq int64) string {
	b := make([]byte, 0, len(prefix)+20)
	b = append(b, prefix...)
	v := uint64(seq)
	if seq < 0 {
		b = append(b, '-')
		v = -v // the magnitude, also of math.MinInt64
	}
	var tmp [20]byte
	n := len(tmp)
	for ; v > 0 || n > len(tmp)-7; v /= 10 {
		n--
		tmp[n] = '0' + byte(v%10)
	}
	return string(append(b, tmp[n:]...))
}
