package eventlog

import (
	"crypto/sha256"
	"encoding/binary"
	"time"

	"github.com/itsmkit/itsmkit/itsm"
)

// idHasher derives deterministic IDs shaped like UUIDv7s: the first 48 bits are the
// Unix millisecond of a time (so the IDs sort by time like itsm.NewID's) and the 74
// free bits come from a SHA-256 of the parts that name the thing. Importing the same
// log twice gives the same IDs, so a replay into a store is idempotent. Times before
// 1970 clamp to 0. It reuses one buffer, so it allocates nothing.
type idHasher struct{ buf []byte }

func (h *idHasher) id(at time.Time, parts ...[]byte) itsm.ID {
	h.buf = h.buf[:0]
	for _, p := range parts {
		h.buf = binary.BigEndian.AppendUint64(h.buf, uint64(len(p)))
		h.buf = append(h.buf, p...)
	}
	sum := sha256.Sum256(h.buf)
	var id, ms [16]byte
	binary.BigEndian.PutUint64(ms[:8], uint64(max(at.UnixMilli(), 0)))
	copy(id[:6], ms[2:8])
	copy(id[6:], sum[:10])
	id[6] = 0x70 | id[6]&0x0f // version 7
	id[8] = 0x80 | id[8]&0x3f // RFC 9562 variant
	return itsm.ID(id)
}

// entityID derives the ID of the record a case becomes.
func (h *idHasher) entityID(created time.Time, tenant itsm.Tenant, kind itsm.Kind, caseID string) itsm.ID {
	return h.id(created, []byte("entity"), []byte(tenant), []byte(kind), []byte(caseID))
}

// eventID derives the ID of a record's event from the record's ID and the version.
func (h *idHasher) eventID(at time.Time, entity itsm.ID, version int64) itsm.ID {
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(version))
	return h.id(at, []byte("event"), entity[:], v[:])
}
