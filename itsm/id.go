package itsm

import (
	"bytes"
	"fmt"

	"github.com/google/uuid"
)

// ID identifies a record or an event. IDs are UUID version 7: they begin with a
// millisecond timestamp, so IDs created later sort later and keep B-tree indexes
// compact. The zero ID is invalid: it means "no record".
type ID uuid.UUID

// NewID returns a new, time-ordered ID.
func NewID() ID {
	// uuid.NewV7 fails only when the system's random source fails, which the Go
	// runtime treats as fatal since Go 1.24; a panic here is never reached in practice.
	return ID(uuid.Must(uuid.NewV7()))
}

// ParseID parses the canonical 36-character form (and the other forms uuid.Parse
// accepts). An empty or malformed string, or the zero UUID, returns a
// [*ValidationError] that matches [ErrInvalid].
func ParseID(s string) (ID, error) {
	u, err := uuid.Parse(s)
	if err != nil {
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
